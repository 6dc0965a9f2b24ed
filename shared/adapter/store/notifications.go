package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/audit"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/paging"
)

var _ inbox.Store = (*Store)(nil)

// unreadBudget bounds how many read notifications one unread-only page
// skips before it returns what it has with a cursor.
const unreadBudget = 1000

type notificationItem struct {
	PK        string     `dynamodbav:"pk"`
	SK        string     `dynamodbav:"sk"`
	Kind      string     `dynamodbav:"kind"`
	ID        string     `dynamodbav:"id"`
	Type      string     `dynamodbav:"type"`
	Title     string     `dynamodbav:"title"`
	Body      string     `dynamodbav:"body"`
	DocID     string     `dynamodbav:"docId,omitempty"`
	DocType   string     `dynamodbav:"docType,omitempty"`
	DaysLeft  *int       `dynamodbav:"daysLeft,omitempty"`
	CreatedAt time.Time  `dynamodbav:"createdAt"`
	ReadAt    *time.Time `dynamodbav:"readAt,omitempty"`
	// An application's status change names the application and its status.
	ApplicationID     string `dynamodbav:"applicationId,omitempty"`
	ApplicationStatus string `dynamodbav:"applicationStatus,omitempty"`
	// While its messages on the owner's channels are not confirmed sent,
	// the notification is in the due index (an outbox entry).
	DuePK        string `dynamodbav:"duePk,omitempty"`
	NextRemindAt string `dynamodbav:"nextRemindAt,omitempty"`
}

func fromNotification(n inbox.Notification) notificationItem {
	return notificationItem{PK: userPK(n.Owner), SK: notifPrefix + n.ID, Kind: kindNotification, ID: n.ID,
		Type: n.Kind, Title: n.Title, Body: n.Body, DocID: n.DocID, DocType: n.DocType, DaysLeft: n.DaysLeft,
		CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
}

func (it notificationItem) notification() inbox.Notification {
	return inbox.Notification{ID: it.ID, Owner: trimPrefix(it.PK, userPrefix), Kind: it.Type, Title: it.Title,
		Body: it.Body, DocID: it.DocID, DocType: it.DocType, DaysLeft: it.DaysLeft, CreatedAt: it.CreatedAt, ReadAt: it.ReadAt}
}

// ListNotifications implements inbox.Store, newest first.
func (s *Store) ListNotifications(ctx context.Context, owner string, unreadOnly bool, after string, limit int) ([]inbox.Notification, string, error) {
	const op = "store.ListNotifications"
	items, last, err := paging.Collect(
		func(after string) ([]notificationItem, string, error) {
			var page []notificationItem
			next, err := s.query(ctx, owner, notifPrefix, after, limit, false, &page)
			return page, next, err
		},
		func(it notificationItem) string { return it.ID },
		func(it notificationItem) bool { return !unreadOnly || it.ReadAt == nil },
		after, limit, unreadBudget)
	if err != nil {
		return nil, "", wrap(op, err)
	}
	out := make([]inbox.Notification, len(items))
	for i, it := range items {
		out[i] = it.notification()
	}
	return out, last, nil
}

// MarkRead implements inbox.Store.
func (s *Store) MarkRead(ctx context.Context, owner, id string, at time.Time) (inbox.Notification, error) {
	const op = "store.MarkRead"
	ts, err := attributevalue.Marshal(at)
	if err != nil {
		return inbox.Notification{}, errs.E(op, errs.Internal, err)
	}
	upd := &types.Update{
		TableName: aws.String(s.Table), Key: key(userPK(owner), notifPrefix+id),
		UpdateExpression:          aws.String("SET readAt = if_not_exists(readAt, :at)"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": ts},
	}
	if p := audit.From(ctx); p != nil && !p.Written() {
		// A transaction returns no values: write with the audit entry,
		// then read what was written.
		err := s.write(ctx, types.TransactWriteItem{Update: upd})
		if conditionFailed(err) {
			return inbox.Notification{}, errs.E(op, errs.NotFound, nil)
		}
		if err != nil {
			return inbox.Notification{}, wrap(op, err)
		}
		var it notificationItem
		if err := s.get(ctx, op, userPK(owner), notifPrefix+id, &it); err != nil {
			return inbox.Notification{}, err
		}
		return it.notification(), nil
	}
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: upd.TableName, Key: upd.Key,
		UpdateExpression: upd.UpdateExpression, ConditionExpression: upd.ConditionExpression,
		ExpressionAttributeValues: upd.ExpressionAttributeValues, ReturnValues: types.ReturnValueAllNew})
	if conditionFailed(err) {
		return inbox.Notification{}, errs.E(op, errs.NotFound, nil)
	}
	if err != nil {
		return inbox.Notification{}, wrap(op, err)
	}
	var it notificationItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return inbox.Notification{}, errs.E(op, errs.Internal, err)
	}
	return it.notification(), nil
}
