package applications

import (
	"context"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/fees"
	"github.com/kabinet/kabinet/shared/domain/paging"
)

// UnmatchedPayment is a payment the Treasury confirmed that does not
// settle an accrual exactly: an unknown УИН (fees.OutcomeUnknownUIN), less
// than owed (OutcomeUnderpaid) or more (OutcomeOverpaid). Each is kept for
// the agency's reconciliation, once per event id, besides what the
// applicant sees on their application (the fee's owed and surplus, the
// timeline's note).
type UnmatchedPayment struct {
	EventID string
	UIN     string
	Kopecks int64
	PaidAt  time.Time
	// Payer is the payer's name as the bank sent it: shown to the
	// agency's staff, never logged.
	Payer string
	At    time.Time // when Kabinet received it
	// Agency is the agency whose accrual it is, or whose payee number the
	// УИН begins with for an unknown one; "" when no agency's is.
	Agency  string
	Outcome string
	// ApplicationID and ReceiptNumber name the application of a known
	// УИН; Owed and Surplus are its fee's after this payment.
	ApplicationID, ReceiptNumber string
	Owed, Surplus                int64
}

// UnmatchedPage is a page of unmatched payments, newest first.
type UnmatchedPage struct {
	Items      []UnmatchedPayment
	NextCursor string
}

// AgencyOfUIN is the agency whose ГИС ГМП participant number (its payee's
// URN) a УИН begins with; ok false for none of Kabinet's agencies.
func AgencyOfUIN(uin string) (string, bool) {
	for agency, p := range payees {
		if p.URN != "" && strings.HasPrefix(uin, p.URN) {
			return agency, true
		}
	}
	return "", false
}

// unmatched is the record of p, received at at, against a (nil: an
// unknown УИН) after it was applied with outcome.
func unmatched(p fees.Payment, at time.Time, a *Application, outcome string) UnmatchedPayment {
	u := UnmatchedPayment{EventID: p.EventID, UIN: p.UIN, Kopecks: p.Kopecks, PaidAt: p.PaidAt.UTC(), Payer: p.Payer, At: at.UTC(),
		Outcome: outcome}
	if a == nil {
		u.Agency, _ = AgencyOfUIN(p.UIN)
		return u
	}
	u.Agency, u.ApplicationID, u.ReceiptNumber = a.Agency, a.ID, a.ReceiptNumber
	if a.Fee != nil {
		paid := a.Fee.Paid()
		u.Owed, u.Surplus = max(a.Fee.Kopecks-paid, 0), max(paid-a.Fee.Kopecks, 0)
	}
	return u
}

// UnmatchedPayments lists the payments of the caller's agency that did
// not settle an accrual exactly (unknown УИН beginning with the agency's
// number, under- and overpayments of its applications), newest first; for
// staff of an agency, and for operators (group operators), who see those
// no agency's number begins (Agency ""). status is "unmatched" or empty.
// Errors: Forbidden (staff_only), Invalid (status), Malformed (cursor),
// Unavailable, Internal.
func (s *Service) UnmatchedPayments(ctx context.Context, st Staff, status string, limit int, cursor string) (UnmatchedPage, error) {
	const op = "applications.UnmatchedPayments"
	agency := st.Agency
	switch {
	case st.IsStaff && st.Agency != "":
	case st.Operator:
		agency = ""
	default:
		return UnmatchedPage{}, errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	if status != "" && status != "unmatched" {
		return UnmatchedPage{}, errs.E(op, errs.Invalid, errs.FieldError{Field: "status", Code: "unknown_status"})
	}
	items, next, err := s.Store.UnmatchedPayments(ctx, agency, cursor, paging.ClampLimit(limit))
	if err != nil {
		return UnmatchedPage{}, err
	}
	if items == nil {
		items = []UnmatchedPayment{}
	}
	return UnmatchedPage{Items: items, NextCursor: next}, nil
}
