package docstore

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/dueclass"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

type documentItem struct {
	PK              string     `dynamodbav:"pk"`
	SK              string     `dynamodbav:"sk"`
	Kind            string     `dynamodbav:"kind"`
	ID              string     `dynamodbav:"id"`
	Type            string     `dynamodbav:"type"`
	Title           string     `dynamodbav:"title,omitempty"`
	Number          string     `dynamodbav:"number,omitempty"`
	IssuedOn        string     `dynamodbav:"issuedOn,omitempty"`
	ExpiresOn       string     `dynamodbav:"expiresOn,omitempty"`
	ExpiresOnSource string     `dynamodbav:"expiresOnSource"`
	Variant         string     `dynamodbav:"variant,omitempty"`
	HolderBirthDate string     `dynamodbav:"holderBirthDate,omitempty"`
	Subject         string     `dynamodbav:"subject,omitempty"`
	SubjectName     string     `dynamodbav:"subjectName,omitempty"`
	RemindDays      []int      `dynamodbav:"remindDays,omitempty"`
	Source          string     `dynamodbav:"source"`
	ArchivedAt      *time.Time `dynamodbav:"archivedAt,omitempty"`
	Issuer          string     `dynamodbav:"issuer,omitempty"`
	RevokedAt       *time.Time `dynamodbav:"revokedAt,omitempty"`
	RevokedReason   string     `dynamodbav:"revokedReason,omitempty"`
	ReplacedBy      string     `dynamodbav:"replacedBy,omitempty"`
	store.ReminderAttrs
	RenewalApplication string    `dynamodbav:"renewalApplicationId,omitempty"`
	CreatedAt          time.Time `dynamodbav:"createdAt"`
	UpdatedAt          time.Time `dynamodbav:"updatedAt"`
	Version            int       `dynamodbav:"version"`
}

type historyItem struct {
	PK       string    `dynamodbav:"pk"`
	SK       string    `dynamodbav:"sk"`
	Kind     string    `dynamodbav:"kind"`
	ID       string    `dynamodbav:"id"`
	DocID    string    `dynamodbav:"docId"`
	Action   string    `dynamodbav:"action"`
	Fields   []string  `dynamodbav:"fields,omitempty"`
	Step     string    `dynamodbav:"step,omitempty"`
	Channels []string  `dynamodbav:"channels,omitempty"`
	Replaced string    `dynamodbav:"replacedBy,omitempty"`
	Actor    string    `dynamodbav:"actor"`
	At       time.Time `dynamodbav:"at"`
}

// FromDocument is d's item (ingeststore writes it in an event's transaction).
func FromDocument(d registry.Document) documentItem {
	return documentItem{
		PK: store.UserPK(d.Owner), SK: DocSK(d.ID), Kind: KindDocument, ID: d.ID, Type: string(d.Type),
		Title: d.Title, Number: d.Number, IssuedOn: store.DateString(d.IssuedOn), ExpiresOn: store.DateString(d.ExpiresOn),
		ExpiresOnSource: string(d.ExpiresOnSource), RemindDays: d.RemindDays, Source: string(d.Source),
		Variant: d.Variant, HolderBirthDate: store.DateString(d.HolderBirthDate), Subject: d.Subject, SubjectName: d.SubjectName,
		ArchivedAt: d.ArchivedAt, ReminderAttrs: store.FromReminder(dueclass.KindDocument, d.Owner, d.ID, d.Reminder), RenewalApplication: d.RenewalApplication,
		Issuer: d.Issuer, RevokedAt: d.RevokedAt, RevokedReason: d.RevokedReason, ReplacedBy: d.ReplacedBy,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: d.Version,
	}
}

// Document reads a document item (remindstore reads them off the due
// index). Errors: an item that does not unmarshal or parse.
func Document(av map[string]types.AttributeValue) (registry.Document, error) {
	var it documentItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return registry.Document{}, err
	}
	return it.document()
}

