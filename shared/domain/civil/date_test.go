package civil

import (
	"testing"
	"time"
)

func mustParse(t *testing.T, s string) Date {
	t.Helper()
	d, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return d
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2026-02-28", true},
		{"2028-02-29", true},
		{"2026-02-29", false},
		{"2026-02-30", false},
		{"2026-13-01", false},
		{"2026-1-01", false},
		{"26-01-01", false},
		{"2026-01-01T00:00:00Z", false},
		{"", false},
		{"1800-01-01", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, err := Parse(tc.in)
			if got := err == nil; got != tc.ok {
				t.Fatalf("Parse(%q) ok = %v, want %v (err %v)", tc.in, got, tc.ok, err)
			}
			if tc.ok && d.String() != tc.in {
				t.Errorf("round trip: got %s, want %s", d, tc.in)
			}
		})
	}
}

func TestAddMonthsYears(t *testing.T) {
	for _, tc := range []struct {
		name       string
		from       string
		years, mon int
		want       string
	}{
		{"plain year", "2026-06-01", 10, 0, "2036-06-01"},
		{"leap day plus one year clamps", "2024-02-29", 1, 0, "2025-02-28"},
		{"leap day plus four years stays", "2024-02-29", 4, 0, "2028-02-29"},
		{"leap day plus ten years clamps", "2024-02-29", 10, 0, "2034-02-28"},
		{"31 Aug plus 6 months", "2025-08-31", 0, 6, "2026-02-28"},
		{"31 Aug plus 6 months, leap", "2027-08-31", 0, 6, "2028-02-29"},
		{"month across year end", "2026-11-30", 0, 3, "2027-02-28"},
		{"negative months", "2026-03-31", 0, -1, "2026-02-28"},
		{"negative across year", "2026-01-15", 0, -2, "2025-11-15"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustParse(t, tc.from).AddYears(tc.years).AddMonths(tc.mon).String()
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestDaysUntilAcrossDST(t *testing.T) {
	// 2026-03-29 is the day Europe loses an hour; civil days must not notice.
	a, b := mustParse(t, "2026-03-28"), mustParse(t, "2026-03-30")
	if got, want := a.DaysUntil(b), 2; got != want {
		t.Errorf("DaysUntil = %d, want %d", got, want)
	}
	if got, want := b.DaysUntil(a), -2; got != want {
		t.Errorf("DaysUntil back = %d, want %d", got, want)
	}
}

func TestTodayByZone(t *testing.T) {
	// 2026-01-10T20:30Z is already the 11th in Vladivostok (UTC+10) but still
	// the 10th in Kaliningrad (UTC+2).
	now := time.Date(2026, 1, 10, 20, 30, 0, 0, time.UTC)
	vlad, _ := time.LoadLocation("Asia/Vladivostok")
	kgd, _ := time.LoadLocation("Europe/Kaliningrad")
	if got := Today(now, vlad).String(); got != "2026-01-11" {
		t.Errorf("Vladivostok today = %s", got)
	}
	if got := Today(now, kgd).String(); got != "2026-01-10" {
		t.Errorf("Kaliningrad today = %s", got)
	}
}

func TestYearsTo(t *testing.T) {
	for _, tc := range []struct {
		birth, day string
		want       int
	}{
		{"2012-06-10", "2026-06-09", 13},
		{"2012-06-10", "2026-06-10", 14},
		{"2008-02-29", "2026-02-27", 17},
		{"2008-02-29", "2026-02-28", 17}, // a common year: the 18 years have passed on 1 March
		{"2008-02-29", "2026-03-01", 18},
		{"2008-02-29", "2028-02-28", 19},
		{"2008-02-29", "2028-02-29", 20},
		{"2026-06-10", "2026-06-09", -1},
		{"2024-02-29", "2025-02-28", 0},
		{"2024-02-29", "2025-03-01", 1},
	} {
		if got := mustParse(t, tc.birth).YearsTo(mustParse(t, tc.day)); got != tc.want {
			t.Errorf("%s to %s: %d years, want %d", tc.birth, tc.day, got, tc.want)
		}
	}
}
