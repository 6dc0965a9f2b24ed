// Package audit is the record of every state change made through the API:
// who, which route on which object, the outcome, and the request id that
// ties it to the logs. The HTTP layer opens an entry for each changing
// request (Pending, carried in the request's context) with the status its
// success answers; the store writes it in the same transaction as the
// request's first write, so no change is stored without its entry, and the
// entry is final then; the HTTP layer completes it afterwards only when the
// answer was another. The store keeps it where no route can read, change or
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
	Actor string
	Route string // the route pattern, e.g. "PATCH /documents/{id}"
	Path  string // the path with its ids
	// Status is the status answered: opened as the route's success status,
	// which the entry written with the change carries; corrected when the
	// answer differs.
	Status    int
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
	// FinishAudit completes p with status once the request answered: the
	// entry its first write carried gets the status (called only when it
	// differs from the one it was opened with), and a request none of
	// whose writes carried it (none of them went through the store's
	// audited writes) gets its entry now. Errors: Unavailable, Internal.
	FinishAudit(ctx context.Context, p *Pending, status int) error
}
