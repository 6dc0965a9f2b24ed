package applications

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/kabinet/kabinet/shared/domain/fees"
)

// FeeRule is a service's state fee (госпошлина): its amount, what the
// payment is for as the bank shows it, and how long the applicant has to
// pay after submitting.
type FeeRule struct {
	Kopecks int64
	// Purpose is the payment's purpose (the QR code's Purpose field and
	// the bank's statement), in the Treasury's Russian wording.
	Purpose string
	// PayDays is the time to pay in calendar days from submission; 0 is
	// DefaultPayDays.
	PayDays int
	// Source names the law that sets the amount.
	Source string
}

// DefaultPayDays is how long an applicant has to pay a fee after submitting.
const DefaultPayDays = 10

func (f FeeRule) payDays() int {
	if f.PayDays > 0 {
		return f.PayDays
	}
	return DefaultPayDays
}

// Accrual is what the applicant of a service with a fee owes: the accrual
// the agency posts in ГИС ГМП on submission, and the payments the Treasury
// confirmed against its УИН.
type Accrual struct {
	UIN      string
	Kopecks  int64
	Purpose  string
	PayBy    time.Time // the payment deadline; then the application is refused
	Payments []Payment // oldest first; one per treasury event id
}

// Payment is one payment the Treasury confirmed (PaymentConfirmed).
type Payment struct {
	EventID string
	Kopecks int64
	PaidAt  time.Time
	// Payer is the payer's name as the bank sent it: shown to the
	// applicant, never logged.
	Payer string
}

// Paid is the sum of the payments.
func (a Accrual) Paid() int64 {
	var n int64
	for _, p := range a.Payments {
		n += p.Kopecks
	}
	return n
}

// Has reports whether the treasury event id was applied to a.
func (a Accrual) Has(eventID string) bool {
	return slices.ContainsFunc(a.Payments, func(p Payment) bool { return p.EventID == eventID })
}

// Payee is the agency's account a fee for agency is paid to; ok false for
// an agency that takes no fees.
func Payee(agency string) (fees.Payee, bool) {
	p, ok := payees[agency]
	return p, ok
}

// payees are the agencies' Treasury details. They are the shape the
// Treasury publishes (УФК по г. Москве for the agency, its treasury account
// and the single treasury account of the Bank of Russia's branch); a
// deployment configures its own, and a test checks each is well-formed.
var payees = map[string]fees.Payee{
	AgencyGIBDD: {
		Name: "УФК по г. Москве (ГУ МВД России по г. Москве)", INN: "7707089101", KPP: "770731005",
		Account: "03100643000000017300", BankName: "ГУ Банка России по ЦФО//УФК по г. Москве г. Москва",
		BIC: "004525988", CorrAccount: "40102810545370000003", CBC: "18810807141011000110", OKTMO: "45382000",
		URN: "18810177",
	},
}

// accrualNumber is the 11-digit accrual number of a УИН (unique per
// participant): the year's last three digits and the receipt's 8-digit
// sequence number, which is never the same twice in a year.
func accrualNumber(year int, seq int64) int64 {
	n, _ := strconv.ParseInt(fmt.Sprintf("%03d%08d", year%1000, seq), 10, 64)
	return n
}

// PaymentQR is the text of the payment's QR code (ГОСТ Р 56042-2014) for
// what is still owed; ok false when nothing is (no fee, or paid in full).
// Errors: Internal (the payee's details do not fit the standard: a
// configuration fault).
func (a Application) PaymentQR() (text string, ok bool, err error) {
	if a.Fee == nil {
		return "", false, nil
	}
	owed := a.Fee.Kopecks - a.Fee.Paid()
	if owed <= 0 {
		return "", false, nil
	}
	p, known := Payee(a.Agency)
	if !known {
		return "", false, fmt.Errorf("no payee for agency %q", a.Agency)
	}
	text, err = fees.PaymentQR(p, owed, a.Fee.Purpose, a.Fee.UIN)
	return text, err == nil, err
}
