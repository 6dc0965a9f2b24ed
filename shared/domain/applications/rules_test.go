package applications

import (
	"regexp"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

var today = civil.Date{Year: 2026, Month: 6, Day: 15}

func TestFieldRules(t *testing.T) {
	f := func(format Format) Field { return Field{Name: "x", Type: TypeString, Format: format, MaxLength: 40} }
	cases := []struct {
		name  string
		field Field
		in    string
		want  string // normalised value; "" when refused
		code  string
	}{
		{"snils valid", f(FormatSNILS), "112-233-445 95", "112-233-445 95", ""},
		{"snils digits only", f(FormatSNILS), "11223344595", "112-233-445 95", ""},
		{"snils wrong control", f(FormatSNILS), "112-233-445 96", "", "invalid_snils"},
		{"snils short", f(FormatSNILS), "112-233-445", "", "invalid_snils"},
		{"snils letters", f(FormatSNILS), "112-233-44A 95", "", "invalid_snils"},
		{"inn organisation (Sberbank)", f(FormatINN), "7707083893", "7707083893", ""},
		{"inn organisation wrong", f(FormatINN), "7707083894", "", "invalid_inn"},
		{"inn person", f(FormatINN), "500100732259", "500100732259", ""},
		{"inn person wrong", f(FormatINN), "500100732258", "", "invalid_inn"},
		{"inn 11 digits", f(FormatINN), "77070838931", "", "invalid_inn"},
		{"ogrn Sberbank", f(FormatOGRN), "1027700132195", "1027700132195", ""},
		{"ogrn wrong check digit", f(FormatOGRN), "1027700132196", "", "invalid_ogrn"},
		{"ogrn 12 digits", f(FormatOGRN), "102770013219", "", "invalid_ogrn"},
		{"ogrnip valid", f(FormatOGRNIP), "304500116000157", "304500116000157", ""},
		{"ogrnip wrong", f(FormatOGRNIP), "304500116000158", "", "invalid_ogrnip"},
		{"ogrnip given an ogrn", f(FormatOGRNIP), "1027700132195", "", "invalid_ogrnip"},
		{"passport", f(FormatPassport), "4510 123456", "4510 123456", ""},
		{"passport no space", f(FormatPassport), "4510123456", "4510 123456", ""},
		{"passport short", f(FormatPassport), "4510 12345", "", "invalid_passport"},
		{"passport letters", f(FormatPassport), "45AB 123456", "", "invalid_passport"},
		{"foreign passport", f(FormatForeign), "75 1234567", "75 1234567", ""},
		{"licence", f(FormatLicence), "77АВ 123456", "77АВ 123456", ""},
		{"licence latin look-alike letters", f(FormatLicence), "77AB 123456", "77АВ 123456", ""},
		{"licence as the registry prints it", f(FormatLicence), "99 12 345678", "9912 345678", ""},
		{"licence with a Latin letter that looks like none", f(FormatLicence), "77AZ 123456", "", "invalid_licence"},
		{"ogrn starting with 0, right check digit", f(FormatOGRN), "0027700132196", "", "invalid_ogrn"},
		{"inn all zeros", f(FormatINN), "000000000000", "", "invalid_inn"},
		{"passport of a region that does not exist", f(FormatPassport), "0212 345678", "", "invalid_passport"},
		{"oms", f(FormatOMS), "1234567890123456", "1234567890123456", ""},
		{"phone", f(FormatPhone), "+79161234567", "+79161234567", ""},
		{"phone the domestic way, 8 and ten digits", f(FormatPhone), "89161234567", "+79161234567", ""},
		{"phone formatted", f(FormatPhone), "8 (916) 123-45-67", "+79161234567", ""},
		{"phone without plus, not Russian", f(FormatPhone), "4915112345678", "", "invalid_phone"},
		{"phone too long", f(FormatPhone), "+7916123456789012", "", "invalid_phone"},
		{"email", f(FormatEmail), "alice@example.test", "alice@example.test", ""},
		{"email with name", f(FormatEmail), "Alice <alice@example.test>", "", "invalid_email"},
		{"postal", f(FormatPostalCode), "101000", "101000", ""},
		{"postal 5 digits", f(FormatPostalCode), "10100", "", "invalid_postal_code"},
		{"postal letters", f(FormatPostalCode), "10100A", "", "invalid_postal_code"},
		{"date", Field{Type: TypeDate, Format: FormatDate}, "2026-02-28", "2026-02-28", ""},
		{"date impossible", Field{Type: TypeDate, Format: FormatDate}, "2026-02-30", "", "invalid_date"},
		{"date not strict", Field{Type: TypeDate, Format: FormatDate}, "2026-2-3", "", "invalid_date"},
		{"date with time", Field{Type: TypeDate, Format: FormatDate}, "2026-02-03T00:00:00Z", "", "invalid_date"},
		{"past date today", Field{Type: TypeDate, Format: FormatPastDate}, "2026-06-15", "2026-06-15", ""},
		{"past date tomorrow", Field{Type: TypeDate, Format: FormatPastDate}, "2026-06-16", "", "in_future"},
		{"select", Field{Type: TypeSelect, Options: []Option{{Value: "a"}, {Value: "b"}}}, "b", "b", ""},
		{"select unknown", Field{Type: TypeSelect, Options: []Option{{Value: "a"}}}, "c", "", "unknown_option"},
		{"text too long", Field{Type: TypeString, MaxLength: 3}, "abcd", "", "too_long"},
		{"text control", Field{Type: TypeString}, "a\x00b", "", "invalid_text"},
		{"required empty", Field{Type: TypeString, Required: true}, "  ", "", "required"},
		{"optional empty", Field{Type: TypeString}, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, code := c.field.check(c.in, today)
			if got != c.want || code != c.code {
				t.Errorf("check(%q) = %q, %q; want %q, %q", c.in, got, code, c.want, c.code)
			}
		})
	}
}

