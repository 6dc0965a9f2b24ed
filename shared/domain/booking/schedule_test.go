package booking

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

func weekdays9to13() Schedule {
	var days []Day
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		days = append(days, Day{Weekday: d, Start: "09:00", End: "13:00", Breaks: []Interval{{Start: "11:00", End: "11:30"}}})
	}
	return Schedule{SpecialistID: "s1", SlotMinutes: 30, MaxPerDay: 10, WeeksAhead: 1, Weekly: days}
}

func TestSlotsFollowTheInstitutionsZone(t *testing.T) {
	monday := civil.Date{Year: 2026, Month: 12, Day: 7}
	for _, tc := range []struct {
		zone      string
		firstUTC  string
		perDay    int
		daysCount int
	}{
		{"Europe/Kaliningrad", "2026-12-07T07:00:00Z", 7, 5}, // UTC+2
		{"Europe/Moscow", "2026-12-07T06:00:00Z", 7, 5},      // UTC+3
		{"Asia/Vladivostok", "2026-12-06T23:00:00Z", 7, 5},   // UTC+10: the previous UTC day
		{"Asia/Kamchatka", "2026-12-06T21:00:00Z", 7, 5},     // UTC+12
	} {
		t.Run(tc.zone, func(t *testing.T) {
			loc, _ := time.LoadLocation(tc.zone)
			slots, err := weekdays9to13().Slots("i1", loc, monday, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(slots), tc.perDay*tc.daysCount; got != want {
				t.Fatalf("%d slots, want %d", got, want)
			}
			if got := slots[0].Start.Format(time.RFC3339); got != tc.firstUTC {
				t.Errorf("first slot starts %s, want %s", got, tc.firstUTC)
			}
			for _, s := range slots {
				l := s.Start.In(loc)
				if l.Hour() < 9 || l.Hour() >= 13 || (l.Hour() == 11 && l.Minute() == 0) {
					t.Errorf("slot at local %s is outside hours or in the break", l.Format("Mon 15:04"))
				}
				if s.End.Sub(s.Start) != 30*time.Minute || s.Capacity != 1 || s.MaxPerDay != 10 {
					t.Errorf("slot %+v", s)
				}
			}
		})
	}
}

func TestSlotsSkipThePastAndHonourExceptions(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Moscow")
	s := weekdays9to13()
	s.Exceptions = []Exception{
		{Date: "2026-12-08", DayOff: true},
		{Date: "2026-12-09", Start: "15:00", End: "16:00"},
	}
	monday := civil.Date{Year: 2026, Month: 12, Day: 7}
	now := time.Date(2026, 12, 7, 7, 10, 0, 0, time.UTC) // 10:10 Moscow on Monday
	slots, err := s.Slots("i1", loc, monday, now)
	if err != nil {
		t.Fatal(err)
	}
	perDay := map[string]int{}
	for _, sl := range slots {
		perDay[sl.Start.In(loc).Format("2006-01-02")]++
		if !sl.Start.After(now) {
			t.Errorf("slot in the past: %s", sl.Start)
		}
	}
	want := map[string]int{"2026-12-07": 4, "2026-12-09": 2, "2026-12-10": 7, "2026-12-11": 7}
	if fmt.Sprint(perDay) != fmt.Sprint(want) {
		t.Errorf("slots per day %v, want %v", perDay, want)
	}
}

func TestScheduleValidation(t *testing.T) {
	base := weekdays9to13
	for _, tc := range []struct {
		name   string
		change func(*Schedule)
		fields []string
	}{
		{"valid", func(*Schedule) {}, nil},
		{"slot too short", func(s *Schedule) { s.SlotMinutes = 2 }, []string{"slotMinutes:out_of_range"}},
		{"no daily limit", func(s *Schedule) { s.MaxPerDay = 0 }, []string{"maxPerDay:out_of_range"}},
		{"unknown weekday", func(s *Schedule) { s.Weekly[0].Weekday = "funday" }, []string{"weekly[0].weekday:unknown_weekday"}},
		{"duplicate weekday", func(s *Schedule) { s.Weekly[1].Weekday = "monday" }, []string{"weekly[1].weekday:duplicate"}},
		{"end before start", func(s *Schedule) { s.Weekly[0].End = "08:00" }, []string{"weekly[0]:invalid_hours"}},
		{"bad clock", func(s *Schedule) { s.Weekly[0].Start = "9am" }, []string{"weekly[0]:invalid_hours"}},
		{"break outside hours", func(s *Schedule) { s.Weekly[0].Breaks = []Interval{{Start: "13:30", End: "14:00"}} },
			[]string{"weekly[0].breaks[0]:outside_hours"}},
		{"overlapping breaks", func(s *Schedule) {
			s.Weekly[0].Breaks = []Interval{{Start: "10:00", End: "11:00"}, {Start: "10:30", End: "11:30"}}
		}, []string{"weekly[0].breaks:overlapping"}},
		{"bad exception date", func(s *Schedule) { s.Exceptions = []Exception{{Date: "2026-02-30", DayOff: true}} },
			[]string{"exceptions[0].date:invalid_date"}},
		{"no days", func(s *Schedule) { s.Weekly = nil }, []string{"weekly:required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.change(&s)
			_, err := s.Validate()
			var got []string
			var e *errs.Error
			if err != nil {
				if !errors.As(err, &e) || e.Kind != errs.Invalid {
					t.Fatalf("error %v is not Invalid", err)
				}
				for _, f := range e.Fields {
					got = append(got, f.Field+":"+f.Code)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.fields) {
				t.Errorf("fields %v, want %v", got, tc.fields)
			}
		})
	}
}

func TestSlotIDRoundTrip(t *testing.T) {
	start := time.Date(2026, 12, 7, 6, 30, 0, 0, time.UTC)
	spec, got, err := ParseSlotID(SlotID("spec-msk-01-1", start))
	if err != nil || spec != "spec-msk-01-1" || !got.Equal(start) {
		t.Errorf("round trip: %s %s %v", spec, got, err)
	}
	for _, bad := range []string{"", "nospec", "~20261207T0630Z", "s~2026-12-07"} {
		if _, _, err := ParseSlotID(bad); err == nil {
			t.Errorf("ParseSlotID(%q) accepted", bad)
		}
	}
}

func TestConfirmationNumberShape(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		n := confirmationNumber()
		if len(n) != 12 || n[:3] != "KB-" || n[7] != '-' {
			t.Fatalf("confirmation number %q", n)
		}
		for _, c := range n[3:] {
			if c == 'I' || c == 'L' || c == 'O' || c == 'U' {
				t.Fatalf("ambiguous letter in %q", n)
			}
		}
		seen[n] = true
	}
	if len(seen) < 999 {
		t.Errorf("only %d distinct numbers of 1000", len(seen))
	}
}
