package applications

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// RetryAfter is how long after a status change its messages wait in the
// outbox before the expiry scan (every 15 minutes) sends them, when the
// change's own publish did not confirm them: long enough for that publish
// to finish first, so a message is not sent twice.
const RetryAfter = 5 * time.Minute

// move writes the transition of cur (as read, at its version) to next
// (cur with any other changes) into status to: a timeline entry and an
// inbox notification in the applicant's language in one transaction, then
// a message per reachable channel on the topic. The notification is also
// an outbox entry: if the publish fails (or the function stops before it),
// the expiry scan sends the messages after RetryAfter. So the person is
// told in the cabinet at once and on their channels at least once.
func (s *Service) move(ctx context.Context, cur, next Application, to Status, actor string, role Role, comment string, note Note,
	p registry.Profile, idem *idempotency.Key, effects ...Effect) (Application, bool, error) {
	return s.moveWith(ctx, cur, next, to, actor, role, comment, note, nil, p, idem, effects...)
}

// moveWith is move whose timeline entry also carries the files an answer
// sent.
func (s *Service) moveWith(ctx context.Context, cur, next Application, to Status, actor string, role Role, comment string, note Note,
	files []Attachment, p registry.Profile, idem *idempotency.Key, effects ...Effect) (Application, bool, error) {
	now := s.Now().UTC()
	next.Timeline = append(slices.Clone(cur.Timeline), Entry{At: now, Actor: actor, Role: role, From: cur.Status, To: to, Comment: comment, Note: note,
		Files: files})
	next.Status = to
	if to != StatusNeedsInfo {
		next.ResponseDue, next.ResponseReminded = nil, false
	}
	svc, _ := Lookup(next.ServiceCode)
	title, body := render(next, svc, comment, note, p.Language)
	n := inbox.Notification{ID: s.NewID(), Owner: next.Owner, Kind: KindStatus, Title: title, Body: body, CreatedAt: now}
	if to.Final() && cur.Assignee != "" {
		// a decided application no longer weighs on its clerk
		effects = append(effects, Effect{Clerk: &ClerkDelta{Agency: cur.Agency, Sub: cur.Assignee, Seen: -1, Delta: -1}})
	}
	return s.save(ctx, cur, next, n, p, idem, effects...)
}

// save stores next (cur changed, at cur's version) with the notification n
// to its owner, which is also an outbox entry, and the effects (a clerk's
// notification or open count), then publishes n: see move.
func (s *Service) save(ctx context.Context, cur, next Application, n inbox.Notification, p registry.Profile,
	idem *idempotency.Key, effects ...Effect) (Application, bool, error) {
	now := s.Now().UTC()
	next.Version, next.UpdatedAt = cur.Version+1, now
	retryAt := now.Add(RetryAfter)
	stored, replayed, err := s.Store.SaveTransition(ctx, next, cur.Version, n, retryAt, idem, effects...)
	if err != nil {
		if errs.Is(err, errs.Conflict) && idem != nil {
			// a concurrent retry with the same key may have won
			if a, ok, rerr := s.Store.ReplayApplication(ctx, cur.Owner, idem); rerr == nil && ok {
				return a, true, nil
			}
		}
		return Application{}, false, err
	}
	if !replayed && s.publish(ctx, stored, p, n) {
		if err := s.Store.Delivered(context.WithoutCancel(ctx), n.Owner, n.ID, retryAt); err != nil && !errs.Is(err, errs.Conflict) {
			s.log().Warn("applications: status messages sent but still in the outbox; the scan may send them again",
				"application", stored.ID, "err", err.Error())
		}
	}
	return stored, replayed, nil
}

// publish sends the status change n to each channel the person can be
// reached on, and reports whether all of them went (true when there is
// none). What failed stays in the outbox for the scan: see move.
func (s *Service) publish(ctx context.Context, a Application, p registry.Profile, n inbox.Notification) bool {
	if s.Publisher == nil {
		return false
	}
	subject, text := n.Message()
	var msgs []message.Message
	for _, ch := range p.Reachable() {
		msgs = append(msgs, message.Message{
			ID: a.ID + "." + strconv.Itoa(a.Version) + "." + ch, Subject: subject, Body: text,
			Attributes: map[string]string{message.AttrUserID: a.Owner, message.AttrChannel: ch, message.AttrKind: KindStatus,
				AttrApplicationID: a.ID, AttrStatus: string(a.Status)},
		})
	}
	if len(msgs) == 0 {
		return true
	}
	failed := s.Publisher.Publish(context.WithoutCancel(ctx), msgs)
	for id, err := range failed {
		s.log().Warn("applications: status message not published; the expiry scan will retry it",
			"application", a.ID, "status", a.Status, "message", id, "err", err.Error())
	}
	return len(failed) == 0
}
