package workdays

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// official holds the per-month working-day totals the production calendar
// publishes for each year (the sources are named in ru/<year>.txt; 2027 is
// the draft decree's and is marked draft there).
var official = map[int][12]int{
	2025: {17, 20, 21, 22, 18, 19, 23, 21, 22, 23, 19, 22},
	2026: {15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22},
	2027: {15, 19, 22, 22, 19, 21, 22, 22, 22, 21, 20, 22},
}

func date(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestMonthTotals(t *testing.T) {
	c, err := Russia()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Years(); len(got) != len(official) {
		t.Fatalf("years %v, want the %d with official totals", got, len(official))
	}
	for y, want := range official {
		got, err := c.MonthTotals(y)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%d: %v, want %v", y, got, want)
		}
		sum := 0
		for _, n := range got {
			sum += n
		}
		if sum != 247 {
			t.Errorf("%d: %d working days, want 247", y, sum)
		}
	}
	if yr, _ := c.Year(2027); !yr.Draft {
		t.Error("2027 is from the draft decree and must say so until the signed one replaces it")
	}
}

func TestWorkingDays(t *testing.T) {
	c := Default()
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"plain week", "2026-12-01", 3, "2026-12-04"},
		{"over a weekend", "2026-12-04", 1, "2026-12-07"},
		{"over the new year holidays", "2026-12-29", 2, "2027-01-11"},
		{"the 2025 working Saturday counts", "2025-10-31", 1, "2025-11-01"},
		{"the transferred 2 May 2025 does not", "2025-04-30", 1, "2025-05-05"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.AddWorking(date(tc.from), tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	for _, tc := range []struct{ day, want string }{
		{"2027-01-01", "2027-01-11"}, // the foreign passport's 30 days from 2026-12-02
		{"2026-12-31", "2027-01-11"},
		{"2026-12-30", "2026-12-30"},
		{"2026-03-08", "2026-03-10"}, // Sunday, and its Monday is the holiday moved
	} {
		got, err := c.NextWorking(date(tc.day))
		if err != nil || got.String() != tc.want {
			t.Errorf("NextWorking(%s) = %s, %v; want %s", tc.day, got, err, tc.want)
		}
	}
}

// TestMissingYear: a date beyond the data is an error naming the year,
// never a silent calendar-day answer.
func TestMissingYear(t *testing.T) {
	c := Default()
	for _, f := range []func() error{
		func() error { _, err := c.Working(date("2031-03-03")); return err },
		func() error { _, err := c.AddWorking(date("2027-12-30"), 5); return err },
		func() error { _, err := c.NextWorking(date("2024-12-31")); return err },
	} {
		err := f()
		if !errs.Is(err, errs.Internal) || errs.ReasonOf(err) != ReasonNoCalendar {
			t.Errorf("got %v, want Internal no_calendar", err)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for name, text := range map[string]string{
		"off on a weekend":  "status official\noff 2026-12-05\n",
		"work on a weekday": "status official\nwork 2026-12-07\n",
		"another year":      "status official\noff 2025-12-31\n",
		"no status":         "off 2026-12-07\n",
		"unknown status":    "status maybe\n",
		"not a date":        "status official\noff 2026-13-01\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(fstest.MapFS{"ru/2026.txt": {Data: []byte(text)}})
			if !errs.Is(err, errs.Internal) {
				t.Errorf("got %v, want Internal", err)
			}
		})
	}
	c, err := Parse(fstest.MapFS{"ru/2026.txt": {Data: []byte("# c\nstatus official\nwork 2026-12-05\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Working(civil.Date{Year: 2026, Month: time.December, Day: 5}); !ok {
		t.Error("a working Saturday is not working")
	}
}
