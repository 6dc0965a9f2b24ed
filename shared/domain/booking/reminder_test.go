package booking

import (
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/remindtime"
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
	const kgd, msk, vvo, pkc = "Europe/Kaliningrad", "Europe/Moscow", "Asia/Vladivostok", "Asia/Kamchatka" // UTC+2, +3, +10, +12
	for _, tc := range []struct {
		name     string
		zone     string // the institution's
		person   string // the owner's; "" for the institution's
		start    string // UTC
		status   Status
		last     string // Reminder.LastDate
		now      string // UTC
		wantKind registry.StepKind
		wantDate string
		wantAt   string // UTC; "" with wantKind "" for none
	}{
		// Kaliningrad: the appointment is on 12 December at 10:30 local (08:30Z).
		{"kgd booked a week ahead", kgd, "", "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-05T10:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-11T07:00:00Z"},
		{"kgd booked the evening before: tomorrow at once", kgd, "", "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-11T17:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-11T07:00:00Z"},
		{"kgd booked late the evening before: too late for tomorrow", kgd, "", "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-11T20:30:00Z",
			StepTwoHours, "2026-12-12", "2026-12-12T06:30:00Z"},
		{"kgd booked 3 h before: no tomorrow", kgd, "", "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-12T05:30:00Z",
			StepTwoHours, "2026-12-12", "2026-12-12T06:30:00Z"},
		{"kgd booked 90 min before: in 2 hours at once", kgd, "", "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-12T07:00:00Z",
			StepTwoHours, "2026-12-12", "2026-12-12T06:30:00Z"},
		{"kgd after tomorrow was sent", kgd, "", "2026-12-12T08:30:00Z", Confirmed, "2026-12-11", "2026-12-11T07:05:00Z",
			StepTwoHours, "2026-12-12", "2026-12-12T06:30:00Z"},
		{"kgd after both were sent", kgd, "", "2026-12-12T08:30:00Z", Confirmed, "2026-12-12", "2026-12-12T06:35:00Z",
			"", "", ""},
		{"kgd cancelled", kgd, "", "2026-12-12T08:30:00Z", Cancelled, "", "2026-12-05T10:00:00Z", "", "", ""},
		{"kgd completed", kgd, "", "2026-12-12T08:30:00Z", Completed, "", "2026-12-12T09:00:00Z", "", "", ""},
		{"kgd no-show", kgd, "", "2026-12-12T08:30:00Z", NoShow, "", "2026-12-12T09:00:00Z", "", "", ""},
		{"kgd started", kgd, "", "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-12T08:30:00Z", "", "", ""},

		// Kamchatka: 12 December at 09:00 local is 11 December 21:00Z; two
		// hours before, 07:00, is in the quiet hours: 08:00 instead.
		{"pkc booked a week ahead", pkc, "", "2026-12-11T21:00:00Z", Confirmed, "", "2026-12-04T00:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-10T21:00:00Z"},
		{"pkc booked the evening before", pkc, "", "2026-12-11T21:00:00Z", Confirmed, "", "2026-12-11T07:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-10T21:00:00Z"},
		{"pkc after tomorrow: out of the quiet hours", pkc, "", "2026-12-11T21:00:00Z", Confirmed, "2026-12-11", "2026-12-10T21:05:00Z",
			StepTwoHours, "2026-12-12", "2026-12-11T20:00:00Z"},
		{"pkc booked 90 min before", pkc, "", "2026-12-11T21:00:00Z", Confirmed, "", "2026-12-11T19:30:00Z",
			StepTwoHours, "2026-12-12", "2026-12-11T20:00:00Z"},
		{"pkc booked 3 h before", pkc, "", "2026-12-11T21:00:00Z", Confirmed, "", "2026-12-11T18:00:00Z",
			StepTwoHours, "2026-12-12", "2026-12-11T20:00:00Z"},
		{"pkc cancelled", pkc, "", "2026-12-11T21:00:00Z", Cancelled, "", "2026-12-04T00:00:00Z", "", "", ""},
		// At 08:00 local two hours before is 06:00, in the quiet hours, and
		// their end is the start: merged into the day-before message (until
		// 2026-07 it went at 06:00).
		{"pkc at 08:00: after tomorrow, nothing", pkc, "", "2026-12-11T20:00:00Z", Confirmed, "2026-12-11", "2026-12-10T21:05:00Z",
			"", "", ""},
		{"pkc at 08:00 booked the evening before: tomorrow only", pkc, "", "2026-12-11T20:00:00Z", Confirmed, "", "2026-12-11T03:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-10T21:00:00Z"},
		// At 00:30 local: 22:30 the evening before is quiet and 08:00 is after the start.
		{"pkc at 00:30: after tomorrow, nothing", pkc, "", "2026-12-11T12:30:00Z", Confirmed, "2026-12-11", "2026-12-10T21:05:00Z",
			"", "", ""},

		// "When to send" is the person's zone. A Moscow citizen's 10:00 video
		// appointment in Vladivostok (03:00 Moscow) on 12 December: tomorrow
		// at 09:00 Moscow on the 11th (not 02:00 Moscow), no "in 2 hours" (01:00 Moscow).
		{"msk citizen, vvo 10:00: tomorrow at 09:00 Moscow", vvo, msk, "2026-12-12T00:00:00Z", Confirmed, "", "2026-12-05T10:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-11T06:00:00Z"},
		{"msk citizen, vvo 10:00: nothing after tomorrow", vvo, msk, "2026-12-12T00:00:00Z", Confirmed, "2026-12-11", "2026-12-11T06:05:00Z",
			"", "", ""},
		// 16:00 in Vladivostok is 09:00 in Moscow: "in 2 hours" at 08:00 Moscow.
		{"msk citizen, vvo 16:00: in 2 hours at 08:00 Moscow", vvo, msk, "2026-12-12T06:00:00Z", Confirmed, "2026-12-11", "2026-12-11T06:05:00Z",
			StepTwoHours, "2026-12-12", "2026-12-12T05:00:00Z"},
		// A Vladivostok citizen's 10:30 appointment in Kaliningrad (17:30 Vladivostok).
		{"vvo citizen, kgd 10:30: tomorrow at 09:00 Vladivostok", kgd, vvo, "2026-12-12T08:30:00Z", Confirmed, "", "2026-12-05T10:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-10T23:00:00Z"},
		{"vvo citizen, kgd 10:30: two hours before", kgd, vvo, "2026-12-12T08:30:00Z", Confirmed, "2026-12-11", "2026-12-10T23:05:00Z",
			StepTwoHours, "2026-12-12", "2026-12-12T06:30:00Z"},
		// A Kaliningrad citizen's 08:00 appointment in Kamchatka on the 12th
		// is 22:00 on the 11th in Kaliningrad: tomorrow on the 10th, 09:00
		// Kaliningrad; in 2 hours at 20:00 Kaliningrad.
		{"kgd citizen, pkc 08:00: tomorrow on the person's eve", pkc, kgd, "2026-12-11T20:00:00Z", Confirmed, "", "2026-12-05T10:00:00Z",
			StepDayBefore, "2026-12-11", "2026-12-10T07:00:00Z"},
		{"kgd citizen, pkc 08:00: in 2 hours at 20:00 Kaliningrad", pkc, kgd, "2026-12-11T20:00:00Z", Confirmed, "2026-12-11", "2026-12-10T07:05:00Z",
			StepTwoHours, "2026-12-12", "2026-12-11T18:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := utc(tc.start)
			b := Booking{ID: "b1", Owner: "u1", Start: start, End: start.Add(30 * time.Minute), TimeZone: tc.zone, Status: tc.status}
			if tc.last != "" {
				b.Reminder.LastDate = date(tc.last)
			}
			person := tc.person
			if person == "" {
				person = tc.zone
			}
			loc, err := time.LoadLocation(person)
			if err != nil {
				t.Fatal(err)
			}
			r := b.Schedule(utc(tc.now), loc)
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
		r := b.Schedule(now, nil)
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

// TestBookingRemindersNeverInThePersonsQuietHours: for every pairing of the
// person's and the institution's zone across Russia and a start every half
// hour of a day, no step is ever due in the person's quiet hours, and
// "tomorrow" comes at 09:00 their time.
func TestBookingRemindersNeverInThePersonsQuietHours(t *testing.T) {
	zones := []string{"Europe/Kaliningrad", "Europe/Moscow", "Asia/Vladivostok", "Asia/Kamchatka"}
	booked := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, inst := range zones {
		for _, person := range zones {
			t.Run(person+" at "+inst, func(t *testing.T) {
				loc, _ := time.LoadLocation(person)
				for start := time.Date(2026, 12, 12, 0, 0, 0, 0, time.UTC); start.Before(time.Date(2026, 12, 13, 0, 0, 0, 0, time.UTC)); start = start.Add(30 * time.Minute) {
					b := Booking{Start: start, End: start.Add(30 * time.Minute), TimeZone: inst, Status: Confirmed}
					now := booked
					for range 3 {
						r := b.Schedule(now, loc)
						if r.Next == nil {
							break
						}
						at := r.NextAt.In(loc)
						if h := at.Hour(); h >= remindtime.QuietFromHour || h < remindtime.QuietToHour {
							t.Errorf("start %s: %s due at %s, in the quiet hours", start.Format(time.RFC3339), r.Next.Kind, at.Format("15:04"))
						}
						if r.Next.Kind == StepDayBefore && (at.Hour() != remindtime.ReminderHour || at.Minute() != 0) {
							t.Errorf("start %s: tomorrow at %s, want 09:00 the person's time", start.Format(time.RFC3339), at.Format("15:04"))
						}
						if !r.NextAt.Before(start) {
							t.Errorf("start %s: %s due at %s, not before the start", start.Format(time.RFC3339), r.Next.Kind, r.NextAt)
						}
						now = *r.NextAt
						b.Reminder = r.Sent(*r.Next)
					}
				}
			})
		}
	}
}
