package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// Store is the DynamoDB implementation of registry.Store.
type Store struct {
	DB    *dynamodb.Client
	Table string
	Now   func() time.Time // for idempotency-claim expiry; time.Now when nil
}

var _ registry.Store = (*Store)(nil)

// New returns a Store on table.
func New(db *dynamodb.Client, table string) *Store { return &Store{DB: db, Table: table} }

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

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
	RemindDays      []int      `dynamodbav:"remindDays,omitempty"`
	Source          string     `dynamodbav:"source"`
	ArchivedAt      *time.Time `dynamodbav:"archivedAt,omitempty"`
	Issuer          string     `dynamodbav:"issuer,omitempty"`
	RevokedAt       *time.Time `dynamodbav:"revokedAt,omitempty"`
	RevokedReason   string     `dynamodbav:"revokedReason,omitempty"`
	ReplacedBy      string     `dynamodbav:"replacedBy,omitempty"`
	reminderAttrs
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

func fromDocument(d registry.Document) documentItem {
	return documentItem{
		PK: userPK(d.Owner), SK: docSK(d.ID), Kind: kindDocument, ID: d.ID, Type: string(d.Type),
		Title: d.Title, Number: d.Number, IssuedOn: dateString(d.IssuedOn), ExpiresOn: dateString(d.ExpiresOn),
		ExpiresOnSource: string(d.ExpiresOnSource), RemindDays: d.RemindDays, Source: string(d.Source),
		Variant: d.Variant, HolderBirthDate: dateString(d.HolderBirthDate),
		ArchivedAt: d.ArchivedAt, reminderAttrs: fromReminder(reminders.KindDocument, d.Owner, d.ID, d.Reminder), RenewalApplication: d.RenewalApplication,
		Issuer: d.Issuer, RevokedAt: d.RevokedAt, RevokedReason: d.RevokedReason, ReplacedBy: d.ReplacedBy,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: d.Version,
	}
}

func (it documentItem) document() (registry.Document, error) {
	d := registry.Document{
		ID: it.ID, Owner: trimPrefix(it.PK, userPrefix), Type: registry.DocType(it.Type), Title: it.Title,
		Number: it.Number, ExpiresOnSource: registry.Source(it.ExpiresOnSource), RemindDays: it.RemindDays,
		Variant: it.Variant,
		Source:  registry.Source(it.Source), ArchivedAt: it.ArchivedAt, CreatedAt: it.CreatedAt,
		UpdatedAt: it.UpdatedAt, Version: it.Version,
		Issuer: it.Issuer, RevokedAt: it.RevokedAt, RevokedReason: it.RevokedReason, ReplacedBy: it.ReplacedBy,
		RenewalApplication: it.RenewalApplication,
	}
	var err error
	if d.IssuedOn, err = parseDate(it.IssuedOn); err != nil {
		return d, err
	}
	if d.ExpiresOn, err = parseDate(it.ExpiresOn); err != nil {
		return d, err
	}
	if d.HolderBirthDate, err = parseDate(it.HolderBirthDate); err != nil {
		return d, err
	}
	d.Reminder, err = it.reminderAttrs.reminder()
	return d, err
}

func fromEvent(e registry.Event) historyItem {
	return historyItem{PK: userPK(e.Owner), SK: histSK(e.DocID, e.ID), Kind: kindHistory, ID: e.ID,
		DocID: e.DocID, Action: string(e.Action), Fields: e.Fields, Step: e.Step, Channels: e.Channels, Replaced: e.ReplacedBy, Actor: e.Actor, At: e.At}
}

func (it historyItem) event() registry.Event {
	return registry.Event{ID: it.ID, DocID: it.DocID, Owner: trimPrefix(it.PK, userPrefix),
		Action: registry.Action(it.Action), Fields: it.Fields, Step: it.Step, Channels: it.Channels, ReplacedBy: it.Replaced, Actor: it.Actor, At: it.At}
}

