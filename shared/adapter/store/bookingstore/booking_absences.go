package bookingstore

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// A specialist's absences and the institution's cancellations they make:
//
//	pk            sk                   item
//	SPEC#<specId> ABSENCE#<absenceId>  an absence: period, reason, status (running, done), count

var _ booking.AbsenceStore = (*Store)(nil)

const absencePrefix = "ABSENCE#"

type absenceItem struct {
	PK            string    `dynamodbav:"pk"`
	SK            string    `dynamodbav:"sk"`
	Kind          string    `dynamodbav:"kind"`
	ID            string    `dynamodbav:"id"`
	InstitutionID string    `dynamodbav:"institutionId"`
	From          time.Time `dynamodbav:"from"`
	To            time.Time `dynamodbav:"to"`
	Reason        string    `dynamodbav:"reason"`
	By            string    `dynamodbav:"by"`
	CreatedAt     time.Time `dynamodbav:"createdAt"`
	Status        string    `dynamodbav:"status"`
	Cancelled     int       `dynamodbav:"cancelled"`
}

func fromAbsence(a booking.Absence) absenceItem {
	return absenceItem{PK: specPK(a.SpecialistID), SK: absencePrefix + a.ID, Kind: "absence", ID: a.ID,
		InstitutionID: a.InstitutionID, From: a.From.UTC(), To: a.To.UTC(), Reason: a.Reason, By: a.By,
		CreatedAt: a.CreatedAt.UTC(), Status: a.Status, Cancelled: a.Cancelled}
}

func (it absenceItem) absence() booking.Absence {
	return booking.Absence{ID: it.ID, SpecialistID: store.TrimPrefix(it.PK, specPrefix), InstitutionID: it.InstitutionID,
		From: it.From.UTC(), To: it.To.UTC(), Reason: it.Reason, By: it.By, CreatedAt: it.CreatedAt, Status: it.Status,
		Cancelled: it.Cancelled}
}

// ListAbsences implements booking.AbsenceStore: one strongly consistent
// query of the specialist's partition (a few items a year).
func (s *Store) ListAbsences(ctx context.Context, specialistID string) ([]booking.Absence, error) {
	const op = "store.ListAbsences"
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": store.Str(specPK(specialistID)), ":p": store.Str(absencePrefix)},
		ConsistentRead:            aws.Bool(true)}
	var out []booking.Absence
	for {
		res, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, store.Wrap(op, err)
		}
		var items []absenceItem
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &items); err != nil {
			return nil, errs.E(op, errs.Internal, err)
		}
		for _, it := range items {
			out = append(out, it.absence())
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// PutAbsence implements booking.AbsenceStore.
func (s *Store) PutAbsence(ctx context.Context, a booking.Absence) error {
	t := s.Tx()
	t.Put(fromAbsence(a), "attribute_not_exists(pk)", nil, store.FailChanged)
	return t.Run(ctx, s.DB, "store.PutAbsence")
}

// FinishAbsence implements booking.AbsenceStore.
func (s *Store) FinishAbsence(ctx context.Context, a booking.Absence) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table),
		Key:                       store.Key(specPK(a.SpecialistID), absencePrefix+a.ID),
		UpdateExpression:          aws.String("SET #s = :s, cancelled = :n"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": store.Str(a.Status), ":n": store.Num(int64(a.Cancelled))}})
	return store.Wrap("store.FinishAbsence", err)
}

// CloseSlots implements booking.AbsenceStore: a conditional update a slot
// (capacity 0 while nobody has booked it), a transaction's worth at once
// (store.Each); a slot booked meanwhile is left to the cancellation of its
// booking.
func (s *Store) CloseSlots(ctx context.Context, slots []booking.Slot) (int, error) {
	items := make([]types.TransactWriteItem, len(slots))
	for i, sl := range slots {
		items[i] = types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table),
			Key:                       store.Key(specPK(sl.SpecialistID), slotSK(sl.Start)),
			UpdateExpression:          aws.String("SET #cap = :zero"),
			ConditionExpression:       aws.String("attribute_exists(pk) AND booked = :zero"),
			ExpressionAttributeNames:  map[string]string{"#cap": "capacity"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":zero": store.Num(0)}}}
	}
	return s.Each(ctx, "store.CloseSlots", items)
}

// slotClose frees b's place in its slot and closes the slot, in a
// cancellation by the institution.
func (s *Store) slotClose(b booking.Booking) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: store.Key(specPK(b.SpecialistID), slotSK(b.Start)),
		UpdateExpression:          aws.String("SET booked = booked - :one, #cap = :zero"),
		ConditionExpression:       aws.String("booked > :zero"),
		ExpressionAttributeNames:  map[string]string{"#cap": "capacity"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": store.Num(1), ":zero": store.Num(0)}}}
}

// CancelForAbsence implements booking.AbsenceStore: Cancel's transaction
// with the slot closed instead of freed, and the confirmation.
func (s *Store) CancelForAbsence(ctx context.Context, old, next booking.Booking) error {
	t := s.Tx()
	t.First(store.FailChanged)
	bookingPut(t, next, old.Version, store.FailChanged)
	t.Add(s.slotClose(old), store.FailChanged)
	t.Add(s.dayDelta(old, -1, 0), nil)
	t.Add(s.lockDelete(old), nil)
	t.Add(s.placeDelete(old), store.FailChanged)
	s.seqEnd(t, old)
	referralRelease(t, s.Table, old)
	outbox(t, next)
	return t.Run(ctx, s.DB, "store.CancelForAbsence")
}
