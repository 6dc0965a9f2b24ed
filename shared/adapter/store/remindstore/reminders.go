package remindstore

import (
	"context"
	"errors"
	"fmt"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/appstore"
	"github.com/kabinet/kabinet/shared/adapter/store/bookingstore"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/erasestore"
	"github.com/kabinet/kabinet/shared/adapter/store/familystore"
	"github.com/kabinet/kabinet/shared/adapter/store/inboxstore"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// Store is the DynamoDB implementation of reminders.Store: it reads the
// due index (documents, bookings, messages) and keeps the decisions to
// send each reminder step.
type Store struct{ *store.Store }

// New is the reminder pipeline's store on base's table.
func New(base *store.Store) *Store { return &Store{base} }

var _ reminders.Store = (*Store)(nil)

// A decision to send one reminder step, under the person's partition
// (store.DecisionSK):
//
//	USER#<sub>      REMIND#<docId>#<expiresOn>#<step>     a document's step (TTL expiresAt)
//	USER#<sub>      REMIND#<bookingId>#<start>#<step>     a booking's
const kindDecision = "reminder_decision"

// decisionTTL is how long a reminder decision is kept: past any repeat of
// the same expiry date, which is the only time its key can come up again.
const decisionTTL = 3 * 365 * 24 * time.Hour

type decisionItem struct {
	PK           string   `dynamodbav:"pk"`
	SK           string   `dynamodbav:"sk"`
	Kind         string   `dynamodbav:"kind"`
	DocID        string   `dynamodbav:"docId"`
	Status       string   `dynamodbav:"status"`
	LeaseUntil   int64    `dynamodbav:"leaseUntil"`
	SentChannels []string `dynamodbav:"sentChannels,omitempty"`
	ExpiresAt    int64    `dynamodbav:"expiresAt"`
}

func (it decisionItem) decision(owner, key string) reminders.Decision {
	return reminders.Decision{Owner: owner, DocID: it.DocID, Key: key, Status: it.Status,
		LeaseUntil: time.Unix(it.LeaseUntil, 0).UTC(), SentChannels: it.SentChannels}
}

// DueItems implements reminders.Store: one page of one shard of a class's
// part of the due index, nextRemindAt <= now, documents, bookings and outbox
// notifications told apart by their kind attribute. It reads only what is due.
func (s *Store) DueItems(ctx context.Context, class reminders.Class, shard int, now time.Time, limit int, cursor string) ([]reminders.Due, string, int, error) {
	const op = "store.DueItems"
	if !class.Valid() || shard < 0 || shard >= store.DueShards[class] {
		return nil, "", 0, errs.E(op, errs.Invalid, fmt.Errorf("no shard %d of class %q", shard, class))
	}
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		IndexName:              aws.String(store.DueIndex),
		KeyConditionExpression: aws.String("duePk = :shard AND nextRemindAt <= :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":shard": store.Str(store.DuePK(class, shard)), ":now": store.Str(now.UTC().Format(store.DueTimeLayout)),
		},
		Limit: aws.Int32(int32(limit)),
	}
	if cursor != "" {
		start, err := store.DecodeKey(cursor)
		if err != nil {
			return nil, "", 0, errs.E(op, errs.Internal, err)
		}
		in.ExclusiveStartKey = start
	}
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, "", 0, store.Wrap(op, err)
	}
	due := make([]reminders.Due, 0, len(out.Items))
	for _, item := range out.Items {
		d, err := dueItem(item)
		if err != nil {
			return nil, "", 0, errs.E(op, errs.Internal, err)
		}
		if d.Pos, err = store.EncodeKey(indexPosition(item)); err != nil {
			return nil, "", 0, errs.E(op, errs.Internal, err)
		}
		due = append(due, d)
	}
	next := ""
	if len(out.LastEvaluatedKey) > 0 {
		if next, err = store.EncodeKey(out.LastEvaluatedKey); err != nil {
			return nil, "", 0, errs.E(op, errs.Internal, err)
		}
	}
	return due, next, int(out.ScannedCount), nil
}

