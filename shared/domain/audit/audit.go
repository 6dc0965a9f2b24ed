// Package audit is the record of every state change made through the API:
// who, which route on which object, the outcome, and the request id that
// ties it to the logs. The HTTP layer writes it; the store keeps it where no
// route can read, change or delete it.
package audit

import "context"

// Entry is one state change. It names objects by id only, never by their
// content: the audit trail holds no personal data beyond the actor's id.
type Entry struct {
	Actor     string
	Route     string // the route pattern, e.g. "PATCH /documents/{id}"
	Path      string // the path with its ids
	Status    int
	RequestID string
}

// Log keeps entries; it only ever adds.
type Log interface {
	RecordAudit(ctx context.Context, e Entry) error
}
