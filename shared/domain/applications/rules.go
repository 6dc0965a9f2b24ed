package applications

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/numbers"
	"github.com/kabinet/kabinet/shared/domain/usertext"
)

// FieldType is how a client shows a field.
type FieldType string

// Field types.
const (
	TypeString FieldType = "string"
	TypeDate   FieldType = "date"
	TypeSelect FieldType = "select"
)

// Format is the rule a field's value follows beyond its type: a number with
// a checksum, a phone, a postal code... "" is free text.
type Format string

// Formats. Those with a checksum name it in Field.Checksum.
const (
	FormatText     Format = ""
	FormatSNILS    Format = "snils"    // 11 digits with the control number
	FormatINN      Format = "inn"      // 10 (organisation) or 12 (person) digits with check digits
	FormatOGRN     Format = "ogrn"     // 13 digits: (first 12 mod 11) mod 10
	FormatOGRNIP   Format = "ogrnip"   // 15 digits: (first 14 mod 13) mod 10
	FormatPassport Format = "passport" // internal passport: series of 4 digits and number of 6
	FormatForeign  Format = "foreign"  // foreign passport: 2 + 7 digits
	// FormatBirthCertificate: a Roman numeral, a dash, two Cyrillic letters and 6 digits
	FormatBirthCertificate Format = "birth_certificate"
	FormatLicence          Format = "licence"     // driver's licence: 4-character series and 6 digits
	FormatOMS              Format = "oms"         // 16-digit OMS policy
	FormatPhone            Format = "phone"       // E.164
	FormatEmail            Format = "email"       // an e-mail address
	FormatPostalCode       Format = "postal_code" // 6 digits
	FormatDate             Format = "date"        // strict YYYY-MM-DD
	FormatPastDate         Format = "past_date"   // a date not after today (birth, issue)
)

// formatInfo is what each format shows clients and how it checks a value.
type formatInfo struct {
	pattern  string // a hint for clients; the check below is what counts
	checksum string
	code     string // the field error code when the value breaks the rule
	// check returns the normalised value and whether it is valid.
	check func(v string, today civil.Date) (string, bool)
}

var formats = map[Format]formatInfo{
	FormatSNILS: {`^\d{3}-?\d{3}-?\d{3}[ -]?\d{2}$`, "snils", "invalid_snils", func(v string, _ civil.Date) (string, bool) {
		d, ok := digits(v, 11)
		if !ok || !numbers.ValidSNILS(d) {
			return "", false
		}
		return d[:3] + "-" + d[3:6] + "-" + d[6:9] + " " + d[9:], true
	}},
	FormatINN: {`^(\d{10}|\d{12})$`, "inn", "invalid_inn", func(v string, _ civil.Date) (string, bool) {
		d := strings.TrimSpace(v)
		return d, numbers.ValidINN(d)
	}},
	FormatOGRN: {`^\d{13}$`, "ogrn", "invalid_ogrn", func(v string, _ civil.Date) (string, bool) {
		d := strings.TrimSpace(v)
		return d, numbers.ValidOGRN(d)
	}},
	FormatOGRNIP: {`^\d{15}$`, "ogrnip", "invalid_ogrnip", func(v string, _ civil.Date) (string, bool) {
		d := strings.TrimSpace(v)
		return d, numbers.ValidOGRNIP(d)
	}},
	// The document formats are the registry's own (shared/domain/numbers),
	// so a number the registry keeps is one an application takes, and back.
	FormatPassport: {`^\d{4} ?\d{6}$`, "", "invalid_passport", func(v string, _ civil.Date) (string, bool) {
		return numbers.Passport(v)
	}},
	FormatForeign: {`^\d{2} ?\d{7}$`, "", "invalid_passport", func(v string, _ civil.Date) (string, bool) {
		return numbers.ForeignPassport(v)
	}},
	FormatBirthCertificate: {`^[^\s\d-]{1,6}[- ][^\s\d]{2} ?№? ?\d{6}$`, "", "invalid_birth_certificate", func(v string, _ civil.Date) (string, bool) {
		return numbers.BirthCertificate(v)
	}},
	// A licence number as printed ("99 12 345678") or as kept ("9912
	// 345678"); series letters typed in Latin look-alikes are taken as
	// the Cyrillic ones.
	FormatLicence: {`^\d{2} ?[0-9А-ЯA-Za-zа-я]{2} ?\d{6}$`, "", "invalid_licence", func(v string, _ civil.Date) (string, bool) {
		return numbers.Licence(v)
	}},
	FormatOMS: {`^\d{16}$`, "", "invalid_oms", func(v string, _ civil.Date) (string, bool) { return digits(v, 16) }},
	FormatPhone: {`^(\+[1-9]\d{7,14}|8\d{10})$`, "", "invalid_phone", func(v string, _ civil.Date) (string, bool) {
		return numbers.Phone(v) // 8XXXXXXXXXX is kept as +7XXXXXXXXXX
	}},
	FormatEmail: {`^[^@\s]+@[^@\s]+$`, "", "invalid_email", func(v string, _ civil.Date) (string, bool) {
		v = strings.TrimSpace(v)
		a, err := mail.ParseAddress(v)
		return v, err == nil && a.Address == v && a.Name == ""
	}},
	FormatPostalCode: {`^\d{6}$`, "", "invalid_postal_code", func(v string, _ civil.Date) (string, bool) {
		v = strings.TrimSpace(v)
		return v, len(v) == 6 && allDigits(v)
	}},
	FormatDate: {`^\d{4}-\d{2}-\d{2}$`, "", "invalid_date", func(v string, _ civil.Date) (string, bool) {
		d, err := civil.Parse(v)
		return d.String(), err == nil
	}},
	FormatPastDate: {`^\d{4}-\d{2}-\d{2}$`, "", "invalid_date", func(v string, _ civil.Date) (string, bool) {
		d, err := civil.Parse(v)
		return d.String(), err == nil
	}},
}

// digits strips the spaces and dashes people type into numbers and reports
// whether what is left is n digits.
func digits(s string, n int) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return "", false
		}
	}
	return b.String(), b.Len() == n
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// check validates one value against f and returns it normalised, or the
// field error code. today is the applicant's date, for past-only dates.
func (f Field) check(v string, today civil.Date) (string, string) {
	if strings.TrimSpace(v) == "" {
		if f.Required {
			return "", "required"
		}
		return "", ""
	}
	if utf8.RuneCountInString(v) > f.maxLength() {
		return "", "too_long"
	}
	n, ok := usertext.Line(v, f.maxLength())
	if !ok {
		return "", "invalid_text"
	}
	v = n
	switch f.Type {
	case TypeSelect:
		for _, o := range f.Options {
			if o.Value == v {
				return v, ""
			}
		}
		return "", "unknown_option"
	case TypeDate:
		d, err := civil.Parse(v)
		if err != nil {
			return "", "invalid_date"
		}
		if f.Format == FormatPastDate && d.After(today) {
			return "", "in_future"
		}
		return d.String(), ""
	}
	if fi, ok := formats[f.Format]; ok {
		n, ok := fi.check(v, today)
		if !ok {
			return "", fi.code
		}
		return n, ""
	}
	return strings.TrimSpace(v), ""
}

func (f Field) maxLength() int {
	if f.MaxLength > 0 {
		return f.MaxLength
	}
	return DefaultMaxLength
}

// DefaultMaxLength bounds a field without its own limit.
const DefaultMaxLength = 200
