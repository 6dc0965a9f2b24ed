package store

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/audit"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/parallel"
)

// Tx builds one TransactWriteItems in which every item carries what its
// condition stands for, so that a cancelled transaction is told to the
// caller by the item that failed, never by its position: reordering,
// adding or dropping items cannot change what a client hears.
//
//	t := s.Tx()
//	t.Add(s.slotDelta(b, 1), failSlotTaken)
//	t.Put(lock, "attribute_not_exists(pk)", nil, failOnePerDay)
//	err := t.Run(ctx, s.DB, op)
//
// Every TransactWriteItems of the store, in every domain's package, goes
// through it. A domain declares the failures its items stand for next to
// its items (bookingstore's failSlotTaken, ...); the ones every domain
// shares are below.
type Tx struct {
	table string
	items []types.TransactWriteItem
	fails []*errs.Error // per item: what its failed condition means; nil: it must not fail (Internal)
	order []*errs.Error // which failure is told when several conditions fail
	err   error         // the first item that could not be built
}

// Tx starts a transaction on the store's table.
func (s *Store) Tx() *Tx { return &Tx{table: s.Table} }

// The failures a transaction item's condition can stand for. Each is a
// template: run tells it with the operation and the cancellation as cause.
var (
	FailChanged         = errs.E("", errs.Conflict, errs.ReasonChanged)
	FailVersionMismatch = errs.E("", errs.Precondition, errs.ReasonVersionMismatch)
	FailNotFound        = errs.E("", errs.NotFound)
	FailConflict        = errs.E("", errs.Conflict)
	// FailClaimed: an Idempotency-Key (or an agency event) is claimed
	// already. The caller answers with what the first request made
	// (errors.Is(err, ErrClaimed)); should it not, the client gets a 409.
	FailClaimed = errs.E("", errs.Conflict, ErrClaimed)
	// FailErasing: the actor's account is being erased, or was (the
	// erasure guard every API change's transaction carries).
	FailErasing = errs.E("", errs.Conflict, errs.ReasonErasing)
)

// maxTxItems is DynamoDB's limit on the items of one transaction.
const maxTxItems = 100

// ErrClaimed marks a transaction cancelled because its claim item's
// condition failed: the request was made before.
var ErrClaimed = errors.New("already claimed")

// Put adds a Put of item, marshalled, under condition cond ("" for none)
// with its values; onFail is what cond failing means.
func (t *Tx) Put(item any, cond string, values map[string]types.AttributeValue, onFail *errs.Error) {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		if t.err == nil {
			t.err = err
		}
		return
	}
	p := &types.Put{TableName: aws.String(t.table), Item: av}
	if cond != "" {
		p.ConditionExpression = aws.String(cond)
		p.ExpressionAttributeValues = values
	}
	t.Add(types.TransactWriteItem{Put: p}, onFail)
}

// Add adds an item built by the caller (an Update, a Delete, a ready Put);
// onFail is what its condition failing means.
func (t *Tx) Add(item types.TransactWriteItem, onFail *errs.Error) {
	t.items = append(t.items, item)
	t.fails = append(t.fails, onFail)
}

// First says which failure is told when several conditions fail at once
// (DynamoDB reports every failed condition): the earliest of these that
// failed, else the first failed item. A duplicate of a booking fails on the
// claim and on the slot it took, and must be told as the duplicate it is.
func (t *Tx) First(order ...*errs.Error) { t.order = order }

// Run writes the transaction. Errors: the failure of the item whose
// condition failed (see First); Unavailable when DynamoDB cancelled it for
// a conflicting transaction or throttling, or cannot be reached; Internal
// for an item that could not be built or any other cancellation.
func (t *Tx) Run(ctx context.Context, db *dynamodb.Client, op string) error {
	if t.err != nil {
		return errs.E(op, errs.Internal, t.err)
	}
	// The request's audit entry goes in its first committed transaction:
	// the change and its record are written together or not at all. Its
	// condition cannot fail but for a bug (nil: Internal).
	items := t.items
	p := audit.From(ctx)
	fails, order := t.fails, t.order
	if p != nil && !p.Written() && len(items) < maxTxItems-1 {
		put, err := auditPutItem(t.table, p)
		if err != nil {
			return errs.E(op, errs.Internal, err)
		}
		items, fails = append(slices.Clip(items), put), append(slices.Clip(fails), nil)
		if g, ok := erasureGuard(t.table, p.Actor, items); ok {
			// An account being erased is told before anything else that
			// failed with it: nothing else about the change matters.
			items, fails = append(items, g), append(fails, FailErasing)
			order = append([]*errs.Error{FailErasing}, order...)
		}
	} else {
		p = nil
	}
	_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil && p != nil {
		p.MarkWritten()
	}
	return cancelled(op, err, fails, order)
}

