package docstore

// A document and its history, under the person's partition:
//
//	pk              sk                          item
//	USER#<sub>      DOC#<docId>                 document (kind "document"; in the due index while a reminder is due)
//	USER#<sub>      HIST#<docId>#<eventId>      one history entry of a document
//
// A document's reminder decisions (store.DecisionSK) go when it goes.
const (
	docPrefix   = "DOC#"
	histPrefix  = "HIST#"
	kindHistory = "history"
	// KindDocument is a document item's kind attribute (the due index's
	// readers tell items apart by it).
	KindDocument = "document"
	// idemScopeDocuments is the scope of a document create's
	// Idempotency-Key.
	idemScopeDocuments = "documents"
)

// DocSK is the sort key of document id.
func DocSK(id string) string            { return docPrefix + id }
func histPrefixFor(docID string) string { return histPrefix + docID + "#" }
func histSK(docID, evID string) string  { return histPrefixFor(docID) + evID }

// HistoryPrefix is the sort key prefix of document id's history entries
// (handoverstore moves them with it).
func HistoryPrefix(id string) string { return histPrefixFor(id) }
