package booking

import (
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

func TestBookingReminderSchedule(t *testing.T) {
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	date := func(s string) *civil.Date {
		d, err := civil.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	const kgd, pkc = "Europe/Kaliningrad", "Asia/Kamchatka" // UTC+2, UTC+12
	for _, tc := range []struct {
		name     string
		zone     string
		start    string // UTC
		status   Status
		last     string // Reminder.LastDate
		now      string // UTC
		wantKind registry.StepKind
		wantDate string
		wantAt   string // UTC; "" with wantKind "" for none
	}{
		// Kaliningrad: the appointment is on 12 December at 10:30 local (08:30Z).
		{"kgd booked a week ahead", kgd, "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-05T10:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-11T07:00:00Z"},
		{"kgd booked the evening before: tomorrow at once", kgd, "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-11T17:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-11T07:00:00Z"},
		{"kgd booked late the evening before: too late for tomorrow", kgd, "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-11T20:30:00Z",
			StepTwoHours, "2026-12-12", "2026-12-12T06:30:00Z"},
		{"kgd booked 3 h before: no tomorrow", kgd, "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-12T05:30:00Z",
			StepTwoHours, "2026-12-12", "2026-12-12T06:30:00Z"},
		{"kgd booked 90 min before: in 2 hours at once", kgd, "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-12T07:00:00Z",
			StepTwoHours, "2026-12-12", "2026-12-12T06:30:00Z"},
		{"kgd after tomorrow was sent", kgd, "2026-12-12T08:30:00Z", Confirmed, "2026-12-11", "2026-12-11T07:05:00Z",
			StepTwoHours, "2026-12-12", "2026-12-12T06:30:00Z"},
		{"kgd after both were sent", kgd, "2026-12-12T08:30:00Z", Confirmed, "2026-12-12", "2026-12-12T06:35:00Z",
			"", "", ""},
		{"kgd cancelled", kgd, "2026-12-12T08:30:00Z", Cancelled, "", "2026-12-05T10:00:00Z", "", "", ""},
		{"kgd completed", kgd, "2026-12-12T08:30:00Z", Completed, "", "2026-12-12T09:00:00Z", "", "", ""},
		{"kgd no-show", kgd, "2026-12-12T08:30:00Z", NoShow, "", "2026-12-12T09:00:00Z", "", "", ""},
		{"kgd started", kgd, "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-12T08:30:00Z", "", "", ""},

		// Kamchatka: 12 December at 09:00 local is 11 December 21:00Z; two
		// hours before, 07:00, is in the quiet hours: 08:00 instead.
		{"pkc booked a week ahead", pkc, "2026-12-11T21:00:00Z", Confirmed, "", "2026-12-04T00:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-10T21:00:00Z"},
		{"pkc booked the evening before", pkc, "2026-12-11T21:00:00Z", Confirmed, "", "2026-12-11T07:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-10T21:00:00Z"},
		{"pkc after tomorrow: out of the quiet hours", pkc, "2026-12-11T21:00:00Z", Confirmed, "2026-12-11", "2026-12-10T21:05:00Z",
			StepTwoHours, "2026-12-12", "2026-12-11T20:00:00Z"},
		{"pkc booked 90 min before", pkc, "2026-12-11T21:00:00Z", Confirmed, "", "2026-12-11T19:30:00Z",
			StepTwoHours, "2026-12-12", "2026-12-11T20:00:00Z"},
		{"pkc booked 3 h before", pkc, "2026-12-11T21:00:00Z", Confirmed, "", "2026-12-11T18:00:00Z",
			StepTwoHours, "2026-12-12", "2026-12-11T20:00:00Z"},
		{"pkc cancelled", pkc, "2026-12-11T21:00:00Z", Cancelled, "", "2026-12-04T00:00:00Z", "", "", ""},
		// At 08:00 local the quiet hours end with the start: two hours before it is.
		{"pkc at 08:00: two hours before, quiet or not", pkc, "2026-12-11T20:00:00Z", Confirmed, "2026-12-11", "2026-12-10T21:05:00Z",
			StepTwoHours, "2026-12-12", "2026-12-11T18:00:00Z"},
		// At 00:30 local: 22:30 the evening before; 08:00 would be after the start.
		{"pkc at 00:30", pkc, "2026-12-11T12:30:00Z", Confirmed, "2026-12-11", "2026-12-10T21:05:00Z",
			StepTwoHours, "2026-12-12", "2026-12-11T10:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := utc(tc.start)
			b := Booking{ID: "b1", Owner: "u1", Start: start, End: start.Add(30 * time.Minute), TimeZone: tc.zone, Status: tc.status}
			if tc.last != "" {
				b.Reminder.LastDate = date(tc.last)
			}
			r := b.Schedule(utc(tc.now))
			if tc.wantKind == "" {
				if r.Next != nil || r.NextAt != nil {
					t.Fatalf("next %+v at %v, want none", r.Next, r.NextAt)
				}
				return
			}
			if r.Next == nil || r.NextAt == nil {
				t.Fatalf("no next reminder, want %s at %s", tc.wantKind, tc.wantAt)
			}
			if r.Next.Kind != tc.wantKind || r.Next.Date.String() != tc.wantDate || !r.NextAt.Equal(utc(tc.wantAt)) {
				t.Errorf("next %s on %s at %s, want %s on %s at %s", r.Next.Kind, r.Next.Date,
					r.NextAt.Format(time.RFC3339), tc.wantKind, tc.wantDate, tc.wantAt)
			}
			if r.NextAt.Location() != time.UTC {
				t.Errorf("NextAt in %v, want UTC", r.NextAt.Location())
			}
			if tc.last != "" && (r.LastDate == nil || r.LastDate.String() != tc.last) {
				t.Errorf("LastDate = %v, want %s kept", r.LastDate, tc.last)
			}
		})
	}
}

func TestBookingReminderStepsFollowEachOther(t *testing.T) {
	start := time.Date(2026, 12, 12, 8, 30, 0, 0, time.UTC)
	b := Booking{Start: start, TimeZone: "Europe/Kaliningrad", Status: Confirmed}
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	var got []registry.StepKind
	for range 3 {
		r := b.Schedule(now)
		if r.Next == nil {
			break
		}
		got = append(got, r.Next.Kind)
		now = *r.NextAt
		b.Reminder = r.Sent(*r.Next)
	}
	if len(got) != 2 || got[0] != StepDayBefore || got[1] != StepTwoHours {
		t.Errorf("steps %v, want [day_before two_hours]", got)
	}
}
