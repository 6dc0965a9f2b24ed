package reminders

// Class is a priority class of the due index: each has its own partitions
// of the index, its own job queue and its own workers.
type Class string

// Classes.
const (
	// ClassUrgent is what must arrive on time whatever else is due: a
	// booking's reminders and status messages waiting for their retry.
	ClassUrgent Class = "urgent"
	// ClassDocument is document expiry reminders, which fall due together
	// at 09:00 local time and may take a while to drain.
	ClassDocument Class = "document"
)

// Classes lists every class, the most urgent first.
var Classes = []Class{ClassUrgent, ClassDocument}

// ClassOf is the class items of kind (KindDocument, KindBooking,
// KindMessage) are due in.
func ClassOf(kind string) Class {
	if kind == KindDocument {
		return ClassDocument
	}
	return ClassUrgent
}

// Valid reports whether c is one of Classes.
func (c Class) Valid() bool { return c == ClassUrgent || c == ClassDocument }
