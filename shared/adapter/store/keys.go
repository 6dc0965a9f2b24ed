package store

import (
	"strings"

	"github.com/kabinet/kabinet/shared/domain/verify"
)

// The single-table layout. Every item of a person sits under USER#<sub>; sort
// key prefixes never nest, so a DOC# query returns only documents:
//
//	pk              sk                          item
//	USER#<sub>      PROFILE                     profile
//	USER#<sub>      DOC#<docId>                 document
//	USER#<sub>      HIST#<docId>#<eventId>      one history entry of a document
//	USER#<sub>      IDEM#<scope>#<key>          an Idempotency-Key claim (TTL expiresAt)
//	USER#<sub>      NOTIF#<notificationId>      a notification in the cabinet's inbox
//	USER#<sub>      REMIND#<docId>#<expiresOn>#<step>  the decision to send one reminder step (TTL expiresAt)
//	USER#<sub>      REMIND#<bookingId>#<start>#<step>  the same for a booking's reminder
//	USER#<sub>      EVENT#<eventId>             an agency event applied to this person (ingeststore), kept
//	USER#<sub>      CAP#<name>#<date>           a daily counter of costly actions, n (dailycap.go, TTL expiresAt)
//	USER#<sub>      CONSENT#<consentId>         a consent for an organisation to see documents (orgstore);
//	                                            gsi1pk = ORG#<orgId>, gsi1sk = <sub>#<consentId>
//	USER#<sub>      CONSENTORG#<orgId>          guards one consent per person and organisation
//	USER#<sub>      APP#<applicationId>         an application with its timeline (appstore); once
//	                                            submitted gsi1pk = AGENCY#<agency>#<status>,
//	                                            gsi1sk = <submittedAt>#<applicationId> (the agency's queue)
//	APPLICATION#<id> REF                        owner of an application, for staff
//	RECEIPT#<year>#<n> COUNTER                  shard n of the year's receipt number sequence (ADD seq; 32 of them)
//	CONTACT#<hash>  CONTACT                     who shares one phone or e-mail address (contacts.go);
//	                                            hash = hex(sha256(channel ":" endpoint))
//
// A document or booking (BOOK#, see booking_items.go) with a reminder due also
// carries duePk = DUE#<0..15> and nextRemindAt, its keys in the sparse due
// index; its kind attribute tells the scan which it is.
//
// This package (the core every domain's store embeds) owns USER#, PROFILE,
// IDEM#, REMIND#'s key, AUDIT#, CAP# and CONTACT#; each domain's package
// declares its own items' keys in one file: docstore/keys.go (DOC#, HIST#),
// bookingstore/booking_items.go (BOOK#, SPEC#, SLOT#, ...),
// appstore/applications.go (APP#, APPLICATION#, RECEIPT#),
// inboxstore/notifications.go (NOTIF#), orgstore/consents.go (CONSENT#),
// ingeststore/ingest.go (EVENT#), remindstore/reminders.go (the decision).
const (
	UserPrefix    = "USER#"
	idemPrefix    = "IDEM#"
	RemindPrefix  = "REMIND#"
	profileSK     = "PROFILE"
	kindProfile   = "profile"
	kindIdemClaim = "idempotency"
	contactPrefix = "CONTACT#"
	contactSK     = "CONTACT"
	kindContact   = "contact"
)

// UserPK is the partition of everything of person sub.
func UserPK(sub string) string { return UserPrefix + sub }

func idemSK(scope, key string) string { return idemPrefix + scope + "#" + key }

// DecisionSK is the key of the decision to send one reminder step of the
// document or booking docID (remindstore writes it; deleting a document
// removes its decisions with it).
func DecisionSK(docID, key string) string { return RemindPrefix + docID + "#" + key }

// TrimPrefix is strings.TrimPrefix, for reading ids back out of keys.
func TrimPrefix(s, prefix string) string { return strings.TrimPrefix(s, prefix) }

// contactPK is the key of the record of who shares one endpoint. It is a
// hash so the phone number or address, personal data, is not a key (keys
// show up in metrics, logs of throttled requests and backups' indexes); the
// profiles that hold the endpoint are the only place it is stored.
func contactPK(channel, endpoint string) string { return contactPrefix + verify.Tag(channel, endpoint) }

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
