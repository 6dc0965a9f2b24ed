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
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Version          int
}

// Entry is one transition in an application's timeline.
type Entry struct {
	At      time.Time
	Actor   string // the subject who made it
	Role    Role
	From    Status
	To      Status
	Comment string
}
