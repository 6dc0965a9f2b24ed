package remindtime

import (
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func instant(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time.Parse(%q): %v", s, err)
	}
	return at
}

// The policy says 09:00 local time on the step's day; on a daylight saving
// change the day is 23 or 25 hours long, and 09:00 is not midnight + 9h.
// Profiles accept any IANA zone, so a citizen living in Berlin has such days.
func TestFireAtIsNineLocalAcrossDaylightSaving(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	for _, tc := range []struct {
		name, date, want string
	}{
		{"an ordinary winter day", "2026-03-28", "2026-03-28T08:00:00Z"},
		{"clocks go forward at 02:00", "2026-03-29", "2026-03-29T07:00:00Z"},
		{"an ordinary summer day", "2026-03-30", "2026-03-30T07:00:00Z"},
		{"clocks go back at 03:00", "2026-10-25", "2026-10-25T08:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := civil.Parse(tc.date)
			if err != nil {
				t.Fatal(err)
			}
			got := FireAt(d, berlin)
			if want := instant(t, tc.want); !got.Equal(want) {
				t.Errorf("FireAt(%s, Berlin) = %s (%s local), want %s (09:00 local)", tc.date,
					got.Format(time.RFC3339), got.In(berlin).Format("15:04 MST"), tc.want)
			}
		})
	}
}

func TestOutOfQuietHours(t *testing.T) {
	for _, tc := range []struct {
		name, zone, in, want string
	}{
		{"21:59 stays", "Europe/Moscow", "2026-06-15T18:59:00Z", "2026-06-15T18:59:00Z"},
		{"22:00 moves to 09:00 next day", "Europe/Moscow", "2026-06-15T19:00:00Z", "2026-06-16T06:00:00Z"},
		{"23:30 moves to 09:00 next day", "Europe/Moscow", "2026-06-15T20:30:00Z", "2026-06-16T06:00:00Z"},
		{"23:59:59 on the last day of the year moves into the next year", "Europe/Moscow", "2026-12-31T20:59:59Z", "2027-01-01T06:00:00Z"},
		{"midnight moves to 09:00 the same day", "Europe/Moscow", "2026-06-15T21:00:00Z", "2026-06-16T06:00:00Z"},
		{"03:00 moves to 09:00 the same day", "Europe/Moscow", "2026-06-15T00:00:00Z", "2026-06-15T06:00:00Z"},
		{"07:59 moves to 09:00 the same day", "Europe/Moscow", "2026-06-15T04:59:00Z", "2026-06-15T06:00:00Z"},
		{"08:00 stays", "Europe/Moscow", "2026-06-15T05:00:00Z", "2026-06-15T05:00:00Z"},
		{"noon stays", "Europe/Moscow", "2026-06-15T09:00:00Z", "2026-06-15T09:00:00Z"},
		{"quiet hours are local: 22:00 in Vladivostok is noon UTC", "Asia/Vladivostok", "2026-06-15T12:00:00Z", "2026-06-15T23:00:00Z"},
		{"quiet hours are local: 21:00Z is 23:00 in Kaliningrad", "Europe/Kaliningrad", "2026-06-15T21:00:00Z", "2026-06-16T07:00:00Z"},
		{"quiet hours are local: 21:00Z is 09:00 in Kamchatka and stays", "Asia/Kamchatka", "2026-06-15T21:00:00Z", "2026-06-15T21:00:00Z"},
		{"quiet hours are local: 21:00Z is 10:00 in Pago Pago and stays", "Pacific/Pago_Pago", "2026-06-15T21:00:00Z", "2026-06-15T21:00:00Z"},
		{"22:30 on the eve of a daylight saving change moves to 09:00 local", "Europe/Berlin", "2026-03-28T21:30:00Z", "2026-03-29T07:00:00Z"},
		{"an instant given in another zone is read in loc", "Europe/Moscow", "2026-06-16T08:30:00+10:00", "2026-06-16T06:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := zone(t, tc.zone)
			in := instant(t, tc.in)
			got := OutOfQuietHours(in, loc)
			if want := instant(t, tc.want); !got.Equal(want) {
				t.Errorf("OutOfQuietHours(%s, %s) = %s, want %s", tc.in, tc.zone, got.Format(time.RFC3339), tc.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("result %v is not in UTC", got)
			}
			if quiet := InQuietHours(in, loc); quiet != !got.Equal(in) {
				t.Errorf("InQuietHours(%s, %s) = %v, but OutOfQuietHours moved it to %s", tc.in, tc.zone, quiet, got)
			}
		})
	}
}

