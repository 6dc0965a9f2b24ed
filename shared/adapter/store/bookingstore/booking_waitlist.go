package bookingstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/inboxstore"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/dueclass"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
)

// The waiting lists:
//
//	pk          sk               item
//	USER#<sub>  WAIT#<id>        an entry (gsi1: WAITQ#<inst>#<specialization>, joined, while waiting;
//	                             the due index at its offer's end while offered)
//	USER#<sub>  WAITPLACE#<n>    one of the person's MaxWaitEntries active places
//	USER#<sub>  WAITSAME#<hash>  the list an active entry is on (WaitEntry.Same), once per person
//
// An entry that ended (booked, declined, expired, left) stays for the
// person's view until TTL removes it, 30 days after its last date.
// A held slot carries heldFor (the person) and heldUntil (Unix seconds):
// only that person books it until then (slotDelta).

var _ booking.WaitStore = (*Store)(nil)

const (
	waitPrefix = "WAIT#"
	// KindWaitEntry is a waiting-list entry's kind attribute (remindstore
	// reads offered ones off the due index).
	KindWaitEntry = "waitentry"
)

func waitPlaceSK(n int) string { return "WAITPLACE#" + strconv.Itoa(n) }

// waitSameSK is the key of the list e is on: a digest, as Same holds
// free text (the specialization) of any length.
func waitSameSK(e booking.WaitEntry) string {
	sum := sha256.Sum256([]byte(e.Same()))
	return "WAITSAME#" + hex.EncodeToString(sum[:16])
}

// endedKeep is how long an ended entry stays after its last date.
const endedKeep = 30 * 24 * time.Hour

// lineKey is the gsi1 partition of a specialization's line at an institution.
func lineKey(inst, specialization string) string {
	return "WAITQ#" + inst + "#" + strings.ToLower(strings.ReplaceAll(strings.TrimSpace(specialization), "ё", "е"))
}

type waitItem struct {
	PK             string     `dynamodbav:"pk"`
	SK             string     `dynamodbav:"sk"`
	Kind           string     `dynamodbav:"kind"`
	GSI1PK         string     `dynamodbav:"gsi1pk,omitempty"`
	GSI1SK         string     `dynamodbav:"gsi1sk,omitempty"`
	DuePK          string     `dynamodbav:"duePk,omitempty"`
	NextRemindAt   string     `dynamodbav:"nextRemindAt,omitempty"`
	ID             string     `dynamodbav:"id"`
	InstitutionID  string     `dynamodbav:"institutionId"`
	Specialization string     `dynamodbav:"specialization"`
	SpecialistID   string     `dynamodbav:"specialistId,omitempty"`
	From           string     `dynamodbav:"from"`
	To             string     `dynamodbav:"to"`
	PartOfDay      string     `dynamodbav:"partOfDay,omitempty"`
	Status         string     `dynamodbav:"status"`
	CreatedAt      time.Time  `dynamodbav:"createdAt"`
	Offer          *offerAttr `dynamodbav:"offer,omitempty"`
	OfferedAt      *time.Time `dynamodbav:"offeredAt,omitempty"`
	Until          *time.Time `dynamodbav:"until,omitempty"`
	BookingID      string     `dynamodbav:"bookingId,omitempty"`
	Place          int        `dynamodbav:"place"`
	Version        int        `dynamodbav:"version"`
	ExpiresAt      int64      `dynamodbav:"expiresAt,omitempty"` // TTL, once ended
}

func fromWait(e booking.WaitEntry) waitItem {
	it := waitItem{PK: store.UserPK(e.Owner), SK: waitPrefix + e.ID, Kind: KindWaitEntry, ID: e.ID, InstitutionID: e.InstitutionID,
		Specialization: e.Specialization, SpecialistID: e.SpecialistID, From: e.From.String(), To: e.To.String(), PartOfDay: e.PartOfDay,
		Status: e.Status, CreatedAt: e.CreatedAt.UTC(), BookingID: e.BookingID, Place: e.Place, Version: e.Version}
	switch e.Status {
	case booking.WaitWaiting:
		it.GSI1PK, it.GSI1SK = lineKey(e.InstitutionID, e.Specialization), e.CreatedAt.UTC().Format(time.RFC3339Nano)+"#"+e.ID
	case booking.WaitOffered:
		until := e.Until.UTC()
		it.Until = &until
		it.DuePK, it.NextRemindAt = store.DueKey(dueclass.KindWaitOffer, e.Owner, e.ID), until.Format(store.DueTimeLayout)
	default:
		it.ExpiresAt = time.Date(e.To.Year, time.Month(e.To.Month), e.To.Day, 0, 0, 0, 0, time.UTC).Add(endedKeep).Unix()
	}
	if !e.OfferedAt.IsZero() {
		at := e.OfferedAt.UTC()
		it.OfferedAt = &at
	}
	if e.Offer != nil {
		it.Offer = &offerAttr{SpecialistID: e.Offer.SpecialistID, InstitutionID: e.Offer.InstitutionID, Start: e.Offer.Start.UTC(), End: e.Offer.End.UTC()}
	}
	return it
}

