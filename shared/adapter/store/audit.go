package store

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/audit"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
)

var _ audit.Log = (*Store)(nil)

// auditRetention is how long audit entries are kept before TTL removes them.
const auditRetention = 3 * 365 * 24 * time.Hour

// auditPrefix keys a person's audit trail: AUDIT#<sub> / <at>#<time-ordered id>.
// It lies outside USER#<sub>, so erasing a person's documents leaves the
// trail of what was done (which names objects by id only).
const auditPrefix = "AUDIT#"

type auditItem struct {
	PK        string    `dynamodbav:"pk"`
	SK        string    `dynamodbav:"sk"`
	Kind      string    `dynamodbav:"kind"`
	Actor     string    `dynamodbav:"actor"`
	Route     string    `dynamodbav:"route"`
	Path      string    `dynamodbav:"path"`
	Status    int       `dynamodbav:"status,omitempty"`
	RequestID string    `dynamodbav:"requestId"`
	At        time.Time `dynamodbav:"at"`
	ExpiresAt int64     `dynamodbav:"expiresAt"`
}

func auditKey(p *audit.Pending) (string, string) {
	return auditPrefix + p.Actor, p.At.UTC().Format(time.RFC3339Nano) + "#" + p.ID
}

func fromPending(p *audit.Pending, status int) auditItem {
	pk, sk := auditKey(p)
	return auditItem{PK: pk, SK: sk, Kind: "audit", Actor: p.Actor, Route: p.Route, Path: p.Path, Status: status,
		RequestID: p.RequestID, At: p.At.UTC(), ExpiresAt: p.At.Add(auditRetention).Unix()}
}

// AuditPut is the Put of the entry ctx carries, for a write of the request
// to include in its transaction; ok false when there is none or a
// committed write carried it already. The entry's key is the request's, so
// two writes of one request that both carry it (parallel writes) write one
// item. Entries are never changed by another request: the condition lets
// only the same request id write the item.
func (s *Store) AuditPut(ctx context.Context) (types.TransactWriteItem, *audit.Pending, bool, error) {
	p := audit.From(ctx)
	if p == nil || p.Written() {
		return types.TransactWriteItem{}, nil, false, nil
	}
	put, err := auditPutItem(s.Table, p)
	return put, p, err == nil, err
}

// auditPutItem is the Put of p's entry with the status it was opened with:
// the route's success status, which the request answers once its write
// went through (httpapi's auditing corrects it in the rare case it does
// not).
func auditPutItem(table string, p *audit.Pending) (types.TransactWriteItem, error) {
	av, err := attributevalue.MarshalMap(fromPending(p, p.Status))
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: av,
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR requestId = :rid"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":rid": Str(p.RequestID)}}}, nil
}

// OpenAudit implements audit.Log.
func (s *Store) OpenAudit(e audit.Entry) *audit.Pending {
	return &audit.Pending{Entry: e, ID: ids.New(), At: s.Time().UTC()}
}

// FinishAudit implements audit.Log.
func (s *Store) FinishAudit(ctx context.Context, p *audit.Pending, status int) error {
	const op = "store.FinishAudit"
	if !p.Written() {
		av, err := attributevalue.MarshalMap(fromPending(p, status))
		if err != nil {
			return errs.E(op, errs.Internal, err)
		}
		_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: av,
			ConditionExpression: aws.String("attribute_not_exists(pk)")})
		return Wrap(op, err)
	}
	pk, sk := auditKey(p)
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: Key(pk, sk),
		UpdateExpression:          aws.String("SET #st = :st"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND requestId = :rid"),
		ExpressionAttributeNames:  map[string]string{"#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":st": Num(int64(status)), ":rid": Str(p.RequestID)}})
	return Wrap(op, err)
}

// Write runs one single-item write (a Put, Update or Delete built by the
// caller) as the request's audited change: alone when ctx carries no
// pending entry (or one already written), else in one transaction with the
// entry. A failed condition of the item comes back as the single call's
// ConditionalCheckFailedException, so callers map it as before
// (conditionFailed); the erasure guard rides along (Conflict, erasing).
func (s *Store) Write(ctx context.Context, item types.TransactWriteItem) error {
	put, p, ok, err := s.AuditPut(ctx)
	if err != nil {
		return err
	}
	if !ok {
		switch {
		case item.Put != nil:
			pi := item.Put
			_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: pi.TableName, Item: pi.Item, ConditionExpression: pi.ConditionExpression,
				ExpressionAttributeNames: pi.ExpressionAttributeNames, ExpressionAttributeValues: pi.ExpressionAttributeValues})
		case item.Update != nil:
			u := item.Update
			_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: u.TableName, Key: u.Key, UpdateExpression: u.UpdateExpression,
				ConditionExpression: u.ConditionExpression, ExpressionAttributeNames: u.ExpressionAttributeNames, ExpressionAttributeValues: u.ExpressionAttributeValues})
		case item.Delete != nil:
			d := item.Delete
			_, err = s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: d.TableName, Key: d.Key, ConditionExpression: d.ConditionExpression,
				ExpressionAttributeNames: d.ExpressionAttributeNames, ExpressionAttributeValues: d.ExpressionAttributeValues})
		}
		return err
	}
	items := []types.TransactWriteItem{item, put}
	if g, ok := erasureGuard(s.Table, p.Actor, items); ok {
		items = append(items, g)
	}
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	var tc *types.TransactionCanceledException
	if errors.As(err, &tc) && len(tc.CancellationReasons) > 0 {
		if aws.ToString(tc.CancellationReasons[0].Code) == "ConditionalCheckFailed" {
			return &types.ConditionalCheckFailedException{Message: aws.String("the item's condition failed (audited write)")}
		}
		if len(items) == 3 && len(tc.CancellationReasons) == 3 && aws.ToString(tc.CancellationReasons[2].Code) == "ConditionalCheckFailed" {
			e := *FailErasing
			e.Op, e.Err = "store.Write", err
			return &e
		}
	}
	if err == nil {
		p.MarkWritten()
	}
	return err
}
