// Package audit is the record of every state change made through the API:
// who, which route on which object, the outcome, and the request id that
// ties it to the logs. The HTTP layer opens an entry for each changing
// request (Pending, carried in the request's context); the store writes it
// in the same transaction as the request's first write, so no change is
// stored without its entry; the HTTP layer then completes it with the
// status answered. The store keeps it where no route can read, change or
// delete it.
package audit

import (
	"context"
	"sync/atomic"
	"time"
)

// Entry is one state change. It names objects by id only, never by their
// content: the audit trail holds no personal data beyond the actor's id.
type Entry struct {
	Actor     string
	Route     string // the route pattern, e.g. "PATCH /documents/{id}"
	Path      string // the path with its ids
	Status    int    // 0 until the answer is known
	RequestID string
}

// Pending is the entry of a request under way: its key (At and ID) is fixed
// when the request starts, so every write of the request that carries it
// writes the same item.
type Pending struct {
	Entry
	ID      string
	At      time.Time
	written atomic.Bool
}

// MarkWritten records that a committed write carried the entry. The store
// calls it; later writes of the same request need not carry it again.
func (p *Pending) MarkWritten() { p.written.Store(true) }

// Written reports whether a committed write carried the entry.
func (p *Pending) Written() bool { return p.written.Load() }

type ctxKey struct{}

// With returns ctx carrying p, for the store's writes.
func With(ctx context.Context, p *Pending) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the pending entry ctx carries, nil when none (a read, the
// scan, ingest).
func From(ctx context.Context) *Pending {
	p, _ := ctx.Value(ctxKey{}).(*Pending)
	return p
}

// Log keeps entries; it only ever adds.
type Log interface {
	// OpenAudit starts the entry of a changing request: its time (the
	// log's clock) and id are fixed now.
	OpenAudit(e Entry) *Pending
	// FinishAudit completes p with status once the request succeeded: the
	// entry its first write carried gets the status, and a request none of
	// whose writes carried it (none of them went through the store's
	// audited writes) gets its entry now. Errors: Unavailable, Internal.
	FinishAudit(ctx context.Context, p *Pending, status int) error
}
