package store

import (
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/audit"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/orgs"
)

// tx builds one TransactWriteItems in which every item carries what its
// condition stands for, so that a cancelled transaction is told to the
// caller by the item that failed, never by its position: reordering,
// adding or dropping items cannot change what a client hears.
//
//	t := s.tx()
//	t.add(s.slotDelta(b, 1), failSlotTaken)
//	t.put(lock, "attribute_not_exists(pk)", nil, failOnePerDay)
//	err := t.run(ctx, s.DB, op)
//
// Every TransactWriteItems of the store goes through it.
type tx struct {
	table string
	items []types.TransactWriteItem
	fails []*errs.Error // per item: what its failed condition means; nil: it must not fail (Internal)
	order []*errs.Error // which failure is told when several conditions fail
	err   error         // the first item that could not be built
}

// tx starts a transaction on the store's table.
func (s *Store) tx() *tx { return &tx{table: s.Table} }

// The failures a transaction item's condition can stand for. Each is a
// template: run tells it with the operation and the cancellation as cause.
var (
	failChanged           = errs.E("", errs.Conflict, errs.ReasonChanged)
	failVersionMismatch   = errs.E("", errs.Precondition, errs.ReasonVersionMismatch)
	failNotFound          = errs.E("", errs.NotFound)
	failConflict          = errs.E("", errs.Conflict)
	failSlotTaken         = errs.E("", errs.Conflict, booking.ReasonSlotTaken)
	failDayFull           = errs.E("", errs.Conflict, booking.ReasonDayFull)
	failOnePerDay         = errs.E("", errs.Conflict, booking.ReasonOnePerDay)
	failPlaceTaken        = errs.E("", errs.Conflict, booking.ReasonPlaceTaken)
	failConfirmationTaken = errs.E("", errs.Conflict, booking.ReasonConfirmationTaken)
	failNotDraft          = errs.E("", errs.Conflict, applications.ReasonNotDraft)
	failConsentExists     = errs.E("", errs.Conflict, orgs.ReasonConsentExists)
	// failClaimed: an Idempotency-Key (or an agency event) is claimed
	// already. The caller answers with what the first request made
	// (errors.Is(err, errClaimed)); should it not, the client gets a 409.
	failClaimed = errs.E("", errs.Conflict, errClaimed)
)

// maxTxItems is DynamoDB's limit on the items of one transaction.
const maxTxItems = 100

// errClaimed marks a transaction cancelled because its claim item's
// condition failed: the request was made before.
var errClaimed = errors.New("already claimed")

// put adds a Put of item, marshalled, under condition cond ("" for none)
// with its values; onFail is what cond failing means.
func (t *tx) put(item any, cond string, values map[string]types.AttributeValue, onFail *errs.Error) {
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
	t.add(types.TransactWriteItem{Put: p}, onFail)
}

// add adds an item built by the caller (an Update, a Delete, a ready Put);
// onFail is what its condition failing means.
func (t *tx) add(item types.TransactWriteItem, onFail *errs.Error) {
	t.items = append(t.items, item)
	t.fails = append(t.fails, onFail)
}

// first says which failure is told when several conditions fail at once
// (DynamoDB reports every failed condition): the earliest of these that
// failed, else the first failed item. A duplicate of a booking fails on the
// claim and on the slot it took, and must be told as the duplicate it is.
func (t *tx) first(order ...*errs.Error) { t.order = order }

// run writes the transaction. Errors: the failure of the item whose
// condition failed (see first); Unavailable when DynamoDB cancelled it for
// a conflicting transaction or throttling, or cannot be reached; Internal
// for an item that could not be built or any other cancellation.
func (t *tx) run(ctx context.Context, db *dynamodb.Client, op string) error {
	if t.err != nil {
		return errs.E(op, errs.Internal, t.err)
	}
	// The request's audit entry goes in its first committed transaction:
	// the change and its record are written together or not at all. Its
	// condition cannot fail but for a bug (nil: Internal).
	items := t.items
	p := audit.From(ctx)
	if p != nil && !p.Written() && len(items) < maxTxItems {
		put, err := auditPutItem(t.table, p)
		if err != nil {
			return errs.E(op, errs.Internal, err)
		}
		items = append(slices.Clip(items), put)
	} else {
		p = nil
	}
	_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil && p != nil {
		p.MarkWritten()
	}
	return t.cancelled(op, err)
}

// cancelled turns a TransactWriteItems error back into what the items stand
// for: ConditionalCheckFailed on an item is that item's failure;
// TransactionConflict (or throttling) is Unavailable, for the client to
// retry; any other reason, or a failed condition of an item that must not
// fail, is Internal. Other errors are mapped as wrap maps them.
func (t *tx) cancelled(op string, err error) error {
	if err == nil {
		return nil
	}
	var tc *types.TransactionCanceledException
	if !errors.As(err, &tc) {
		return wrap(op, err)
	}
	var failed []*errs.Error
	transient := false
	for i, r := range tc.CancellationReasons {
		switch code := aws.ToString(r.Code); {
		case code == "" || code == "None":
		case code == "ConditionalCheckFailed" && i < len(t.fails) && t.fails[i] != nil:
			failed = append(failed, t.fails[i])
		case unavailableCodes[code]:
			transient = true
		}
		// Any other code (a condition that must hold and did not, a
		// validation error) leaves the transaction Internal.
	}
	switch {
	case len(failed) > 0: // what the caller can act on comes first
	case transient: // a retry may well succeed
		return errs.E(op, errs.Unavailable, err)
	default:
		return errs.E(op, errs.Internal, err)
	}
	told := failed[0]
	for _, f := range t.order {
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
