package bookingstore

import (
	"context"
	"errors"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

// Booking an appointment, and the transaction items that booking,
// rescheduling and cancelling share.

// slotDelta takes (+1) or frees (-1) a place in a slot.
func (s *Store) slotDelta(b booking.Booking, delta int) types.TransactWriteItem {
	u := &types.Update{TableName: aws.String(s.Table), Key: store.Key(specPK(b.SpecialistID), slotSK(b.Start)),
		UpdateExpression: aws.String("SET booked = booked + :d"), ExpressionAttributeValues: map[string]types.AttributeValue{":d": store.Num(int64(delta))}}
	if delta > 0 {
		// A slot held from a waiting list is booked only by the person it
		// is held for, until the hold lapses; booking it ends the hold.
		u.UpdateExpression = aws.String("SET booked = booked + :d REMOVE heldFor, heldUntil")
		u.ConditionExpression = aws.String("attribute_exists(pk) AND booked < #cap AND " +
			"(attribute_not_exists(heldUntil) OR heldUntil <= :now OR heldFor = :who)")
		u.ExpressionAttributeNames = map[string]string{"#cap": "capacity"} // a reserved word
		u.ExpressionAttributeValues[":now"] = store.Num(b.UpdatedAt.Unix())
		u.ExpressionAttributeValues[":who"] = store.Str(b.Owner)
	} else {
		u.ConditionExpression = aws.String("booked > :zero")
		u.ExpressionAttributeValues[":zero"] = store.Num(0)
	}
	return types.TransactWriteItem{Update: u}
}

// dayDelta counts a booking in (or out of) the specialist's day, within its limit.
func (s *Store) dayDelta(b booking.Booking, delta, maxPerDay int) types.TransactWriteItem {
	u := &types.Update{TableName: aws.String(s.Table), Key: store.Key(specPK(b.SpecialistID), daySK(b.Day())),
		UpdateExpression:          aws.String("SET booked = if_not_exists(booked, :zero) + :d"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": store.Num(int64(delta)), ":zero": store.Num(0)}}
	if delta > 0 && maxPerDay > 0 {
		u.ConditionExpression = aws.String("attribute_not_exists(booked) OR booked < :max")
		u.ExpressionAttributeValues[":max"] = store.Num(int64(maxPerDay))
	}
	return types.TransactWriteItem{Update: u}
}

// lockPut adds b's person-and-day lock: one booking per person, specialist and day.
func lockPut(t *store.Tx, b booking.Booking) {
	t.Put(refItem{PK: store.UserPK(b.Owner), SK: dayLockSK(b), Kind: "booking_day", Owner: b.Owner, BookingID: b.ID},
		"attribute_not_exists(pk)", nil, failOnePerDay)
}

func (s *Store) lockDelete(b booking.Booking) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(b.Owner), dayLockSK(b))}}
}

// bookingPut adds b, new (prevVersion 0) or replacing prevVersion; onFail
// is what a clash means to the caller.
func bookingPut(t *store.Tx, b booking.Booking, prevVersion int, onFail *errs.Error) {
	if prevVersion == 0 {
		t.Put(fromBooking(b), "attribute_not_exists(pk)", nil, onFail)
		return
	}
	t.Put(fromBooking(b), "version = :v", map[string]types.AttributeValue{":v": store.Num(int64(prevVersion))}, onFail)
}

// placeSK is one of a person's MaxUpcoming places for upcoming bookings:
// the owner's own, or a dependent's (each patient has MaxUpcoming).
func placeSK(b booking.Booking) string {
	if b.Patient != "" {
		return "BOOKPLACE#" + b.Patient + "#" + strconv.Itoa(b.Place)
	}
	return "BOOKPLACE#" + strconv.Itoa(b.Place)
}

// placePut takes place b.Place for b until its start; a place whose
// booking has started (holdUntil passed) is free for the taking.
func (s *Store) placePut(b booking.Booking) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table),
		Item: map[string]types.AttributeValue{
			store.Schema.PK: store.Str(store.UserPK(b.Owner)), store.Schema.SK: store.Str(placeSK(b)), "kind": store.Str("booking_place"),
			"bookingId": store.Str(b.ID), "holdUntil": store.Num(b.Start.Unix()),
		},
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR holdUntil <= :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": store.Num(b.CreatedAt.Unix())},
	}}
}

// placeMove holds b's place until its new start.
func (s *Store) placeMove(b booking.Booking) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(b.Owner), placeSK(b)),
		UpdateExpression:    aws.String("SET holdUntil = :h, bookingId = :id, kind = :k"),
		ConditionExpression: aws.String("attribute_not_exists(pk) OR bookingId = :id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": store.Num(b.Start.Unix()), ":id": store.Str(b.ID),
			":k": store.Str("booking_place")},
	}}
}

// placeDelete frees b's place, if b still holds it.
func (s *Store) placeDelete(b booking.Booking) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(b.Owner), placeSK(b)),
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR bookingId = :id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": store.Str(b.ID)},
	}}
}

// Book implements booking.Store.
func (s *Store) Book(ctx context.Context, b booking.Booking, slot booking.Slot, idem *idempotency.Key) (booking.Booking, bool, error) {
	const op = "store.Book"
	t := s.Tx()
	// A duplicate racing the first request may be cancelled with only the
	// slot's (or day's, or place's) condition reported, not the claim's
	// (seen on DynamoDB Local): booking.Service.Book replays any conflict
	// whose key turns out claimed. When the claim is reported, it wins; a
	// taken place or confirmation number, which the service retries, is
	// told only when nothing final failed.
	t.First(store.FailClaimed, failSlotTaken, failDayFull, failOnePerDay, failReferralUsed, failPlaceTaken, failPersonChanged,
		failConfirmationTaken, store.FailChanged)
	t.Add(s.slotDelta(b, 1), failSlotTaken)
	t.Add(s.dayDelta(b, 1, slot.MaxPerDay), failDayFull)
	lockPut(t, b)
	t.Put(refItem{PK: confPK(b.ConfirmationNumber), SK: refSK, Kind: "confirmation", Owner: b.Owner, BookingID: b.ID},
		"attribute_not_exists(pk)", nil, failConfirmationTaken)
	bookingPut(t, b, 0, nil) // a fresh id: a clash is a bug
	t.Put(refItem{PK: bookingRefPK(b.ID), SK: refSK, Kind: "booking_ref", Owner: b.Owner, BookingID: b.ID},
		"attribute_not_exists(pk)", nil, nil)
	t.Add(s.placePut(b), failPlaceTaken)
	s.seqAdvance(t, b)
	outbox(t, b)
	referralUse(t, s.Table, b)
	if err := acceptWait(t, s.Table, b); err != nil {
		return b, false, errs.E(op, errs.Internal, err)
	}
	if idem != nil {
		s.ClaimIdem(t, idemScopeBookings, b.Owner, idem, b.ID)
	}
	err := t.Run(ctx, s.DB, op)
	if errors.Is(err, store.ErrClaimed) {
		b, ok, err := s.Replay(ctx, b.Owner, idem)
		if err == nil && !ok {
			err = errs.E(op, errs.Unavailable) // claimed and gone: let the client retry
		}
		return b, true, err
	}
	return b, false, err
}

// Replay implements booking.Store.
func (s *Store) Replay(ctx context.Context, owner string, idem *idempotency.Key) (booking.Booking, bool, error) {
	id, ok, err := s.Claimed(ctx, "store.Replay", idemScopeBookings, owner, idem)
	if err != nil || !ok {
		return booking.Booking{}, false, err
	}
	b, err := s.GetBooking(ctx, owner, id)
	return b, err == nil, err
}
