package inboxstore

import (
	"context"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/audit"
	"github.com/kabinet/kabinet/shared/domain/dueclass"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/paging"
)

var _ inbox.Store = (*Store)(nil)

// unreadBudget bounds how many read notifications one unread-only page
// skips before it returns what it has with a cursor.
const unreadBudget = 1000

// NotificationItem is a notification of the inbox as stored; an
// application's status change (appstore) and a message waiting for its
// retry (remindstore) write and read it too.
type NotificationItem struct {
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
	// A booking's confirmation names the booking.
	BookingID string `dynamodbav:"bookingId,omitempty"`
	// A waiting-list offer names the entry.
	WaitlistID string `dynamodbav:"waitlistId,omitempty"`
	// While its messages on the owner's channels are not confirmed sent,
	// the notification is in the due index (an outbox entry).
	DuePK        string `dynamodbav:"duePk,omitempty"`
	NextRemindAt string `dynamodbav:"nextRemindAt,omitempty"`
}

// FromNotification is n's item.
func FromNotification(n inbox.Notification) NotificationItem {
	return NotificationItem{PK: store.UserPK(n.Owner), SK: NotifPrefix + n.ID, Kind: KindNotification, ID: n.ID,
		Type: n.Kind, Title: n.Title, Body: n.Body, DocID: n.DocID, DocType: n.DocType, DaysLeft: n.DaysLeft,
		CreatedAt: n.CreatedAt, ReadAt: n.ReadAt, BookingID: n.BookingID, WaitlistID: n.WaitlistID}
}

// Outbox is n's item as an outbox entry: in the owner's inbox and in the
// urgent part of the due index at its own time, so the reminder pipeline's
// next run sends it on the owner's channels (once: the run claims it) and
// takes it out of the index.
func Outbox(n inbox.Notification) NotificationItem {
	it := FromNotification(n)
	it.DuePK, it.NextRemindAt = store.DueKey(dueclass.KindMessage, n.Owner, n.ID), n.CreatedAt.UTC().Format(store.DueTimeLayout)
	return it
}

// Notification is the notification the item stores.
func (it NotificationItem) Notification() inbox.Notification {
	return inbox.Notification{ID: it.ID, Owner: store.TrimPrefix(it.PK, store.UserPrefix), Kind: it.Type, Title: it.Title,
		Body: it.Body, DocID: it.DocID, DocType: it.DocType, DaysLeft: it.DaysLeft, CreatedAt: it.CreatedAt, ReadAt: it.ReadAt,
		BookingID: it.BookingID, WaitlistID: it.WaitlistID}
}

// ListNotifications implements inbox.Store, newest first.
func (s *Store) ListNotifications(ctx context.Context, owner string, unreadOnly bool, after string, limit int) ([]inbox.Notification, string, error) {
	const op = "store.ListNotifications"
	items, last, err := paging.Collect(
		func(after string) ([]NotificationItem, string, error) {
			var page []NotificationItem
			next, err := s.Query(ctx, owner, NotifPrefix, after, limit, false, &page)
			return page, next, err
		},
		func(it NotificationItem) string { return it.ID },
		func(it NotificationItem) bool { return !unreadOnly || it.ReadAt == nil },
		after, limit, unreadBudget)
	if err != nil {
		return nil, "", store.Wrap(op, err)
	}
	out := make([]inbox.Notification, len(items))
	for i, it := range items {
		out[i] = it.Notification()
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
		TableName: aws.String(s.Table), Key: store.Key(store.UserPK(owner), NotifPrefix+id),
		UpdateExpression:          aws.String("SET readAt = if_not_exists(readAt, :at)"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": ts},
	}
	if p := audit.From(ctx); p != nil && !p.Written() {
		// A transaction returns no values: write with the audit entry,
		// then read what was written.
		err := s.Write(ctx, types.TransactWriteItem{Update: upd})
		if store.ConditionFailed(err) {
			return inbox.Notification{}, errs.E(op, errs.NotFound, nil)
		}
		if err != nil {
			return inbox.Notification{}, store.Wrap(op, err)
		}
		var it NotificationItem
		if err := s.Get(ctx, op, store.UserPK(owner), NotifPrefix+id, &it); err != nil {
			return inbox.Notification{}, err
		}
		return it.Notification(), nil
	}
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: upd.TableName, Key: upd.Key,
		UpdateExpression: upd.UpdateExpression, ConditionExpression: upd.ConditionExpression,
		ExpressionAttributeValues: upd.ExpressionAttributeValues, ReturnValues: types.ReturnValueAllNew})
	if store.ConditionFailed(err) {
		return inbox.Notification{}, errs.E(op, errs.NotFound, nil)
	}
	if err != nil {
		return inbox.Notification{}, store.Wrap(op, err)
	}
	var it NotificationItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return inbox.Notification{}, errs.E(op, errs.Internal, err)
	}
	return it.Notification(), nil
}

// AddNotification writes one notification to its owner's inbox; one with
// the same id already there is Conflict (a redelivered event's notice).
// Errors: Conflict, Unavailable, Internal.
func (s *Store) AddNotification(ctx context.Context, n inbox.Notification) error {
	const op = "store.AddNotification"
	av, err := attributevalue.MarshalMap(FromNotification(n))
	if err != nil {
		return errs.E(op, errs.Internal, err)
	}
	err = s.Write(ctx, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table), Item: av,
		ConditionExpression: aws.String("attribute_not_exists(pk)")}})
	if store.ConditionFailed(err) {
		return errs.E(op, errs.Conflict, err)
	}
	return store.Wrap(op, err)
}
