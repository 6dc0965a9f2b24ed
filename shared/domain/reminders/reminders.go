// Package reminders delivers what falls due: it finds the reminders that
// are due through the due index (documents expiring, appointments coming
// up, and the outbox's messages: confirmations, status messages), decides
// each exactly once, tells the owner in the cabinet and on the channels
// they enabled, and moves each document or booking to its next step.
// Nothing here knows about AWS; shared/adapter/store, shared/adapter/notify
// and shared/adapter/queue are its adapters.
//
// # The pipeline
//
// A Dispatcher, run every minute, only decides what work exists: for each
// priority Class and each shard of the due index it looks whether anything
// is due at the minute's instant and enqueues a Job for that shard on the
// class's queue. A Worker drains one Job: the items of its shard due at the
// job's instant, in due order, paced to the send rates, until it is done or
// its time is nearly up; then it enqueues the Job's continuation (its cursor)
// itself, so nothing due waits for the next minute.
//
// Time-critical messages (a booking's "tomorrow" and "in 2 hours", a status
// message waiting for its retry) are ClassUrgent: their own due-index
// partitions, their own queue and their own workers, so their lateness does
// not depend on how many document reminders are due. Document reminders are
// ClassDocument.
//
// # Who owns a shard
//
// One worker drains a shard at a time, and that is the queue's doing: the
// class queues are SQS FIFO queues whose message group is the shard, and
// SQS hands out a group's next message only once the one in flight is done.
// There is no lease item to write or to lose on a clock: a Job is a message,
// its continuation is the next message of its group, and the dispatcher's
// job for the next minute waits behind it instead of racing it through the
// same items. Items are still claimed one by one (a Decision, as before
// there was a pipeline), because nothing else makes "never sent twice" hold
// when SQS delivers a message twice (at-least-once), when a worker outlives
// its visibility timeout, or when a Scanner (the single loop, kept for
// /dev/expiry-scan's reference and the benchmark) runs beside the workers.
// The claims cost one conditional write per item, which the item's
// recording needs anyway; the group ordering saves the reads and the failed
// claims that two workers racing through one shard would spend.
package reminders