// TestValidate checks drafts (partial) and submissions (complete).
func TestValidate(t *testing.T) {
	svc, _ := Lookup("certificate_request")
	fields := map[string]string{"fullName": "Иванов Иван", "inn": "7707083893", "certificateType": "no_tax_debt",
		"ogrn": "1027700132195", "snils": "112-233-445 95", "postalCode": "101000"}
	if out, fe := validate(svc, fields, true, today); fe.Err("x") != nil || len(out) != len(fields) {
		t.Fatalf("complete: %v %v", out, fe.Err("x"))
	}
	// a draft may leave required fields out, but a given field must pass
	if _, fe := validate(svc, map[string]string{"ogrn": "1027700132196"}, false, today); fe.Err("x") == nil ||
		fe.Err("x").Error() != "x: invalid [fields.ogrn: invalid_ogrn]" {
		t.Errorf("draft: %v", fe.Err("x"))
	}
	if _, fe := validate(svc, map[string]string{"fullName": "x"}, false, today); fe.Err("x") != nil {
		t.Errorf("partial draft: %v", fe.Err("x"))
	}
	_, fe := validate(svc, map[string]string{"fullName": "x", "colour": "red"}, true, today)
	want := "x: invalid [fields.certificateType: required] [fields.colour: unknown_field] [fields.inn: required] [fields.postalCode: required]"
	if err := fe.Err("x"); err == nil || err.Error() != want {
		t.Errorf("complete with gaps: %v\nwant %s", err, want)
	}
}

// TestCatalogue checks every service and field is described in both
// languages and every rule is well-formed.
func TestCatalogue(t *testing.T) {
	want := []string{"passport_replacement", "foreign_passport", "drivers_licence_exchange", "medical_certificate",
		"residence_registration", "certificate_request"}
	for _, code := range want {
		if _, ok := Lookup(code); !ok {
			t.Errorf("service %s missing", code)
		}
	}
	codes := map[string]bool{}
	for _, s := range Catalogue() {
		if codes[s.Code] {
			t.Errorf("service %s twice", s.Code)
		}
		codes[s.Code] = true
		if s.Title["ru"] == "" || s.Title["en"] == "" || s.Agency == "" || s.DecisionDays <= 0 || len(s.Fields) == 0 {
			t.Errorf("service %s incomplete: %+v", s.Code, s)
		}
		names := map[string]bool{}
		for _, f := range s.Fields {
			if names[f.Name] {
				t.Errorf("%s: field %s twice", s.Code, f.Name)
			}
			names[f.Name] = true
			if f.Label["ru"] == "" || f.Label["en"] == "" {
				t.Errorf("%s.%s: labels %v", s.Code, f.Name, f.Label)
			}
			switch f.Type {
			case TypeString, TypeDate:
			case TypeSelect:
				if len(f.Options) == 0 {
					t.Errorf("%s.%s: select without options", s.Code, f.Name)
				}
				for _, o := range f.Options {
					if o.Value == "" || o.Label["ru"] == "" || o.Label["en"] == "" {
						t.Errorf("%s.%s: option %+v", s.Code, f.Name, o)
					}
				}
			default:
				t.Errorf("%s.%s: type %q", s.Code, f.Name, f.Type)
			}
			if f.Format != FormatText {
				if _, ok := formats[f.Format]; !ok {
					t.Errorf("%s.%s: unknown format %q", s.Code, f.Name, f.Format)
				}
			}
			if p := f.Pattern(); p != "" {
				if _, err := regexp.Compile(p); err != nil {
					t.Errorf("%s.%s: pattern %q: %v", s.Code, f.Name, p, err)
				}
			}
		}
	}
	// a passport replacement is prefilled with the current passport's number
	s, _ := Lookup("passport_replacement")
	if f, ok := s.Field("internalPassport"); !ok || f.Prefill != FromInternalPassport || f.Format != FormatPassport {
		t.Errorf("passport_replacement.internalPassport = %+v", f)
	}
}

func TestReceiptNumber(t *testing.T) {
	if got := ReceiptNumber(2026, 12345); got != "KB-2026-00012345" {
		t.Errorf("ReceiptNumber = %q", got)
	}
}
