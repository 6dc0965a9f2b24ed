package numbers

import (
	"regexp"
	"strings"
	"sync"
)

// lookalikes maps the Latin capitals that look like Cyrillic ones to those:
// a series typed on a Latin keyboard («AB» for «АВ») is the same series.
var lookalikes = map[rune]rune{
	'A': 'А', 'B': 'В', 'E': 'Е', 'K': 'К', 'M': 'М', 'H': 'Н', 'O': 'О',
	'P': 'Р', 'C': 'С', 'T': 'Т', 'Y': 'У', 'X': 'Х',
}

// toCyrillic is r in upper case, a Latin look-alike turned Cyrillic.
func toCyrillic(r rune) rune {
	r = []rune(strings.ToUpper(string(r)))[0]
	if c, ok := lookalikes[r]; ok {
		return c
	}
	return r
}

func isCyrillicCapital(r rune) bool { return (r >= 'А' && r <= 'Я') || r == 'Ё' }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// compact drops the spaces, dashes and a number sign people type into
// numbers and upper-cases the rest, look-alikes turned Cyrillic.
func compact(s string) []rune {
	var out []rune
	for _, r := range s {
		switch r {
		case ' ', '-', '№', '\u00a0':
			continue
		}
		out = append(out, toCyrillic(r))
	}
	return out
}

// lettersDigits checks rs against a shape of 'L' (a Cyrillic capital), 'D'
// (a digit) and 'X' (either).
func lettersDigits(rs []rune, shape string) bool {
	if len(rs) != len(shape) {
		return false
	}
	for i, r := range rs {
		switch shape[i] {
		case 'L':
			if !isCyrillicCapital(r) {
				return false
			}
		case 'D':
			if !isDigit(r) {
				return false
			}
		case 'X':
			if !isCyrillicCapital(r) && !isDigit(r) {
				return false
			}
		}
	}
	return true
}

// MilitaryID checks a military ID number: a series of two Cyrillic letters and a number of 7
// digits, kept as "АВ 1234567".
func MilitaryID(s string) (string, bool) {
	rs := compact(s)
	if !lettersDigits(rs, "LLDDDDDDD") {
		return "", false
	}
	return string(rs[:2]) + " " + string(rs[2:]), true
}

// VehicleRegistration checks a vehicle registration certificate number: the certificate's series — the
// region's two digits and two digits or Cyrillic letters — and 6 digits,
// kept as printed, "99 12 345678".
func VehicleRegistration(s string) (string, bool) {
	rs := compact(s)
	if !lettersDigits(rs, "DDXXDDDDDD") {
		return "", false
	}
	return string(rs[:2]) + " " + string(rs[2:4]) + " " + string(rs[4:]), true
}

// VehiclePassport checks a vehicle passport number: a paper passport's series (two digits, two
// Cyrillic letters) and 6 digits, kept as "77 УА 123456", or the 15 digits
// of an electronic one.
func VehiclePassport(s string) (string, bool) {
	rs := compact(s)
	switch {
	case lettersDigits(rs, "DDLLDDDDDD"):
		return string(rs[:2]) + " " + string(rs[2:4]) + " " + string(rs[4:]), true
	case lettersDigits(rs, "DDDDDDDDDDDDDDD"):
		return string(rs), true
	}
	return "", false
}

var roman = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$`)
})

// romanLookalikes are the Cyrillic letters typed for Roman numerals.
var romanLookalikes = map[rune]rune{'І': 'I', 'Х': 'X', 'С': 'C', 'М': 'M', 'Ӏ': 'I'}

// BirthCertificate checks a birth certificate number: a series of a Roman numeral, a dash and two
// Cyrillic letters, and a number of 6 digits, kept as "IV-МЮ 123456". The
// numeral is Latin and the letters Cyrillic however they were typed
// («IV-MЮ», «ІV-МЮ»).
func BirthCertificate(s string) (string, bool) {
	s = strings.TrimSpace(strings.ToUpper(s))
	head, digits, ok := cutTrailingDigits(s, 6)
	if !ok {
		return "", false
	}
	head = strings.TrimRight(head, " №\u00a0")
	rs := []rune(head)
	if len(rs) < 3 {
		return "", false
	}
	letters := []rune{toCyrillic(rs[len(rs)-2]), toCyrillic(rs[len(rs)-1])}
	if !isCyrillicCapital(letters[0]) || !isCyrillicCapital(letters[1]) {
		return "", false
	}
	var num []rune
	for _, r := range strings.TrimRight(string(rs[:len(rs)-2]), " -") {
		if l, ok := romanLookalikes[r]; ok {
			r = l
		}
		num = append(num, r)
	}
	if len(num) == 0 || !roman().MatchString(string(num)) {
		return "", false
	}
	return string(num) + "-" + string(letters) + " " + digits, true
}

// cutTrailingDigits splits s into what precedes its last n digits (spaces
// among them allowed) and those digits.
func cutTrailingDigits(s string, n int) (head, digits string, ok bool) {
	rs := []rune(s)
	var d []rune
	i := len(rs) - 1
	for ; i >= 0 && len(d) < n; i-- {
		switch {
		case isDigit(rs[i]):
			d = append([]rune{rs[i]}, d...)
		case rs[i] == ' ':
		default:
			return "", "", false
		}
	}
	if len(d) != n || (i >= 0 && isDigit(rs[i])) {
		return "", "", false
	}
	return string(rs[:i+1]), string(d), true
}
