package registry

import (
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

// day parses a YYYY-MM-DD date or fails the test.
func day(t *testing.T, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatalf("civil.Parse(%q): %v", s, err)
	}
	return d
}

// dayPtr is day as a pointer; "" gives nil.
func dayPtr(t *testing.T, s string) *civil.Date {
	t.Helper()
	if s == "" {
		return nil
	}
	d := day(t, s)
	return &d
}

// fmtLeft prints a days-left pointer for messages.
func fmtLeft(p *int) any {
	if p == nil {
		return "nil"
	}
	return *p
}

func TestStatusOn(t *testing.T) {
	today := civil.Date{Year: 2026, Month: time.June, Day: 15}
	archivedAt := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	// in returns the date n days from today, as StatusOn sees it.
	in := func(n int) *civil.Date { d := today.AddDays(n); return &d }
	left := func(n int) *int { return &n }

	for _, tc := range []struct {
		name     string
		doc      Document
		want     Status
		wantLeft *int
	}{
		// A foreign passport's window is 90 days.
		{"valid far from expiry", Document{Type: ForeignPassport, ExpiresOn: in(200)}, StatusValid, left(200)},
		{"window edge: exactly window days left is expiring", Document{Type: ForeignPassport, ExpiresOn: in(90)}, StatusExpiring, left(90)},
		{"window edge: window+1 days left is valid", Document{Type: ForeignPassport, ExpiresOn: in(91)}, StatusValid, left(91)},
		{"expires today is expiring, not expired", Document{Type: ForeignPassport, ExpiresOn: in(0)}, StatusExpiring, left(0)},
		{"expired yesterday", Document{Type: ForeignPassport, ExpiresOn: in(-1)}, StatusExpired, left(-1)},
		{"foreign passport long past expiry is plain expired", Document{Type: ForeignPassport, ExpiresOn: in(-30)}, StatusExpired, left(-30)},
		{"foreign passport far past expiry is plain expired", Document{Type: ForeignPassport, ExpiresOn: in(-400)}, StatusExpired, left(-400)},
		{"indefinite is valid with no days left", Document{Type: SNILS}, StatusValid, nil},
		{"indefinite internal passport (issued after 45) is valid", Document{Type: InternalPassport}, StatusValid, nil},
		// Driver's licence: 60-day window; custom: 30.
		{"licence at its 60-day edge", Document{Type: DriversLicence, ExpiresOn: in(60)}, StatusExpiring, left(60)},
		{"licence one day outside its window", Document{Type: DriversLicence, ExpiresOn: in(61)}, StatusValid, left(61)},
		{"custom document at its 30-day edge", Document{Type: Custom, ExpiresOn: in(30)}, StatusExpiring, left(30)},
		{"custom document one day outside", Document{Type: Custom, ExpiresOn: in(31)}, StatusValid, left(31)},

		// Archived overrides every date-derived status, but still reports days left.
		{"archived overrides valid", Document{Type: ForeignPassport, ExpiresOn: in(200), ArchivedAt: &archivedAt}, StatusArchived, left(200)},
		{"archived overrides expiring", Document{Type: ForeignPassport, ExpiresOn: in(5), ArchivedAt: &archivedAt}, StatusArchived, left(5)},
		{"archived overrides expired", Document{Type: ForeignPassport, ExpiresOn: in(-10), ArchivedAt: &archivedAt}, StatusArchived, left(-10)},
		{"archived overrides replacement_required", Document{Type: InternalPassport, ExpiresOn: in(-10), ArchivedAt: &archivedAt}, StatusArchived, left(-10)},
		{"archived indefinite", Document{Type: SNILS, ArchivedAt: &archivedAt}, StatusArchived, nil},

		// Per-document reminder steps: the window is their largest step.
		{"remindDays widen the window: at the new edge", Document{Type: ForeignPassport, ExpiresOn: in(120), RemindDays: []int{120, 30}}, StatusExpiring, left(120)},
		{"remindDays widen the window: one day outside", Document{Type: ForeignPassport, ExpiresOn: in(121), RemindDays: []int{120, 30}}, StatusValid, left(121)},
		{"remindDays narrow the window too", Document{Type: ForeignPassport, ExpiresOn: in(30), RemindDays: []int{10, 1}}, StatusValid, left(30)},
		{"remindDays window uses the largest step whatever the order", Document{Type: Custom, ExpiresOn: in(45), RemindDays: []int{7, 45}}, StatusExpiring, left(45)},

		// Internal passport: expiring before its replacement date, then
		// replacement_required for the 90-day grace, then expired.
		{"internal passport in its window", Document{Type: InternalPassport, ExpiresOn: in(90)}, StatusExpiring, left(90)},
		{"internal passport before its window", Document{Type: InternalPassport, ExpiresOn: in(91)}, StatusValid, left(91)},
		{"internal passport on its replacement date", Document{Type: InternalPassport, ExpiresOn: in(0)}, StatusReplacementRequired, left(0)},
		{"internal passport the day after", Document{Type: InternalPassport, ExpiresOn: in(-1)}, StatusReplacementRequired, left(-1)},
		{"internal passport on the last grace day (90)", Document{Type: InternalPassport, ExpiresOn: in(-90)}, StatusReplacementRequired, left(-90)},
		{"internal passport on day 91 is expired", Document{Type: InternalPassport, ExpiresOn: in(-91)}, StatusExpired, left(-91)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, gotLeft := tc.doc.StatusOn(today)
			if got != tc.want {
				t.Errorf("status = %q, want %q", got, tc.want)
			}
			if (gotLeft == nil) != (tc.wantLeft == nil) || (gotLeft != nil && *gotLeft != *tc.wantLeft) {
				t.Errorf("daysLeft = %v, want %v", fmtLeft(gotLeft), fmtLeft(tc.wantLeft))
			}
		})
	}
}

// The owner's today is a calendar date: the status flips at midnight of
// the date, and month and year boundaries count calendar days.
func TestStatusOnCountsCalendarDays(t *testing.T) {
	for _, tc := range []struct {
		name, today, expires string
		wantLeft             int
	}{
		{"across a month end", "2026-01-31", "2026-03-01", 29},
		{"across February of a leap year", "2028-02-01", "2028-03-01", 29},
		{"across a year end", "2026-12-31", "2027-01-01", 1},
		{"across a daylight saving change elsewhere", "2026-03-28", "2026-03-30", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Document{Type: Custom, ExpiresOn: dayPtr(t, tc.expires)}
			_, left := d.StatusOn(day(t, tc.today))
			if left == nil || *left != tc.wantLeft {
				t.Errorf("daysLeft = %v, want %d", fmtLeft(left), tc.wantLeft)
			}
		})
	}
}

func TestExpiringWindow(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  Document
		want int
	}{
		{"type default: internal passport", Document{Type: InternalPassport}, 90},
		{"type default: driver's licence", Document{Type: DriversLicence}, 60},
		{"type default: OSAGO", Document{Type: OSAGO}, 30},
		{"own steps, descending", Document{Type: OSAGO, RemindDays: []int{100, 10}}, 100},
		{"own steps, unsorted", Document{Type: OSAGO, RemindDays: []int{5, 200, 10}}, 200},
		{"own single step below the default", Document{Type: DriversLicence, RemindDays: []int{3}}, 3},
		{"empty own steps fall back to the default", Document{Type: DriversLicence, RemindDays: []int{}}, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.doc.ExpiringWindow(); got != tc.want {
				t.Errorf("ExpiringWindow() = %d, want %d", got, tc.want)
			}
		})
	}
}
