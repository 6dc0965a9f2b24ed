package ingest

import (
	"context"
	"errors"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/fees"
)

// PaymentConfirmed is the detail type of the Treasury's confirmation of a
// payment (ГИС ГМП's «извещение о приёме к исполнению распоряжения»), sent
// by the treasury party (issuers.Treasury) only.
const PaymentConfirmed = "PaymentConfirmed"

// Payments applies a confirmed payment to the accrual it names;
// *applications.Service is one (composition gives it).
type Payments interface {
	// ApplyPayment errors: Invalid, Conflict, Unavailable, Internal.
	ApplyPayment(ctx context.Context, p fees.Payment) (fees.Applied, error)
}

// paymentDetail is PaymentConfirmed's detail: {uin, amount (kopecks, as
// ГИС ГМП counts), paidAt, payer}.
type paymentDetail struct {
	UIN    string    `json:"uin"`
	Amount *int64    `json:"amount"`
	PaidAt time.Time `json:"paidAt"`
	Payer  string    `json:"payer"`
}

// payment applies a PaymentConfirmed. Only a party the issuer table lets
// confirm payments may send one; the payment is applied once per event id
// by the applications domain (the event id is recorded with the payment,
// in the write that applies it).
func (s *Service) payment(ctx context.Context, ev Event, party string, in paymentDetail) (Result, error) {
	const op = "ingest.PaymentConfirmed"
	if !s.issuers().ConfirmsPayments(party) {
		return Result{}, errs.E(op, errs.Invalid, errs.FieldError{Field: "source", Code: "unknown_source"})
	}
	if s.Payments == nil {
		return Result{}, errs.E(op, errs.Internal, errors.New("no payments port configured"))
	}
	p := fees.Payment{EventID: ev.ID, UIN: in.UIN, PaidAt: in.PaidAt, Payer: in.Payer}
	if in.Amount != nil {
		p.Kopecks = *in.Amount
	}
	if err := p.Check(op); err != nil {
		return Result{}, err
	}
	applied, err := s.Payments.ApplyPayment(ctx, p)
	if err != nil {
		return Result{}, err
	}
	outcome := OutcomeApplied
	if applied.Outcome == fees.OutcomeDuplicate {
		outcome = OutcomeDuplicate
	}
	return Result{Outcome: outcome, EventID: ev.ID, DetailType: ev.DetailType, ApplicationID: applied.ApplicationID,
		Payment: applied.Outcome}, nil
}
