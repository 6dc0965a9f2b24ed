// Package reminders is the expiry scan: it finds the reminders that are due
// through the due index (documents expiring, appointments coming up),
// decides each exactly once, tells the owner in the cabinet and on the
// channels they enabled, and moves each document or booking to its next
// step. Nothing here knows about AWS; shared/store and shared/notify are
// its adapters.
package reminders

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/booking"
	"github.com/kabinet/kabinet/shared/directory"
	"github.com/kabinet/kabinet/shared/inbox"
	"github.com/kabinet/kabinet/shared/notify"
	"github.com/kabinet/kabinet/shared/registry"
)

// Decision records that one step of one document's (or booking's)
// reminders is being (or has been) sent. Its key makes a second run, or a
// concurrent one, find the decision instead of sending again; its lease lets
// a later run take over a decision whose run died; SentChannels lets a retry
// skip the channels that already went out.
type Decision struct {
	Owner string
	DocID string // the document's id, or the booking's
	// Key is "<expiresOn>#<step key>" for a document, so a renewed document
	// has new keys; "<start RFC 3339 UTC>#<step kind>" for a booking, so a
	// rescheduled one has new keys too.
	Key          string
	Status       string // DecisionPending or DecisionSent
	LeaseUntil   time.Time
	SentChannels []string
}

// Decision states.
const (
	DecisionPending = "pending"
	DecisionSent    = "sent"
)

// Kinds of item in the due index (Ref.Kind).
const (
	KindDocument = "document"
	KindBooking  = "booking"
)

// Due is one item of the due index: a document or a booking, exactly one
// of them set.
type Due struct {
	Document *registry.Document
	Booking  *booking.Booking
}

// Ref names the item a Due is, for Advance.
func (d Due) Ref() Ref {
	if d.Booking != nil {
		return Ref{Kind: KindBooking, Owner: d.Booking.Owner, ID: d.Booking.ID}
	}
	return Ref{Kind: KindDocument, Owner: d.Document.Owner, ID: d.Document.ID}
}

// Reminder is the reminder state the item was read with.
func (d Due) Reminder() registry.Reminder {
	if d.Booking != nil {
		return d.Booking.Reminder
	}
	return d.Document.Reminder
}

// Ref addresses a document or a booking of one owner.
type Ref struct {
	Kind  string // KindDocument or KindBooking
	Owner string
	ID    string
}

// Store is what the scan needs from storage.
type Store interface {
	// DueItems returns up to limit items of one due-index shard whose next
	// reminder is at or before now, continuing after cursor ("" first),
	// with the cursor to continue from ("" at the end) and how many index
	// items were read. Errors: Unavailable, Internal.
	DueItems(ctx context.Context, shard int, now time.Time, limit int, cursor string) ([]Due, string, int, error)
	// GetProfile returns the owner's profile (zero Version when none).
	GetProfile(ctx context.Context, owner string) (registry.Profile, error)
	// Claim creates the decision, or takes over a pending one whose lease
	// ended before now. claimed is false when another run holds it or it
	// was sent; current is the stored decision either way.
	Claim(ctx context.Context, d Decision, now time.Time) (current Decision, claimed bool, err error)
	// Complete marks the decision sent and writes the inbox notification and
	// the history entry (none when ev is the zero Event, as for a booking),
	// in one transaction.
	Complete(ctx context.Context, d Decision, n inbox.Notification, ev registry.Event) error
	// Release ends the lease of a decision that could not be sent in full,
	// recording the channels that did go out, so the next run retries the rest.
	Release(ctx context.Context, d Decision) error
	// Advance stores the new reminder state of the document or booking ref
	// if its next reminder is still at `read` (nil: none); otherwise someone
	// changed it and its own schedule stands.
	// Errors: Conflict (changed), Unavailable, Internal.
	Advance(ctx context.Context, ref Ref, read *time.Time, next registry.Reminder) error
}

// Places finds the institution and specialist of a booking, for the
// reminder's text; *directory.Cache is one.
type Places interface {
	Institution(ctx context.Context, id string) (directory.Institution, error)
	Specialist(ctx context.Context, id string) (directory.Specialist, error)
}

var _ Places = (*directory.Cache)(nil)

// Publisher sends messages and reports the ids of those it could not send.
type Publisher interface {
	Publish(ctx context.Context, msgs []notify.Message) map[string]error
}
