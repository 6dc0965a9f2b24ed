package bookingstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// A patient's booking sequence item (BOOKSEQ#<patient>): seq, which every
// booking and move advances from the value it read, and the patient's
// upcoming confirmed bookings, one attribute each (upcoming#<bookingId>:
// specialist, institution, start, end, place), so that a booking judges
// the per-person rules on the item it reads anyway, without a Query of the
// person's bookings after it.
//
// The entries are attributes of their own, not one map, because the paths
// that end a booking remove its entry without reading the item, and a
// REMOVE of a path inside a map that does not exist is a ValidationException
// (DynamoDB Local says so), which an item written before the entries, or
// no item at all, would raise; removing an absent attribute does nothing.
// Nor can one SET write a map and a path inside it, which a first booking
// would need. upcomingKept marks an item whose entries are complete: one
// without it (written before they were kept) is read as unknown, the
// service lists the bookings instead, and that booking's transaction
// writes every entry, migrating the item.
//
// Size: a booking adds an entry only into one of MaxUpcoming (5) free
// places and drops the entries seen started, so an item holds at most 5
// entries of under 200 bytes each: under 1 KB, one read unit (4 KB).
const (
	upcomingPrefix = "upcoming#"
	attrKept       = "upcomingKept"
	attrEnded      = "ended"
	kindSeq        = "booking_seq"
)

// seqSK is the key of a patient's booking sequence ("" the owner's own).
func seqSK(patient string) string { return "BOOKSEQ#" + patient }

// upcomingEntry is what the rules read of an upcoming booking.
type upcomingEntry struct {
	SpecialistID  string `dynamodbav:"specialistId"`
	InstitutionID string `dynamodbav:"institutionId"`
	Start         int64  `dynamodbav:"start"`
	End           int64  `dynamodbav:"end"`
	Place         int    `dynamodbav:"place"`
}

// entryValue is b's entry, built without marshalling (nothing can fail).
func entryValue(b booking.Booking) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
		"specialistId": store.Str(b.SpecialistID), "institutionId": store.Str(b.InstitutionID),
		"start": store.Num(b.Start.Unix()), "end": store.Num(b.End.Unix()), "place": store.Num(int64(b.Place)),
	}}
}

// seqItem is the sequence item as read.
type seqItem struct {
	seq, ended int
	kept       bool
	entries    map[string]upcomingEntry // by booking id
}

// UnmarshalDynamoDBAttributeValue reads the item's fixed attributes and
// its upcoming# entries.
func (it *seqItem) UnmarshalDynamoDBAttributeValue(av types.AttributeValue) error {
	m, ok := av.(*types.AttributeValueMemberM)
	if !ok {
		return fmt.Errorf("booking sequence: not an item")
	}
	var fixed struct {
		Seq   int  `dynamodbav:"seq"`
		Ended int  `dynamodbav:"ended"`
		Kept  bool `dynamodbav:"upcomingKept"`
	}
	if err := attributevalue.UnmarshalMap(m.Value, &fixed); err != nil {
		return err
	}
	it.seq, it.ended, it.kept = fixed.Seq, fixed.Ended, fixed.Kept
	it.entries = map[string]upcomingEntry{}
	for name, v := range m.Value {
		id, ok := strings.CutPrefix(name, upcomingPrefix)
		if !ok {
			continue
		}
		var e upcomingEntry
		if err := attributevalue.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("booking sequence entry %s: %w", id, err)
		}
		it.entries[id] = e
	}
	return nil
}

