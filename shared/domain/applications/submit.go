package applications

import (
	"context"
	"fmt"
	"slices"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/dailycap"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/fees"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Submit validates a draft completely and moves it to received: a receipt
// number KB-<year>-<8 digits> from the year's counter, the submission time
// and the expected decision date (today in the applicant's zone plus the
// service's term, in calendar or working days, never on a day off:
// DecisionDate). With idem, concurrent and later retries with
// the same key return the same receipt (replayed=true): the key is claimed
// in the transaction that changes the status.
// A submission sends a status message on every channel: one reaching the
// applicant by SMS counts against dailycap.SMSActionsPerDay.
// Errors: NotFound, Invalid (fields.<name>, idempotency_key_reused),
// Conflict (invalid_transition: not a draft; daily_limit), Unavailable,
// Internal (also workdays no_calendar).
func (s *Service) Submit(ctx context.Context, owner, id string, idem *idempotency.Key) (Application, bool, error) {
	const op = "applications.Submit"
	// The first request's answer (with idem), the application and the
	// profile are read at once; they are weighed in that order.
	var (
		first           Application
		replayed        bool
		replayErr       error
		a               Application
		p               registry.Profile
		err, profileErr error
	)
	reads := []func() error{
		func() error { a, p, profileErr, err = s.getWithProfile(ctx, owner, id); return nil },
	}
	if idem != nil {
		reads = append(reads, func() error { first, replayed, replayErr = s.Store.ReplayApplication(ctx, owner, idem); return nil })
	}
	_ = parallel.Do(reads...)
	if replayErr != nil || replayed {
		return first, replayed, replayErr
	}
	if err != nil {
		return Application{}, false, err
	}
	svc, _ := Lookup(a.ServiceCode)
	to := StatusReceived
	if svc.Fee != nil {
		to = StatusAwaitingPayment
	}
	if err := CheckTransition(a.Status, to, RoleApplicant); err != nil {
		// A concurrent copy of this very request may have submitted it
		// between the replay check above and the read: then this is a
		// replay too.
		if idem != nil {
			if a, ok, rerr := s.Store.ReplayApplication(ctx, owner, idem); rerr == nil && ok {
				return a, true, nil
			}
		}
		return Application{}, false, err
	}
	if profileErr != nil {
		return Application{}, false, profileErr
	}
	now := s.Now().UTC()
	loc := p.Location()
	today := civil.Today(now, loc)
	fields, fe := validate(applicantService(svc, a, today), a.Fields, true, today)
	if err := fe.Err(op); err != nil {
		return Application{}, false, err
	}
	// The receipt's number and, for a service without a fee, the clerk it
	// goes to, at once: neither depends on the other.
	var (
		seq     int64
		clerk   *pickResult
		pickErr error
	)
	if err := parallel.Do(
		func() (err error) { seq, err = s.Store.NextReceiptSeq(ctx, today.Year); return err },
		func() error {
			if svc.Fee == nil {
				c, ok, err := s.pick(ctx, a.Agency)
				clerk, pickErr = &pickResult{c, ok}, err
			}
			return nil
		},
	); err != nil {
		return Application{}, false, err
	}
	next := a
	next.Fields = fields
	next.ReceiptNumber = ReceiptNumber(today.Year, seq)
	next.SubmittedAt = &now
	due, err := DecisionDate(s.calendar(), svc, today)
	if err != nil {
		return Application{}, false, err
	}
	next.ExpectedDecision = &due
	next.TimeZone = loc.String()
	if f := svc.Fee; f != nil {
		// The accrual: its УИН from the receipt's number (unique for ever),
		// payable to the end of the PayDays-th day in the applicant's zone.
		// Not the agency's yet: no clerk until it is paid (ApplyPayment).
		payee, ok := Payee(svc.Agency)
		if !ok {
			return Application{}, false, errs.E(op, errs.Internal, fmt.Errorf("service %s has a fee but agency %s no payee", svc.Code, svc.Agency))
		}
		uin, err := fees.NewUIN(payee.URN, accrualNumber(today.Year, seq))
		if err != nil {
			return Application{}, false, err
		}
		next.Fee = &Accrual{UIN: uin, Kopecks: f.Kopecks, Purpose: f.Purpose, PayBy: today.AddDays(f.payDays() + 1).In(loc).UTC()}
		return s.move(ctx, a, next, StatusAwaitingPayment, owner, RoleApplicant, "", "", p, idem,
			append(smsAction(owner, p, today), Effect{Accrual: uin})...)
	}
	if pickErr != nil {
		return Application{}, false, pickErr
	}
	return s.assignAndMoveFrom(ctx, clerk, a, next, StatusReceived, owner, RoleApplicant, "", p, idem, smsAction(owner, p, today)...)
}

// assignAndMove moves cur to next in status to (see move), assigned to the
// agency's clerk with the fewest open applications in the same
// transaction: the pick's count is its condition, so two moves at once
// cannot both take the same clerk's last "fewest" — the loser picks again.
// The also effects go into the same transaction.
func (s *Service) assignAndMove(ctx context.Context, cur, next Application, to Status, actor string, role Role, note Note,
	p registry.Profile, idem *idempotency.Key, also ...Effect) (Application, bool, error) {
	return s.assignAndMoveFrom(ctx, nil, cur, next, to, actor, role, note, p, idem, also...)
}

// pickResult is a pick made ahead (see assignAndMoveFrom).
type pickResult struct {
	c  Clerk
	ok bool
}

// assignAndMoveFrom is assignAndMove whose first attempt takes first (a pick
// the caller made while it read other things; nil: picked here).
func (s *Service) assignAndMoveFrom(ctx context.Context, first *pickResult, cur, next Application, to Status, actor string, role Role,
	note Note, p registry.Profile, idem *idempotency.Key, also ...Effect) (Application, bool, error) {
	for attempt := 1; ; attempt++ {
		effects := slices.Clone(also)
		var (
			c   Clerk
			ok  bool
			err error
		)
		if first != nil && attempt == 1 {
			c, ok = first.c, first.ok
		} else if c, ok, err = s.pick(ctx, cur.Agency); err != nil {
			return Application{}, false, err
		}
		next.Assignee = ""
		if ok {
			next.Assignee = c.Sub
			effects = append(effects, Effect{Clerk: &ClerkDelta{Agency: c.Agency, Sub: c.Sub, Seen: c.Open, Delta: 1}})
		}
		out, replayed, err := s.move(ctx, cur, next, to, actor, role, "", note, p, idem, effects...)
		if err != nil && ok && retryable(err) && attempt < assignAttempts {
			continue
		}
		return out, replayed, err
	}
}

// ReceiptNumber formats a receipt number: KB-2026-00012345.
func ReceiptNumber(year int, seq int64) string { return fmt.Sprintf("KB-%04d-%08d", year, seq) }

// Withdraw lets the applicant take back a submitted application before a
// decision. Like Submit it counts against the daily SMS cap.
// Errors: NotFound, Conflict (invalid_transition, daily_limit), Invalid
// (comment), Unavailable, Internal.
func (s *Service) Withdraw(ctx context.Context, owner, id, comment string) (Application, error) {
	a, p, pErr, err := s.getWithProfile(ctx, owner, id)
	if err != nil {
		return Application{}, err
	}
	comment, err = checkComment("applications.Withdraw", comment, false)
	if err != nil {
		return Application{}, err
	}
	if err := CheckTransition(a.Status, StatusWithdrawn, RoleApplicant); err != nil {
		return Application{}, err
	}
	if pErr != nil {
		return Application{}, pErr
	}
	out, _, err := s.move(ctx, a, a, StatusWithdrawn, owner, RoleApplicant, comment, "", p, nil,
		smsAction(owner, p, civil.Today(s.Now(), p.Location()))...)
	return out, err
}

// smsAction is the daily count of an applicant's action that sends them an
// SMS (it reaches them by SMS), counted in the change's own transaction,
// which the day's cap refuses (dailycap.Count); none for an applicant not
// reached by SMS.
func smsAction(owner string, p registry.Profile, today civil.Date) []Effect {
	if !slices.Contains(p.Reachable(), registry.ChannelSMS) {
		return nil
	}
	return []Effect{{Cap: &dailycap.Count{Owner: owner, Name: dailycap.SMSActions, Day: today, Limit: dailycap.SMSActionsPerDay}}}
}
