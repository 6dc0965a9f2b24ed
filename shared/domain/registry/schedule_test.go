package registry

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/remindtime"
)

// schedNow is noon in Moscow on 2026-06-15, the "now" of most cases below.
var schedNow = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

// schedZone loads an IANA zone or fails the test.
func schedZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// schedDate parses YYYY-MM-DD or fails the test.
func schedDate(t *testing.T, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatalf("civil.Parse(%q): %v", s, err)
	}
	return d
}

// schedTime parses an RFC 3339 instant or fails the test.
func schedTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time.Parse(%q): %v", s, err)
	}
	return at
}

// schedDoc is a custom document expiring on exp ("" for indefinite) with
// remind days (nil for the type's defaults, 30/7/1).
func schedDoc(t *testing.T, exp string, remind []int) Document {
	t.Helper()
	d := Document{ID: "d1", Owner: "alice", Type: Custom, Title: "Договор аренды", RemindDays: remind, Version: 1}
	if exp != "" {
		e := schedDate(t, exp)
		d.ExpiresOn = &e
	}
	return d
}

// schedStep says what a reminder's next step should be: its key, its local
// date and the UTC instant it fires at. A zero schedStep means "nothing".
type schedStep struct{ key, date, at string }

func (s schedStep) String() string {
	if s == (schedStep{}) {
		return "nothing"
	}
	return fmt.Sprintf("%s on %s at %s", s.key, s.date, s.at)
}

func schedStepOf(r Reminder) schedStep {
	switch {
	case r.Next == nil && r.NextAt == nil:
		return schedStep{}
	case r.Next == nil || r.NextAt == nil:
		return schedStep{key: fmt.Sprintf("inconsistent: Next=%v NextAt=%v", r.Next, r.NextAt)}
	}
	return schedStep{r.Next.Key(), r.Next.Date.String(), r.NextAt.UTC().Format(time.RFC3339)}
}

func assertSchedStep(t *testing.T, what string, r Reminder, want schedStep) {
	t.Helper()
	if got := schedStepOf(r); got != want {
		t.Errorf("%s: next = %v, want %v", what, got, want)
	}
	if r.NextAt != nil && r.NextAt.Location() != time.UTC {
		t.Errorf("%s: NextAt %v is not in UTC", what, r.NextAt)
	}
}

