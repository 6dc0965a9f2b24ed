package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/dueclass"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// DueTimeLayout writes instants in UTC with a fixed width, so the due
// index's string sort key orders them in time.
const DueTimeLayout = "2006-01-02T15:04:05Z"

// ReminderAttrs are a document's or booking's reminder state, embedded in
// its item. DuePK and NextRemindAt are
// set only while something is due, which keeps the due index sparse.
type ReminderAttrs struct {
	DuePK        string     `dynamodbav:"duePk,omitempty"`
	NextRemindAt string     `dynamodbav:"nextRemindAt,omitempty"`
	RemindStep   string     `dynamodbav:"remindStep,omitempty"` // kind/n/date of the next step
	LastRemindOn string     `dynamodbav:"lastRemindOn,omitempty"`
	RemindAcked  bool       `dynamodbav:"remindAcked,omitempty"`
	SnoozedUntil *time.Time `dynamodbav:"snoozedUntil,omitempty"`
}

// dueShard spreads a class's items over its partitions of the due index by
// a stable hash, so one busy day never lands on one partition.
func dueShard(class dueclass.Class, owner, id string) int {
	h := fnv.New32a()
	h.Write([]byte(owner + "/" + id))
	return int(h.Sum32() % uint32(DueShards[class]))
}

// DuePK is the due-index partition of one shard of a class: "DUE#U#<n>"
// (urgent) or "DUE#D#<n>" (documents). Items written before there were
// classes carry "DUE#<n>"; MoveLegacyDue moves them.
func DuePK(class dueclass.Class, shard int) string {
	if class == dueclass.Urgent {
		return fmt.Sprintf("DUE#U#%d", shard)
	}
	return fmt.Sprintf("DUE#D#%d", shard)
}

// DueKey is the due-index partition of the item of kind (a dueclass
// Kind) owner/id.
func DueKey(kind, owner, id string) string {
	class := dueclass.Of(kind)
	return DuePK(class, dueShard(class, owner, id))
}

// FromReminder is the reminder state of owner's item id of kind (a
// dueclass Kind: its class picks the due-index partitions).
func FromReminder(kind, owner, id string, r registry.Reminder) ReminderAttrs {
	a := ReminderAttrs{LastRemindOn: DateString(r.LastDate), RemindAcked: r.Acked, SnoozedUntil: r.SnoozedUntil}
	if r.Next != nil && r.NextAt != nil {
		a.DuePK = DueKey(kind, owner, id)
		a.NextRemindAt = r.NextAt.UTC().Format(DueTimeLayout)
		a.RemindStep = fmt.Sprintf("%s/%d/%s", r.Next.Kind, r.Next.N, r.Next.Date)
	}
	return a
}

// Reminder reads the state back; an attribute that does not parse is an
// error (the caller's Internal).
func (a ReminderAttrs) Reminder() (registry.Reminder, error) {
	r := registry.Reminder{Acked: a.RemindAcked, SnoozedUntil: a.SnoozedUntil}
	var err error
	if r.LastDate, err = ParseDate(a.LastRemindOn); err != nil {
		return r, err
	}
	if a.NextRemindAt == "" {
		return r, nil
	}
	at, err := time.Parse(DueTimeLayout, a.NextRemindAt)
	if err != nil {
		return r, fmt.Errorf("nextRemindAt %q: %w", a.NextRemindAt, err)
	}
	var kind, date string
	var n int
	if _, err := fmt.Sscanf(replaceSlashes(a.RemindStep), "%s %d %s", &kind, &n, &date); err != nil {
		return r, fmt.Errorf("remindStep %q: %w", a.RemindStep, err)
	}
	d, err := civil.Parse(date)
	if err != nil {
		return r, err
	}
	r.Next, r.NextAt = &registry.Step{Kind: registry.StepKind(kind), N: n, Date: d}, &at
	return r, nil
}

func replaceSlashes(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == '/' {
			b[i] = ' '
		}
	}
	return string(b)
}

// SetReminder stores next as the reminder state of owner's item id of kind
// (a dueclass Kind) under sort key sk, if its next reminder is still at
// read (nil: none); otherwise someone changed it and its own schedule
// stands. A document's, a booking's and a message's due-index entries all
// move through it (remindstore's Advance).
// Errors: Conflict (changed), Unavailable, Internal.
func (s *Store) SetReminder(ctx context.Context, op, kind, owner, id, sk string, read *time.Time, next registry.Reminder) error {
	a := FromReminder(kind, owner, id, next)
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
		values[":read"] = Str(read.UTC().Format(DueTimeLayout))
	}
	_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: Key(UserPK(owner), sk),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
	})
	if ConditionFailed(err) {
		return errs.E(op, errs.Conflict, errs.ReasonChanged)
	}
	return Wrap(op, err)
}

func sep(s string) string {
	if s == "" {
		return ""
	}
	return ", "
}
