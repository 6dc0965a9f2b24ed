package applications

import (
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// unmatchedPaymentResponse is a payment that did not settle an accrual
// exactly, as the agency's staff reconcile it.
type unmatchedPaymentResponse struct {
	EventID       string    `json:"eventId"`
	UIN           string    `json:"uin"`
	Amount        int64     `json:"amount"` // kopecks
	PaidAt        time.Time `json:"paidAt"`
	Payer         string    `json:"payer,omitempty"`
	ReceivedAt    time.Time `json:"receivedAt"`
	Outcome       string    `json:"outcome"` // unknown_uin, underpaid, overpaid
	ApplicationID string    `json:"applicationId,omitempty"`
	ReceiptNumber string    `json:"receiptNumber,omitempty"`
	Owed          int64     `json:"owed"`
	Surplus       int64     `json:"surplus"`
}

// handleUnmatchedPayments lists the payments of the caller's agency (for
// operators, of none) that did not settle an accrual exactly, newest
// first: ?status=unmatched (the only status), limit, cursor.
func handleUnmatchedPayments(svc *applications.Service) http.Handler {
	return httpapi.Authed(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) error {
		var fe errs.Fields
		limit := httpapi.QueryInt(r, "limit", &fe)
		if err := fe.ErrKind("httpapi.unmatchedPayments", errs.Malformed); err != nil {
			return err
		}
		q := r.URL.Query()
		page, err := svc.UnmatchedPayments(r.Context(), agencyStaffOf(id), q.Get("status"), limit, q.Get("cursor"))
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[unmatchedPaymentResponse]{Items: make([]unmatchedPaymentResponse, len(page.Items)),
			NextCursor: httpapi.NextCursor(r, page.NextCursor)}
		for i, u := range page.Items {
			out.Items[i] = unmatchedPaymentResponse{EventID: u.EventID, UIN: u.UIN, Amount: u.Kopecks, PaidAt: u.PaidAt, Payer: u.Payer,
				ReceivedAt: u.At, Outcome: u.Outcome, ApplicationID: u.ApplicationID, ReceiptNumber: u.ReceiptNumber, Owed: u.Owed, Surplus: u.Surplus}
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}
