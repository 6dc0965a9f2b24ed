package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
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

var _ reminders.Store = (*Store)(nil)

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

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// DueItems implements reminders.Store: one page of one shard of a class's
// part of the due index, nextRemindAt <= now, documents, bookings and outbox
// notifications told apart by their kind attribute. It reads only what is due.
func (s *Store) DueItems(ctx context.Context, class reminders.Class, shard int, now time.Time, limit int, cursor string) ([]reminders.Due, string, int, error) {
	const op = "store.DueItems"
	if !class.Valid() || shard < 0 || shard >= DueShards[class] {
		return nil, "", 0, errs.E(op, errs.Invalid, fmt.Errorf("no shard %d of class %q", shard, class))
	}
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		IndexName:              aws.String(DueIndex),
		KeyConditionExpression: aws.String("duePk = :shard AND nextRemindAt <= :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":shard": str(duePK(class, shard)), ":now": str(now.UTC().Format(dueTimeLayout)),
		},
		Limit: aws.Int32(int32(limit)),
	}
	if cursor != "" {
		start, err := decodeKey(cursor)
		if err != nil {
			return nil, "", 0, errs.E(op, errs.Internal, err)
		}
		in.ExclusiveStartKey = start
	}
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, "", 0, wrap(op, err)
	}
	due := make([]reminders.Due, 0, len(out.Items))
	for _, item := range out.Items {
		d, err := dueItem(item)
		if err != nil {
			return nil, "", 0, errs.E(op, errs.Internal, err)
		}
		if d.Pos, err = encodeKey(indexPosition(item)); err != nil {
			return nil, "", 0, errs.E(op, errs.Internal, err)
		}
		due = append(due, d)
	}
	next := ""
	if len(out.LastEvaluatedKey) > 0 {
		if next, err = encodeKey(out.LastEvaluatedKey); err != nil {
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
	case kindDocument:
		var it documentItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return reminders.Due{}, err
		}
		d, err := it.document()
		return reminders.Due{Document: &d}, err
	case kindBooking:
		var it bookingItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return reminders.Due{}, err
		}
		b, err := it.booking()
		return reminders.Due{Booking: &b}, err
	case kindNotification:
		var it notificationItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return reminders.Due{}, err
		}
		at, err := time.Parse(dueTimeLayout, it.NextRemindAt)
		return reminders.Due{Message: &reminders.Message{Notification: it.notification(), At: at,
			Attributes: map[string]string{applications.AttrApplicationID: it.ApplicationID, applications.AttrStatus: it.ApplicationStatus}}}, err
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

// encodeKey makes an index position (string attributes only) a cursor.
func encodeKey(k map[string]types.AttributeValue) (string, error) {
	m := map[string]string{}
	for name, v := range k {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			m[name] = s.Value
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func decodeKey(c string) (map[string]types.AttributeValue, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	k := map[string]types.AttributeValue{}
	for name, v := range m {
		k[name] = str(v)
	}
	return k, nil
}

// Claim implements reminders.Store.
func (s *Store) Claim(ctx context.Context, d reminders.Decision, now time.Time) (reminders.Decision, bool, error) {
	const op = "store.Claim"
	sk := decisionSK(d.DocID, d.Key)
	res, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table),
		Key:       key(userPK(d.Owner), sk),
		UpdateExpression: aws.String("SET kind = :kind, docId = :doc, #st = :pending, leaseUntil = :lease, " +
			"expiresAt = if_not_exists(expiresAt, :ttl)"),
		ConditionExpression:      aws.String("attribute_not_exists(pk) OR (#st = :pending AND leaseUntil < :now)"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":kind": str(kindDecision), ":doc": str(d.DocID), ":pending": str(reminders.DecisionPending),
			":lease": num(d.LeaseUntil.Unix()), ":now": num(now.Unix()), ":ttl": num(now.Add(decisionTTL).Unix()),
		},
		ReturnValues: types.ReturnValueAllNew, // the claimed decision, with channels a failed run already sent
	})
	switch single := conditionFailed(err); {
	case err == nil:
	case single: // someone else's decision: read it
		var it decisionItem
		if err := s.get(ctx, op, userPK(d.Owner), sk, &it); err != nil {
			return d, false, err
		}
		return it.decision(d.Owner, d.Key), false, nil
	default:
		return d, false, wrap(op, err)
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
	t := s.tx()
	t.add(types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.Table), Key: key(userPK(d.Owner), decisionSK(d.DocID, d.Key)),
		UpdateExpression:         aws.String("SET #st = :sent, sentChannels = :ch"),
		ConditionExpression:      aws.String("#st = :pending"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":sent": str(reminders.DecisionSent), ":pending": str(reminders.DecisionPending), ":ch": sent,
		},
	}}, failConflict)
	if n.ID != "" { // a message is its notification already
		t.put(fromNotification(n), "attribute_not_exists(pk)", nil, failConflict)
	}
	if ev.ID != "" { // a booking's reminder has no history entry
		t.put(fromEvent(ev), "", nil, nil)
	}
	return t.run(ctx, s.DB, op)
}

