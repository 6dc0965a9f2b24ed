package applications

import (
	"context"
	"errors"
	"slices"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/fees"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// ApplyPayment applies the Treasury's confirmation of a payment; called by
// ingestion (functions/ingest, POST /dev/events) only. The payment joins
// the accrual of the application whose УИН it names, in the write that
// changes the application, so an event id is applied once: a second
// delivery finds it there. Paid in full, an application awaiting payment
// goes to the agency (system → received, its decision term counted from
// today, assigned to a clerk as a submission is); less than owed is
// recorded and shown, the application still waiting; more than owed, or a
// payment after it was paid, is recorded with the surplus shown. Never
// accepted silently: each is on the timeline and in the applicant's inbox.
// An unknown УИН is recorded apart (Store.RecordUnmatchedPayment) and
// touches no application; it, an underpayment and an overpayment join the
// agency's list of unmatched payments (UnmatchedPayments), the latter two
// in the write that applies them.
// Errors: Invalid (fees.Payment.Check), Conflict (changed on every
// re-read), Unavailable, Internal.
func (s *Service) ApplyPayment(ctx context.Context, p fees.Payment) (fees.Applied, error) {
	const op = "applications.ApplyPayment"
	if err := p.Check(op); err != nil {
		return fees.Applied{}, err
	}
	owner, id, err := s.Store.FindByUIN(ctx, p.UIN)
	if errs.Is(err, errs.NotFound) {
		dup, err := s.Store.RecordUnmatchedPayment(ctx, unmatched(p, s.Now(), nil, fees.OutcomeUnknownUIN))
		if err != nil {
			return fees.Applied{}, err
		}
		s.log().Warn("applications: a payment names no accrual", "uin", p.UIN, "event", p.EventID, "duplicate", dup)
		if dup {
			return fees.Applied{Outcome: fees.OutcomeDuplicate}, nil
		}
		return fees.Applied{Outcome: fees.OutcomeUnknownUIN}, nil
	}
	if err != nil {
		return fees.Applied{}, err
	}
	for attempt := 1; ; attempt++ {
		outcome, err := s.applyPayment(ctx, owner, id, p)
		if errs.Is(err, errs.Conflict) && attempt < paymentAttempts {
			continue
		}
		return fees.Applied{Outcome: outcome, ApplicationID: id}, err
	}
}

// paymentAttempts bounds ApplyPayment's re-reads after a concurrent change.
const paymentAttempts = 3

func (s *Service) applyPayment(ctx context.Context, owner, id string, p fees.Payment) (string, error) {
	const op = "applications.ApplyPayment"
	a, err := s.Store.GetApplication(ctx, owner, id)
	if err != nil {
		return "", err
	}
	if a.Fee == nil {
		return "", errs.E(op, errs.Internal, errors.New("the application of this UIN has no accrual"))
	}
	if a.Fee.Has(p.EventID) {
		return fees.OutcomeDuplicate, nil
	}
	prof, err := s.Profiles.GetProfile(ctx, owner)
	if err != nil {
		return "", err
	}
	next := a
	fee := *a.Fee
	fee.Payments = append(slices.Clone(a.Fee.Payments), Payment{EventID: p.EventID, Kopecks: p.Kopecks, PaidAt: p.PaidAt.UTC(), Payer: p.Payer})
	next.Fee = &fee
	paid := fee.Paid()
	switch {
	case a.Status == StatusAwaitingPayment && paid >= fee.Kopecks:
		outcome, note := fees.OutcomePaid, NotePaid
		if paid > fee.Kopecks {
			outcome, note = fees.OutcomeOverpaid, NoteOverpaid
		}
		// the term runs from receipt: today, in the zone it was submitted in
		svc, _ := Lookup(a.ServiceCode)
		due, err := DecisionDate(s.calendar(), svc, civil.Today(s.Now(), zone(a)))
		if err != nil {
			return "", err
		}
		next.ExpectedDecision = &due
		var also []Effect
		if outcome == fees.OutcomeOverpaid {
			u := unmatched(p, s.Now(), &next, outcome)
			also = append(also, Effect{Unmatched: &u})
		}
		_, _, err = s.assignAndMove(ctx, a, next, StatusReceived, actorTreasury, RoleSystem, note, prof, nil, also...)
		return outcome, err
	case a.Status == StatusAwaitingPayment:
		u := unmatched(p, s.Now(), &next, fees.OutcomeUnderpaid)
		return fees.OutcomeUnderpaid, s.note(ctx, a, next, NoteUnderpaid, prof, Effect{Unmatched: &u})
	default:
		// paid before, or no longer waiting (withdrawn, refused): the
		// money is the applicant's to claim back
		u := unmatched(p, s.Now(), &next, fees.OutcomeOverpaid)
		return fees.OutcomeOverpaid, s.note(ctx, a, next, NoteOverpaid, prof, Effect{Unmatched: &u})
	}
}

// actorTreasury is the timeline's actor of what a payment did.
const actorTreasury = "treasury"

// note saves next (cur changed) with a timeline entry that changes no
// status, carrying Kabinet's text note, and tells the applicant as a
// status change does.
func (s *Service) note(ctx context.Context, cur, next Application, note Note, p registry.Profile, effects ...Effect) error {
	now := s.Now().UTC()
	next.Timeline = append(slices.Clone(cur.Timeline), Entry{At: now, Actor: actorTreasury, Role: RoleSystem, From: cur.Status, To: cur.Status, Note: note})
	svc, _ := Lookup(next.ServiceCode)
	title, body := render(next, svc, "", note, p.Language)
	n := inbox.Notification{ID: s.NewID(), Owner: next.Owner, Kind: KindStatus, Title: title, Body: body, CreatedAt: now}
	_, _, err := s.save(ctx, cur, next, n, nil, effects...)
	return err
}
