package booking

import (
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Rules a booking obeys besides the slot's capacity and the specialist's
// daily limit, each a small function so that bookings for a dependent (who
// is counted as their own person) can apply them per person.

// noOverlap refuses a booking [start, end) for a person who holds another
// upcoming appointment overlapping it, at any institution; except names
// the booking being moved (it does not clash with itself).
// Errors: Conflict (overlapping_booking).
func noOverlap(op string, mine []Booking, except string, start, end, now time.Time) error {
	for _, b := range mine {
		if b.ID != except && b.Upcoming(now) && b.Start.Before(end) && start.Before(b.End) {
			return errs.E(op, errs.Conflict, ReasonOverlapping)
		}
	}
	return nil
}

// clearOfBooked drops from want the slots that would overlap a booked slot
// of have which they do not replace: a schedule change keeps every
// confirmed booking, and a new free slot next to a kept 12:00–12:30
// booking must not start at 12:20. A wanted slot with the booked one's
// start is that slot itself (PutSlots leaves it as it is).
func clearOfBooked(want, have []Slot) []Slot {
	var booked []Slot
	for _, sl := range have {
		if sl.Booked > 0 {
			booked = append(booked, sl)
		}
	}
	if len(booked) == 0 {
		return want
	}
	out := want[:0:0]
	for _, sl := range want {
		clash := false
		for _, b := range booked {
			if !sl.Start.Equal(b.Start) && sl.Start.Before(b.End) && b.Start.Before(sl.End) {
				clash = true
				break
			}
		}
		if !clash {
			out = append(out, sl)
		}
	}
	return out
}