func (it waitItem) wait() (booking.WaitEntry, error) {
	e := booking.WaitEntry{ID: it.ID, Owner: store.TrimPrefix(it.PK, store.UserPrefix), InstitutionID: it.InstitutionID,
		Specialization: it.Specialization, SpecialistID: it.SpecialistID, PartOfDay: it.PartOfDay, Status: it.Status,
		CreatedAt: it.CreatedAt, BookingID: it.BookingID, Place: it.Place, Version: it.Version}
	var err error
	if e.From, err = civil.Parse(it.From); err != nil {
		return e, err
	}
	if e.To, err = civil.Parse(it.To); err != nil {
		return e, err
	}
	if it.Offer != nil {
		e.Offer = &booking.Slot{SpecialistID: it.Offer.SpecialistID, InstitutionID: it.Offer.InstitutionID, Start: it.Offer.Start.UTC(), End: it.Offer.End.UTC()}
	}
	if it.Until != nil {
		e.Until = it.Until.UTC()
	}
	if it.OfferedAt != nil {
		e.OfferedAt = it.OfferedAt.UTC()
	}
	return e, nil
}

// WaitEntry reads a waiting-list entry item (remindstore reads offered
// ones off the due index). Errors: an item that does not unmarshal or parse.
func WaitEntry(av map[string]types.AttributeValue) (booking.WaitEntry, error) {
	var it waitItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return booking.WaitEntry{}, err
	}
	return it.wait()
}

// ListWaits implements booking.WaitStore.
func (s *Store) ListWaits(ctx context.Context, owner string) ([]booking.WaitEntry, error) {
	const op = "store.ListWaits"
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": store.Str(store.UserPK(owner)), ":p": store.Str(waitPrefix)},
		ConsistentRead:            aws.Bool(true)}
	return s.waits(ctx, op, in)
}

func (s *Store) waits(ctx context.Context, op string, in *dynamodb.QueryInput) ([]booking.WaitEntry, error) {
	out := []booking.WaitEntry{}
	for {
		res, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, store.Wrap(op, err)
		}
		for _, av := range res.Items {
			e, err := WaitEntry(av)
			if err != nil {
				return nil, errs.E(op, errs.Internal, err)
			}
			out = append(out, e)
		}
		if len(res.LastEvaluatedKey) == 0 || (in.Limit != nil && len(out) >= int(*in.Limit)) {
			return out, nil
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// GetWait implements booking.WaitStore.
func (s *Store) GetWait(ctx context.Context, owner, id string) (booking.WaitEntry, error) {
	var it waitItem
	if err := s.Get(ctx, "store.GetWait", store.UserPK(owner), waitPrefix+id, &it); err != nil {
		return booking.WaitEntry{}, err
	}
	e, err := it.wait()
	if err != nil {
		return e, errs.E("store.GetWait", errs.Internal, err)
	}
	return e, nil
}

// PutWait implements booking.WaitStore: the entry and its place, together,
// with the offer's hold and message when there is one.
func (s *Store) PutWait(ctx context.Context, e booking.WaitEntry, place int, offer *booking.Offer) error {
	t := s.Tx()
	t.First(failPlaceTaken, failSameWait, failSlotTaken)
	if offer != nil {
		t.Add(s.hold(e, offer.Slot), failSlotTaken)
		t.Put(inboxstore.Outbox(offer.Notice), "attribute_not_exists(pk)", nil, nil)
	}
	t.Put(fromWait(e), "attribute_not_exists(pk)", nil, nil)
	t.Put(map[string]any{"pk": store.UserPK(e.Owner), "sk": waitPlaceSK(place), "kind": "wait_place", "waitId": e.ID},
		"attribute_not_exists(pk)", nil, failPlaceTaken)
	t.Put(map[string]any{"pk": store.UserPK(e.Owner), "sk": waitSameSK(e), "kind": "wait_same", "waitId": e.ID},
		"attribute_not_exists(pk)", nil, failSameWait)
	return t.Run(ctx, s.DB, "store.PutWait")
}

// Line implements booking.WaitStore through gsi1 (eventually consistent:
// an entry joins the line a moment after it is written): one query of
// limit entries; the cursor is the index position after the last.
func (s *Store) Line(ctx context.Context, institutionID, specialization string, limit int, cursor string) ([]booking.WaitEntry, string, error) {
	const op = "store.Line"
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(store.GSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :k"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": store.Str(lineKey(institutionID, specialization))},
		ScanIndexForward:          aws.Bool(true), Limit: aws.Int32(int32(limit))}
	if cursor != "" {
		start, err := store.DecodeKey(cursor)
		if err != nil {
			return nil, "", errs.E(op, errs.Internal, err)
		}
		in.ExclusiveStartKey = start
	}
	res, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, "", store.Wrap(op, err)
	}
	out := make([]booking.WaitEntry, 0, len(res.Items))
	for _, av := range res.Items {
		e, err := WaitEntry(av)
		if err != nil {
			return nil, "", errs.E(op, errs.Internal, err)
		}
		out = append(out, e)
	}
	next := ""
	if len(res.LastEvaluatedKey) > 0 {
		if next, err = store.EncodeKey(res.LastEvaluatedKey); err != nil {
			return nil, "", errs.E(op, errs.Internal, err)
		}
	}
	return out, next, nil
}