// TestDayBefore: "tomorrow" is the person's own, at 09:00 their time, even
// when the appointment is reckoned in another zone.
func TestDayBefore(t *testing.T) {
	for _, tc := range []struct {
		name, zone, start, want string
	}{
		{"Kaliningrad, 10:30 there", "Europe/Kaliningrad", "2026-12-12T08:30:00Z", "2026-12-11T07:00:00Z"},
		{"Moscow, 10:00 there", "Europe/Moscow", "2026-12-12T07:00:00Z", "2026-12-11T06:00:00Z"},
		// 10:00 in Vladivostok is 03:00 in Moscow on the same day: the day
		// before at 09:00 Moscow time, not at 09:00 Vladivostok (02:00 Moscow).
		{"Moscow citizen, 10:00 video appointment in Vladivostok", "Europe/Moscow", "2026-12-12T00:00:00Z", "2026-12-11T06:00:00Z"},
		{"Vladivostok, 10:00 there", "Asia/Vladivostok", "2026-12-12T00:00:00Z", "2026-12-10T23:00:00Z"},
		{"Kamchatka, 09:00 there", "Asia/Kamchatka", "2026-12-11T21:00:00Z", "2026-12-10T21:00:00Z"},
		// 08:00 in Kamchatka on the 12th is 22:00 on the 11th in Kaliningrad:
		// the Kaliningrad citizen's "tomorrow" comes on the 10th.
		{"Kaliningrad citizen, 08:00 appointment in Kamchatka", "Europe/Kaliningrad", "2026-12-11T20:00:00Z", "2026-12-10T07:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := DayBefore(instant(t, tc.start), zone(t, tc.zone))
			if want := instant(t, tc.want); !got.Equal(want) {
				t.Errorf("DayBefore(%s, %s) = %s, want %s", tc.start, tc.zone, got.Format(time.RFC3339), tc.want)
			}
		})
	}
}

// TestBeforeStart is the "in 2 hours" rule across the zones of Russia: two
// hours before, else the end of the person's quiet hours while that is at
// least MinNotice before the start, else merged into the day-before message.
func TestBeforeStart(t *testing.T) {
	const kgd, msk, vvo, pkc = "Europe/Kaliningrad", "Europe/Moscow", "Asia/Vladivostok", "Asia/Kamchatka"
	for _, tc := range []struct {
		name, zone, start string // start in UTC
		want              string // "" when merged
	}{
		{"Kaliningrad 10:30: 08:30", kgd, "2026-12-12T08:30:00Z", "2026-12-12T06:30:00Z"},
		{"Kaliningrad 10:00: 08:00, the quiet hours just ended", kgd, "2026-12-12T08:00:00Z", "2026-12-12T06:00:00Z"},
		{"Kaliningrad 09:00: 07:00 is quiet, 08:00", kgd, "2026-12-12T07:00:00Z", "2026-12-12T06:00:00Z"},
		{"Kaliningrad 08:30: 08:00 is exactly MinNotice before", kgd, "2026-12-12T06:30:00Z", "2026-12-12T06:00:00Z"},
		{"Kaliningrad 08:29: merged", kgd, "2026-12-12T06:29:00Z", ""},
		{"Moscow 08:00: 06:00 is quiet and 08:00 is the start: merged", msk, "2026-12-12T05:00:00Z", ""},
		{"Moscow 23:30: 21:30", msk, "2026-12-12T20:30:00Z", "2026-12-12T18:30:00Z"},
		{"Moscow 00:30: 22:30 is quiet, 08:00 is after the start: merged", msk, "2026-12-12T21:30:00Z", ""},
		{"Moscow citizen, 10:00 in Vladivostok (03:00 Moscow): merged", msk, "2026-12-12T00:00:00Z", ""},
		{"Moscow citizen, 16:00 in Vladivostok (09:00 Moscow): 08:00 Moscow", msk, "2026-12-12T06:00:00Z", "2026-12-12T05:00:00Z"},
		{"Vladivostok 10:00: 08:00", vvo, "2026-12-12T00:00:00Z", "2026-12-11T22:00:00Z"},
		{"Vladivostok citizen, 10:00 in Moscow (17:00 Vladivostok): 15:00", vvo, "2026-12-12T07:00:00Z", "2026-12-12T05:00:00Z"},
		{"Kamchatka 09:00: 07:00 is quiet, 08:00", pkc, "2026-12-11T21:00:00Z", "2026-12-11T20:00:00Z"},
		{"Kamchatka 08:00: merged", pkc, "2026-12-11T20:00:00Z", ""},
		{"Kamchatka 12:00: 10:00", pkc, "2026-12-12T00:00:00Z", "2026-12-11T22:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := zone(t, tc.zone)
			start := instant(t, tc.start)
			got, ok := BeforeStart(start, 2*time.Hour, loc)
			if tc.want == "" {
				if ok {
					t.Errorf("BeforeStart = %s (%s local), want merged", got.Format(time.RFC3339), got.In(loc).Format("15:04"))
				}
				return
			}
			if want := instant(t, tc.want); !ok || !got.Equal(want) {
				t.Errorf("BeforeStart = %s, %v; want %s", got.Format(time.RFC3339), ok, tc.want)
			}
			if InQuietHours(got, loc) {
				t.Errorf("sent at %s local, in the quiet hours", got.In(loc).Format("15:04"))
			}
			if got.Location() != time.UTC {
				t.Errorf("result %v is not in UTC", got)
			}
		})
	}
}
