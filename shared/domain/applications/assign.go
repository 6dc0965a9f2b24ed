package applications

import (
	"context"
	"slices"

	"github.com/kabinet/kabinet/shared/domain/dailycap"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/parallel"
)

// Clerks are known by registration on first use: a member of an agency's
// staff is added to its roster the first time they call a staff method
// (Queue, Transition...), so a new clerk gets applications from their first
// look at the queue on, and nobody keeps a list by hand. A clerk who
// leaves stays on the roster until removed (not built yet: see the report).

// Clerk is one member of an agency's roster with the number of open
// (assigned, not final) applications they hold.
type Clerk struct {
	Agency, Sub string
	Open        int
}

// Effect is something SaveTransition writes in the same transaction as the
// application: a plain inbox notification (to a clerk), or a change of a
// clerk's open count.
type Effect struct {
	Notify *inbox.Notification
	Clerk  *ClerkDelta
	// Accrual is a УИН made for the application: the store records which
	// application it names, for the Treasury's payments (FindByUIN).
	Accrual string
	// Unmatched is a payment that did not settle the application's fee
	// exactly, recorded in its agency's list (UnmatchedPayments) in the
	// transaction that applies it.
	Unmatched *UnmatchedPayment
	// Cap counts the change against a daily cap in its own transaction
	// (the change fails with dailycap's daily_limit at the cap).
	Cap *dailycap.Count
}

// ClerkDelta adds Delta to a clerk's open count; with Seen ≥ 0 only if the
// count is still Seen (the assignment read it), else the transaction fails
// with ReasonAssignRace and the assignment is made again.
type ClerkDelta struct {
	Agency, Sub string
	Seen        int
	Delta       int
}

// ReasonAssignRace (Conflict, internal): the clerk's open count changed
// between the pick and the write; the caller picks again.
const ReasonAssignRace errs.Reason = "assign_race"

// assignAttempts bounds the picks of one submission under contention.
const assignAttempts = 20

// pick returns the clerk of agency with the fewest open applications (the
// first by id among equals, so the choice is deterministic); ok false when
// the agency's roster is empty (the application waits unassigned in the
// agency's queue, as before).
func (s *Service) pick(ctx context.Context, agency string) (Clerk, bool, error) {
	cs, err := s.Store.Clerks(ctx, agency)
	if err != nil || len(cs) == 0 {
		return Clerk{}, false, err
	}
	best := slices.MinFunc(cs, func(a, b Clerk) int {
		if a.Open != b.Open {
			return a.Open - b.Open
		}
		if a.Sub < b.Sub {
			return -1
		}
		return 1
	})
	return best, true, nil
}

// register puts st on their agency's roster once per process.
func (s *Service) register(ctx context.Context, st Staff) error {
	key := st.Agency + "\x00" + st.Sub
	if _, ok := s.registered.Load(key); ok {
		return nil
	}
	if err := s.Store.RegisterClerk(ctx, st.Agency, st.Sub); err != nil {
		return err
	}
	s.registered.Store(key, true)
	return nil
}

// retryable says a submission's write may be made again with a new pick:
// the picked clerk's count moved, or DynamoDB cancelled the transaction
// for a concurrent one on the same clerk.
func retryable(err error) bool {
	return errs.ReasonOf(err) == ReasonAssignRace || errs.Is(err, errs.Unavailable)
}

// Assign gives an application of the caller's agency to another clerk of
// it, for a lead clerk (group staff, claim agencyRole=lead). The clerk must
// be on the agency's roster. An application of another agency is NotFound,
// as a missing id; a clerk not on the caller's agency's roster is Invalid
// (clerk: not_of_agency), a 422 field error.
// Errors: Forbidden (staff_only, lead_only), NotFound, Invalid (clerk:
// required, not_of_agency), Conflict (invalid_transition: final; changed),
// Unavailable, Internal.
func (s *Service) Assign(ctx context.Context, st Staff, id, clerk string) (Application, error) {
	const op = "applications.Assign"
	if !st.IsStaff || st.Agency == "" {
		if !st.IsStaff {
			if _, err := s.Get(ctx, st.Sub, id); err != nil {
				return Application{}, err
			}
		}
		return Application{}, errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	if !st.Lead {
		if err := s.register(ctx, st); err != nil {
			return Application{}, err
		}
		return Application{}, errs.E(op, errs.Forbidden, ReasonLeadOnly)
	}
	if clerk == "" {
		return Application{}, errs.E(op, errs.Invalid, errs.FieldError{Field: "clerk", Code: "required"})
	}
	// The caller put on the roster, the application and the agency's
	// roster (the caller's own) at once: a lead naming themself on their
	// first request is on it, whether the roster read saw them or not.
	var (
		a           Application
		cs          []Clerk
		err, regErr error
		clerksErr   error
	)
	_ = parallel.Do(
		func() error { regErr = s.register(ctx, st); return nil },
		func() error {
			a, err = s.find(ctx, id, func(string) { cs, clerksErr = s.Store.Clerks(ctx, st.Agency) })
			return nil
		},
	)
	if regErr != nil {
		return Application{}, regErr
	}
	if err != nil {
		return Application{}, err
	}
	if !st.handles(a) {
		// another agency's application: 404, as a missing id (staff.go)
		return Application{}, errs.E(op, errs.NotFound, nil)
	}
	if a.Status.Final() || a.Status == StatusDraft {
		return Application{}, errs.E(op, errs.Conflict, ReasonInvalidTransition)
	}
	if clerksErr != nil {
		return Application{}, clerksErr
	}
	if clerk != st.Sub && !slices.ContainsFunc(cs, func(c Clerk) bool { return c.Sub == clerk }) {
		// not on this agency's roster: someone of another agency, or nobody
		return Application{}, errs.E(op, errs.Invalid, errs.FieldError{Field: "clerk", Code: "not_of_agency"})
	}
	if a.Assignee == clerk {
		return a, nil
	}
	next := a
	next.Assignee = clerk
	next.Version, next.UpdatedAt = a.Version+1, s.Now().UTC()
	if err := s.Store.Reassign(ctx, next, a.Version, a.Assignee); err != nil {
		return Application{}, err
	}
	return next, nil
}

// AssignedQueue lists the caller's own applications of their agency in a
// status (received when empty), oldest submission first.
// Errors: as Queue.
func (s *Service) AssignedQueue(ctx context.Context, st Staff, status Status, limit int, cursor string) (Page, error) {
	return s.queue(ctx, st, status, limit, cursor, true)
}
