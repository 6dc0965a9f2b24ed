package booking

import (
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Reminder steps of a booking, in the order they fire.
const (
	// StepDayBefore is "your appointment is tomorrow", at
	// registry.ReminderHour the day before, in the institution's zone.
	StepDayBefore registry.StepKind = "day_before"
	// StepTwoHours is "your appointment is in 2 hours", two hours before
	// the start (out of the quiet hours where that still precedes the start).
	StepTwoHours registry.StepKind = "two_hours"
)

// CatchUpWindow is how long after its time a step that was never sent (the
// booking was made, or the scan ran, too late) is still worth sending.
const CatchUpWindow = 12 * time.Hour

// Location is the institution's zone, in which the booking's day and its
// reminders are reckoned; UTC when the zone is unknown.
func (b Booking) Location() *time.Location { return zone(b.TimeZone) }

// Schedule computes the booking's next reminder at instant now, keeping
// what was already sent (Reminder.LastDate). Nothing is due unless the
// booking is confirmed and still ahead. A step whose time has passed is
// sent at once only if it is the latest passed step, passed less than
// CatchUpWindow ago: a booking made 3 hours before its start gets no
// "tomorrow" message, one made 90 minutes before gets "in 2 hours" at once.
func (b Booking) Schedule(now time.Time) registry.Reminder {
	r := b.Reminder
	r.Next, r.NextAt = nil, nil
	if !b.Upcoming(now) {
		return r
	}
	loc := b.Location()
	day := b.Day()
	type timed struct {
		step registry.Step
		at   time.Time
	}
	dayBefore := registry.Step{Kind: StepDayBefore, Date: day.AddDays(-1)}
	all := []timed{
		{dayBefore, registry.FireAt(dayBefore, loc)},
		{registry.Step{Kind: StepTwoHours, Date: day}, twoHoursAt(b.Start, loc)},
	}
	var due, next *timed
	for i := range all {
		s := &all[i]
		switch {
		case r.LastDate != nil && !s.step.Date.After(*r.LastDate):
			continue // sent already
		case !s.at.After(now):
			due = s
		case next == nil:
			next = s
		}
	}
	pick := next
	if due != nil && now.Sub(due.at) < CatchUpWindow {
		pick = due
	}
	if pick == nil {
		return r
	}
	step, at := pick.step, pick.at.UTC()
	r.Next, r.NextAt = &step, &at
	return r
}

// twoHoursAt is two hours before start; when that falls in the quiet hours
// of loc, the end of the quiet hours if that is still before the start.
func twoHoursAt(start time.Time, loc *time.Location) time.Time {
	t := start.Add(-2 * time.Hour)
	l := t.In(loc)
	d := civil.Of(l)
	switch h := l.Hour(); {
	case h >= registry.QuietFromHour:
		d = d.AddDays(1)
	case h >= registry.QuietToHour:
		return t.UTC()
	}
	quietEnd := time.Date(d.Year, d.Month, d.Day, registry.QuietToHour, 0, 0, 0, loc)
	if quietEnd.Before(start) {
		return quietEnd.UTC()
	}
	return t.UTC()
}
