package numbers

import "strconv"

// A checksum catches typing errors, not numbers that cannot exist: the
// all-zero INN passes its check digits, and a 0 in front of an OGRN keeps
// its mod-11 check. These say what the numbers' own structure rules out.

// taxRegion reports whether code (two digits) is the code of a region that
// opens an INN or sits at digits 4–5 of an OGRN: the subjects of the
// Federation, 01–89 (80–88 of the okrugs merged since 2005, whose numbers
// stay valid), 90–95 of the regions added since 2014, and 99 (Baikonur and
// the inter-regional inspectorates). 00 and 96–98 belong to none.
func taxRegion(code string) bool {
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 2 {
		return false
	}
	return (n >= 1 && n <= 95) || n == 99
}

// unusedOKATO are the two-digit OKATO codes no region has: an internal
// passport's series opens with its region's OKATO code (45 Moscow, 40
// Saint Petersburg), so a series opening with one of these was never
// printed. The gaps of the classifier, less the codes given to the regions
// added since 2014 (35 and 67, and 21, 23, 31, 43).
var unusedOKATO = map[string]bool{
	"00": true, "02": true, "06": true, "09": true, "13": true, "16": true, "39": true,
	"48": true, "51": true, "55": true, "59": true, "62": true, "72": true, "74": true,
}

// passportRegion reports whether a passport series (4 digits) opens with a
// region's OKATO code.
func passportRegion(series string) bool { return len(series) == 4 && !unusedOKATO[series[:2]] }

// allZero reports whether s is nothing but zeros.
func allZero(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return s != ""
}

// ValidOGRN checks a 13-digit OGRN (primary state registration number of an
// organisation): the last digit is the first twelve, as a number, mod 11,
// then mod 10; the first digit is 1 or 5 (an OGRN; 2, 6–9 open the numbers
// of later records, ГРН, which are not an OGRN) and digits 4–5 a region.
func ValidOGRN(d string) bool {
	return ogrnCheck(d, 13, 11) && (d[0] == '1' || d[0] == '5') && taxRegion(d[3:5])
}

// ValidOGRNIP checks a 15-digit OGRNIP (of an individual entrepreneur): the
// last digit is the first fourteen mod 13, then mod 10; the first digit is
// 3 (4 opens the numbers of later records) and digits 4–5 a region.
func ValidOGRNIP(d string) bool {
	return ogrnCheck(d, 15, 13) && d[0] == '3' && taxRegion(d[3:5])
}

func ogrnCheck(d string, n int, mod uint64) bool {
	if len(d) != n {
		return false
	}
	head, err := strconv.ParseUint(d[:n-1], 10, 64)
	if err != nil || d[n-1] < '0' || d[n-1] > '9' {
		return false
	}
	for i := 0; i < n; i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return (head%mod)%10 == uint64(d[n-1]-'0')
}
