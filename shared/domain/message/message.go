// Package message is what the domain sends a person or an organisation: a
// Message on one channel, and the Publisher port that sends it. The domain
// decides the text and the attributes; an adapter (shared/adapter/notify,
// on SNS) delivers them.
package message

import "context"

// Attribute names a Message may carry. Subscriptions filter on AttrUserID
// and AttrChannel; the publisher sets AttrDedupeID itself and sends
// AttrDaysLeft as a number.
const (
	AttrUserID       = "userId"
	AttrChannel      = "channel"
	AttrKind         = "kind"
	AttrDocumentType = "documentType"
	AttrDaysLeft     = "daysLeft"
	AttrDedupeID     = "dedupeId"
	// AttrContact addresses a message to one phone or address by its tag
	// (verify.Tag) rather than to a person: verification codes, the only
	// messages a contact nobody has verified receives.
	AttrContact = "contact"
)

// Message is one notification for one recipient on one channel.
type Message struct {
	// ID is the dedupe id, unique per (reminder, channel). It keys
	// Publish's result and travels as the dedupeId attribute so consumers
	// can drop redeliveries.
	ID string
	// Subject is the e-mail subject; optional, ignored by SMS.
	Subject string
	// Body is the text the person receives. Required.
	Body string
	// Attributes are what subscriptions match: userId, channel
	// (sms|email|push), kind (document_expiring|document_expired|...),
	// documentType, daysLeft. At most 10 including dedupeId; no empty
	// values.
	Attributes map[string]string
}

// Publisher sends messages and reports, by Message.ID, those it could not
// send; an id missing from the result was sent.
type Publisher interface {
	Publish(ctx context.Context, msgs []Message) map[string]error
}
