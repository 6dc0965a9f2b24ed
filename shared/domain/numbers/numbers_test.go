package numbers

import (
	"strings"
	"testing"
)

// mutations returns every number that differs from s in one digit, and
// every swap of two adjacent different digits: the typing errors a check
// number is there to catch.
func mutations(s string) []string {
	var out []string
	for i := range len(s) {
		for c := byte('0'); c <= '9'; c++ {
			if c != s[i] {
				out = append(out, s[:i]+string(c)+s[i+1:])
			}
		}
	}
	for i := 0; i+1 < len(s); i++ {
		if s[i] != s[i+1] {
			out = append(out, s[:i]+string(s[i+1])+string(s[i])+s[i+2:])
		}
	}
	return out
}

func TestValidSNILS(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want bool
	}{
		{"known good, sum 95", "11223344595", true},
		{"sum 99 is its own control", "00123957099", true},
		{"sum 100 gives 00", "00132667900", true},
		{"sum 101 gives 00", "00150881600", true},
		{"sum 102 gives 102 mod 101 = 01", "00143754501", true},
		{"sum 150 gives 49", "00289464149", true},
		{"sum 201: mod 101 is 100, which gives 00", "01799617400", true},
		{"sum 202: mod 101 is 0", "00699668300", true},
		{"up to 001-001-998 there is no control number", "00100199842", true},
		{"001-001-998 with 00", "00100199800", true},
		{"001-001-999 is the first with a control number", "00100199965", true},
		{"001-001-999 with a wrong control", "00100199900", false},
		{"sum 100 with any control but 00", "00132667999", false},
		{"sum 201 with 10", "01799617410", false},
		{"wrong control", "11223344594", false},
		{"10 digits", "1122334459", false},
		{"12 digits", "112233445950", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidSNILS(tc.in); got != tc.want {
				t.Errorf("ValidSNILS(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	for _, good := range []string{"11223344595", "00289464149"} {
		t.Run("mutations of "+good, func(t *testing.T) {
			for _, m := range mutations(good) {
				if m[:9] <= "001001998" {
					continue // no control number to catch it
				}
				if ValidSNILS(m) {
					t.Errorf("ValidSNILS(%q) = true for a mutation of %s", m, good)
				}
			}
		})
	}
}

func TestSNILSNumber(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"112-233-445 95", "112-233-445 95", true},
		{"11223344595", "112-233-445 95", true},
		{"112 233 445 95", "112-233-445 95", true},
		{"112-233-445-95", "112-233-445 95", true},
		{"001-001-998 42", "001-001-998 42", true},
		{"112-233-445 96", "", false},
		{"112-233-445 9S", "", false},
		{"112.233.445 95", "", false},
		{"112-233-445", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := SNILS(tc.in)
			if ok != tc.ok || got != tc.want {
				t.Errorf("SNILS(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestValidINN(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want bool
	}{
		// Published examples.
		{"personal INN 500100732259 (published example)", "500100732259", true},
		{"organisation INN 7707083893 (Sberbank)", "7707083893", true},
		// Computed from the algorithm: check digits (weighted sum mod 11) mod 10.
		{"organisation INN, computed", "7736207543", true},
		{"organisation INN, computed", "7830002293", true},
		{"organisation INN, computed: sum mod 11 is 10, check digit 0", "7700008880", true},
		{"organisation INN: sum mod 11 is 10 written as 1 is refused", "7700008881", false},
		{"personal INN, computed: first sum mod 11 is 10, check digit 0", "770000051802", true},
		{"personal INN, computed", "772807592828", true},
		{"personal INN with a leading zero, computed", "026504247480", true},
		// Right check digits, but no region opens them: never issued.
		{"all zeros, 10 digits (sum 0, check 0) cannot exist", "0000000000", false},
		{"all zeros, 12 digits (sum 0, checks 0) cannot exist", "000000000000", false},
		{"region 00 with right check digits", "0012345673", false},
		{"region 96 with right check digits", "9612345671", false},
		{"region 99 (Baikonur) with right check digits", "9912345672", true},
		{"region 95 with right check digits", "9512345678", true},
		{"personal INN, first check digit wrong", "500100732269", false},
		{"personal INN, second check digit wrong", "500100732258", false},
		{"organisation INN, check digit wrong", "7707083894", false},
		{"11 digits", "50010073225", false},
		{"9 digits", "770708389", false},
		{"13 digits", "5001007322590", false},
		{"letters", "77O7083893", false},
		{"spaces are not stripped here", "7707 083893", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidINN(tc.in); got != tc.want {
				t.Errorf("ValidINN(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	// For these numbers every single-digit error and every adjacent swap
	// changes a check digit (verified independently); the checksum must see it.
	for _, good := range []string{"500100732259", "7707083893", "7736207543"} {
		t.Run("mutations of "+good, func(t *testing.T) {
			for _, m := range mutations(good) {
				if ValidINN(m) {
					t.Errorf("ValidINN(%q) = true for a mutation of %s", m, good)
				}
			}
		})
	}
}

func TestDocumentNumberFormats(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format func(string) (string, bool)
		in     string
		want   string
		ok     bool
	}{
		{"passport", Passport, "4510123456", "4510 123456", true},
		{"passport formatted", Passport, "4510 123456", "4510 123456", true},
		{"passport 9 digits", Passport, "451012345", "", false},
		{"passport with a tab", Passport, "4510\t123456", "", false},
		{"foreign passport", ForeignPassport, "71 2345678", "71 2345678", true},
		{"foreign passport 10 digits", ForeignPassport, "7123456789", "", false},
		{"licence digits", Licence, "9908123456", "9908 123456", true},
		{"licence Cyrillic series", Licence, "77АВ123456", "77АВ 123456", true},
		{"licence Cyrillic series, lower case", Licence, "77ав 123456", "77АВ 123456", true},
		{"licence Cyrillic in the first two places", Licence, "А7В7123456", "", false},
		{"licence Cyrillic in the number", Licence, "7777А23456", "", false},
		{"licence 11 characters", Licence, "77АВ1234567", "", false},
		{"licence in the printed spaced form", Licence, "99 12 345678", "9912 345678", true},
		{"licence with dashes", Licence, "99-12-345678", "9912 345678", true},
		{"licence series in Latin look-alikes", Licence, "77AB 123456", "77АВ 123456", true},
		{"licence series mixing Latin and Cyrillic", Licence, "77Aв 123456", "77АВ 123456", true},
		{"licence series with a Latin letter that looks like no Cyrillic one", Licence, "77AZ 123456", "", false},
		{"licence of region 00", Licence, "0012 345678", "", false},
		{"passport of an OKATO code no region has", Passport, "0212 345678", "", false},
		{"passport of series 00", Passport, "0012 345678", "", false},
		{"passport of Sevastopol (67)", Passport, "6714 123456", "6714 123456", true},
		{"passport of Crimea (35)", Passport, "3514 123456", "3514 123456", true},
		{"OMS 16 digits", OMS, "1234567890123456", "1234567890123456", true},
		{"OMS 15 digits", OMS, "123456789012345", "", false},
		{"personal INN", PersonalINN, "500100732259", "500100732259", true},
		{"organisation INN refused for a person", PersonalINN, "7707083893", "", false},
		{"SNILS", SNILS, "00289464149", "002-894-641 49", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.format(tc.in)
			if ok != tc.ok || (ok && got != tc.want) {
				t.Errorf("format(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestDigitsOnly(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
		ok   bool
	}{
		{"12-34 56", 6, "123456", true},
		{"123456", 5, "123456", false},
		{"12a456", 6, "", false},
		{strings.Repeat(" ", 5), 0, "", true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := digitsOnly(tc.in, tc.n)
			if got != tc.want || ok != tc.ok {
				t.Errorf("digitsOnly(%q, %d) = %q, %v; want %q, %v", tc.in, tc.n, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestValidPhone(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"+79161234567", true},
		{"+12025550123", true},
		{"+1234567", false},          // 7 digits: too short
		{"+1234567890123456", false}, // 16 digits: too long
		{"79161234567", false},       // no +
		{"+09161234567", false},      // no country code starts with 0
		{"+7 916 123-45-67", false},  // only the bare form
		{"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := ValidPhone(tc.in); got != tc.want {
				t.Errorf("ValidPhone(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestPhone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"+79161234567", "+79161234567", true},
		{"89161234567", "+79161234567", true},
		{"8 (916) 123-45-67", "+79161234567", true},
		{"+7 916 123-45-67", "+79161234567", true},
		{" 8-916-123-45-67 ", "+79161234567", true},
		{"+4915112345678", "+4915112345678", true},
		{"8916123456", "", false},   // 8 and nine digits: not guessed at
		{"891612345678", "", false}, // 8 and eleven
		{"79161234567", "", false},  // no plus: which country is not guessed
		{"+7 916 12a-45-67", "", false},
		{"9161234567+", "", false},
		{"", "", false},
	} {
		got, ok := Phone(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("Phone(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