func (it documentItem) document() (registry.Document, error) {
	d := registry.Document{
		ID: it.ID, Owner: store.TrimPrefix(it.PK, store.UserPrefix), Type: registry.DocType(it.Type), Title: it.Title,
		Number: it.Number, ExpiresOnSource: registry.Source(it.ExpiresOnSource), RemindDays: it.RemindDays,
		Variant: it.Variant,
		Source:  registry.Source(it.Source), ArchivedAt: it.ArchivedAt, CreatedAt: it.CreatedAt,
		UpdatedAt: it.UpdatedAt, Version: it.Version,
		Issuer: it.Issuer, RevokedAt: it.RevokedAt, RevokedReason: it.RevokedReason, ReplacedBy: it.ReplacedBy,
		RenewalApplication: it.RenewalApplication, Subject: it.Subject, SubjectName: it.SubjectName,
	}
	var err error
	if d.IssuedOn, err = store.ParseDate(it.IssuedOn); err != nil {
		return d, err
	}
	if d.ExpiresOn, err = store.ParseDate(it.ExpiresOn); err != nil {
		return d, err
	}
	if d.HolderBirthDate, err = store.ParseDate(it.HolderBirthDate); err != nil {
		return d, err
	}
	d.Reminder, err = it.ReminderAttrs.Reminder()
	return d, err
}

// FromEvent is e's history item.
func FromEvent(e registry.Event) historyItem {
	return historyItem{PK: store.UserPK(e.Owner), SK: histSK(e.DocID, e.ID), Kind: kindHistory, ID: e.ID,
		DocID: e.DocID, Action: string(e.Action), Fields: e.Fields, Step: e.Step, Channels: e.Channels, Replaced: e.ReplacedBy, Actor: e.Actor, At: e.At}
}

func (it historyItem) event() registry.Event {
	return registry.Event{ID: it.ID, DocID: it.DocID, Owner: store.TrimPrefix(it.PK, store.UserPrefix),
		Action: registry.Action(it.Action), Fields: it.Fields, Step: it.Step, Channels: it.Channels, ReplacedBy: it.Replaced, Actor: it.Actor, At: it.At}
}

// CreateDocument implements registry.Store.
func (s *Store) CreateDocument(ctx context.Context, d registry.Document, ev registry.Event, idem *idempotency.Key) (registry.Document, bool, error) {
	const op = "store.CreateDocument"
	t := s.Tx()
	t.Put(FromDocument(d), "attribute_not_exists(pk)", nil, nil) // a fresh id: a clash is a bug
	t.Put(FromEvent(ev), "", nil, nil)
	if idem != nil {
		s.ClaimIdem(t, idemScopeDocuments, d.Owner, idem, d.ID)
	}
	err := t.Run(ctx, s.DB, op)
	if errors.Is(err, store.ErrClaimed) {
		return s.replay(ctx, d.Owner, idem)
	}
	return d, false, err
}

// replay answers a create whose Idempotency-Key was already claimed.
func (s *Store) replay(ctx context.Context, owner string, idem *idempotency.Key) (registry.Document, bool, error) {
	const op = "store.CreateDocument"
	id, ok, err := s.Claimed(ctx, op, idemScopeDocuments, owner, idem)
	if err == nil && !ok {
		err = errs.E(op, errs.Unavailable, nil) // claimed and gone in between: let the client retry
	}
	if err != nil {
		return registry.Document{}, false, err
	}
	d, err := s.GetDocument(ctx, owner, id)
	return d, true, err
}

// GetDocument implements registry.Store.
func (s *Store) GetDocument(ctx context.Context, owner, id string) (registry.Document, error) {
	const op = "store.GetDocument"
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table),
		Key: store.Key(store.UserPK(owner), DocSK(id)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return registry.Document{}, store.Wrap(op, err)
	}
	if out.Item == nil {
		return registry.Document{}, errs.E(op, errs.NotFound, nil)
	}
	var it documentItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return registry.Document{}, errs.E(op, errs.Internal, err)
	}
	d, err := it.document()
	if err != nil {
		return d, errs.E(op, errs.Internal, err)
	}
	return d, nil
}

