package applications

import "github.com/kabinet/kabinet/shared/domain/errs"

// Status is where an application stands.
type Status string

// The statuses. An application starts as a draft; submitting it makes it
// received; the agency takes it into processing, may ask for more
// information (needs_info, back to processing when it has it) and decides:
// approved or rejected. The applicant may withdraw it before a decision.
const (
	StatusDraft      Status = "draft"
	StatusReceived   Status = "received"
	StatusProcessing Status = "processing"
	StatusNeedsInfo  Status = "needs_info"
	StatusApproved   Status = "approved"
	StatusRejected   Status = "rejected"
	StatusWithdrawn  Status = "withdrawn"
)

// Statuses lists every status, in the order an application meets them.
var Statuses = []Status{StatusDraft, StatusReceived, StatusProcessing, StatusNeedsInfo, StatusApproved, StatusRejected, StatusWithdrawn}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Final reports whether nothing can follow s.
func (s Status) Final() bool {
	for _, e := range Transitions {
		if e.From == s {
			return false
		}
	}
	return true
}

// Role is who moves an application.
type Role string

// The roles of a transition.
const (
	RoleApplicant Role = "applicant"
	RoleStaff     Role = "staff"
)

// Edge is one allowed transition and the only role that may make it.
type Edge struct {
	From, To Status
	By       Role
}

// Transitions is the whole state machine, as data: any pair not listed here
// is an invalid transition.
var Transitions = []Edge{
	{StatusDraft, StatusReceived, RoleApplicant}, // submit
	{StatusReceived, StatusProcessing, RoleStaff},
	{StatusReceived, StatusWithdrawn, RoleApplicant},
	{StatusProcessing, StatusNeedsInfo, RoleStaff},
	{StatusProcessing, StatusApproved, RoleStaff},
	{StatusProcessing, StatusRejected, RoleStaff},
	{StatusProcessing, StatusWithdrawn, RoleApplicant},
	{StatusNeedsInfo, StatusProcessing, RoleStaff},
	{StatusNeedsInfo, StatusWithdrawn, RoleApplicant},
}

// CheckTransition decides whether role may move an application from one
// status to another. Errors: Conflict (reason invalid_transition) when the
// table has no such edge; Forbidden (applicant_only or staff_only) when the
// edge belongs to the other role.
func CheckTransition(from, to Status, role Role) error {
	const op = "applications.CheckTransition"
	for _, e := range Transitions {
		if e.From != from || e.To != to {
			continue
		}
		if e.By == role {
			return nil
		}
		if e.By == RoleApplicant {
			return errs.E(op, errs.Forbidden, ReasonApplicantOnly)
		}
		return errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	return errs.E(op, errs.Conflict, ReasonInvalidTransition)
}