func dateString(d *civil.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func parseDate(s string) (*civil.Date, error) {
	if s == "" {
		return nil, nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		Schema.PK: &types.AttributeValueMemberS{Value: pk},
		Schema.SK: &types.AttributeValueMemberS{Value: sk},
	}
}

// CreateDocument implements registry.Store.
func (s *Store) CreateDocument(ctx context.Context, d registry.Document, ev registry.Event, idem *idempotency.Key) (registry.Document, bool, error) {
	const op = "store.CreateDocument"
	t := s.tx()
	t.put(fromDocument(d), "attribute_not_exists(pk)", nil, nil) // a fresh id: a clash is a bug
	t.put(fromEvent(ev), "", nil, nil)
	if idem != nil {
		s.claimIdem(t, idemScopeDocuments, d.Owner, idem, d.ID)
	}
	err := t.run(ctx, s.DB, op)
	if errors.Is(err, errClaimed) {
		return s.replay(ctx, d.Owner, idem)
	}
	return d, false, err
}

// replay answers a create whose Idempotency-Key was already claimed.
func (s *Store) replay(ctx context.Context, owner string, idem *idempotency.Key) (registry.Document, bool, error) {
	const op = "store.CreateDocument"
	id, ok, err := s.claimed(ctx, op, idemScopeDocuments, owner, idem)
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
		Key: key(userPK(owner), docSK(id)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return registry.Document{}, wrap(op, err)
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
	return queryAs(ctx, s, "store.ListDocuments", owner, docPrefix, after, limit, true, documentItem.document)
}

// ListHistory implements registry.Store.
func (s *Store) ListHistory(ctx context.Context, owner, docID, after string, limit int) ([]registry.Event, string, error) {
	const op = "store.ListHistory"
	var items []historyItem
	next, err := s.query(ctx, owner, histPrefixFor(docID), after, limit, false, &items)
	if err != nil {
		return nil, "", wrap(op, err)
	}
	evs := make([]registry.Event, len(items))
	for i, it := range items {
		evs[i] = it.event()
	}
	return evs, next, nil
}

// queryAs is query for items of type I, each turned into a T by conv (a
// failure is Internal: a stored item that does not read back).
func queryAs[I, T any](ctx context.Context, s *Store, op, owner, prefix, after string, limit int, forward bool,
	conv func(I) (T, error)) ([]T, string, error) {
	var items []I
	next, err := s.query(ctx, owner, prefix, after, limit, forward, &items)
	if err != nil {
		return nil, "", wrap(op, err)
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		x, err := conv(it)
		if err != nil {
			return nil, "", errs.E(op, errs.Internal, err)
		}
		out = append(out, x)
	}
	return out, next, nil
}

// query reads one page of owner's items whose sort key starts with prefix,
// after prefix+after, and returns the position to continue from.
func (s *Store) query(ctx context.Context, owner, prefix, after string, limit int, forward bool, out any) (string, error) {
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":     &types.AttributeValueMemberS{Value: userPK(owner)},
			":prefix": &types.AttributeValueMemberS{Value: prefix},
		},
		Limit:            aws.Int32(int32(limit)),
		ScanIndexForward: aws.Bool(forward),
		ConsistentRead:   aws.Bool(true),
	}
	if after != "" {
		in.ExclusiveStartKey = key(userPK(owner), prefix+after)
	}
	res, err := s.DB.Query(ctx, in)
	if err != nil {
		return "", err
	}
	if err := attributevalue.UnmarshalListOfMaps(res.Items, out); err != nil {
		return "", err
	}
	if sk, ok := res.LastEvaluatedKey[Schema.SK].(*types.AttributeValueMemberS); ok {
		return trimPrefix(sk.Value, prefix), nil
	}
	return "", nil
}

