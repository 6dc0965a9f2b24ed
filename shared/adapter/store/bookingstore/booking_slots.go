package bookingstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// A specialist's schedule, slots and daily counts: what staff set and
// everyone reads to find a free slot.

// PutSchedule implements booking.Store.
func (s *Store) PutSchedule(ctx context.Context, sc booking.Schedule) error {
	b, err := json.Marshal(sc)
	if err != nil {
		return errs.E("store.PutSchedule", errs.Internal, err)
	}
	av, err := attributevalue.MarshalMap(scheduleItem{PK: specPK(sc.SpecialistID), SK: scheduleSK, Kind: "schedule", Schedule: string(b)})
	if err != nil {
		return errs.E("store.PutSchedule", errs.Internal, err)
	}
	err = s.Write(ctx, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table), Item: av}})
	return store.Wrap("store.PutSchedule", err)
}

// PutSlots implements booking.Store with a conditional put a slot, a
// transaction's worth at once (store.Each): an existing slot, possibly
// booked, is never touched.
func (s *Store) PutSlots(ctx context.Context, slots []booking.Slot) (int, error) {
	const op = "store.PutSlots"
	items := make([]types.TransactWriteItem, len(slots))
	for i, sl := range slots {
		av, err := attributevalue.MarshalMap(fromSlot(sl))
		if err != nil {
			return 0, errs.E(op, errs.Internal, err)
		}
		items[i] = types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table), Item: av,
			ConditionExpression: aws.String("attribute_not_exists(pk)")}}
	}
	return s.Each(ctx, op, items)
}

// ImportSlots writes slots in bulk without conditions, for seeding a fresh
// table; schedules set by staff go through PutSlots, which never touches an
// existing (possibly booked) slot.
func (s *Store) ImportSlots(ctx context.Context, slots []booking.Slot) error {
	return store.BulkPut(ctx, s.Store, "store.ImportSlots", slots, func(sl booking.Slot) any { return fromSlot(sl) })
}

// RemoveFreeSlots implements booking.Store: each slot deleted while nobody
// has booked it (a slot booked meanwhile is kept), a transaction's worth at
// once (store.Each).
func (s *Store) RemoveFreeSlots(ctx context.Context, slots []booking.Slot) (int, error) {
	items := make([]types.TransactWriteItem, len(slots))
	for i, sl := range slots {
		items[i] = types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table),
			Key: store.Key(specPK(sl.SpecialistID), slotSK(sl.Start)), ConditionExpression: aws.String("booked = :zero"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":zero": store.Num(0)}}}
	}
	return s.Each(ctx, "store.RemoveFreeSlots", items)
}

// ListSlots implements booking.Store.
func (s *Store) ListSlots(ctx context.Context, specialistID string, from, to time.Time) ([]booking.Slot, error) {
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND sk BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": store.Str(specPK(specialistID)), ":from": store.Str(slotSK(from)), ":to": store.Str(slotSK(to.Add(-time.Minute))),
		},
	})
	var out []booking.Slot
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, store.Wrap("store.ListSlots", err)
		}
		for _, av := range page.Items {
			sl, err := slotFromItem(av)
			if err != nil {
				return nil, errs.E("store.ListSlots", errs.Internal, err)
			}
			out = append(out, sl)
		}
	}
	return out, nil
}

// GetSlot implements booking.Store.
func (s *Store) GetSlot(ctx context.Context, specialistID string, start time.Time) (booking.Slot, error) {
	var it slotItem
	if err := s.Get(ctx, "store.GetSlot", specPK(specialistID), slotSK(start), &it); err != nil {
		return booking.Slot{}, err
	}
	return it.slot(), nil
}

// GetSchedule implements booking.Store.
func (s *Store) GetSchedule(ctx context.Context, specialistID string) (booking.Schedule, bool, error) {
	var it scheduleItem
	err := s.Get(ctx, "store.GetSchedule", specPK(specialistID), scheduleSK, &it)
	if errs.Is(err, errs.NotFound) {
		return booking.Schedule{}, false, nil
	}
	if err != nil {
		return booking.Schedule{}, false, err
	}
	var sc booking.Schedule
	if err := json.Unmarshal([]byte(it.Schedule), &sc); err != nil {
		return sc, false, errs.E("store.GetSchedule", errs.Internal, err)
	}
	sc.SpecialistID = specialistID
	return sc, true, nil
}

// DayCounts implements booking.Store: the DAY# counters sit beside the
// slots in the specialist's partition.
func (s *Store) DayCounts(ctx context.Context, specialistID string, from, to civil.Date) (map[civil.Date]int, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND sk BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": store.Str(specPK(specialistID)), ":from": store.Str(daySK(from)), ":to": store.Str(daySK(to)),
		}})
	if err != nil {
		return nil, store.Wrap("store.DayCounts", err)
	}
	counts := map[civil.Date]int{}
	for _, item := range out.Items {
		var it struct {
			SK     string `dynamodbav:"sk"`
			Booked int    `dynamodbav:"booked"`
		}
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, errs.E("store.DayCounts", errs.Internal, err)
		}
		if d, err := civil.Parse(store.TrimPrefix(it.SK, "DAY#")); err == nil {
			counts[d] = it.Booked
		}
	}
	return counts, nil
}
