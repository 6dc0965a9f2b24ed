package fees

import (
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Payment is the Treasury's PaymentConfirmed: a payment against a УИН,
// as ingestion hands it to the applications domain. EventID is the bus
// event's id, the key that applies it once.
type Payment struct {
	EventID string
	UIN     string
	Kopecks int64 // ГИС ГМП counts in kopecks
	PaidAt  time.Time
	// Payer is the payer's name as the bank sent it: shown to the
	// applicant, never logged.
	Payer string
}

// Applied is what applying a Payment did.
type Applied struct {
	Outcome       string // one of the Outcome constants
	ApplicationID string // "" for an unknown УИН
}

// Outcomes of applying a payment.
const (
	OutcomePaid       = "paid"        // paid in full: the application went to the agency
	OutcomeUnderpaid  = "underpaid"   // recorded; the application still awaits the rest
	OutcomeOverpaid   = "overpaid"    // more than owed (or when nothing more was): recorded, the surplus shown
	OutcomeDuplicate  = "duplicate"   // this event id was applied before; nothing written
	OutcomeUnknownUIN = "unknown_uin" // no accrual has this УИН: recorded apart, no application touched
)

// maxPayer bounds the payer's name an event may carry.
const maxPayer = 300

// Check validates a payment's fields, named as in the event's detail.
// Errors: Invalid (detail.uin bad_uin, detail.amount not_positive,
// detail.paidAt required, detail.payer too_long).
func (p Payment) Check(op string) error {
	var fe errs.Fields
	if !ValidUIN(p.UIN) {
		fe.Add("detail.uin", string(ReasonBadUIN))
	}
	if p.Kopecks <= 0 {
		fe.Add("detail.amount", "not_positive")
	}
	if p.PaidAt.IsZero() {
		fe.Add("detail.paidAt", "required")
	}
	if len([]rune(p.Payer)) > maxPayer {
		fe.Add("detail.payer", "too_long")
	}
	return fe.Err(op)
}