// cancelled turns a TransactWriteItems error back into what the items stand
// for: ConditionalCheckFailed on an item is that item's failure;
// TransactionConflict (or throttling) is Unavailable, for the client to
// retry; any other reason, or a failed condition of an item that must not
// fail, is Internal. Other errors are mapped as wrap maps them.
func cancelled(op string, err error, fails, order []*errs.Error) error {
	if err == nil {
		return nil
	}
	var tc *types.TransactionCanceledException
	if !errors.As(err, &tc) {
		return Wrap(op, err)
	}
	var failed []*errs.Error
	transient, contended := false, false
	for i, r := range tc.CancellationReasons {
		switch code := aws.ToString(r.Code); {
		case code == "" || code == "None":
		case code == "ConditionalCheckFailed" && i < len(fails) && fails[i] != nil:
			failed = append(failed, fails[i])
		case unavailableCodes[code]:
			transient = true
			contended = contended || code == "TransactionConflict"
		}
		// Any other code (a condition that must hold and did not, a
		// validation error) leaves the transaction Internal.
	}
	switch {
	case len(failed) > 0: // what the caller can act on comes first
	case contended: // another transaction on the same items: a fresh look may succeed
		return errs.E(op, errs.Unavailable, errs.ReasonContended, err)
	case transient: // a retry may well succeed
		return errs.E(op, errs.Unavailable, err)
	default:
		return errs.E(op, errs.Internal, err)
	}
	told := failed[0]
	for _, f := range order {
		if slices.Contains(failed, f) {
			told = f
			break
		}
	}
	e := *told
	e.Op, e.Err = op, err
	if told.Err != nil {
		e.Err = errors.Join(told.Err, err)
	}
	return &e
}

// eachTries is how often Each tries a transaction again that another
// transaction cancelled.
const eachTries = 3

// Each writes items, each under its own condition and independent of the
// others, up to a transaction's worth in one TransactWriteItems and
// parallel.Fanout transactions at once, so a long list costs a round trip
// or so instead of one per item (a transactional write costs two units an
// item, so a caller writes only what is not there yet). It returns how
// many it wrote: an item whose condition fails (it changed meanwhile) is
// left out, and its transaction tried again without it; one cancelled by a
// concurrent transaction is tried again a few times. It carries no audit
// entry (concurrent transactions on the one audit item would conflict):
// the change's own write does. Errors: Unavailable, Internal (the first,
// in order).
func (s *Store) Each(ctx context.Context, op string, items []types.TransactWriteItem) (int, error) {
	ctx = audit.With(ctx, nil)
	var written atomic.Int64
	var calls []func() error
	for chunk := range slices.Chunk(items, maxTxItems) {
		calls = append(calls, func() error {
			n, err := s.eachChunk(ctx, op, slices.Clone(chunk))
			written.Add(int64(n))
			return err
		})
	}
	err := parallel.Limit(parallel.Fanout, calls...)
	return int(written.Load()), err
}

// eachChunk is Each of one transaction's worth of items.
func (s *Store) eachChunk(ctx context.Context, op string, chunk []types.TransactWriteItem) (int, error) {
	for contended := 0; len(chunk) > 0; {
		t, at := s.Tx(), map[*errs.Error]int{}
		for i, it := range chunk {
			f := errs.E("", errs.Conflict, errs.ReasonChanged)
			at[f] = i
			t.Add(it, f)
		}
		err := t.Run(ctx, s.DB, op)
		if err == nil {
			return len(chunk), nil
		}
		if failed := t.Failed(err); len(failed) > 0 {
			gone := map[int]bool{}
			for _, f := range failed {
				gone[at[f]] = true
			}
			kept := chunk[:0]
			for i, it := range chunk {
				if !gone[i] {
					kept = append(kept, it)
				}
			}
			chunk = kept
			continue
		}
		if err := Contended(ctx, op, err, contended, eachTries); err != nil {
			return 0, err
		}
		contended++
	}
	return 0, nil
}

// Contended decides a transaction's try-th retry (from 0) after err, out
// of tries: nil, once it has waited 10 ms doubled by try, when another
// transaction cancelled it (reason contended) and tries remain; else the
// error to return (err, or ctx's end).
func Contended(ctx context.Context, op string, err error, try, tries int) error {
	if errs.ReasonOf(err) != errs.ReasonContended || try+1 >= tries {
		return err
	}
	select {
	case <-ctx.Done():
		return Wrap(op, ctx.Err())
	case <-time.After(time.Duration(10<<try) * time.Millisecond):
		return nil
	}
}

// Failed lists the failures of every item whose condition failed in err,
// an error Run returned (nil for any other error): for a caller that
// acts on each failed item, as the stats aggregator drops each record
// whose marker shows it applied already and retries the rest.
func (t *Tx) Failed(err error) []*errs.Error {
	var tc *types.TransactionCanceledException
	if !errors.As(err, &tc) {
		return nil
	}
	var out []*errs.Error
	for i, r := range tc.CancellationReasons {
		if aws.ToString(r.Code) == "ConditionalCheckFailed" && i < len(t.fails) && t.fails[i] != nil {
			out = append(out, t.fails[i])
		}
	}
	return out
}
