package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/errs"
	"github.com/kabinet/kabinet/shared/inbox"
	"github.com/kabinet/kabinet/shared/registry"
	"github.com/kabinet/kabinet/shared/reminders"
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

// DueDocuments implements reminders.Store: one page of one shard of the due
// index, nextRemindAt <= now. It reads only what is due.
func (s *Store) DueDocuments(ctx context.Context, shard int, now time.Time, limit int, cursor string) ([]registry.Document, string, int, error) {
	const op = "store.DueDocuments"
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		IndexName:              aws.String(DueIndex),
		KeyConditionExpression: aws.String("duePk = :shard AND nextRemindAt <= :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":shard": str(duePK(shard)), ":now": str(now.UTC().Format(dueTimeLayout)),
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
	var items []documentItem
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil {
		return nil, "", 0, errs.E(op, errs.Internal, err)
	}
	docs := make([]registry.Document, 0, len(items))
	for _, it := range items {
		d, err := it.document()
		if err != nil {
			return nil, "", 0, errs.E(op, errs.Internal, err)
		}
		docs = append(docs, d)
	}
	next := ""
	if len(out.LastEvaluatedKey) > 0 {
		next = encodeKey(out.LastEvaluatedKey)
	}
	return docs, next, int(out.ScannedCount), nil
}

// encodeKey makes an index position (string attributes only) a cursor.
func encodeKey(k map[string]types.AttributeValue) string {
	m := map[string]string{}
	for name, v := range k {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			m[name] = s.Value
		}
	}
	b, _ := json.Marshal(m)
	return base64.RawURLEncoding.EncodeToString(b)
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
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
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
	})
	if single, _ := conditionFailed(err); !single && err != nil {
		return d, false, wrap(op, err)
	}
	claimed := err == nil
	out, gerr := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key(userPK(d.Owner), sk), ConsistentRead: aws.Bool(true)})
	if gerr != nil {
		return d, false, wrap(op, gerr)
	}
	var it decisionItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return d, false, errs.E(op, errs.Internal, err)
	}
	return it.decision(d.Owner, d.Key), claimed, nil
}

// Complete implements reminders.Store.
func (s *Store) Complete(ctx context.Context, d reminders.Decision, n inbox.Notification, ev registry.Event) error {
	const op = "store.Complete"
	notif, err := put(s.Table, fromNotification(n), "attribute_not_exists(pk)", nil)
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	hist, err := put(s.Table, fromEvent(ev), "", nil)
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	sent, _ := attributevalue.Marshal(d.SentChannels)
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: aws.String(s.Table), Key: key(userPK(d.Owner), decisionSK(d.DocID, d.Key)),
			UpdateExpression:         aws.String("SET #st = :sent, sentChannels = :ch"),
			ConditionExpression:      aws.String("#st = :pending"),
			ExpressionAttributeNames: map[string]string{"#st": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":sent": str(reminders.DecisionSent), ":pending": str(reminders.DecisionPending), ":ch": sent,
			},
		}},
		notif, hist,
	}})
	if _, failed := conditionFailed(err); len(failed) > 0 {
		return errs.E(op, errs.Conflict, err)
	}
	return wrap(op, err)
}

// Release implements reminders.Store.
func (s *Store) Release(ctx context.Context, d reminders.Decision) error {
	const op = "store.Release"
	sent, _ := attributevalue.Marshal(append([]string{}, d.SentChannels...))
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: key(userPK(d.Owner), decisionSK(d.DocID, d.Key)),
		UpdateExpression:         aws.String("SET leaseUntil = :zero, sentChannels = :ch"),
		ConditionExpression:      aws.String("#st = :pending"),
		ExpressionAttributeNames: map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":zero": num(0), ":ch": sent, ":pending": str(reminders.DecisionPending),
		},
	})
	if single, _ := conditionFailed(err); single {
		return errs.E(op, errs.Conflict, err)
	}
	return wrap(op, err)
}

// Advance implements reminders.Store.
func (s *Store) Advance(ctx context.Context, owner, docID string, read *time.Time, next registry.Reminder) error {
	const op = "store.Advance"
	a := fromReminder(owner, docID, next)
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
		TableName: aws.String(s.Table), Key: key(userPK(owner), docSK(docID)),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
	})
	if single, _ := conditionFailed(err); single {
		return errs.R(op, errs.Conflict, "changed")
	}
	return wrap(op, err)
}

func sep(s string) string {
	if s == "" {
		return ""
	}
	return ", "
}
