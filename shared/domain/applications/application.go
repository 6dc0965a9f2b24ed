// Package applications is applications for government services and their
// status: the catalogue of services with their form fields and rules,
// drafts prefilled from the profile and documents, submission with a
// receipt number, the status machine (as data, in status.go) moved by the
// applicant and by the agency's staff, and a notification on every change.
// It decides; shared/adapter/store persists and shared/adapter/httpapi speaks HTTP.
package applications

import (
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

// Application is one application of a person for a service. Owner is the
// identity's subject, never taken from a request.
type Application struct {
	ID          string
	Owner       string
	ServiceCode string
	Agency      string
	// DocumentID is the document this application renews, if any.
	DocumentID string
	// Subject is the dependent the holder files it for (family), "" the
	// holder themself; SubjectName and SubjectBirth are theirs as given
	// when the draft was made (the internal passport is not required
	// under PassportAge).
	Subject      string
	SubjectName  string
	SubjectBirth *civil.Date
	Fields       map[string]string
	Status       Status
	// ReceiptNumber is given on submission: KB-<year>-<8-digit sequence>.
	ReceiptNumber    string
	SubmittedAt      *time.Time
	ExpectedDecision *civil.Date // submit date in TimeZone + the service's DecisionDays
	TimeZone         string      // the applicant's zone when submitted
	Timeline         []Entry     // every transition, oldest first
	// ResponseDue is, while the application is in needs_info, when the
	// applicant's time to answer ends: then the scheduled pipeline refuses
	// it (Service.DeadlineDue). ResponseReminded says the reminder three
	// days before the current deadline went (the response's, or in
	// awaiting_payment the fee's Accrual.PayBy).
	ResponseDue      *time.Time
	ResponseReminded bool
	// Invitation is, in invited, when and where to come with the originals.
	Invitation *Invitation
	// Pickup is, in ready_for_pickup, where and until when to collect it.
	Pickup *Pickup
	// Fee is the state fee's accrual, for a service with a fee (from
	// submission on).
	Fee *Accrual
	// Assignee is the clerk of the agency the application is assigned to
	// ("" before submission, or when the agency's roster was empty).
	Assignee  string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// Entry is one transition in an application's timeline.
type Entry struct {
	At      time.Time
	Actor   string // the subject who made it
	Role    Role
	From    Status
	To      Status
	Comment string // what a person wrote, as written
	// Note names a text Kabinet wrote (NoteResponseOverdue...), shown in the
	// reader's language from its template (NoteText), never stored as text.
	Note Note
	// Files are the electronic copies the applicant sent with this answer
	// to a request for information (Respond).
	Files []Attachment
}

// RemindBefore is how long before a deadline (to answer, to pay) the
// applicant is reminded.
const RemindBefore = 3 * 24 * time.Hour

// Deadline is a's current deadline: in needs_info the time to answer
// (ResponseDue), in awaiting_payment the time to pay (Fee.PayBy); nil in
// every other status. At it the application is refused.
func (a Application) Deadline() *time.Time {
	switch {
	case a.Status == StatusNeedsInfo && a.ResponseDue != nil:
		return a.ResponseDue
	case a.Status == StatusAwaitingPayment && a.Fee != nil:
		return &a.Fee.PayBy
	}
	return nil
}

// NextDue is when the scheduled pipeline must next look at a: RemindBefore
// its Deadline (the reminder), then at it (the refusal); nil when nothing
// is due. The store keeps a in the due index at this time.
func (a Application) NextDue() *time.Time {
	d := a.Deadline()
	if d == nil {
		return nil
	}
	at := *d
	if !a.ResponseReminded {
		at = at.Add(-RemindBefore)
	}
	return &at
}

// Invitation asks the applicant to come to an office with the originals.
type Invitation struct {
	At    time.Time
	Place string
	// InstitutionID is the office when it is an institution of the
	// electronic registry; BookingPath is then the cabinet's page to book a
	// slot there, so the invitation and the registry meet.
	InstitutionID string
	BookingPath   string
}

// Pickup is where a ready document is collected, and until when.
type Pickup struct {
	Place string
	Until civil.Date
}
