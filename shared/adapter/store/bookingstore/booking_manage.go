package bookingstore

import (
	"context"
	"github.com/kabinet/kabinet/shared/adapter/store"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
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
	t.First(failSlotTaken, store.FailChanged, failDayFull, failOnePerDay)
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
	outbox(t, next)
	return t.Run(ctx, s.DB, "store.Cancel")
}

// UpdateBooking implements booking.Store.
func (s *Store) UpdateBooking(ctx context.Context, b booking.Booking, prev int) error {
	const op = "store.UpdateBooking"
	av, err := attributevalue.MarshalMap(fromBooking(b))
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	err = s.Write(ctx, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table), Item: av,
		ConditionExpression: aws.String("version = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": store.Num(int64(prev))}}})
	if store.ConditionFailed(err) {
		return errs.E(op, errs.Conflict, errs.ReasonChanged)
	}
	return store.Wrap(op, err)
}