// dueItem reads one item of the due index by its kind.
func dueItem(item map[string]types.AttributeValue) (reminders.Due, error) {
	var kind string
	if k, ok := item["kind"].(*types.AttributeValueMemberS); ok {
		kind = k.Value
	}
	switch kind {
	case docstore.KindDocument:
		d, err := docstore.Document(item)
		return reminders.Due{Document: &d}, err
	case bookingstore.KindBooking:
		b, err := bookingstore.Booking(item)
		return reminders.Due{Booking: &b}, err
	case appstore.KindApplication:
		var it struct {
			PK           string `dynamodbav:"pk"`
			ID           string `dynamodbav:"id"`
			NextRemindAt string `dynamodbav:"nextRemindAt"`
		}
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return reminders.Due{}, err
		}
		at, err := time.Parse(store.DueTimeLayout, it.NextRemindAt)
		return reminders.Due{Deadline: &reminders.Deadline{Owner: store.TrimPrefix(it.PK, store.UserPrefix), ID: it.ID, At: at}}, err
	case familystore.KindDependent:
		d, err := familystore.Dependent(item)
		return reminders.Due{Dependent: &d}, err
	case erasestore.KindErasure:
		e, err := erasestore.Erasure(item)
		return reminders.Due{Erasure: &e}, err
	case bookingstore.KindWaitEntry:
		e, err := bookingstore.WaitEntry(item)
		return reminders.Due{Offer: &e}, err
	case inboxstore.KindNotification:
		var it inboxstore.NotificationItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return reminders.Due{}, err
		}
		at, err := time.Parse(store.DueTimeLayout, it.NextRemindAt)
		// only the attributes the entry has: SNS refuses an empty value (a lab
		// result's notice is no application's nor booking's)
		attrs := map[string]string{}
		for name, v := range map[string]string{applications.AttrApplicationID: it.ApplicationID,
			applications.AttrStatus: it.ApplicationStatus, reminders.AttrBookingID: it.BookingID} {
			if v != "" {
				attrs[name] = v
			}
		}
		return reminders.Due{Message: &reminders.Message{Notification: it.Notification(), At: at, Attributes: attrs}}, err
	}
	return reminders.Due{}, fmt.Errorf("due index: unknown item kind %q", kind)
}

// indexPosition is where item stands in the due index: the key of the
// index and of the table, which ExclusiveStartKey takes.
func indexPosition(item map[string]types.AttributeValue) map[string]types.AttributeValue {
	pos := map[string]types.AttributeValue{}
	for _, name := range []string{"duePk", "nextRemindAt", "pk", "sk"} {
		pos[name] = item[name]
	}
	return pos
}

// Claim implements reminders.Store.
func (s *Store) Claim(ctx context.Context, d reminders.Decision, now time.Time) (reminders.Decision, bool, error) {
	const op = "store.Claim"
	sk := store.DecisionSK(d.DocID, d.Key)
	res, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table),
		Key:       store.Key(store.UserPK(d.Owner), sk),
		UpdateExpression: aws.String("SET kind = :kind, docId = :doc, #st = :pending, leaseUntil = :lease, " +
			"expiresAt = if_not_exists(expiresAt, :ttl)"),
		ConditionExpression:      aws.String("attribute_not_exists(pk) OR (#st = :pending AND leaseUntil < :now)"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":kind": store.Str(kindDecision), ":doc": store.Str(d.DocID), ":pending": store.Str(reminders.DecisionPending),
			":lease": store.Num(d.LeaseUntil.Unix()), ":now": store.Num(now.Unix()), ":ttl": store.Num(now.Add(decisionTTL).Unix()),
		},
		ReturnValues: types.ReturnValueAllNew, // the claimed decision, with channels a failed run already sent
	})
	switch single := store.ConditionFailed(err); {
	case err == nil:
	case single: // someone else's decision: read it
		var it decisionItem
		if err := s.Get(ctx, op, store.UserPK(d.Owner), sk, &it); err != nil {
			return d, false, err
		}
		return it.decision(d.Owner, d.Key), false, nil
	default:
		return d, false, store.Wrap(op, err)
	}
	var it decisionItem
	if err := attributevalue.UnmarshalMap(res.Attributes, &it); err != nil {
		return d, false, errs.E(op, errs.Internal, err)
	}
	return it.decision(d.Owner, d.Key), true, nil
}

// Complete implements reminders.Store.
func (s *Store) Complete(ctx context.Context, d reminders.Decision, n inbox.Notification, ev registry.Event) error {
	const op = "store.Complete"
	sent, err := attributevalue.Marshal(d.SentChannels)
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	// Another run finished (or released) the decision meanwhile, or wrote
	// the same notification: a Conflict the caller leaves to that run.
	t := s.Tx()
	t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.Table), Key: store.Key(store.UserPK(d.Owner), store.DecisionSK(d.DocID, d.Key)),
		UpdateExpression:         aws.String("SET #st = :sent, sentChannels = :ch"),
		ConditionExpression:      aws.String("#st = :pending"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":sent": store.Str(reminders.DecisionSent), ":pending": store.Str(reminders.DecisionPending), ":ch": sent,
		},
	}}, store.FailConflict)
	if n.ID != "" { // a message is its notification already
		t.Put(inboxstore.FromNotification(n), "attribute_not_exists(pk)", nil, store.FailConflict)
	}
	if ev.ID != "" { // a booking's reminder has no history entry
		t.Put(docstore.FromEvent(ev), "", nil, nil)
	}
	return t.Run(ctx, s.DB, op)
}

// Release implements reminders.Store.
func (s *Store) Release(ctx context.Context, d reminders.Decision) error {
	const op = "store.Release"
	sent, err := attributevalue.Marshal(append([]string{}, d.SentChannels...))
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: store.Key(store.UserPK(d.Owner), store.DecisionSK(d.DocID, d.Key)),
		UpdateExpression:         aws.String("SET leaseUntil = :zero, sentChannels = :ch"),
		ConditionExpression:      aws.String("#st = :pending"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":zero": store.Num(0), ":ch": sent, ":pending": store.Str(reminders.DecisionPending),
		},
	})
	if store.ConditionFailed(err) {
		return errs.E(op, errs.Conflict, err)
	}
	return store.Wrap(op, err)
}

