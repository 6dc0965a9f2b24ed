// Package erasure is a person's right to have their personal data
// destroyed (152-FZ art. 21 part 5; art. 14 for the request itself): the
// citizen asks for their account to be erased, with an explicit
// confirmation; from that instant their account refuses every change (the
// store checks it in every API change's transaction: Conflict,
// errs.ReasonErasing), and the erasure runs in steps, each taking at most a
// page of work and safe to run again, until nothing of theirs is left.
// Nothing is done in one call that may time out half-way: the erasure
// record is in the due index while it runs, so the reminder pipeline takes
// it up again (a page a visit) until its last step is done, after a crash
// too.
//
// What each step erases, in which order, and what it keeps on purpose, is
// composition's (shared/app/erasing builds the steps from the domains that
// own the data); this package runs them, keeps the record of progress and
// owns the rules of the request.
package erasure

import (
	"context"
	"errors"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// State is where an erasure is.
type State string

// States.
const (
	// Erasing: requested; the steps are running.
	Erasing State = "erasing"
	// Done: every step finished; nothing of the person is left but this
	// record and the audit trail (which names objects by id only).
	Done State = "done"
)

// Confirmation is what the request must carry, word for word, so that no
// client erases an account by a stray request.
const Confirmation = "DELETE"

// CodeConfirm is the field error of a request without the confirmation.
const CodeConfirm = "confirmation_required"

// Erasure is one person's erasure. It names the person by their account id
// alone: no name, document number or contact.
type Erasure struct {
	Owner       string
	State       State
	RequestedAt time.Time
	FinishedAt  *time.Time
	// Step is the index in Service.Steps of the step that runs next; Erased
	// counts what the steps reported erased so far.
	Step   int
	Erased int
	// DueAt is when the pipeline takes it up next (nil once Done).
	DueAt *time.Time
	// Version counts the record's writes; every save is conditional on it.
	Version int
}

// Step is one part of an erasure, run again until it says it is done. Each
// call does a bounded amount of work (a page), must be safe to repeat after
// a crash at any point (it finds what is left and erases that), and
// reports how many items it erased.
type Step struct {
	Name string
	Run  func(ctx context.Context, owner string, now time.Time) (erased int, done bool, err error)
}

// Store keeps erasure records.
type Store interface {
	// StartErasure writes e (Erasing, due at e.DueAt) if owner has none.
	// Errors: Conflict (errs.ReasonErasing: one exists), Unavailable, Internal.
	StartErasure(ctx context.Context, e Erasure) error
	// GetErasure reads owner's erasure. Errors: NotFound, Unavailable, Internal.
	GetErasure(ctx context.Context, owner string) (Erasure, error)
	// SaveErasure stores e's progress if its stored version is still
	// e.Version-1. Errors: Conflict (changed), Unavailable, Internal.
	SaveErasure(ctx context.Context, e Erasure) error
}

// Service erases people.
type Service struct {
	Store Store
	Steps []Step
	Now   func() time.Time
	// PageBudget is how many step calls one Due makes before it leaves the
	// rest to the next visit (10 when 0), so one visit stays well inside a
	// worker's time.
	PageBudget int
}

// Request starts the erasure of owner's account, confirmed by confirm
// (Confirmation). Asking again returns the erasure already under way (or
// done), so a retried request is harmless. Who may call: the person
// themself. Errors: Invalid (confirm), Unavailable, Internal.
func (s *Service) Request(ctx context.Context, owner, confirm string) (Erasure, error) {
	const op = "erasure.Request"
	if confirm != Confirmation {
		return Erasure{}, errs.E(op, errs.Invalid, errs.FieldError{Field: "confirm", Code: CodeConfirm})
	}
	switch e, err := s.Store.GetErasure(ctx, owner); {
	case err == nil:
		return e, nil
	case !errs.Is(err, errs.NotFound):
		return Erasure{}, err
	}
	now := s.Now().UTC()
	e := Erasure{Owner: owner, State: Erasing, RequestedAt: now, DueAt: &now, Version: 1}
	switch err := s.Store.StartErasure(ctx, e); {
	case errs.ReasonOf(err) == errs.ReasonErasing:
		return s.Store.GetErasure(ctx, owner) // a concurrent request started it
	case err != nil:
		return Erasure{}, err
	}
	return e, nil
}

// Status returns owner's erasure. Who may call: the person themself.
// Errors: NotFound (none requested), Unavailable, Internal.
func (s *Service) Status(ctx context.Context, owner string) (Erasure, error) {
	return s.Store.GetErasure(ctx, owner)
}

// Due runs e's steps from where it stopped, at most PageBudget step calls,
// saving its progress after each step that finished; when the last one
// finishes the erasure is Done and out of the due index. What is left stays
// due at now for the next visit. Who may call: the reminder pipeline.
// Errors: Conflict (the record changed meanwhile: another worker has it),
// Unavailable, Internal (a step's own errors too, the record left as it
// was, so the step runs again).
func (s *Service) Due(ctx context.Context, e Erasure, now time.Time) (Erasure, error) {
	// The due index is read eventually: the record itself says where the
	// erasure is (another visit may have moved it on, or finished it).
	e, err := s.Store.GetErasure(ctx, e.Owner)
	if err != nil || e.State != Erasing {
		return e, err
	}
	budget := s.PageBudget
	if budget <= 0 {
		budget = 10
	}
	progressed := false
	for calls := 0; e.Step < len(s.Steps) && calls < budget; calls++ {
		st := s.Steps[e.Step]
		n, done, err := st.Run(ctx, e.Owner, now)
		e.Erased += n
		if err != nil {
			if progressed {
				// keep what finished; the failed step runs again next visit
				_ = s.save(ctx, &e, now)
			}
			return e, errs.E("erasure.Due", errs.KindOf(err), errors.New("step "+st.Name), err)
		}
		if done {
			e.Step++
			progressed = true
		}
	}
	if e.Step >= len(s.Steps) {
		at := now.UTC()
		e.State, e.FinishedAt, e.DueAt = Done, &at, nil
	}
	return e, s.save(ctx, &e, now)
}

func (s *Service) save(ctx context.Context, e *Erasure, now time.Time) error {
	if e.State == Erasing {
		at := now.UTC()
		e.DueAt = &at
	}
	e.Version++
	return s.Store.SaveErasure(ctx, *e)
}
