package booking

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/remindtime"
)

// Reminder steps of a booking, in the order they fire.
const (
	// StepDayBefore is "your appointment is tomorrow", at
	// remindtime.ReminderHour on the person's day before the start, in the
	// person's zone.
	StepDayBefore registry.StepKind = "day_before"
	// StepTwoHours is "your appointment is in 2 hours", two hours before
	// the start, timed by remindtime.BeforeStart in the person's zone: out
	// of their quiet hours, or not at all (merged into the day-before
	// message).
	StepTwoHours registry.StepKind = "two_hours"
)

// TwoHours is how long before the start StepTwoHours is due.
const TwoHours = 2 * time.Hour

// CatchUpWindow is how long after its time a step that was never sent (the
// booking was made, or the scan ran, too late) is still worth sending.
const CatchUpWindow = 12 * time.Hour

// Location is the institution's zone, in which the booking's day and its
// start are shown ("when to come"); UTC when the zone is unknown. When to
// send its reminders is the person's zone: see Schedule.
func (b Booking) Location() *time.Location { return zone(b.TimeZone) }

// Profiles reads the profile of a booking's owner, for the zone its
// reminders are timed in; the store is one.
type Profiles interface {
	// GetProfile returns owner's profile (defaults when none was saved).
	// Errors: Unavailable, Internal.
	GetProfile(ctx context.Context, owner string) (registry.Profile, error)
}

// Schedule computes the booking's next reminder at instant now for its
// owner living in zone person (nil: the institution's zone), keeping what
// was already sent (Reminder.LastDate). The times are the person's: "when to
// send" follows where they are, while the messages show the start in the
// institution's zone ("when to come"). Nothing is due unless the booking is
// confirmed and still ahead. A step whose time has passed is sent at once
// only if it is the latest passed step, passed less than CatchUpWindow ago:
// a booking made 3 hours before its start gets no "tomorrow" message, one
// made 90 minutes before gets "in 2 hours" at once. A "two hours" step that
// would fall in the person's quiet hours is moved or merged as
// remindtime.BeforeStart says.
//
// The steps' dates (Step.Date, compared with Reminder.LastDate) are the
// institution's day before and day of the appointment, whatever the zone
// they are sent in: they name the step, so a change of the person's zone
// never makes a sent step due again.
func (b Booking) Schedule(now time.Time, person *time.Location) registry.Reminder {
	r := b.Reminder
	r.Next, r.NextAt = nil, nil
	if !b.Upcoming(now) {
		return r
	}
	if person == nil {
		person = b.Location()
	}
	day := b.Day()
	type timed struct {
		step registry.Step
		at   time.Time
	}
	all := []timed{{registry.Step{Kind: StepDayBefore, Date: day.AddDays(-1)}, remindtime.DayBefore(b.Start, person)}}
	if at, ok := remindtime.BeforeStart(b.Start, TwoHours, person); ok {
		all = append(all, timed{registry.Step{Kind: StepTwoHours, Date: day}, at})
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

// person is the zone owner's reminders are timed in and the language
// their messages are written in, from their profile; nil and "" when the
// service has no Profiles (the institution's zone, the default language).
func (s *Service) person(ctx context.Context, owner string) (*time.Location, string, error) {
	loc, lang, _, err := s.personBirth(ctx, owner)
	return loc, lang, err
}

// personBirth is person with owner's birth date (nil when unknown, or
// without Profiles), for a specialist's age bounds.
func (s *Service) personBirth(ctx context.Context, owner string) (*time.Location, string, *civil.Date, error) {
	if s.Profiles == nil {
		return nil, "", nil, nil
	}
	p, err := s.Profiles.GetProfile(ctx, owner)
	if err != nil {
		return nil, "", nil, err
	}
	return p.Location(), p.Language, p.BirthDate, nil
}
