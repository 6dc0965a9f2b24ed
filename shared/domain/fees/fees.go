// Package fees is the state fee (госпошлина) of a service: the accrual an
// application gets on submission, its УИН (unique accrual identifier) with
// the Treasury's control digit, and the payment QR code Russian banks'
// apps read (ГОСТ Р 56042-2014). It decides; nothing here talks to a bank.
package fees

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Reasons the fees package decides (errs.Reason).
const (
	// ReasonBadUIN (Invalid): not a УИН: 20 or 25 digits whose last is the
	// control digit of the others.
	ReasonBadUIN errs.Reason = "bad_uin"
)

// UIN length of an accrual Kabinet makes: 8 characters of the participant's
// registration number in ГИС ГМП, 11 of the accrual number, the control
// digit (see CheckDigit).
const uinLen = 20

// CheckDigit computes the control digit of the first digits of a УИН as the
// Treasury's rules define it (Порядок ведения Государственной
// информационной системы о государственных и муниципальных платежах,
// приказ Федерального казначейства от 12.05.2017 № 11н, приложение
// «Алгоритм расчета контрольного разряда УИН»; the УИН's structure is in
// приказ Минфина России от 12.11.2013 № 107н, приложение 2): each digit
// from the first is weighted 1, 2, … 10, 1, 2, …; the control digit is the
// sum mod 11; a remainder of 10 is computed again with the weights shifted
// by two (3, 4, … 10, 1, 2, 3, …); a remainder of 10 again gives 0.
// ok is false when digits holds anything but the digits 0–9.
func CheckDigit(digits string) (d byte, ok bool) {
	sum := func(shift int) int {
		s := 0
		for i := 0; i < len(digits); i++ {
			s += int(digits[i]-'0') * ((i+shift)%10 + 1)
		}
		return s % 11
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	r := sum(0)
	if r == 10 {
		if r = sum(2); r == 10 {
			r = 0
		}
	}
	return byte('0' + r), true
}

// ValidUIN reports whether u is a УИН of 20 or 25 digits with its control digit.
func ValidUIN(u string) bool {
	if len(u) != 20 && len(u) != 25 {
		return false
	}
	d, ok := CheckDigit(u[:len(u)-1])
	return ok && d == u[len(u)-1]
}

// CheckUIN is ValidUIN as an error. Errors: Invalid (field uin, bad_uin).
func CheckUIN(op, u string) error {
	if ValidUIN(u) {
		return nil
	}
	return errs.E(op, errs.Invalid, ReasonBadUIN, errs.FieldError{Field: "uin", Code: string(ReasonBadUIN)})
}

// NewUIN makes the УИН of accrual number n (unique per participant, 0 ≤ n
// < 10¹¹) of participant urn (its 8-digit registration number).
// Errors: Internal (an urn or n out of shape: a configuration fault).
func NewUIN(urn string, n int64) (string, error) {
	if len(urn) != 8 || n < 0 || n >= 1e11 {
		return "", errs.E("fees.NewUIN", errs.Internal, fmt.Errorf("urn %q, accrual %d", urn, n))
	}
	head := urn + fmt.Sprintf("%011d", n)
	d, ok := CheckDigit(head)
	if !ok {
		return "", errs.E("fees.NewUIN", errs.Internal, fmt.Errorf("urn %q is not digits", urn))
	}
	u := head + string(d)
	if len(u) != uinLen {
		return "", errs.E("fees.NewUIN", errs.Internal, fmt.Errorf("made %d digits", len(u)))
	}
	return u, nil
}

// Payee is who a fee is paid to: the agency's account at the Treasury.
type Payee struct {
	Name        string // recipient, as the bank shows it (the УФК and the agency)
	INN, KPP    string
	Account     string // казначейский счёт (PersonalAcc), 20 digits
	BankName    string
	BIC         string // 9 digits
	CorrAccount string // единый казначейский счёт (CorrespAcc), 20 digits
	CBC         string // КБК, 20 characters
	OKTMO       string // 8 or 11 digits
	URN         string // the participant's 8-digit number in ГИС ГМП, the УИН's first part
}

// PaymentQR is the payment's text in the format of ГОСТ Р 56042-2014
// («Стандарты финансовых операций. Двумерные символы штрихового кода для
// осуществления платежей физических лиц»): the header ST0001, the encoding
// digit 2 (UTF-8), the separator '|', then Name=…|PersonalAcc=…|BankName=…|
// BIC=…|CorrespAcc=… (the standard's mandatory fields, in its order) and
// the additional ones Sum (in kopecks), Purpose, PayeeINN, KPP, CBC, OKTMO
// and UIN. A value holding the separator is Invalid: the standard has no
// escape for it. Errors: Invalid (field and the value's name).
func PaymentQR(p Payee, kopecks int64, purpose, uin string) (string, error) {
	fields := [][2]string{
		{"Name", p.Name}, {"PersonalAcc", p.Account}, {"BankName", p.BankName}, {"BIC", p.BIC}, {"CorrespAcc", p.CorrAccount},
		{"Sum", strconv.FormatInt(kopecks, 10)}, {"Purpose", purpose}, {"PayeeINN", p.INN}, {"KPP", p.KPP},
		{"CBC", p.CBC}, {"OKTMO", p.OKTMO}, {"UIN", uin},
	}
	var fe errs.Fields
	var b strings.Builder
	b.WriteString("ST00012")
	for _, f := range fields {
		if f[1] == "" || strings.ContainsAny(f[1], "|\r\n") {
			fe.Add(f[0], "invalid_text")
			continue
		}
		b.WriteString("|" + f[0] + "=" + f[1])
	}
	if kopecks <= 0 {
		fe.Add("Sum", "not_positive")
	}
	if err := fe.Err("fees.PaymentQR"); err != nil {
		return "", err
	}
	return b.String(), nil
}
