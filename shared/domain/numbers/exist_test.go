package numbers

import "testing"

// TestNumbersThatCannotExist: numbers whose checksum is right but whose
// structure rules them out are refused; their real neighbours are not.
func TestNumbersThatCannotExist(t *testing.T) {
	for _, tc := range []struct {
		name  string
		check func(string) bool
		in    string
		want  bool
	}{
		{"OGRN Sberbank", ValidOGRN, "1027700132195", true},
		{"OGRN 1027739609391", ValidOGRN, "1027739609391", true},
		{"OGRN 14 digits", ValidOGRN, "10277001321950", false},
		{"OGRN empty", ValidOGRN, "", false},
		{"OGRN of a 5-series", ValidOGRN, "5027700132191", true},
		{"OGRN of region 99", ValidOGRN, "1029900132195", true},
		{"OGRN starting with 0, right check digit", ValidOGRN, "0027700132196", false},
		{"a record's number (ГРН, 2) is not an OGRN", ValidOGRN, "2027700132194", false},
		{"OGRN of region 00, right check digit", ValidOGRN, "1020000132195", false},
		{"OGRN wrong check digit", ValidOGRN, "1027700132196", false},
		{"OGRN with a letter", ValidOGRN, "10277001321A5", false},
		{"OGRNIP", ValidOGRNIP, "304500116000157", true},
		{"OGRNIP starting with 0, right check digit", ValidOGRNIP, "004500116000153", false},
		{"a record's number (ГРНИП, 4) is not an OGRNIP", ValidOGRNIP, "404500116000154", false},
		{"OGRNIP of region 00, right check digit", ValidOGRNIP, "304000116000155", false},
		{"SNILS all zeros (no control number below 001-001-998)", ValidSNILS, "00000000000", false},
		{"SNILS 000-000-000 with any control", ValidSNILS, "00000000042", false},
		{"SNILS 001-001-001 without a control number", ValidSNILS, "00100100100", true},
		{"INN all zeros", ValidINN, "000000000000", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.check(tc.in); got != tc.want {
				t.Errorf("check(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	// Every region code: INN's and OGRN's are one list.
	for n := 0; n <= 99; n++ {
		code := string(rune('0'+n/10)) + string(rune('0'+n%10))
		want := n >= 1 && n <= 95 || n == 99
		if got := taxRegion(code); got != want {
			t.Errorf("taxRegion(%s) = %v, want %v", code, got, want)
		}
	}
}
