package applications

import "github.com/kabinet/kabinet/shared/domain/errs"

// Status is where an application stands.
type Status string

// The statuses. An application starts as a draft; submitting it makes it
// received (or awaiting_payment first, for a service with a state fee,
// until the treasury confirms the payment); the agency may refuse it at
// acceptance (rejected from received) or take it into processing, may ask
// for more information (needs_info, back to processing when the applicant
// answers), may invite the applicant to the office with the originals
// (invited) and decides: approved, ready_for_pickup (approved, to be
// collected at an office until a date) or rejected. The applicant may
// withdraw it before a decision.
const (
	StatusDraft           Status = "draft"
	StatusAwaitingPayment Status = "awaiting_payment"
	StatusReceived        Status = "received"
	StatusProcessing      Status = "processing"
	StatusNeedsInfo       Status = "needs_info"
	StatusInvited         Status = "invited"
	StatusApproved        Status = "approved"
	StatusReadyForPickup  Status = "ready_for_pickup"
	StatusRejected        Status = "rejected"
	StatusWithdrawn       Status = "withdrawn"
)

// Statuses lists every status, in the order an application meets them.
var Statuses = []Status{StatusDraft, StatusAwaitingPayment, StatusReceived, StatusProcessing, StatusNeedsInfo, StatusInvited,
	StatusApproved, StatusReadyForPickup, StatusRejected, StatusWithdrawn}

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
	// RoleSystem is Kabinet itself: the scheduled pipeline (a response
	// deadline passed) and the treasury's payment confirmation.
	RoleSystem Role = "system"
)

// Edge is one allowed transition and a role that may make it; a pair two
// roles may make is two edges.
type Edge struct {
	From, To Status
	By       Role
}

// Transitions is the whole state machine, as data: any pair not listed here
// is an invalid transition.
var Transitions = []Edge{
	{StatusDraft, StatusReceived, RoleApplicant},            // submit
	{StatusDraft, StatusAwaitingPayment, RoleApplicant},     // submit, the service has a fee
	{StatusAwaitingPayment, StatusReceived, RoleSystem},     // the treasury confirmed the payment
	{StatusAwaitingPayment, StatusRejected, RoleSystem},     // not paid by the payment deadline
	{StatusAwaitingPayment, StatusWithdrawn, RoleApplicant}, //
	{StatusReceived, StatusProcessing, RoleStaff},           //
	{StatusReceived, StatusRejected, RoleStaff},             // refusal at acceptance
	{StatusReceived, StatusWithdrawn, RoleApplicant},        //
	{StatusProcessing, StatusNeedsInfo, RoleStaff},          //
	{StatusProcessing, StatusInvited, RoleStaff},            // come with the originals
	{StatusProcessing, StatusApproved, RoleStaff},           //
	{StatusProcessing, StatusReadyForPickup, RoleStaff},     //
	{StatusProcessing, StatusRejected, RoleStaff},           //
	{StatusProcessing, StatusWithdrawn, RoleApplicant},      //
	{StatusNeedsInfo, StatusProcessing, RoleStaff},          // the clerk got it another way
	{StatusNeedsInfo, StatusProcessing, RoleApplicant},      // the applicant answered (Respond)
	{StatusNeedsInfo, StatusRejected, RoleSystem},           // the response deadline passed
	{StatusNeedsInfo, StatusWithdrawn, RoleApplicant},       //
	{StatusInvited, StatusProcessing, RoleStaff},            // the visit took place
	{StatusInvited, StatusApproved, RoleStaff},              //
	{StatusInvited, StatusReadyForPickup, RoleStaff},        //
	{StatusInvited, StatusRejected, RoleStaff},              //
	{StatusInvited, StatusWithdrawn, RoleApplicant},         //
}

// CheckTransition decides whether role may move an application from one
// status to another. Errors: Conflict (reason invalid_transition) when the
// table has no such edge, or only the system makes it (no person may);
// Forbidden (applicant_only or staff_only) when the edge belongs to the
// other person's role.
func CheckTransition(from, to Status, role Role) error {
	const op = "applications.CheckTransition"
	var other Role
	for _, e := range Transitions {
		if e.From != from || e.To != to {
			continue
		}
		if e.By == role {
			return nil
		}
		if e.By != RoleSystem && other == "" { // the first person edge names who may
			other = e.By
		}
	}
	switch other {
	case RoleApplicant:
		return errs.E(op, errs.Forbidden, ReasonApplicantOnly)
	case RoleStaff:
		return errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	return errs.E(op, errs.Conflict, ReasonInvalidTransition)
}
