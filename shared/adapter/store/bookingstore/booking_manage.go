package bookingstore

import (
	"context"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"

	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// A person's own bookings: reading, rescheduling, cancelling, and the
// updates (reminder state, staff comments) that keep a booking's slot.

// GetBooking implements booking.Store.
func (s *Store) GetBooking(ctx context.Context, owner, id string) (booking.Booking, error) {
	var it bookingItem
	if err := s.Get(ctx, "store.GetBooking", store.UserPK(owner), BookSK(id), &it); err != nil {
		return booking.Booking{}, err
	}
	b, err := it.booking()
	if err != nil {
		return b, errs.E("store.GetBooking", errs.Internal, err)
	}
	return b, nil
}

// ListBookings implements booking.Store.
func (s *Store) ListBookings(ctx context.Context, owner string) ([]booking.Booking, error) {
	var out []booking.Booking
	after := ""
	for {
		page, next, err := store.QueryAs(ctx, s.Store, "store.ListBookings", owner, bookPrefix, after, 100, true, bookingItem.booking)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		after = next
	}
}

// failChangedMeanwhile is failChanged for the items whose clash is told
// only when no item of first's list failed: the old slot or the place a
// reschedule moves from, which another request changed meanwhile.
var failChangedMeanwhile = errs.E("", errs.Conflict, errs.ReasonChanged)

// Reschedule implements booking.Store.
func (s *Store) Reschedule(ctx context.Context, old, next booking.Booking, slot booking.Slot) error {
	t := s.Tx()
	t.First(failSlotTaken, store.FailChanged, failDayFull, failOnePerDay, failPersonChanged)
	t.Add(s.slotDelta(next, 1), failSlotTaken)
	bookingPut(t, next, old.Version, store.FailChanged)
	t.Add(s.slotDelta(old, -1), failChangedMeanwhile)
	t.Add(s.placeMove(next), failChangedMeanwhile)
	if old.Day() != next.Day() {
		t.Add(s.dayDelta(next, 1, slot.MaxPerDay), failDayFull)
		lockPut(t, next)
		t.Add(s.dayDelta(old, -1, 0), nil)
		t.Add(s.lockDelete(old), nil)
	}
	s.seqAdvance(t, next)
	outbox(t, next)
	return t.Run(ctx, s.DB, "store.Reschedule")
}

// Cancel implements booking.Store.
func (s *Store) Cancel(ctx context.Context, old, next booking.Booking) error {
	t := s.Tx()
	bookingPut(t, next, old.Version, store.FailChanged)
	t.Add(s.slotDelta(old, -1), store.FailChanged)
	t.Add(s.dayDelta(old, -1, 0), nil)
	t.Add(s.lockDelete(old), nil)
	t.Add(s.placeDelete(old), store.FailChanged)
	s.seqEnd(t, old)
	referralRelease(t, s.Table, old)
	outbox(t, next)
	return t.Run(ctx, s.DB, "store.Cancel")
}

// CloseVisit implements booking.Store: the booking, the act and the
// prescriptions as documents of the patient's registry (docstore's items,
// each with its history entry and, for a prescription, its place in the
// due index) and the referrals, in one transaction (at most 2 + 2×11 + 10
// items, under DynamoDB's 100).
func (s *Store) CloseVisit(ctx context.Context, v booking.VisitRecord) error {
	t := s.Tx()
	t.First(store.FailChanged)
	bookingPut(t, v.Booking, v.Prev, store.FailChanged)
	s.seqEnd(t, v.Booking)
	for _, d := range v.Documents {
		t.Put(docstore.FromDocument(d), "attribute_not_exists(pk)", nil, nil) // fresh ids
	}
	for _, e := range v.History {
		t.Put(docstore.FromEvent(e), "", nil, nil)
	}
	for _, r := range v.Referrals {
		t.Put(fromReferral(r), "attribute_not_exists(pk)", nil, nil)
	}
	return t.Run(ctx, s.DB, "store.CloseVisit")
}