// Advance implements reminders.Store.
func (s *Store) Advance(ctx context.Context, ref reminders.Ref, read *time.Time, next registry.Reminder) error {
	const op = "store.Advance"
	var sk string
	switch ref.Kind {
	case reminders.KindDocument:
		sk = docstore.DocSK(ref.ID)
	case reminders.KindBooking:
		sk = bookingstore.BookSK(ref.ID)
	case reminders.KindMessage:
		sk = inboxstore.NotifPrefix + ref.ID
	case reminders.KindDeadline:
		return s.advanceDeadline(ctx, ref, read, next)
	default:
		return errs.E(op, errs.Internal, fmt.Errorf("unknown kind %q", ref.Kind))
	}
	return s.SetReminder(ctx, op, ref.Kind, ref.Owner, ref.ID, sk, read, next)
}

// legacyDueShards is how many "DUE#<n>" partitions the due index had before
// it had classes.
const legacyDueShards = 16

// MoveLegacyDue moves the items written before the due index had classes
// (duePk "DUE#<n>") into their class's partitions and returns how many it
// moved. It reads only those partitions of the sparse index, never the
// table; each move is conditional on the item still being where it was
// read, so it is safe beside the workers and to run again. The local runner
// calls it at start (its data outlives the code); a deployed stage had no
// such items when classes came.
// Errors: Unavailable, Internal.
func (s *Store) MoveLegacyDue(ctx context.Context) (int, error) {
	const op = "store.MoveLegacyDue"
	moved := 0
	for n := range legacyDueShards {
		old := fmt.Sprintf("DUE#%d", n)
		var start map[string]types.AttributeValue
		for {
			out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
				TableName: aws.String(s.Table), IndexName: aws.String(store.DueIndex),
				KeyConditionExpression:    aws.String("duePk = :old"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":old": store.Str(old)},
				ExclusiveStartKey:         start,
			})
			if err != nil {
				return moved, store.Wrap(op, err)
			}
			for _, item := range out.Items {
				var it struct {
					PK   string `dynamodbav:"pk"`
					SK   string `dynamodbav:"sk"`
					Kind string `dynamodbav:"kind"`
				}
				if err := attributevalue.UnmarshalMap(item, &it); err != nil {
					return moved, errs.E(op, errs.Internal, err)
				}
				ref := reminders.KindDocument
				switch it.Kind {
				case bookingstore.KindBooking:
					ref = reminders.KindBooking
				case inboxstore.KindNotification:
					ref = reminders.KindMessage
				}
				_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
					TableName: aws.String(s.Table), Key: store.Key(it.PK, it.SK),
					UpdateExpression:    aws.String("SET duePk = :new"),
					ConditionExpression: aws.String("duePk = :old"),
					ExpressionAttributeValues: map[string]types.AttributeValue{
						":old": store.Str(old), ":new": store.Str(store.DueKey(ref, it.PK, it.SK)),
					},
				})
				if store.ConditionFailed(err) {
					continue // moved or changed meanwhile
				}
				if err != nil {
					return moved, store.Wrap(op, err)
				}
				moved++
			}
			if len(out.LastEvaluatedKey) == 0 {
				break
			}
			start = out.LastEvaluatedKey
		}
	}
	return moved, nil
}

// advanceDeadline moves an application in the due index to next.NextAt
// if it is still at read: its deadline once the reminder before it went
// (next's step StepExpired, recorded as responseReminded), or a later time
// for that reminder (out of the quiet hours). The application's version
// stays: this is the pipeline's bookkeeping, and a change the applicant or
// the agency makes meanwhile rewrites both attributes from its own state.
func (s *Store) advanceDeadline(ctx context.Context, ref reminders.Ref, read *time.Time, next registry.Reminder) error {
	const op = "store.Advance"
	if read == nil || next.NextAt == nil || next.Next == nil {
		return errs.E(op, errs.Internal, errors.New("an application's deadline moves from one due time to another"))
	}
	expr := "SET duePk = :pk, nextRemindAt = :at"
	values := map[string]types.AttributeValue{
		":pk": store.Str(store.DueKey(ref.Kind, ref.Owner, ref.ID)), ":at": store.Str(next.NextAt.UTC().Format(store.DueTimeLayout)),
		":read": store.Str(read.UTC().Format(store.DueTimeLayout)),
	}
	if next.Next.Kind == registry.StepExpired {
		expr += ", responseReminded = :true"
		values[":true"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: store.Key(store.UserPK(ref.Owner), appstore.SK(ref.ID)),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String("nextRemindAt = :read"),
		ExpressionAttributeValues: values,
	})
	if store.ConditionFailed(err) {
		return errs.E(op, errs.Conflict, errs.ReasonChanged)
	}
	return store.Wrap(op, err)
}
