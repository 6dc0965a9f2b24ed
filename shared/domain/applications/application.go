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
	Fields     map[string]string
	Status     Status
	// ReceiptNumber is given on submission: KB-<year>-<8-digit sequence>.
	ReceiptNumber    string
	SubmittedAt      *time.Time
	ExpectedDecision *civil.Date // submit date in TimeZone + the service's DecisionDays
	TimeZone         string      // the applicant's zone when submitted
	Timeline         []Entry     // every transition, oldest first
	// ResponseDue is, while the application is in needs_info, when the
	// applicant's time to answer ends: then the scheduled pipeline refuses
	// it (Service.DeadlineDue). ResponseReminded says the reminder three
	// days before went.
	ResponseDue      *time.Time
	ResponseReminded bool
	// Invitation is, in invited, when and where to come with the originals.
	Invitation *Invitation
	// Pickup is, in ready_for_pickup, where and until when to collect it.
	Pickup *Pickup
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
}

// RemindBefore is how long before the response deadline the applicant is
// reminded.
const RemindBefore = 3 * 24 * time.Hour

// NextDue is when the scheduled pipeline must next look at a: RemindBefore
// the response deadline (the reminder), then at it (the refusal); nil when
// nothing is due. The store keeps a in the due index at this time.
func (a Application) NextDue() *time.Time {
	if a.Status != StatusNeedsInfo || a.ResponseDue == nil {
		return nil
	}
	at := *a.ResponseDue
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
