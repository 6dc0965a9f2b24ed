package numbers

import "testing"

// TestDocumentNumbers checks the number formats of the document types
// added with the catalogue as the law has it: what is accepted, how it is
// kept, and Latin look-alike letters in a series turned Cyrillic.
func TestDocumentNumbers(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(string) (string, bool)
		in   string
		want string // "" for refused
	}{
		{"military ID", MilitaryID, "АВ 1234567", "АВ 1234567"},
		{"military ID typed together", MilitaryID, "ав1234567", "АВ 1234567"},
		{"military ID with Latin look-alikes", MilitaryID, "AB 1234567", "АВ 1234567"},
		{"military ID with a number sign", MilitaryID, "АВ № 1234567", "АВ 1234567"},
		{"military ID with a Latin letter that looks like none", MilitaryID, "AZ 1234567", ""},
		{"military ID with 6 digits", MilitaryID, "АВ 123456", ""},
		{"military ID with digits for a series", MilitaryID, "12 1234567", ""},

		{"registration certificate, digit series", VehicleRegistration, "99 12 345678", "99 12 345678"},
		{"registration certificate, letter series", VehicleRegistration, "77 ук 123456", "77 УК 123456"},
		{"registration certificate, Latin look-alikes", VehicleRegistration, "77YK123456", "77 УК 123456"},
		{"registration certificate, letters for the region", VehicleRegistration, "АА 12 345678", ""},
		{"registration certificate, 9 digits", VehicleRegistration, "99 12 34567", ""},

		{"paper vehicle passport", VehiclePassport, "77 УА 123456", "77 УА 123456"},
		{"paper vehicle passport, Latin look-alikes", VehiclePassport, "77 YA 123456", "77 УА 123456"},
		{"paper vehicle passport with digits for letters", VehiclePassport, "77 12 123456", ""},
		{"electronic vehicle passport", VehiclePassport, "164301001234567", "164301001234567"},
		{"electronic vehicle passport, 14 digits", VehiclePassport, "16430100123456", ""},

		{"birth certificate", BirthCertificate, "IV-МЮ 123456", "IV-МЮ 123456"},
		{"birth certificate typed in lower case", BirthCertificate, "iv-мю 123456", "IV-МЮ 123456"},
		{"birth certificate, Latin M in the letters", BirthCertificate, "IV-MЮ 123456", "IV-МЮ 123456"},
		{"birth certificate, Cyrillic Х and І in the numeral", BirthCertificate, "ХІІ-ТН 654321", "XII-ТН 654321"},
		{"birth certificate with a space for the dash", BirthCertificate, "III КБ № 000123", "III-КБ 000123"},
		{"birth certificate without the numeral", BirthCertificate, "МЮ 123456", ""},
		{"birth certificate with a numeral that is none", BirthCertificate, "IIII-МЮ 123456", ""},
		{"birth certificate with one letter", BirthCertificate, "IV-М 123456", ""},
		{"birth certificate with 7 digits", BirthCertificate, "IV-МЮ 1234567", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.fn(tc.in)
			switch {
			case tc.want == "" && ok:
				t.Errorf("Number(%q) = %q, want refused", tc.in, got)
			case tc.want != "" && (!ok || got != tc.want):
				t.Errorf("Number(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
			}
		})
	}
}
