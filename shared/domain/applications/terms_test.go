package applications

import (
	"testing"
	"testing/fstest"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/workdays"
)

func TestDecisionDate(t *testing.T) {
	cal := workdays.Default()
	svc := func(code string) ServiceInfo {
		s, ok := Lookup(code)
		if !ok {
			t.Fatalf("no service %s", code)
		}
		return s
	}
	tests := []struct {
		name, code, day, want string
	}{
		// 30 calendar days from 2026-12-02 is 2027-01-01, a holiday: the
		// first working day after the new-year holidays instead
		{"foreign passport over the new year", "foreign_passport", "2026-12-02", "2027-01-11"},
		{"calendar days on a working day", "foreign_passport", "2026-11-01", "2026-12-01"},
		{"calendar days ending on a Saturday", "passport_replacement", "2026-12-02", "2026-12-14"},
		{"working days skip weekends and holidays", "certificate_request", "2026-12-24", "2027-01-18"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			day, _ := civil.Parse(tc.day)
			got, err := DecisionDate(cal, svc(tc.code), day)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			if ok, _ := cal.Working(got); !ok {
				t.Errorf("%s is a day off", got)
			}
		})
	}
}

// TestCheckTermsMissingYear: start-up with a calendar that lacks the year
// a term reaches fails, naming the reason; with the data it passes.
func TestCheckTermsMissingYear(t *testing.T) {
	only2026, err := workdays.Parse(fstest.MapFS{"ru/2026.txt": {Data: []byte("status official\n")}})
	if err != nil {
		t.Fatal(err)
	}
	dec := civil.Date{Year: 2026, Month: 12, Day: 2}
	err = CheckTerms(only2026, dec)
	if !errs.Is(err, errs.Internal) || errs.ReasonOf(err) != workdays.ReasonNoCalendar {
		t.Errorf("got %v, want Internal no_calendar", err)
	}
	if err := CheckTerms(workdays.Default(), dec); err != nil {
		t.Errorf("the embedded calendar: %v", err)
	}
	if err := CheckTerms(only2026, civil.Date{Year: 2026, Month: 3, Day: 2}); err != nil {
		t.Errorf("March 2026 needs only 2026: %v", err)
	}
}

// TestTermsWithinTheirSpan: every service's term is at most
// MaxDecisionDays, and a term of MaxDecisionDays, working or calendar
// days, from any day of the embedded calendar ends within termSpanDays of
// the day after, so CheckTerms' shortcut (every year of that span held)
// never passes a start the full check would refuse.
func TestTermsWithinTheirSpan(t *testing.T) {
	for _, svc := range Catalogue() {
		if svc.DecisionDays > MaxDecisionDays {
			t.Errorf("%s: %d days, more than MaxDecisionDays (%d)", svc.Code, svc.DecisionDays, MaxDecisionDays)
		}
	}
	cal := workdays.Default()
	years := cal.Years()
	last := civil.Date{Year: years[len(years)-1], Month: 12, Day: 31}
	for _, working := range []bool{false, true} {
		term := ServiceInfo{Code: "longest", DecisionDays: MaxDecisionDays, WorkingDays: working}
		for d := (civil.Date{Year: years[0], Month: 1, Day: 1}); d.AddDays(1 + termSpanDays).Before(last); d = d.AddDays(1) {
			got, err := DecisionDate(cal, term, d.AddDays(1))
			if err != nil {
				t.Fatalf("from %s: %v", d, err)
			}
			if bound := d.AddDays(1 + termSpanDays); bound.Before(got) {
				t.Errorf("%d days (working %v) from %s end on %s, after %s", MaxDecisionDays, working, d, got, bound)
			}
		}
	}
}
