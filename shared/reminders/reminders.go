// Package reminders is the expiry scan: it finds the document reminders that
// are due through the due index, decides each exactly once, tells the owner
// in the cabinet and on the channels they enabled, and moves each document to
// its next step. Nothing here knows about AWS; shared/store and shared/notify
// are its adapters.
package reminders

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/inbox"
	"github.com/kabinet/kabinet/shared/notify"
	"github.com/kabinet/kabinet/shared/registry"
)

// Decision records that one step of one document's reminders is being (or
// has been) sent. Its key makes a second run, or a concurrent one, find the
// decision instead of sending again; its lease lets a later run take over a
// decision whose run died; SentChannels lets a retry skip the channels that
// already went out.
type Decision struct {
	Owner        string
	DocID        string
	Key          string // "<expiresOn>#<step key>": a renewed document has new keys
	Status       string // DecisionPending or DecisionSent
	LeaseUntil   time.Time
	SentChannels []string
}

// Decision states.
const (
	DecisionPending = "pending"
	DecisionSent    = "sent"
)

// Store is what the scan needs from storage.
type Store interface {
	// DueDocuments returns up to limit documents of one due-index shard whose
	// next reminder is at or before now, continuing after cursor ("" first),
	// with the cursor to continue from ("" at the end) and how many index
	// items were read. Errors: Unavailable, Internal.
	DueDocuments(ctx context.Context, shard int, now time.Time, limit int, cursor string) ([]registry.Document, string, int, error)
	// GetProfile returns the owner's profile (zero Version when none).
	GetProfile(ctx context.Context, owner string) (registry.Profile, error)
	// Claim creates the decision, or takes over a pending one whose lease
	// ended before now. claimed is false when another run holds it or it
	// was sent; current is the stored decision either way.
	Claim(ctx context.Context, d Decision, now time.Time) (current Decision, claimed bool, err error)
	// Complete marks the decision sent and writes the inbox notification and
	// the history entry, in one transaction.
	Complete(ctx context.Context, d Decision, n inbox.Notification, ev registry.Event) error
	// Release ends the lease of a decision that could not be sent in full,
	// recording the channels that did go out, so the next run retries the rest.
	Release(ctx context.Context, d Decision) error
	// Advance stores doc's new reminder state if its next reminder is still
	// at `read` (nil: none); otherwise someone changed the document and its
	// own schedule stands. Errors: Conflict (changed), Unavailable, Internal.
	Advance(ctx context.Context, owner, docID string, read *time.Time, next registry.Reminder) error
}

// Publisher sends messages and reports the ids of those it could not send.
type Publisher interface {
	Publish(ctx context.Context, msgs []notify.Message) map[string]error
}