import (
	"context"
	"github.com/kabinet/kabinet/shared/domain/dueclass"
	"github.com/kabinet/kabinet/shared/domain/erasure"
	"time"

	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
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

// Kinds of item in the due index (Ref.Kind), declared in package dueclass.
const (
	KindDocument = dueclass.KindDocument
	KindBooking  = dueclass.KindBooking
	KindMessage  = dueclass.KindMessage
	// KindDeadline is an application's deadline (Deadlines).
	KindDeadline = dueclass.KindDeadline
	// KindWaitOffer is a waiting-list offer, due when it lapses.
	KindWaitOffer = dueclass.KindWaitOffer
	// KindGrownUp is a dependent child, due on their 18th birthday and at
	// their hand-over's deadline.
	KindGrownUp = dueclass.KindGrownUp
	// KindErasure is a person's erasure while it runs (Erasures).
	KindErasure = dueclass.KindErasure
)

// Due is one item of the due index: a document, a booking, a message, an
// application's deadline or a lapsing waiting-list offer, exactly one of
// them set.
type Due struct {
	Document *registry.Document
	Booking  *booking.Booking
	Message  *Message
	Deadline *Deadline
	// Offer is a waiting-list offer that lapsed: the pipeline ends it.
	Offer *booking.WaitEntry
	// Dependent is a child growing up (the hand-over of their documents
	// at 18): the pipeline hands it to GrownUps.
	Dependent *family.Dependent
	// Erasure is a person's erasure under way: the pipeline hands it to
	// Erasures, a page of work a visit.
	Erasure *erasure.Erasure
	// Pos is the position in the due index just after this item: a cursor
	// for DueItems that continues with the next one.
	Pos string
}

// Deadline is an application whose response deadline (or the reminder
// before it) is due at At.
type Deadline struct {
	Owner, ID string
	At        time.Time
}

// Deadlines decides an application's due deadline: the applications
// domain owns the rule and the state, the pipeline the timing and the
// sending. *applications.Service is one (composition gives it).
type Deadlines interface {
	// DeadlineDue acts on owner's application id, in the due index at
	// `at`, at instant now. At its response deadline it refuses the
	// application itself, through its one transition path (the status
	// message goes out through the outbox), and returns nil. Before the
	// deadline it returns the reminder to send in lang, which the pipeline
	// claims, sends and records exactly once like any other reminder, and
	// then moves the application on to its deadline (Advance). nil too when
	// the application moved on (answered, withdrawn, another due time).
	// Errors: Conflict (changed meanwhile), Unavailable, Internal.
	DeadlineDue(ctx context.Context, owner, id string, at, now time.Time, lang string) (*DeadlineReminder, error)
}

// DeadlineReminder is the reminder before an application's deadline.
type DeadlineReminder struct {
	// Key is the decision key, unique per deadline and step (a new
	// deadline, after another request for information, has new keys).
	Key           string
	Kind          string // inbox and message kind
	Subject, Body string
	SMS           string // the SMS text: Body when empty
	// Next is the application's next due time once it is sent: its deadline.
	Next time.Time
}

// Message is an outbox entry of the due index: a notification that is
// already in its owner's cabinet, written in the transaction of the change
// it tells (an application's status change, a booking's confirmation, a
// waiting-list offer, a laboratory's result), whose messages on their
// channels nobody sent yet. The pipeline sends it on the channels the owner
// can be reached on, once, then takes it out of the index.
type Message struct {
	Notification inbox.Notification
	// Attributes are the message attributes besides userId, channel and kind.
	Attributes map[string]string
	// At is when it became due: the index value Advance checks.
	At time.Time
}

// AttrBookingID is the message attribute naming the booking a
// confirmation (an outbox message of a booking's change) is about.
const AttrBookingID = "bookingId"

// Offers ends waiting-list offers that lapsed; *booking.Service is one.
type Offers interface {
	// ExpireOffer ends e's offer if it lapsed at now and offers the slot to
	// the next in line. Errors: Unavailable, Internal.
	ExpireOffer(ctx context.Context, e booking.WaitEntry, now time.Time) error
}

// GrownUps acts on children growing up; *family.Service is one.
type GrownUps interface {
	// GrownUpDue offers the hand-over of d's documents on their 18th
	// birthday, or archives them at its deadline. Errors: Precondition
	// (changed meanwhile), Unavailable, Internal.
	GrownUpDue(ctx context.Context, d family.Dependent, now time.Time) error
}

var _ GrownUps = (*family.Service)(nil)

// Erasures runs people's erasures; *erasure.Service is one.
type Erasures interface {
	// Due runs a page of e's erasure and leaves the rest due.
	// Errors: Conflict (changed meanwhile), Unavailable, Internal.
	Due(ctx context.Context, e erasure.Erasure, now time.Time) (erasure.Erasure, error)
}

var _ Erasures = (*erasure.Service)(nil)

// Ref names the item a Due is, for Advance.
func (d Due) Ref() Ref {
	switch {
	case d.Booking != nil:
		return Ref{Kind: KindBooking, Owner: d.Booking.Owner, ID: d.Booking.ID}
	case d.Message != nil:
		return Ref{Kind: KindMessage, Owner: d.Message.Notification.Owner, ID: d.Message.Notification.ID}
	case d.Deadline != nil:
		return Ref{Kind: KindDeadline, Owner: d.Deadline.Owner, ID: d.Deadline.ID}
	case d.Offer != nil:
		return Ref{Kind: KindWaitOffer, Owner: d.Offer.Owner, ID: d.Offer.ID}
	case d.Dependent != nil:
		return Ref{Kind: KindGrownUp, Owner: d.Dependent.Holder, ID: d.Dependent.ID}
	case d.Erasure != nil:
		return Ref{Kind: KindErasure, Owner: d.Erasure.Owner, ID: d.Erasure.Owner}
	}
	return Ref{Kind: KindDocument, Owner: d.Document.Owner, ID: d.Document.ID}
}

// Class is the priority class the item is due in.
func (d Due) Class() Class { return ClassOf(d.Ref().Kind) }

// Reminder is the reminder state the item was read with; a message has
// only its due time.
func (d Due) Reminder() registry.Reminder {
	switch {
	case d.Booking != nil:
		return d.Booking.Reminder
	case d.Message != nil:
		at := d.Message.At
		return registry.Reminder{NextAt: &at}
	case d.Deadline != nil:
		at := d.Deadline.At
		return registry.Reminder{NextAt: &at}
	case d.Offer != nil:
		at := d.Offer.Until
		return registry.Reminder{NextAt: &at}
	case d.Dependent != nil && d.Dependent.DueAt != nil:
		at := *d.Dependent.DueAt
		return registry.Reminder{NextAt: &at}
	case d.Erasure != nil && d.Erasure.DueAt != nil:
		at := *d.Erasure.DueAt
		return registry.Reminder{NextAt: &at}
	}
	return d.Document.Reminder
}

// Ref addresses a document, a booking, a notification or an application
// of one owner.
type Ref struct {
	Kind  string // KindDocument, KindBooking, KindMessage or KindDeadline
	Owner string
	ID    string
}

// Store is what the scan needs from storage.
type Store interface {
	// DueItems returns up to limit items of one shard of class's part of
	// the due index whose next reminder is at or before now, oldest first,
	// continuing after cursor ("" first), with the cursor to continue from
	// ("" at the end) and how many index items were read. Each item's Pos
	// continues after it. Errors: Unavailable, Internal.
	DueItems(ctx context.Context, class Class, shard int, now time.Time, limit int, cursor string) ([]Due, string, int, error)
	// GetProfile returns the owner's profile (zero Version when none).
	GetProfile(ctx context.Context, owner string) (registry.Profile, error)
	// Claim creates the decision, or takes over a pending one whose lease
	// ended before now, the claiming run's wall clock (never a scheduled
	// instant: a late run of an old event must not take over a lease a new
	// one took a second ago). claimed is false when another run holds it or
	// it was sent; current is the stored decision either way.
	Claim(ctx context.Context, d Decision, now time.Time) (current Decision, claimed bool, err error)
	// Complete marks the decision sent and writes the inbox notification
	// (none when n is the zero Notification, as for a message, which is one
	// already) and the history entry (none when ev is the zero Event, as for
	// a booking), in one transaction.
	Complete(ctx context.Context, d Decision, n inbox.Notification, ev registry.Event) error
	// Release ends the lease of a decision that could not be sent in full,
	// recording the channels that did go out, so the next run retries the rest.
	Release(ctx context.Context, d Decision) error
	// Advance stores the new reminder state of the document or booking ref
	// if its next reminder is still at `read` (nil: none); otherwise someone
	// changed it and its own schedule stands. A message's only next state is
	// none: out of the index. An application's (KindDeadline) next state is
	// its deadline, next.NextAt, with the reminder before it recorded sent.
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