// ListDocuments implements registry.Store.
func (s *Store) ListDocuments(ctx context.Context, owner, after string, limit int) ([]registry.Document, string, error) {
	return store.QueryAs(ctx, s.Store, "store.ListDocuments", owner, docPrefix, after, limit, true, documentItem.document)
}

// ListHistory implements registry.Store.
func (s *Store) ListHistory(ctx context.Context, owner, docID, after string, limit int) ([]registry.Event, string, error) {
	const op = "store.ListHistory"
	var items []historyItem
	next, err := s.Query(ctx, owner, histPrefixFor(docID), after, limit, false, &items)
	if err != nil {
		return nil, "", store.Wrap(op, err)
	}
	evs := make([]registry.Event, len(items))
	for i, it := range items {
		evs[i] = it.event()
	}
	return evs, next, nil
}

// UpdateDocument implements registry.Store.
func (s *Store) UpdateDocument(ctx context.Context, d registry.Document, prevVersion int, ev registry.Event) error {
	const op = "store.UpdateDocument"
	t := s.Tx()
	t.Put(FromDocument(d), "attribute_exists(pk) AND version = :v",
		map[string]types.AttributeValue{":v": store.Num(int64(prevVersion))}, store.FailVersionMismatch)
	t.Put(FromEvent(ev), "", nil, nil)
	err := t.Run(ctx, s.DB, op)
	if errs.ReasonOf(err) == errs.ReasonVersionMismatch {
		// A missing document fails the same condition: tell them apart.
		if _, gerr := s.GetDocument(ctx, d.Owner, d.ID); gerr != nil {
			return gerr
		}
	}
	return err
}

// DeleteDocument implements registry.Store. Everything is gathered at
// once: the document, the keys of its history and reminder decisions, and
// what the domains the store was built with keep of it (New's hanging).
// Then objects, when a record names stored bytes; then one transaction
// deleting it all, the document under its condition (NotFound when it went
// meanwhile). A document with more than a transaction holds sends
// its plain deletes first in parallel batches: a failure there leaves the
// document in place with part of what hung off it, so the client's retry
// (after the 503) finishes the erasure rather than leaving orphans behind.
func (s *Store) DeleteDocument(ctx context.Context, owner, id string, objects func(context.Context) error) error {
	const op = "store.DeleteDocument"
	var (
		mu    sync.Mutex
		items []types.TransactWriteItem
		named bool // a record names stored objects
	)
	add := func(h store.Hung, err error) error {
		mu.Lock()
		defer mu.Unlock()
		items, named = append(items, h.Items...), named || h.Objects
		return err
	}
	gather := []func() error{func() error { _, err := s.GetDocument(ctx, owner, id); return err }}
	for _, prefix := range []string{histPrefixFor(id), store.RemindPrefix + id + "#"} {
		gather = append(gather, func() error {
			keys, err := s.PrefixKeys(ctx, owner, prefix)
			return add(store.Hung{Items: s.Deletes(keys)}, err)
		})
	}
	for _, h := range s.hanging {
		gather = append(gather, func() error { return add(h(ctx, owner, id)) })
	}
	if err := parallel.Do(gather...); err != nil {
		return store.Wrap(op, err)
	}
	if objects != nil && named {
		if err := objects(ctx); err != nil {
			return err
		}
	}
	rest, batch := store.Overflow(items, store.TxRoom-1)
	if err := s.BatchDelete(ctx, batch); err != nil {
		return store.Wrap(op, err)
	}
	t := s.Tx()
	for _, it := range rest {
		t.Add(it, nil)
	}
	t.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName: aws.String(s.Table), Key: store.Key(store.UserPK(owner), DocSK(id)),
		ConditionExpression: aws.String("attribute_exists(pk)"),
	}}, store.FailNotFound)
	return t.Run(ctx, s.DB, op)
}

// PutDocuments writes documents as they are, without history or
// conditions, in parallel batches: for bulk imports and seeding large
// fixtures, never for a person's own edits.
func (s *Store) PutDocuments(ctx context.Context, docs []registry.Document) error {
	return store.BulkPut(ctx, s.Store, "store.PutDocuments", docs, func(d registry.Document) any { return FromDocument(d) })
}
