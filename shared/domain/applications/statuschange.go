package applications

import (
	"context"
	"slices"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// move writes the transition of cur (as read, at its version) to next
// (cur with any other changes) into status to: a timeline entry and an
// inbox notification in the applicant's language in one transaction. The
// notification is also an outbox entry, due at once: the reminder pipeline
// (urgent class) sends it on the person's reachable channels on its next
// run, claimed exactly once, as it sends a booking's confirmation. So the
// person is told in the cabinet at once and on their channels once, and
// the change never waits on SNS.
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
	return s.save(ctx, cur, next, n, idem, effects...)
}

// save stores next (cur changed, at cur's version) with the notification n
// to its owner, which is also an outbox entry due at n.CreatedAt (now), and
// the effects (a clerk's notification or open count): see move.
func (s *Service) save(ctx context.Context, cur, next Application, n inbox.Notification, idem *idempotency.Key,
	effects ...Effect) (Application, bool, error) {
	next.Version, next.UpdatedAt = cur.Version+1, s.Now().UTC()
	stored, replayed, err := s.Store.SaveTransition(ctx, next, cur.Version, n, idem, effects...)
	if err != nil {
		if errs.Is(err, errs.Conflict) && idem != nil {
			// a concurrent retry with the same key may have won
			if a, ok, rerr := s.Store.ReplayApplication(ctx, cur.Owner, idem); rerr == nil && ok {
				return a, true, nil
			}
		}
		return Application{}, false, err
	}
	return stored, replayed, nil
}
