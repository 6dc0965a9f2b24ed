package applications

import (
	"testing"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// TestTransitionTable checks every pair of statuses for both roles against
// the state machine written out by hand.
func TestTransitionTable(t *testing.T) {
	type key struct{ from, to Status }
	allowed := map[key]Role{
		{StatusDraft, StatusReceived}:       RoleApplicant,
		{StatusReceived, StatusProcessing}:  RoleStaff,
		{StatusReceived, StatusWithdrawn}:   RoleApplicant,
		{StatusProcessing, StatusNeedsInfo}: RoleStaff,
		{StatusProcessing, StatusApproved}:  RoleStaff,
		{StatusProcessing, StatusRejected}:  RoleStaff,
		{StatusProcessing, StatusWithdrawn}: RoleApplicant,
		{StatusNeedsInfo, StatusProcessing}: RoleStaff,
		{StatusNeedsInfo, StatusWithdrawn}:  RoleApplicant,
	}
	pairs := 0
	for _, from := range Statuses {
		for _, to := range Statuses {
			for _, role := range []Role{RoleApplicant, RoleStaff} {
				pairs++
				err := CheckTransition(from, to, role)
				who, ok := allowed[key{from, to}]
				switch {
				case ok && who == role:
					if err != nil {
						t.Errorf("%s → %s by %s: %v, want allowed", from, to, role, err)
					}
				case ok:
					if !errs.Is(err, errs.Forbidden) {
						t.Errorf("%s → %s by %s: %v, want Forbidden", from, to, role, err)
					}
				default:
					var e *errs.Error
					if !errs.Is(err, errs.Conflict) || !asErr(err, &e) || e.Reason != "invalid_transition" {
						t.Errorf("%s → %s by %s: %v, want Conflict invalid_transition", from, to, role, err)
					}
				}
			}
		}
	}
	if pairs != len(Statuses)*len(Statuses)*2 || len(Statuses) != 7 {
		t.Errorf("checked %d pairs of %d statuses", pairs, len(Statuses))
	}
	for _, s := range []Status{StatusApproved, StatusRejected, StatusWithdrawn} {
		if !s.Final() {
			t.Errorf("%s is not final", s)
		}
	}
	for _, s := range []Status{StatusDraft, StatusReceived, StatusProcessing, StatusNeedsInfo} {
		if s.Final() {
			t.Errorf("%s is final", s)
		}
	}
	if Status("archived").Valid() || !StatusNeedsInfo.Valid() {
		t.Error("Valid")
	}
}

func asErr(err error, e **errs.Error) bool {
	x, ok := err.(*errs.Error)
	*e = x
	return ok
}
