package store

import "strings"

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
//
// A document or booking (BOOK#, see booking.go) with a reminder due also
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
)

func userPK(sub string) string            { return userPrefix + sub }
func docSK(id string) string              { return docPrefix + id }
func histPrefixFor(docID string) string   { return histPrefix + docID + "#" }
func histSK(docID, evID string) string    { return histPrefixFor(docID) + evID }
func idemSK(scope, key string) string     { return idemPrefix + scope + "#" + key }
func decisionSK(docID, key string) string { return remindPrefix + docID + "#" + key }
func trimPrefix(s, prefix string) string  { return strings.TrimPrefix(s, prefix) }

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
