// Package numbers checks and normalises the national numbers people type:
// document numbers (passport, foreign passport, driving licence, OMS
// policy, SNILS, INN, military ID, vehicle documents, birth certificate)
// and phone numbers. Each normaliser strips what people
// add between digits and returns the number in the one form Kabinet stores,
// so the same document is found whichever way it was typed. Nothing here
// knows which document type uses which format: the registry's catalogue
// says so.
package numbers

import (
	"regexp"
	"strings"
	"sync"
)

// digitsOnly strips the spaces and dashes people type into document numbers
// and reports whether what is left is n digits.
func digitsOnly(s string, n int) (string, bool) {
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
	out := b.String()
	return out, len(out) == n
}

// Passport checks an internal passport number, a series of 4 digits (its
// first two a region's OKATO code) and a number of 6, and returns it as
// "1234 567890".
func Passport(s string) (string, bool) {
	d, ok := digitsOnly(s, 10)
	if !ok || !passportRegion(d[:4]) {
		return "", false
	}
	return d[:4] + " " + d[4:], true
}

// ForeignPassport checks a foreign passport number, 2 + 7 digits, and
// returns it as "12 3456789".
func ForeignPassport(s string) (string, bool) {
	d, ok := digitsOnly(s, 9)
	if !ok {
		return "", false
	}
	return d[:2] + " " + d[2:], true
}

// Licence checks a driving licence number, 10 characters: a 4-character
// series (the region's two digits, then two digits, or two Cyrillic letters
// on old licences) and 6 digits, returned as "77АВ 123456". It takes the
// spaced form printed on the licence and the registry's ("99 12 345678"),
// and letters typed on a Latin keyboard («77AB»).
func Licence(s string) (string, bool) {
	rs := compact(s)
	if !lettersDigits(rs, "DDXXDDDDDD") || string(rs[:2]) == "00" {
		return "", false
	}
	return string(rs[:4]) + " " + string(rs[4:]), true
}

// OMS checks the 16-digit single-format policy number.
func OMS(s string) (string, bool) { return digitsOnly(s, 16) }

// SNILS checks the 11-digit SNILS and its control number, returned as
// "123-456-789 64". The control number is the sum of the first nine digits
// weighted 9..1, taken mod 101 (100 and 101 give 00); numbers up to
// 001-001-998 carry no control number.
func SNILS(s string) (string, bool) {
	d, ok := digitsOnly(s, 11)
	if !ok {
		return "", false
	}
	if ValidSNILS(d) {
		return d[:3] + "-" + d[3:6] + "-" + d[6:9] + " " + d[9:], true
	}
	return "", false
}

// ValidSNILS reports whether d (11 digits) carries the right control number.
func ValidSNILS(d string) bool {
	if len(d) != 11 {
		return false
	}
	if allZero(d[:9]) {
		return false // 000-000-000 was never given: numbering starts at 001-001-001
	}
	if d[:9] <= "001001998" {
		return true
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (9 - i)
	}
	var c int
	switch {
	case sum < 100:
		c = sum
	case sum == 100 || sum == 101:
		c = 0
	default:
		c = sum % 101
		if c == 100 {
			c = 0
		}
	}
	return int(d[9]-'0')*10+int(d[10]-'0') == c
}

// PersonalINN checks a person's 12-digit INN with its two check digits.
func PersonalINN(s string) (string, bool) {
	d, ok := digitsOnly(s, 12)
	if !ok || !ValidINN(d) {
		return "", false
	}
	return d, true
}

// ValidINN checks a 10-digit (organisation) or 12-digit (person) INN: its
// check digits, and that its first two digits are a region's code (which
// rules out the all-zero number, whose check digits are right).
func ValidINN(d string) bool {
	if len(d) < 2 || !taxRegion(d[:2]) {
		return false
	}
	check := func(w []int, n int) bool {
		sum := 0
		for i, k := range w {
			sum += int(d[i]-'0') * k
		}
		return (sum%11)%10 == int(d[n]-'0')
	}
	for _, r := range d {
		if r < '0' || r > '9' {
			return false
		}
	}
	switch len(d) {
	case 10:
		return check([]int{2, 4, 10, 3, 5, 9, 4, 6, 8}, 9)
	case 12:
		return check([]int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}, 10) &&
			check([]int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}, 11)
	}
	return false
}

// The pattern is compiled on first use, not at package init: every
// function binary links this package, and compiling it would add to every
// cold start, including those of functions that never validate input.
var e164 = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`) })

// ValidPhone reports whether s is a phone number in E.164 form (+ and 8 to
// 15 digits), the only form SMS gateways take without guessing.
func ValidPhone(s string) bool { return e164().MatchString(s) }

// Phone normalises a phone number to E.164, the form it is stored and sent
// in: the spaces, dashes, dots and brackets people type go, and a Russian
// number written the domestic way, 8 and ten digits ("8 (916) 123-45-67"),
// becomes +7 and those ten digits. It reports false for anything else that
// is not E.164 after that; 8 followed by other than ten digits is not
// guessed at.
func Phone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9', r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ', r == '-', r == '.', r == '(', r == ')', r == '\u00a0':
		default:
			return "", false
		}
	}
	out := b.String()
	if len(out) == 11 && out[0] == '8' {
		out = "+7" + out[1:]
	}
	return out, ValidPhone(out)
}