// UpdateDocument implements registry.Store.
func (s *Store) UpdateDocument(ctx context.Context, d registry.Document, prevVersion int, ev registry.Event) error {
	const op = "store.UpdateDocument"
	t := s.tx()
	t.put(fromDocument(d), "attribute_exists(pk) AND version = :v",
		map[string]types.AttributeValue{":v": num(int64(prevVersion))}, failVersionMismatch)
	t.put(fromEvent(ev), "", nil, nil)
	err := t.run(ctx, s.DB, op)
	if errs.ReasonOf(err) == errs.ReasonVersionMismatch {
		// A missing document fails the same condition: tell them apart.
		if _, gerr := s.GetDocument(ctx, d.Owner, d.ID); gerr != nil {
			return gerr
		}
	}
	return err
}

// DeleteDocument implements registry.Store. The history goes first, then
// the document in one conditional delete: a failure half-way leaves the
// document in place with part of its history, so the client's retry (after
// the 503) finishes the erasure rather than leaving orphans behind.
func (s *Store) DeleteDocument(ctx context.Context, owner, id string) error {
	const op = "store.DeleteDocument"
	if _, err := s.GetDocument(ctx, owner, id); err != nil {
		return err
	}
	for _, prefix := range []string{histPrefixFor(id), remindPrefix + id + "#"} {
		if err := s.deletePrefix(ctx, owner, prefix); err != nil {
			return wrap(op, err)
		}
	}
	err := s.write(ctx, types.TransactWriteItem{Delete: &types.Delete{
		TableName: aws.String(s.Table), Key: key(userPK(owner), docSK(id)),
		ConditionExpression: aws.String("attribute_exists(pk)"),
	}})
	if conditionFailed(err) {
		return errs.E(op, errs.NotFound, nil)
	}
	return wrap(op, err)
}

// deletePrefix removes every item of owner whose sort key starts with prefix.
func (s *Store) deletePrefix(ctx context.Context, owner, prefix string) error {
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":     &types.AttributeValueMemberS{Value: userPK(owner)},
			":prefix": &types.AttributeValueMemberS{Value: prefix},
		},
		ProjectionExpression: aws.String("pk, sk"),
		ConsistentRead:       aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for chunk := range slices.Chunk(page.Items, 25) {
			reqs := make([]types.WriteRequest, len(chunk))
			for i, k := range chunk {
				reqs[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}
			}
			if err := s.batchWrite(ctx, reqs); err != nil {
				return err
			}
		}
	}
	return nil
}

// batchWrite writes reqs, retrying what DynamoDB leaves unprocessed with
// backoff, and gives up with an Unavailable error after a few rounds.
func (s *Store) batchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	pending := map[string][]types.WriteRequest{s.Table: reqs}
	for attempt := 0; len(pending[s.Table]) > 0; attempt++ {
		if attempt == 5 {
			return errs.E("store.batchWrite", errs.Unavailable, fmt.Errorf("%d writes left unprocessed", len(pending[s.Table])))
		}
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(50<<attempt) * time.Millisecond):
			}
		}
		out, err := s.DB.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
		if err != nil {
			return err
		}
		pending = out.UnprocessedItems
	}
	return nil
}

// PutDocuments writes documents as they are, without history or
// conditions, in parallel batches: for bulk imports and seeding large
// fixtures, never for a person's own edits.
func (s *Store) PutDocuments(ctx context.Context, docs []registry.Document) error {
	return bulkPut(ctx, s, "store.PutDocuments", docs, func(d registry.Document) any { return fromDocument(d) })
}

// bulkPut writes items unconditionally in batches of 25, eight batches in
// flight: for seeding and imports only.
func bulkPut[T any](ctx context.Context, s *Store, op string, items []T, item func(T) any) error {
	chunks := slices.Collect(slices.Chunk(items, 25))
	errc := make(chan error, len(chunks))
	sem := make(chan struct{}, 8)
	for _, chunk := range chunks {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			reqs := make([]types.WriteRequest, len(chunk))
			for i, x := range chunk {
				av, err := attributevalue.MarshalMap(item(x))
				if err != nil {
					errc <- err
					return
				}
				reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: av}}
			}
			errc <- s.batchWrite(ctx, reqs)
		}()
	}
	for range chunks {
		if err := <-errc; err != nil {
			return wrap(op, err)
		}
	}
	return nil
}
