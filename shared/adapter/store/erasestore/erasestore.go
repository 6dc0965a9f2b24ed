// Package erasestore keeps people's erasure records (erasure.Store) and
// sweeps a person's partition clean: the last step of an erasure.
//
//	pk              sk      item
//	ERASURE#<sub>   STATE   the erasure: state, requested/finished, step, count;
//	                        in the due index (kind erasure) while it runs
//
// The record is outside USER#<sub> so that it outlives the sweep: an erased
// account refuses every change for good (store's erasure guard), and the
// person can still read that their erasure is done. It holds no personal
// data: the account id, instants and counts.
package erasestore

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/dueclass"
	"github.com/kabinet/kabinet/shared/domain/erasure"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// KindErasure is the record's kind attribute (the due index's kind).
const KindErasure = dueclass.KindErasure

// Store implements erasure.Store on the table.
type Store struct{ *store.Store }

// New is a Store on base.
func New(base *store.Store) *Store { return &Store{base} }

var _ erasure.Store = (*Store)(nil)

type item struct {
	PK           string     `dynamodbav:"pk"`
	SK           string     `dynamodbav:"sk"`
	Kind         string     `dynamodbav:"kind"`
	Owner        string     `dynamodbav:"owner"`
	State        string     `dynamodbav:"state"`
	RequestedAt  time.Time  `dynamodbav:"requestedAt"`
	FinishedAt   *time.Time `dynamodbav:"finishedAt,omitempty"`
	Step         int        `dynamodbav:"step"`
	Erased       int        `dynamodbav:"erased"`
	Version      int        `dynamodbav:"version"`
	DuePK        string     `dynamodbav:"duePk,omitempty"`
	NextRemindAt string     `dynamodbav:"nextRemindAt,omitempty"`
}

func fromErasure(e erasure.Erasure) item {
	k := store.ErasureKey(e.Owner)
	it := item{PK: store.AttrS(k, store.Schema.PK), SK: store.AttrS(k, store.Schema.SK), Kind: KindErasure, Owner: e.Owner,
		State: string(e.State), RequestedAt: e.RequestedAt, FinishedAt: e.FinishedAt, Step: e.Step, Erased: e.Erased, Version: e.Version}
	if e.DueAt != nil {
		it.DuePK, it.NextRemindAt = store.DueKey(KindErasure, e.Owner, e.Owner), e.DueAt.UTC().Format(store.DueTimeLayout)
	}
	return it
}

func (it item) erasure() (erasure.Erasure, error) {
	e := erasure.Erasure{Owner: it.Owner, State: erasure.State(it.State), RequestedAt: it.RequestedAt, FinishedAt: it.FinishedAt,
		Step: it.Step, Erased: it.Erased, Version: it.Version}
	if it.NextRemindAt != "" {
		at, err := time.Parse(store.DueTimeLayout, it.NextRemindAt)
		if err != nil {
			return e, err
		}
		e.DueAt = &at
	}
	return e, nil
}

// Erasure reads a record as the due index returns it.
// Errors: Internal (not one).
func Erasure(av map[string]types.AttributeValue) (erasure.Erasure, error) {
	var it item
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return erasure.Erasure{}, errs.E("store.Erasure", errs.Internal, err)
	}
	e, err := it.erasure()
	if err != nil {
		return e, errs.E("store.Erasure", errs.Internal, err)
	}
	return e, nil
}

// failStarted: the person has an erasure record already.
var failStarted = errs.E("", errs.Conflict, errs.ReasonErasing)

// StartErasure implements erasure.Store: the record, in the request's
// transaction with its audit entry.
func (s *Store) StartErasure(ctx context.Context, e erasure.Erasure) error {
	t := s.Tx()
	t.Put(fromErasure(e), "attribute_not_exists(pk)", nil, failStarted)
	return t.Run(ctx, s.DB, "store.StartErasure")
}

// GetErasure implements erasure.Store.
func (s *Store) GetErasure(ctx context.Context, owner string) (erasure.Erasure, error) {
	const op = "store.GetErasure"
	var it item
	k := store.ErasureKey(owner)
	if err := s.Get(ctx, op, store.AttrS(k, store.Schema.PK), store.AttrS(k, store.Schema.SK), &it); err != nil {
		return erasure.Erasure{}, err
	}
	e, err := it.erasure()
	if err != nil {
		return e, errs.E(op, errs.Internal, err)
	}
	return e, nil
}

// SaveErasure implements erasure.Store.
func (s *Store) SaveErasure(ctx context.Context, e erasure.Erasure) error {
	t := s.Tx()
	t.Put(fromErasure(e), "version = :v", map[string]types.AttributeValue{":v": store.Num(int64(e.Version - 1))}, store.FailChanged)
	return t.Run(ctx, s.DB, "store.SaveErasure")
}

// sweepPage is how many items one Sweep reads and deletes.
const sweepPage = 100

// Pointers names, for an item of a person's partition, the items elsewhere
// that exist only to point at it (bookingstore.Pointers, ...): the sweep
// deletes them with it. Composition gives the sweep every domain's, so this
// package links none of them.
type Pointers func(item map[string]types.AttributeValue) []map[string]types.AttributeValue

// Sweep deletes up to a page of owner's items, whatever their kind, with
// the items outside the partition that point at them (pointers: a
// booking's confirmation number, an application's owner for staff, a
// share's, a hand-over code), and reports how many it deleted and whether
// the partition is empty now. Items leave the due index and gsi1 with
// their deletion. Run again after a crash it finds what is left.
// Errors: Unavailable, Internal.
func (s *Store) Sweep(ctx context.Context, owner string, pointers ...Pointers) (int, bool, error) {
	const op = "store.Sweep"
	res, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:                aws.String(s.Table),
		KeyConditionExpression:   aws.String("pk = :pk"),
		ExpressionAttributeNames: map[string]string{"#k": "kind", "#id": "id"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": store.Str(store.UserPK(owner)),
		},
		ProjectionExpression: aws.String("pk, sk, #k, #id, confirmationNumber, codeHash"),
		Limit:                aws.Int32(sweepPage),
		ConsistentRead:       aws.Bool(true),
	})
	if err != nil {
		return 0, false, store.Wrap(op, err)
	}
	var reqs []types.WriteRequest
	for _, it := range res.Items {
		for _, p := range pointers {
			for _, k := range p(it) {
				reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}})
			}
		}
		reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: store.Key(store.UserPK(owner), store.AttrS(it, "sk"))}})
	}
	// Each item's pointers are listed before it, so a crash half-way
	// leaves an item whose pointer is gone, which the next sweep finds and
	// deletes, rather than a pointer to nothing that no sweep would find.
	for chunk := range slices.Chunk(reqs, 25) {
		if err := s.BatchWrite(ctx, chunk); err != nil {
			return 0, false, store.Wrap(op, err)
		}
	}
	done := len(res.LastEvaluatedKey) == 0 && len(res.Items) < sweepPage
	return len(res.Items), done, nil
}
