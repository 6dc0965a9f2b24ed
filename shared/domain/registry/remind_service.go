package registry

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/remindtime"
)

// AckReminder acknowledges the last reminder of a document: an expired
// document stops being reminded about until it is renewed. Only the owner may
// call it. Errors: NotFound, Conflict (no reminder was sent, or it was
// already acknowledged), Unavailable, Internal.
func (s *Service) AckReminder(ctx context.Context, owner, id string) (View, error) {
	const op = "registry.AckReminder"
	d, p, err := s.load(ctx, owner, id)
	if err != nil {
		return View{}, err
	}
	if d.Reminder.LastDate == nil || d.Reminder.Acked || d.ArchivedAt != nil {
		return View{}, errs.E(op, errs.Conflict, ReasonNothingToAck)
	}
	d.Reminder.Acked = true
	return s.saveReminder(ctx, op, d, p, Event{Action: ActionReminderAcked})
}

// SnoozeReminder postpones a document's next reminder to until: an RFC 3339
// instant, or a date (then remindtime.ReminderHour local time on it). A snooze lands
// outside the quiet hours, never in the past, never after the expiry date of
// a document still valid, and at most MaxSnoozeDays ahead for an expired
// one. Errors: NotFound, Invalid (field "until"), Conflict (nothing is
// scheduled), Unavailable, Internal.
func (s *Service) SnoozeReminder(ctx context.Context, owner, id, until string) (View, error) {
	const op = "registry.SnoozeReminder"
	d, p, err := s.load(ctx, owner, id)
	if err != nil {
		return View{}, err
	}
	dl, ok := d.Deadline()
	if d.Reminder.Next == nil || !ok {
		return View{}, errs.E(op, errs.Conflict, ReasonNothingDue)
	}
	loc, now := p.Location(), s.Now().UTC()
	exp := dl.Date // a legal extension's date, or a milestone: never snoozed past it
	expired := dl.Milestone == "" && civil.Today(now, loc).After(exp)
	at, code := parseUntil(until, loc)
	if code == "" {
		at = remindtime.OutOfQuietHours(at, loc)
		switch {
		case !at.After(now):
			code = "in_past"
		case !expired && civil.Of(at.In(loc)).After(exp):
			code = "after_expiry"
		case expired && at.After(now.AddDate(0, 0, MaxSnoozeDays)):
			code = "too_far"
		}
	}
	if code != "" {
		return View{}, errs.E(op, errs.Invalid, errs.FieldError{Field: "until", Code: code})
	}
	d.Reminder.SnoozedUntil = &at
	return s.saveReminder(ctx, op, d, p, Event{Action: ActionReminderSnoozed, Step: stepKey(d.Reminder.Next)})
}

func (s *Service) saveReminder(ctx context.Context, op string, d Document, p Profile, ev Event) (View, error) {
	v, err := s.save(ctx, d, p, ev)
	if errs.Is(err, errs.Precondition) {
		return View{}, errs.E(op, errs.Conflict, err)
	}
	return v, err
}

func stepKey(s *Step) string {
	if s == nil {
		return ""
	}
	return s.Key()
}

// parseUntil reads an RFC 3339 instant or a date at remindtime.ReminderHour in loc.
func parseUntil(s string, loc *time.Location) (time.Time, string) {
	if s == "" {
		return time.Time{}, "required"
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), ""
	}
	d, err := civil.Parse(s)
	if err != nil {
		return time.Time{}, "invalid_time"
	}
	return remindtime.FireAt(d, loc), ""
}

// LinkRenewal records that application appID was started to renew one of
// owner's documents, reading it (again after a concurrent change, a few
// times); linking the same draft again changes nothing. The applications
// feature calls it. Errors: NotFound, Conflict (changed meanwhile, on
// every re-read), Unavailable, Internal.
func (s *Service) LinkRenewal(ctx context.Context, owner, docID, appID string) error {
	return s.linkRenewal(ctx, View{Document: Document{ID: docID, Owner: owner}}, appID, linkAttempts)
}

// LinkRenewalAsRead is LinkRenewal on the document as read (a view
// GetDocument made), in one write against that version and no read of its
// own: the applications feature links a renewal at once with writing its
// draft. Errors: Conflict (the document changed since), NotFound,
// Unavailable, Internal.
func (s *Service) LinkRenewalAsRead(ctx context.Context, read View, appID string) error {
	return s.linkRenewal(ctx, read, appID, 1)
}

func (s *Service) linkRenewal(ctx context.Context, read View, appID string, attempts int) error {
	const op = "registry.LinkRenewal"
	d, p := read.Document, read.seen
	// A concurrent change of the document (another copy of the same renew
	// linking the same draft, say) makes the save a Conflict: read again
	// and judge what is there now, while attempts last.
	for attempt := 0; ; attempt++ {
		if attempt > 0 || p.Owner == "" { // a view GetDocument did not make is read afresh
			var err error
			if d, p, err = s.load(ctx, read.Owner, read.ID); err != nil {
				return err
			}
		}
		if d.RenewalApplication == appID {
			return nil
		}
		d.RenewalApplication = appID
		_, err := s.saveReminder(ctx, op, d, p, Event{Action: ActionRenewalStarted})
		if !errs.Is(err, errs.Conflict) || attempt == attempts-1 {
			return err
		}
	}
}

// UnlinkRenewal takes application appID off one of owner's documents when
// it is the renewal linked there (its draft was deleted); a document linked
// to another application is left as it is. Errors: NotFound, Conflict
// (changed meanwhile, on every re-read), Unavailable, Internal.
func (s *Service) UnlinkRenewal(ctx context.Context, owner, docID, appID string) error {
	const op = "registry.UnlinkRenewal"
	for attempt := 0; ; attempt++ {
		d, p, err := s.load(ctx, owner, docID)
		if err != nil {
			return err
		}
		if d.RenewalApplication != appID {
			return nil
		}
		d.RenewalApplication = ""
		// history says "updated": the renewal link is a field of the document
		_, err = s.saveReminder(ctx, op, d, p, Event{Action: ActionUpdated})
		if !errs.Is(err, errs.Conflict) || attempt == linkAttempts-1 {
			return err
		}
	}
}

// linkAttempts bounds LinkRenewal's re-reads after a concurrent change.
const linkAttempts = 3
