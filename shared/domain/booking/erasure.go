package booking

import (
	"context"
	"slices"
	"time"
)

// ActorErasure is the actor of a booking cancelled because its owner's
// account is being erased.
const ActorErasure = "erasure"

// CancelForErasure is the appointment book's part of owner's erasure:
// every upcoming booking of theirs (and their dependents') is cancelled as
// a cancellation the institution sees in its day list, freeing its slot for
// someone else, whatever the cancellation deadline (the person is leaving);
// no message is sent about it. Their waiting-list entries are left, an
// offer's held slot going to the next in line. The items themselves are
// removed afterwards with the rest of the person's partition. It reports
// how many it ended; run again, it finds only what is left.
// Who may call: the erasure. Errors: Conflict (changed meanwhile; run
// again), Unavailable, Internal.
func (s *Service) CancelForErasure(ctx context.Context, owner string, now time.Time) (int, error) {
	all, err := s.Store.ListBookings(ctx, owner)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, b := range all {
		if !b.Upcoming(now) {
			continue
		}
		next := b
		next.Status = Cancelled
		next.Events = append(slices.Clone(b.Events), Event{Action: "cancelled", Actor: ActorErasure, At: now.UTC()})
		next.UpdatedAt, next.Version = now.UTC(), b.Version+1
		next.Reminder = next.Schedule(now, nil) // none: cancelled
		next.Outbox = nil
		if err := s.Store.Cancel(ctx, b, next); err != nil {
			return n, err
		}
		n++
	}
	if s.Waits == nil {
		return n, nil
	}
	waits, err := s.Waits.ListWaits(ctx, owner)
	if err != nil {
		return n, err
	}
	for _, e := range waits {
		if e.Status != WaitWaiting && e.Status != WaitOffered {
			continue
		}
		if err := s.endWait(ctx, e, WaitLeft); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