// PersonSeq implements booking.Store. No item is unknown, as an item
// without upcomingKept is: a person's first booking, or one whose
// bookings were made before the sequence existed (2026-12-02) and are
// still upcoming, lists them once; the booking then writes the item.
func (s *Store) PersonSeq(ctx context.Context, owner, patient string) (booking.Sequence, error) {
	var it seqItem
	err := s.Get(ctx, "store.PersonSeq", store.UserPK(owner), seqSK(patient), &it)
	if errs.Is(err, errs.NotFound) {
		return booking.Sequence{}, nil
	}
	if err != nil {
		return booking.Sequence{}, err
	}
	q := booking.Sequence{Seq: it.seq, Known: it.kept, Ended: it.ended}
	for id, e := range it.entries {
		q.Upcoming = append(q.Upcoming, booking.Booking{ID: id, Owner: owner, Patient: patient, SpecialistID: e.SpecialistID,
			InstitutionID: e.InstitutionID, Start: time.Unix(e.Start, 0).UTC(), End: time.Unix(e.End, 0).UTC(), Place: e.Place,
			Status: booking.Confirmed})
	}
	slices.SortFunc(q.Upcoming, func(a, b booking.Booking) int { return a.Start.Compare(b.Start) })
	return q, nil
}

// seqAdvance advances b's patient's booking sequence from b.Seen.Seq, if
// it is still that (the condition that makes the per-person rules hold
// under concurrency), and keeps b's entry (new, or moved by a reschedule).
// The entries seen that have started go. On an item that did not keep
// its entries (Seen.Known false) it writes all of them, from the bookings
// listed after the read, on condition that none ended meanwhile. Without
// Seen, nothing.
func (s *Store) seqAdvance(t *store.Tx, b booking.Booking) {
	q := b.Seen
	if q == nil {
		return
	}
	now := b.UpdatedAt
	names := map[string]string{"#b": upcomingPrefix + b.ID}
	values := map[string]types.AttributeValue{":next": store.Num(int64(q.Seq + 1)), ":k": store.Str(kindSeq),
		":b": entryValue(b), ":kept": &types.AttributeValueMemberBOOL{Value: true}}
	cond := "seq = :read"
	values[":read"] = store.Num(int64(q.Seq))
	if q.Seq == 0 {
		cond = "attribute_not_exists(seq)"
		delete(values, ":read")
	}
	set := []string{"seq = :next", "kind = :k", "#b = :b", attrKept + " = :kept"}
	var remove []string
	for i, x := range q.Upcoming {
		if x.ID == b.ID {
			continue
		}
		n := "#x" + strconv.Itoa(i)
		switch {
		case q.Known && !x.Upcoming(now):
			names[n] = upcomingPrefix + x.ID
			remove = append(remove, n)
		case !q.Known && x.Upcoming(now):
			names[n] = upcomingPrefix + x.ID
			values[":x"+strconv.Itoa(i)] = entryValue(x)
			set = append(set, n+" = :x"+strconv.Itoa(i))
		}
	}
	if !q.Known {
		if q.Ended == 0 {
			cond += " AND attribute_not_exists(" + attrEnded + ")"
		} else {
			cond += " AND " + attrEnded + " = :ended"
			values[":ended"] = store.Num(int64(q.Ended))
		}
	}
	expr := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		expr += " REMOVE " + strings.Join(remove, ", ")
	}
	t.Add(types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(b.Owner), seqSK(b.Patient)),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values}}, failPersonChanged)
}

// seqEnd takes b's entry off its patient's booking sequence, in the
// transaction that ends b (a cancellation, by the person, the institution
// or an erasure; a visit closed), and counts the end. It reads nothing and
// leaves seq alone: a concurrent booking judged on a list that still held
// b can only be refused because of b (a place taken, an overlap), never
// allowed one it should not; and the count fails a concurrent migration
// that would write b's entry back. On an item that does not exist it
// makes one with no seq (a patient with no booking since the sequence
// exists), which PersonSeq reads as unknown.
func (s *Store) seqEnd(t *store.Tx, b booking.Booking) {
	t.Add(types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: store.Key(store.UserPK(b.Owner), seqSK(b.Patient)),
		UpdateExpression:          aws.String("SET kind = :k REMOVE #b ADD " + attrEnded + " :one"),
		ExpressionAttributeNames:  map[string]string{"#b": upcomingPrefix + b.ID},
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": store.Str(kindSeq), ":one": store.Num(1)}}}, nil)
}
