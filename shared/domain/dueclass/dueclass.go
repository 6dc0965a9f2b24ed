// Package dueclass is what the due index is partitioned by: the kinds of
// item that fall due (a document's reminder, a booking's, a message waiting
// for its retry, an application's deadline) and the priority class each kind is due in. It is its own
// package, importing nothing, because both sides of the index need it: the
// stores that write an item's due-index key (documents, bookings,
// applications' messages) and the reminder pipeline that drains it; a
// store importing the pipeline (package reminders) would link booking into
// every function that writes a document.
package dueclass

// Class is a priority class of the due index: each has its own partitions
// of the index, its own job queue and its own workers.
type Class string

// Classes.
const (
	// Urgent is what must arrive on time whatever else is due: a booking's
	// reminders and confirmations, applications' status messages.
	Urgent Class = "urgent"
	// Document is document expiry reminders, which fall due together at
	// 09:00 local time and may take a while to drain.
	Document Class = "document"
)

// Classes lists every class, the most urgent first.
var Classes = []Class{Urgent, Document}

// Kinds of item in the due index (reminders.Ref.Kind, the items' kind
// attribute).
const (
	KindDocument = "document"
	KindBooking  = "booking"
	KindMessage  = "message"
	// KindDeadline is an application's deadline (to answer a request for
	// information, to pay its fee) and the reminder before it: urgent, as
	// an application is refused at it.
	KindDeadline = "application_deadline"
	// KindWaitOffer is a waiting-list offer, due when it lapses.
	KindWaitOffer = "waitoffer"
	// KindGrownUp is a dependent child: due on their 18th birthday (the
	// hand-over of their documents is offered) and at the hand-over's
	// deadline (unredeemed, they are archived for the holder).
	KindGrownUp = "dependent"
	// KindErasure is a person's erasure while it runs: due until its last
	// step is done, a page of work each visit.
	KindErasure = "erasure"
)

// Of is the class items of kind (KindDocument, KindBooking, KindMessage,
// ...) are due in: a document's reminders, a child's growing up and an
// erasure wait their turn, the rest is urgent.
func Of(kind string) Class {
	if kind == KindDocument || kind == KindGrownUp || kind == KindErasure {
		return Document
	}
	return Urgent
}

// Valid reports whether c is one of Classes.
func (c Class) Valid() bool { return c == Urgent || c == Document }
