package reminders

import "github.com/kabinet/kabinet/shared/domain/dueclass"

// Class is a priority class of the due index: each has its own partitions
// of the index, its own job queue and its own workers. It is declared in
// package dueclass, which the stores writing due-index keys share with the
// pipeline.
type Class = dueclass.Class

// Classes.
const (
	// ClassUrgent is what must arrive on time whatever else is due: a
	// booking's reminders and confirmations, applications' status messages.
	ClassUrgent = dueclass.Urgent
	// ClassDocument is document expiry reminders, which fall due together
	// at 09:00 local time and may take a while to drain.
	ClassDocument = dueclass.Document
)

// Classes lists every class, the most urgent first.
var Classes = dueclass.Classes

// ClassOf is the class items of kind (KindDocument, KindBooking,
// KindMessage) are due in.
func ClassOf(kind string) Class { return dueclass.Of(kind) }