func TestSchedule(t *testing.T) {
	for _, tc := range []struct {
		name string
		zone string
		now  string // RFC 3339; "" for schedNow
		doc  func(t *testing.T) Document
		want schedStep
		due  bool // the step is due at once: NextAt <= now
		// then is the next step once want was sent (Reminder.Sent).
		then schedStep
	}{
		{
			name: "far from expiry: the first step, 09:00 Moscow on its day",
			zone: "Europe/Moscow",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-12-31", nil) },
			want: schedStep{"before-30", "2026-12-01", "2026-12-01T06:00:00Z"},
			then: schedStep{"before-7", "2026-12-24", "2026-12-24T06:00:00Z"},
		},
		{
			name: "created 20 days before expiry: the passed 30-day step is due at once, and only once",
			zone: "Europe/Moscow",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-07-05", nil) },
			want: schedStep{"before-30", "2026-06-05", "2026-06-05T06:00:00Z"},
			due:  true,
			then: schedStep{"before-7", "2026-06-28", "2026-06-28T06:00:00Z"},
		},
		{
			name: "created 5 days before expiry: only the latest passed step, not a burst",
			zone: "Europe/Moscow",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-06-20", nil) },
			want: schedStep{"before-7", "2026-06-13", "2026-06-13T06:00:00Z"},
			due:  true,
			then: schedStep{"before-1", "2026-06-19", "2026-06-19T06:00:00Z"},
		},
		{
			name: "a step today after 09:00 local is due",
			zone: "Europe/Moscow",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-07-15", nil) },
			want: schedStep{"before-30", "2026-06-15", "2026-06-15T06:00:00Z"},
			due:  true,
			then: schedStep{"before-7", "2026-07-08", "2026-07-08T06:00:00Z"},
		},
		{
			name: "a step today exactly at 09:00 local is due",
			zone: "Europe/Moscow",
			now:  "2026-06-15T06:00:00Z",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-07-15", nil) },
			want: schedStep{"before-30", "2026-06-15", "2026-06-15T06:00:00Z"},
			due:  true,
			then: schedStep{"before-7", "2026-07-08", "2026-07-08T06:00:00Z"},
		},
		{
			name: "a step today before 09:00 local waits for 09:00",
			zone: "Europe/Moscow",
			now:  "2026-06-15T05:59:59Z",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-07-15", nil) },
			want: schedStep{"before-30", "2026-06-15", "2026-06-15T06:00:00Z"},
			then: schedStep{"before-7", "2026-07-08", "2026-07-08T06:00:00Z"},
		},
		{
			name: "expiring today: yesterday's 1-day step is due, then the expired step",
			zone: "Europe/Moscow",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-06-15", nil) },
			want: schedStep{"before-1", "2026-06-14", "2026-06-14T06:00:00Z"},
			due:  true,
			then: schedStep{"expired", "2026-06-16", "2026-06-16T06:00:00Z"},
		},
		{
			name: "expired yesterday: the expired step, then the first repeat 30 days later",
			zone: "Europe/Moscow",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-06-14", nil) },
			want: schedStep{"expired", "2026-06-15", "2026-06-15T06:00:00Z"},
			due:  true,
			then: schedStep{"repeat-1", "2026-07-15", "2026-07-15T06:00:00Z"},
		},
		{
			name: "created 100 days after expiry: the latest passed repeat (expiry+91), then repeat-4 (expiry+121)",
			zone: "Europe/Moscow",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-03-07", nil) },
			want: schedStep{"repeat-3", "2026-06-06", "2026-06-06T06:00:00Z"},
			due:  true,
			then: schedStep{"repeat-4", "2026-07-06", "2026-07-06T06:00:00Z"},
		},
		{
			name: "own remind days [90 10] replace the defaults",
			zone: "Europe/Moscow",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-12-31", []int{90, 10}) },
			want: schedStep{"before-90", "2026-10-02", "2026-10-02T06:00:00Z"},
			then: schedStep{"before-10", "2026-12-21", "2026-12-21T06:00:00Z"},
		},
		{
			name: "own remind days [90 10]: no default 30-day step after the 10-day one is sent",
			zone: "Europe/Moscow",
			doc: func(t *testing.T) Document {
				d := schedDoc(t, "2026-12-31", []int{90, 10})
				d.Reminder = d.Reminder.Sent(Step{Kind: StepBefore, N: 90, Date: schedDate(t, "2026-10-02")})
				return d
			},
			want: schedStep{"before-10", "2026-12-21", "2026-12-21T06:00:00Z"},
			then: schedStep{"expired", "2027-01-01", "2027-01-01T06:00:00Z"},
		},
		{
			name: "a type's defaults: a foreign passport starts 180 days ahead",
			zone: "Europe/Moscow",
			doc: func(t *testing.T) Document {
				d := schedDoc(t, "2026-12-31", nil)
				d.Type = ForeignPassport
				return d
			},
			want: schedStep{"before-180", "2026-07-04", "2026-07-04T06:00:00Z"},
			then: schedStep{"before-90", "2026-10-02", "2026-10-02T06:00:00Z"},
		},
		{
			name: "acknowledged after a before step: the next steps still come",
			zone: "Europe/Moscow",
			doc: func(t *testing.T) Document {
				d := schedDoc(t, "2026-07-05", nil)
				d.Reminder = d.Reminder.Sent(Step{Kind: StepBefore, N: 30, Date: schedDate(t, "2026-06-05")})
				d.Reminder.Acked = true
				return d
			},
			want: schedStep{"before-7", "2026-06-28", "2026-06-28T06:00:00Z"},
			then: schedStep{"before-1", "2026-07-04", "2026-07-04T06:00:00Z"},
		},
		{
			name: "snoozed past the step: fires at the snooze",
			zone: "Europe/Moscow",
			doc: func(t *testing.T) Document {
				d := schedDoc(t, "2026-12-31", nil)
				s := schedTime(t, "2026-12-03T10:00:00Z") // 13:00 Moscow
				d.Reminder.SnoozedUntil = &s
				return d
			},
			want: schedStep{"before-30", "2026-12-01", "2026-12-03T10:00:00Z"},
			then: schedStep{"before-7", "2026-12-24", "2026-12-24T06:00:00Z"}, // sending spends the snooze
		},
		{
			name: "snoozed to 23:30 local: moved out of the quiet hours to 09:00 next day",
			zone: "Europe/Moscow",
			doc: func(t *testing.T) Document {
				d := schedDoc(t, "2026-12-31", nil)
				s := schedTime(t, "2026-12-03T20:30:00Z") // 23:30 Moscow
				d.Reminder.SnoozedUntil = &s
				return d
			},
			want: schedStep{"before-30", "2026-12-01", "2026-12-04T06:00:00Z"},
			then: schedStep{"before-7", "2026-12-24", "2026-12-24T06:00:00Z"},
		},
		{
			name: "snoozed to 03:00 local: moved to 09:00 the same day",
			zone: "Europe/Moscow",
			doc: func(t *testing.T) Document {
				d := schedDoc(t, "2026-12-31", nil)
				s := schedTime(t, "2026-12-03T00:00:00Z") // 03:00 Moscow
				d.Reminder.SnoozedUntil = &s
				return d
			},
			want: schedStep{"before-30", "2026-12-01", "2026-12-03T06:00:00Z"},
			then: schedStep{"before-7", "2026-12-24", "2026-12-24T06:00:00Z"},
		},
		{
			name: "snoozed to before the step: the step's own time",
			zone: "Europe/Moscow",
			doc: func(t *testing.T) Document {
				d := schedDoc(t, "2026-12-31", nil)
				s := schedTime(t, "2026-07-01T10:00:00Z")
				d.Reminder.SnoozedUntil = &s
				return d
			},
			want: schedStep{"before-30", "2026-12-01", "2026-12-01T06:00:00Z"},
			then: schedStep{"before-7", "2026-12-24", "2026-12-24T06:00:00Z"},
		},
		{
			name: "a due step snoozed to tomorrow waits for the snooze",
			zone: "Europe/Moscow",
			doc: func(t *testing.T) Document {
				d := schedDoc(t, "2026-07-05", nil)
				s := schedTime(t, "2026-06-16T07:00:00Z") // 10:00 Moscow
				d.Reminder.SnoozedUntil = &s
				return d
			},
			want: schedStep{"before-30", "2026-06-05", "2026-06-16T07:00:00Z"},
			then: schedStep{"before-7", "2026-06-28", "2026-06-28T06:00:00Z"},
		},
		{
			name: "Vladivostok: 09:00 local is 23:00Z the day before",
			zone: "Asia/Vladivostok",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-12-31", nil) },
			want: schedStep{"before-30", "2026-12-01", "2026-11-30T23:00:00Z"},
			then: schedStep{"before-7", "2026-12-24", "2026-12-23T23:00:00Z"},
		},
		{
			name: "Kaliningrad: 09:00 local is 07:00Z",
			zone: "Europe/Kaliningrad",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-12-31", nil) },
			want: schedStep{"before-30", "2026-12-01", "2026-12-01T07:00:00Z"},
			then: schedStep{"before-7", "2026-12-24", "2026-12-24T07:00:00Z"},
		},
		{
			name: "Vladivostok, 08:00 local on the step's day: not yet due",
			zone: "Asia/Vladivostok",
			now:  "2026-11-30T22:00:00Z",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-12-31", nil) },
			want: schedStep{"before-30", "2026-12-01", "2026-11-30T23:00:00Z"},
			then: schedStep{"before-7", "2026-12-24", "2026-12-23T23:00:00Z"},
		},
		{
			name: "Kaliningrad, still the day before locally at 23:00Z: not yet due",
			zone: "Europe/Kaliningrad",
			now:  "2026-11-30T23:00:00Z",
			doc:  func(t *testing.T) Document { return schedDoc(t, "2026-12-31", nil) },
			want: schedStep{"before-30", "2026-12-01", "2026-12-01T07:00:00Z"},
			then: schedStep{"before-7", "2026-12-24", "2026-12-24T07:00:00Z"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := schedZone(t, tc.zone)
			now := schedNow
			if tc.now != "" {
				now = schedTime(t, tc.now)
			}
			d := tc.doc(t)
			before := d.Reminder
			r := d.Schedule(loc, now)
			assertSchedStep(t, "schedule", r, tc.want)
			if r.Next == nil {
				return
			}
			if got := !r.NextAt.After(now); got != tc.due {
				t.Errorf("due at once = %v (NextAt %v, now %v), want %v", got, r.NextAt, now, tc.due)
			}
			// What was sent, acknowledged and snoozed is kept.
			if !schedSameDate(r.LastDate, before.LastDate) || r.Acked != before.Acked || !schedSameTime(r.SnoozedUntil, before.SnoozedUntil) {
				t.Errorf("schedule changed the state: got last %v acked %v snoozed %v, had %v %v %v",
					r.LastDate, r.Acked, r.SnoozedUntil, before.LastDate, before.Acked, before.SnoozedUntil)
			}

			// Once the step went out, the scan reschedules at the instant it
			// fired (or now, for a step caught up late).
			sentAt := schedLater(now, *r.NextAt)
			d.Reminder = r.Sent(*r.Next)
			next := d.Schedule(loc, sentAt)
			assertSchedStep(t, "after Sent("+r.Next.Key()+")", next, tc.then)
			if next.Next != nil && !next.NextAt.After(sentAt) {
				t.Errorf("after Sent: %s is due at once again (NextAt %v, sent at %v)", next.Next.Key(), next.NextAt, sentAt)
			}
		})
	}
}

