package registry

import (
	"fmt"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/remindtime"
)

// The document reminder policy. Reminders fire at remindtime.ReminderHour
// local time on their day, never in the quiet hours (package remindtime
// times every message); after expiry one "expired" reminder, then a repeat
// every RepeatEveryDays until the document is renewed, archived or the
// reminder acknowledged.
const (
	RepeatEveryDays = 30
	// MaxSnoozeDays bounds a snooze of an expired document (one repeat period).
	MaxSnoozeDays = RepeatEveryDays
)

// StepKind says which part of the policy a step belongs to.
type StepKind string

// Step kinds.
const (
	StepBefore  StepKind = "before"  // N days before expiry
	StepExpired StepKind = "expired" // the day after expiry
	StepRepeat  StepKind = "repeat"  // every RepeatEveryDays after that
)

// Step is one point of a document's reminder policy.
type Step struct {
	Kind StepKind
	N    int        // before: days before expiry; repeat: which repeat (1, 2, ...)
	Date civil.Date // the owner's local date it is due on
}

// Key names the step within one expiry date: "before-30", "expired", "repeat-2".
func (s Step) Key() string {
	switch s.Kind {
	case StepExpired:
		return "expired"
	default:
		return fmt.Sprintf("%s-%d", s.Kind, s.N)
	}
}

// Reminder is a document's reminder state, stored with it. NextAt is what
// the due index is keyed on; nil means nothing is due.
type Reminder struct {
	Next         *Step
	NextAt       *time.Time  // UTC
	LastDate     *civil.Date // date of the last step sent; steps up to it are done
	Acked        bool        // the owner acknowledged the last reminder
	SnoozedUntil *time.Time  // UTC; no reminder before it
}

// ReminderSteps are the document's own steps, else its type's defaults.
func (d Document) ReminderSteps() []int {
	if len(d.RemindDays) > 0 {
		return d.RemindDays
	}
	ti, _ := Lookup(d.Type)
	return ti.ReminderSteps
}

// stepsAfter returns the policy's steps towards dl in date order, starting
// after date last (all when nil), up to and including the first step after
// horizon. A milestone has only the steps before it: nothing expires.
func (d Document) stepsAfter(dl Deadline, last *civil.Date, horizon civil.Date) []Step {
	exp := dl.Date
	var all []Step
	for _, n := range d.ReminderSteps() { // descending days: ascending dates
		all = append(all, Step{Kind: StepBefore, N: n, Date: exp.AddDays(-n)})
	}
	if dl.Milestone == "" {
		all = append(all, Step{Kind: StepExpired, Date: exp.AddDays(1)})
	}
	var out []Step
	for _, s := range all {
		if last == nil || s.Date.After(*last) {
			out = append(out, s)
		}
	}
	if dl.Milestone != "" {
		return out
	}
	for n := 1; len(out) == 0 || !out[len(out)-1].Date.After(horizon); n++ {
		s := Step{Kind: StepRepeat, N: n, Date: exp.AddDays(1 + n*RepeatEveryDays)}
		if last == nil || s.Date.After(*last) {
			out = append(out, s)
		}
	}
	return out
}

// Schedule computes the next reminder of d for an owner in loc at instant
// now, keeping what was already sent (LastDate), acknowledged and snoozed.
// A step whose time has passed unsent is due at once, but only the latest
// such step: someone who adds a passport expiring in 20 days gets one
// "expires in 20 days", not the 180-, 90- and 30-day reminders in a burst.
// The steps count towards the end of validity, a legal extension included
// (a driver's licence under decree No. 353 is reminded about before its
// extended date, not "expired" after its printed one), or towards a
// milestone of a document that does not expire, until that day.
func (d Document) Schedule(loc *time.Location, now time.Time) Reminder {
	r := d.Reminder
	r.Next, r.NextAt = nil, nil
	dl, ok := d.Deadline()
	if d.ArchivedAt != nil || d.RevokedAt != nil || !ok {
		return r // nothing to renew: archived, revoked by its issuer, or indefinite
	}
	if r.Acked && r.LastDate != nil && !r.LastDate.Before(dl.Date.AddDays(1)) {
		return r // the owner acknowledged the expiry: no more repeats
	}
	today := civil.Today(now, loc)
	if dl.Milestone != "" && today.After(dl.Date) {
		return r // the milestone has passed: nothing left to remind of
	}
	var due, next *Step
	for _, s := range d.stepsAfter(dl, r.LastDate, today) {
		s := s
		if !remindtime.FireAt(s.Date, loc).After(now) {
			due = &s
		} else if next == nil {
			next = &s
		}
	}
	pick := next
	if due != nil {
		pick = due
	}
	if pick == nil {
		return r
	}
	at := remindtime.FireAt(pick.Date, loc)
	if r.SnoozedUntil != nil && r.SnoozedUntil.After(at) {
		at = remindtime.OutOfQuietHours(*r.SnoozedUntil, loc)
	}
	r.Next, r.NextAt = pick, &at
	return r
}

// Sent records that step s went out: later steps follow, the snooze and the
// acknowledgement are spent.
func (r Reminder) Sent(s Step) Reminder {
	d := s.Date
	r.LastDate, r.Acked, r.SnoozedUntil = &d, false, nil
	return r
}