// waitPut stores next in place of e if e is still at its version (and,
// when status is set, still in that status).
func waitPut(t *store.Tx, table string, e, next booking.WaitEntry, onFail *errs.Error) error {
	av, err := attributevalue.MarshalMap(fromWait(next))
	if err != nil {
		return err
	}
	t.Add(types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: av,
		ConditionExpression:       aws.String("attribute_exists(pk) AND version = :v AND #s = :s"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"}, // a reserved word
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": store.Num(int64(e.Version)), ":s": store.Str(e.Status)}}}, onFail)
	return nil
}

// Hold implements booking.WaitStore.
func (s *Store) Hold(ctx context.Context, e, next booking.WaitEntry, slot booking.Slot, n inbox.Notification) error {
	t := s.Tx()
	t.First(failSlotTaken, store.FailChanged)
	t.Add(s.hold(next, slot), failSlotTaken)
	if err := waitPut(t, s.Table, e, next, store.FailChanged); err != nil {
		return errs.E("store.Hold", errs.Internal, err)
	}
	t.Put(inboxstore.Outbox(n), "attribute_not_exists(pk)", nil, nil)
	return t.Run(ctx, s.DB, "store.Hold")
}

// hold is the update holding slot for offered entry e's owner until
// e.Until, if the slot is still free and not held at e.OfferedAt.
func (s *Store) hold(e booking.WaitEntry, slot booking.Slot) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: store.Key(specPK(slot.SpecialistID), slotSK(slot.Start)),
		UpdateExpression:         aws.String("SET heldFor = :who, heldUntil = :until"),
		ConditionExpression:      aws.String("attribute_exists(pk) AND booked < #cap AND #cap > :zero AND (attribute_not_exists(heldUntil) OR heldUntil <= :now)"),
		ExpressionAttributeNames: map[string]string{"#cap": "capacity"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":who": store.Str(e.Owner), ":until": store.Num(e.Until.Unix()),
			":zero": store.Num(0), ":now": store.Num(e.OfferedAt.Unix())}}}
}

// placeFree frees the active place of e and its list.
func placeFree(t *store.Tx, table string, e booking.WaitEntry) {
	for _, sk := range []string{waitPlaceSK(e.Place), waitSameSK(e)} {
		t.Add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(table), Key: store.Key(store.UserPK(e.Owner), sk),
			ConditionExpression:       aws.String("attribute_not_exists(pk) OR waitId = :id"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":id": store.Str(e.ID)}}}, nil)
	}
}

// failHoldGone: the slot an ended entry was offered is no longer held for
// it (the hold lapsed and was booked or held for someone else, or the slot
// is gone); its release is left out and the end written without it.
var failHoldGone = errs.E("", errs.Conflict, reasonHoldGone)

// reasonHoldGone (Conflict, internal) is failHoldGone's reason.
const reasonHoldGone errs.Reason = "hold_gone"

// EndWait implements booking.WaitStore: the entry, its place and list freed
// and the hold on the slot it was offered released, in one transaction;
// where the hold is no longer e's (a hold that lapsed may have been booked
// meanwhile, which removed it), the end is written without the release.
func (s *Store) EndWait(ctx context.Context, e, next booking.WaitEntry) error {
	const op = "store.EndWait"
	release := e.Status == booking.WaitOffered && e.Offer != nil
	for {
		t := s.Tx()
		t.First(store.FailChanged)
		if err := waitPut(t, s.Table, e, next, store.FailChanged); err != nil {
			return errs.E(op, errs.Internal, err)
		}
		placeFree(t, s.Table, e)
		if release {
			t.Add(types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table),
				Key:                       store.Key(specPK(e.Offer.SpecialistID), slotSK(e.Offer.Start)),
				UpdateExpression:          aws.String("REMOVE heldFor, heldUntil"),
				ConditionExpression:       aws.String("heldFor = :who AND heldUntil = :until"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":who": store.Str(e.Owner), ":until": store.Num(e.Until.Unix())}}}, failHoldGone)
		}
		err := t.Run(ctx, s.DB, op)
		if release && errs.ReasonOf(err) == reasonHoldGone {
			release = false
			continue
		}
		return err
	}
}

// acceptWait ends the entry whose offer b accepts, in b's transaction.
func acceptWait(t *store.Tx, table string, b booking.Booking) error {
	w := b.Accepted
	if w == nil {
		return nil
	}
	next := w.To
	next.BookingID = b.ID
	if err := waitPut(t, table, w.From, next, store.FailChanged); err != nil {
		return err
	}
	placeFree(t, table, w.From)
	return nil
}