func schedLater(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func schedSameDate(a, b *civil.Date) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func schedSameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func TestScheduleNothingDue(t *testing.T) {
	moscow := schedZone(t, "Europe/Moscow")
	for _, tc := range []struct {
		name string
		doc  func(t *testing.T) Document
	}{
		{"archived", func(t *testing.T) Document {
			d := schedDoc(t, "2026-12-31", nil)
			at := schedNow.Add(-time.Hour)
			d.ArchivedAt = &at
			return d
		}},
		{"archived and expired", func(t *testing.T) Document {
			d := schedDoc(t, "2026-01-01", nil)
			at := schedNow.Add(-time.Hour)
			d.ArchivedAt = &at
			return d
		}},
		{"indefinite", func(t *testing.T) Document { return schedDoc(t, "", nil) }},
		{"indefinite with a stale schedule", func(t *testing.T) Document {
			d := schedDoc(t, "", nil)
			at := schedNow
			d.Reminder = Reminder{Next: &Step{Kind: StepBefore, N: 30, Date: schedDate(t, "2026-06-15")}, NextAt: &at}
			return d
		}},
		{"acknowledged after the expired step: no repeats", func(t *testing.T) Document {
			d := schedDoc(t, "2026-05-01", nil)
			d.Reminder = d.Reminder.Sent(Step{Kind: StepExpired, Date: schedDate(t, "2026-05-02")})
			d.Reminder.Acked = true
			return d
		}},
		{"acknowledged after a repeat: no more repeats", func(t *testing.T) Document {
			d := schedDoc(t, "2026-03-07", nil)
			d.Reminder = d.Reminder.Sent(Step{Kind: StepRepeat, N: 3, Date: schedDate(t, "2026-06-06")})
			d.Reminder.Acked = true
			return d
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.doc(t)
			before := d.Reminder
			r := d.Schedule(moscow, schedNow)
			assertSchedStep(t, "schedule", r, schedStep{})
			if !schedSameDate(r.LastDate, before.LastDate) || r.Acked != before.Acked {
				t.Errorf("schedule changed the state: got last %v acked %v, had %v %v", r.LastDate, r.Acked, before.LastDate, before.Acked)
			}
		})
	}
}

// The expired step unacknowledged keeps the repeats coming; only the
// acknowledgement stops them.
func TestScheduleRepeatsUntilAcknowledged(t *testing.T) {
	moscow := schedZone(t, "Europe/Moscow")
	d := schedDoc(t, "2026-05-01", nil)
	d.Reminder = d.Reminder.Sent(Step{Kind: StepExpired, Date: schedDate(t, "2026-05-02")})
	r := d.Schedule(moscow, schedTime(t, "2026-05-02T06:00:00Z"))
	assertSchedStep(t, "not acknowledged", r, schedStep{"repeat-1", "2026-06-01", "2026-06-01T06:00:00Z"})
	d.Reminder.Acked = true
	r = d.Schedule(moscow, schedTime(t, "2026-05-02T06:00:00Z"))
	assertSchedStep(t, "acknowledged", r, schedStep{})
}

// A reminder is due at 09:00 on its own local date: never on the day before
// (which it is in UTC for zones east of UTC+9) and never in the quiet hours.
func TestScheduleNeverFiresBeforeItsLocalDay(t *testing.T) {
	zones := []string{"Europe/Kaliningrad", "Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok",
		"Asia/Kamchatka", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"}
	expiries := []string{"2026-06-15", "2026-06-16", "2026-07-01", "2026-12-31", "2027-01-01", "2026-03-01"}
	instants := []string{"2026-06-14T10:00:00Z", "2026-06-14T14:59:59Z", "2026-06-14T15:00:00Z", "2026-06-14T23:00:00Z",
		"2026-06-15T00:00:00Z", "2026-06-15T06:00:00Z", "2026-06-15T21:00:00Z"}
	for _, zone := range zones {
		t.Run(zone, func(t *testing.T) {
			loc := schedZone(t, zone)
			for _, exp := range expiries {
				for _, at := range instants {
					now := schedTime(t, at)
					d := schedDoc(t, exp, nil)
					r := d.Schedule(loc, now)
					if r.Next == nil {
						t.Errorf("expiry %s at %s: nothing scheduled", exp, at)
						continue
					}
					fire := remindtime.FireAt(r.Next.Date, loc)
					if !r.NextAt.Equal(fire) {
						t.Errorf("expiry %s at %s: NextAt %v, want FireAt %v", exp, at, r.NextAt, fire)
					}
					local := fire.In(loc)
					if got := civil.Of(local); got != r.Next.Date {
						t.Errorf("expiry %s at %s: %s fires on local day %s, want %s", exp, at, r.Next.Key(), got, r.Next.Date)
					}
					if local.Hour() != remindtime.ReminderHour || local.Minute() != 0 {
						t.Errorf("expiry %s at %s: %s fires at %s local, want %02d:00", exp, at, r.Next.Key(), local.Format("15:04"), remindtime.ReminderHour)
					}
					if r.NextAt.After(now) && r.Next.Date.Before(civil.Today(now, loc)) {
						t.Errorf("expiry %s at %s: a step of a past day %s is scheduled in the future", exp, at, r.Next.Date)
					}
					if !r.NextAt.After(now) && civil.Today(now, loc).Before(r.Next.Date) {
						t.Errorf("expiry %s at %s: %s due before its local day %s (today %s)", exp, at, r.Next.Key(), r.Next.Date, civil.Today(now, loc))
					}
				}
			}
		})
	}
}

func TestStepKey(t *testing.T) {
	d := civil.Date{Year: 2026, Month: time.December, Day: 1}
	for _, tc := range []struct {
		step Step
		want string
	}{
		{Step{Kind: StepBefore, N: 30, Date: d}, "before-30"},
		{Step{Kind: StepBefore, N: 1, Date: d}, "before-1"},
		{Step{Kind: StepBefore, N: 180, Date: d}, "before-180"},
		{Step{Kind: StepExpired, Date: d}, "expired"},
		{Step{Kind: StepExpired, N: 4, Date: d}, "expired"}, // N means nothing for the expired step
		{Step{Kind: StepRepeat, N: 1, Date: d}, "repeat-1"},
		{Step{Kind: StepRepeat, N: 12, Date: d}, "repeat-12"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.step.Key(); got != tc.want {
				t.Errorf("%+v.Key() = %q, want %q", tc.step, got, tc.want)
			}
		})
	}
	// Keys name steps uniquely within one expiry date: the scan's decisions rely on it.
	seen := map[string]Step{}
	doc := schedDoc(t, "2026-03-07", []int{180, 90, 30, 7, 1})
	dl, _ := doc.Deadline()
	for _, s := range doc.stepsAfter(dl, nil, schedDate(t, "2028-01-01")) {
		if prev, dup := seen[s.Key()]; dup {
			t.Errorf("key %q names both %+v and %+v", s.Key(), prev, s)
		}
		seen[s.Key()] = s
	}
}

func TestReminderSent(t *testing.T) {
	snooze := schedNow.Add(48 * time.Hour)
	last := schedDate(t, "2026-06-01")
	r := Reminder{LastDate: &last, Acked: true, SnoozedUntil: &snooze}
	step := Step{Kind: StepBefore, N: 7, Date: schedDate(t, "2026-06-24")}
	got := r.Sent(step)
	if got.LastDate == nil || *got.LastDate != step.Date {
		t.Errorf("LastDate = %v, want %s", got.LastDate, step.Date)
	}
	if got.Acked || got.SnoozedUntil != nil {
		t.Errorf("after Sent: acked %v snoozed %v, want both spent", got.Acked, got.SnoozedUntil)
	}
	if *r.LastDate != last || !r.Acked || r.SnoozedUntil == nil {
		t.Errorf("Sent changed the reminder it was called on: %+v", r)
	}
}

func TestReminderStepsDefaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  Document
		want []int
	}{
		{"custom: 30/7/1", Document{Type: Custom}, []int{30, 7, 1}},
		{"foreign passport: 180/90/30/7", Document{Type: ForeignPassport}, []int{180, 90, 30, 7}},
		{"own days win", Document{Type: ForeignPassport, RemindDays: []int{90, 10}}, []int{90, 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.doc.ReminderSteps(); !slices.Equal(got, tc.want) {
				t.Errorf("ReminderSteps() = %v, want %v", got, tc.want)
			}
		})
	}
}
