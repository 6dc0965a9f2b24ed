// Package remindtime is when Kabinet may send a person a reminder: the local
// hour reminders fire at, the quiet hours in which nothing is sent, and the
// timing of a reminder ahead of an appointment. Every rule here is reckoned
// in the zone of the person who receives the message (their profile's);
// what a message shows, such as an appointment's time, may be in another
// zone, and is not decided here. The document registry, the appointment
// book and the reminder pipeline all time their messages with it.
package remindtime

import (
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

// The timing policy. Reminders fire at ReminderHour local time on their
// day; nothing is sent from QuietFromHour until QuietToHour local time.
const (
	ReminderHour  = 9
	QuietFromHour = 22
	QuietToHour   = 8
	// MinNotice is the least time before an appointment a reminder moved
	// out of the quiet hours may still arrive: a message minutes before
	// the start helps nobody, and the day-before message has said it all.
	MinNotice = 30 * time.Minute
)

// FireAt is the instant ReminderHour strikes on date d in loc, in UTC. It
// is built as a wall-clock time, so a daylight-saving change that day does
// not move it to 08:00 or 10:00.
func FireAt(d civil.Date, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, ReminderHour, 0, 0, 0, loc).UTC()
}

// InQuietHours reports whether instant t falls in the quiet hours of loc.
func InQuietHours(t time.Time, loc *time.Location) bool {
	h := t.In(loc).Hour()
	return h >= QuietFromHour || h < QuietToHour
}

// OutOfQuietHours moves t to ReminderHour when it falls in the quiet hours
// of loc (the same morning after midnight, the next morning before it), and
// returns it in UTC.
func OutOfQuietHours(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	switch h := l.Hour(); {
	case h >= QuietFromHour:
		return FireAt(civil.Of(l).AddDays(1), loc)
	case h < QuietToHour:
		return FireAt(civil.Of(l), loc)
	}
	return t.UTC()
}

// quietEnd is the end (QuietToHour) of the quiet hours t falls in, in loc;
// t must be in them.
func quietEnd(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	d := civil.Of(l)
	if l.Hour() >= QuietFromHour {
		d = d.AddDays(1)
	}
	return time.Date(d.Year, d.Month, d.Day, QuietToHour, 0, 0, 0, loc).UTC()
}

// DayBefore is when "your appointment is tomorrow" is sent to a person in
// loc for an appointment starting at start: ReminderHour on the day before
// the start's local date in loc, the person's own "tomorrow".
func DayBefore(start time.Time, loc *time.Location) time.Time {
	return FireAt(civil.Of(start.In(loc)).AddDays(-1), loc)
}

// BeforeStart is when a reminder due lead before an appointment starting at
// start is sent to a person in loc. The rule:
//   - start-lead, when that is out of the person's quiet hours;
//   - otherwise the end of those quiet hours (QuietToHour), when that is
//     still at least MinNotice before the start: an 09:00 appointment's
//     "in 2 hours" goes at 08:00;
//   - otherwise nothing (ok false): the reminder is merged into the
//     day-before message, which is the last one the person gets. An 08:00
//     appointment's "in 2 hours" would fall at 06:00, and so would a
//     Moscow citizen's for a 10:00 video appointment in Vladivostok (03:00
//     Moscow time): neither wakes anyone.
//
// The instant is in UTC.
func BeforeStart(start time.Time, lead time.Duration, loc *time.Location) (time.Time, bool) {
	t := start.Add(-lead).UTC()
	if !InQuietHours(t, loc) {
		return t, true
	}
	if end := quietEnd(t, loc); !end.After(start.Add(-MinNotice)) {
		return end, true
	}
	return time.Time{}, false
}
