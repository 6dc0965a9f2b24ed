package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
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
//	USER#<sub>      EVENT#<eventId>             an agency event applied to this person (ingest.go), kept
//	USER#<sub>      CAP#<name>#<date>           a daily counter of costly actions, n (dailycap.go, TTL expiresAt)
//	USER#<sub>      CONSENT#<consentId>         a consent for an organisation to see documents (consents.go);
//	                                            gsi1pk = ORG#<orgId>, gsi1sk = <sub>#<consentId>
//	USER#<sub>      CONSENTORG#<orgId>          guards one consent per person and organisation
//	USER#<sub>      APP#<applicationId>         an application with its timeline (applications.go); once
//	                                            submitted gsi1pk = AGENCY#<agency>#<status>,
//	                                            gsi1sk = <submittedAt>#<applicationId> (the agency's queue)
//	APPLICATION#<id> REF                        owner of an application, for staff
//	RECEIPT#<year>  COUNTER                     the year's receipt number sequence (ADD seq)
//	CONTACT#<hash>  CONTACT                     who shares one phone or e-mail address (contacts.go);
//	                                            hash = hex(sha256(channel ":" endpoint))
//
// A document or booking (BOOK#, see booking_items.go) with a reminder due also
// carries duePk = DUE#<0..15> and nextRemindAt, its keys in the sparse due
// index; its kind attribute tells the scan which it is.
const (
	userPrefix       = "USER#"
	docPrefix        = "DOC#"
	histPrefix       = "HIST#"
	idemPrefix       = "IDEM#"
	notifPrefix      = "NOTIF#"
	remindPrefix     = "REMIND#"
	profileSK        = "PROFILE"
	kindDocument     = "document"
	kindHistory      = "history"
	kindProfile      = "profile"
	kindIdemClaim    = "idempotency"
	kindNotification = "notification"
	kindDecision     = "reminder_decision"
	eventPrefix      = "EVENT#"
	kindEventClaim   = "event_claim"
	contactPrefix    = "CONTACT#"
	contactSK        = "CONTACT"
	kindContact      = "contact"
)

func userPK(sub string) string            { return userPrefix + sub }
func docSK(id string) string              { return docPrefix + id }
func histPrefixFor(docID string) string   { return histPrefix + docID + "#" }
func histSK(docID, evID string) string    { return histPrefixFor(docID) + evID }
func idemSK(scope, key string) string     { return idemPrefix + scope + "#" + key }
func decisionSK(docID, key string) string { return remindPrefix + docID + "#" + key }
func trimPrefix(s, prefix string) string  { return strings.TrimPrefix(s, prefix) }
func eventSK(eventID string) string       { return eventPrefix + eventID }

// contactPK is the key of the record of who shares one endpoint. It is a
// hash so the phone number or address, personal data, is not a key (keys
// show up in metrics, logs of throttled requests and backups' indexes); the
// profiles that hold the endpoint are the only place it is stored.
func contactPK(channel, endpoint string) string {
	h := sha256.Sum256([]byte(channel + ":" + endpoint))
	return contactPrefix + hex.EncodeToString(h[:])
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
