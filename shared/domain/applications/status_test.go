package applications

import (
	"testing"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// TestTransitionTable checks every pair of statuses for every role against
// the state machine written out by hand.
func TestTransitionTable(t *testing.T) {
	type key struct{ from, to Status }
	A, S, Y := RoleApplicant, RoleStaff, RoleSystem
	allowed := map[key][]Role{
		{StatusDraft, StatusReceived}:            {A},
		{StatusDraft, StatusAwaitingPayment}:     {A},
		{StatusAwaitingPayment, StatusReceived}:  {Y},
		{StatusAwaitingPayment, StatusRejected}:  {Y},
		{StatusAwaitingPayment, StatusWithdrawn}: {A},
		{StatusReceived, StatusProcessing}:       {S},
		{StatusReceived, StatusRejected}:         {S},
		{StatusReceived, StatusWithdrawn}:        {A},
		{StatusProcessing, StatusNeedsInfo}:      {S},
		{StatusProcessing, StatusInvited}:        {S},
		{StatusProcessing, StatusApproved}:       {S},
		{StatusProcessing, StatusReadyForPickup}: {S},
		{StatusProcessing, StatusRejected}:       {S},
		{StatusProcessing, StatusWithdrawn}:      {A},
		{StatusNeedsInfo, StatusProcessing}:      {S, A},
		{StatusNeedsInfo, StatusRejected}:        {Y},
		{StatusNeedsInfo, StatusWithdrawn}:       {A},
		{StatusInvited, StatusProcessing}:        {S},
		{StatusInvited, StatusApproved}:          {S},
		{StatusInvited, StatusReadyForPickup}:    {S},
		{StatusInvited, StatusRejected}:          {S},
		{StatusInvited, StatusWithdrawn}:         {A},
	}
	has := func(rs []Role, r Role) bool {
		for _, x := range rs {
			if x == r {
				return true
			}
		}
		return false
	}
	pairs := 0
	for _, from := range Statuses {
		for _, to := range Statuses {
			for _, role := range []Role{A, S, Y} {
				pairs++
				err := CheckTransition(from, to, role)
				who := allowed[key{from, to}]
				var person []Role // who of the people may
				for _, r := range who {
					if r != Y {
						person = append(person, r)
					}
				}
				switch {
				case has(who, role):
					if err != nil {
						t.Errorf("%s → %s by %s: %v, want allowed", from, to, role, err)
					}
				case len(person) > 0:
					want := errs.Reason(errs.ReasonStaffOnly)
					if person[0] == A {
						want = ReasonApplicantOnly
					}
					if !errs.Is(err, errs.Forbidden) || errs.ReasonOf(err) != want {
						t.Errorf("%s → %s by %s: %v, want Forbidden %s", from, to, role, err, want)
					}
				default:
					if !errs.Is(err, errs.Conflict) || errs.ReasonOf(err) != ReasonInvalidTransition {
						t.Errorf("%s → %s by %s: %v, want Conflict invalid_transition", from, to, role, err)
					}
				}
			}
		}
	}
	if pairs != len(Statuses)*len(Statuses)*3 || len(Statuses) != 10 {
		t.Errorf("checked %d pairs of %d statuses", pairs, len(Statuses))
	}
	// every edge of the table is in the hand-written one (and the loop
	// above holds the converse)
	for _, e := range Transitions {
		if !has(allowed[key{e.From, e.To}], e.By) {
			t.Errorf("edge %v is not in the test's table", e)
		}
	}
	for _, s := range []Status{StatusApproved, StatusReadyForPickup, StatusRejected, StatusWithdrawn} {
		if !s.Final() {
			t.Errorf("%s is not final", s)
		}
	}
	for _, s := range []Status{StatusDraft, StatusAwaitingPayment, StatusReceived, StatusProcessing, StatusNeedsInfo, StatusInvited} {
		if s.Final() {
			t.Errorf("%s is final", s)
		}
	}
	if Status("archived").Valid() || !StatusNeedsInfo.Valid() {
		t.Error("Valid")
	}
	for _, s := range Statuses {
		if n, ok := statusNames[s]; !ok || n[0] == "" || n[1] == "" {
			t.Errorf("%s has no ru/en name", s)
		}
	}
}