// Release implements reminders.Store.
func (s *Store) Release(ctx context.Context, d reminders.Decision) error {
	const op = "store.Release"
	sent, err := attributevalue.Marshal(append([]string{}, d.SentChannels...))
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: key(userPK(d.Owner), decisionSK(d.DocID, d.Key)),
		UpdateExpression:         aws.String("SET leaseUntil = :zero, sentChannels = :ch"),
		ConditionExpression:      aws.String("#st = :pending"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":zero": num(0), ":ch": sent, ":pending": str(reminders.DecisionPending),
		},
	})
	if conditionFailed(err) {
		return errs.E(op, errs.Conflict, err)
	}
	return wrap(op, err)
}

// Advance implements reminders.Store.
func (s *Store) Advance(ctx context.Context, ref reminders.Ref, read *time.Time, next registry.Reminder) error {
	const op = "store.Advance"
	var sk string
	switch ref.Kind {
	case reminders.KindDocument:
		sk = docSK(ref.ID)
	case reminders.KindBooking:
		sk = bookSK(ref.ID)
	case reminders.KindMessage:
		sk = notifPrefix + ref.ID
	default:
		return errs.E(op, errs.Internal, fmt.Errorf("unknown kind %q", ref.Kind))
	}
	a := fromReminder(ref.Kind, ref.Owner, ref.ID, next)
	av, err := attributevalue.MarshalMap(a)
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	set, remove := "", ""
	for i, attr := range []string{"duePk", "nextRemindAt", "remindStep", "lastRemindOn", "remindAcked", "snoozedUntil"} {
		ph := "#a" + strconv.Itoa(i)
		names[ph] = attr
		if v, ok := av[attr]; ok {
			values[":v"+strconv.Itoa(i)] = v
			set += sep(set) + ph + " = :v" + strconv.Itoa(i)
		} else {
			remove += sep(remove) + ph
		}
	}
	expr := ""
	if set != "" {
		expr = "SET " + set
	}
	if remove != "" {
		expr += " REMOVE " + remove
	}
	cond := "attribute_exists(pk) AND attribute_not_exists(nextRemindAt)"
	if read != nil {
		cond = "nextRemindAt = :read"
		values[":read"] = str(read.UTC().Format(dueTimeLayout))
	}
	_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: key(userPK(ref.Owner), sk),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
	})
	if conditionFailed(err) {
		return errs.E(op, errs.Conflict, errs.ReasonChanged)
	}
	return wrap(op, err)
}

func sep(s string) string {
	if s == "" {
		return ""
	}
	return ", "
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
				TableName: aws.String(s.Table), IndexName: aws.String(DueIndex),
				KeyConditionExpression:    aws.String("duePk = :old"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":old": str(old)},
				ExclusiveStartKey:         start,
			})
			if err != nil {
				return moved, wrap(op, err)
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
				case kindBooking:
					ref = reminders.KindBooking
				case kindNotification:
					ref = reminders.KindMessage
				}
				_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
					TableName: aws.String(s.Table), Key: key(it.PK, it.SK),
					UpdateExpression:    aws.String("SET duePk = :new"),
					ConditionExpression: aws.String("duePk = :old"),
					ExpressionAttributeValues: map[string]types.AttributeValue{
						":old": str(old), ":new": str(dueKey(ref, it.PK, it.SK)),
					},
				})
				if conditionFailed(err) {
					continue // moved or changed meanwhile
				}
				if err != nil {
					return moved, wrap(op, err)
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
