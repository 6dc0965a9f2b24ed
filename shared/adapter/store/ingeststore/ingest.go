package ingeststore

import (
	"context"
	"errors"
	"fmt"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/inboxstore"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/dueclass"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

var _ ingest.Store = (*Store)(nil)

// An agency event applied to a person, under their partition:
//
//	USER#<sub>      EVENT#<eventId>             the event's claim and outcome, kept
const (
	eventPrefix    = "EVENT#"
	kindEventClaim = "event_claim"
)

func eventSK(eventID string) string { return eventPrefix + eventID }

// eventClaimItem records that an agency event was applied for a person
// (USER#<sub> / EVENT#<eventId>). It is kept: an archived event replayed
// months later must still find it.
type eventClaimItem struct {
	PK         string    `dynamodbav:"pk"`
	SK         string    `dynamodbav:"sk"`
	Kind       string    `dynamodbav:"kind"`
	EventID    string    `dynamodbav:"eventId"`
	DetailType string    `dynamodbav:"detailType"`
	Outcome    string    `dynamodbav:"outcome"`
	DocID      string    `dynamodbav:"docId,omitempty"`
	ReplacedID string    `dynamodbav:"replacedId,omitempty"`
	Reason     string    `dynamodbav:"reason,omitempty"`
	At         time.Time `dynamodbav:"at"`
}

func (it eventClaimItem) claim() ingest.Claim {
	return ingest.Claim{EventID: it.EventID, Owner: store.TrimPrefix(it.PK, store.UserPrefix), DetailType: it.DetailType,
		Outcome: it.Outcome, DocID: it.DocID, ReplacedID: it.ReplacedID, Reason: it.Reason, At: it.At}
}

// EventClaim implements ingest.Store.
func (s *Store) EventClaim(ctx context.Context, owner, eventID string) (ingest.Claim, bool, error) {
	const op = "store.EventClaim"
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table),
		Key: store.Key(store.UserPK(owner), eventSK(eventID)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return ingest.Claim{}, false, store.Wrap(op, err)
	}
	if out.Item == nil {
		return ingest.Claim{}, false, nil
	}
	var it eventClaimItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return ingest.Claim{}, false, errs.E(op, errs.Internal, err)
	}
	return it.claim(), true, nil
}

// ApplyEvent implements ingest.Store: the claim, the new document, the
// updated ones (each on its version), their history and the notification,
// in one TransactWriteItems. A failed claim is a duplicate event, told
// before anything else that failed with it.
func (s *Store) ApplyEvent(ctx context.Context, w ingest.Write) (ingest.Claim, bool, error) {
	const op = "store.ApplyEvent"
	c := w.Claim
	t := s.Tx()
	t.First(store.FailClaimed)
	t.Put(eventClaimItem{PK: store.UserPK(c.Owner), SK: eventSK(c.EventID), Kind: kindEventClaim, EventID: c.EventID,
		DetailType: c.DetailType, Outcome: c.Outcome, DocID: c.DocID, ReplacedID: c.ReplacedID, Reason: c.Reason, At: c.At},
		"attribute_not_exists(pk)", nil, store.FailClaimed)
	if w.Create != nil {
		t.Put(docstore.FromDocument(*w.Create), "attribute_not_exists(pk)", nil, store.FailChanged)
	}
	for _, u := range w.Updates {
		t.Put(docstore.FromDocument(u.Doc), "attribute_exists(pk) AND version = :v",
			map[string]types.AttributeValue{":v": store.Num(int64(u.PrevVersion))}, store.FailChanged)
	}
	for _, ev := range w.History {
		t.Put(docstore.FromEvent(ev), "", nil, nil)
	}
	if w.Notification != nil {
		n := inboxstore.FromNotification(*w.Notification)
		if w.NotifyAt != nil {
			// an outbox entry, as an application's status change is
			n.DuePK, n.NextRemindAt = store.DueKey(dueclass.KindMessage, w.Notification.Owner, w.Notification.ID), w.NotifyAt.UTC().Format(store.DueTimeLayout)
		}
		t.Put(n, "attribute_not_exists(pk)", nil, store.FailChanged)
	}
	if w.File != nil {
		// A lab result's file: the person's quota holds for it too.
		s.files.AddFile(t, *w.File)
	}
	err := t.Run(ctx, s.DB, op)
	if !errors.Is(err, store.ErrClaimed) {
		return c, false, err
	}
	stored, ok, gerr := s.EventClaim(ctx, c.Owner, c.EventID)
	if gerr != nil {
		return c, false, gerr
	}
	if !ok {
		return c, false, errs.E(op, errs.Internal, fmt.Errorf("event claim %s vanished", c.EventID))
	}
	return stored, true, nil
}
