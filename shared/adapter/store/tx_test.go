package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

// cancelling is a DynamoDB client whose TransactWriteItems never leaves the
// process: an SDK middleware answers it with a TransactionCanceledException
// whose reasons it gives by item, found by the item's sort key (or
// partition key) prefix, whatever the item's position. It records the
// transactions it saw. DynamoDB Local cancels only on failed conditions;
// conflicts and throttling have to be injected.
type cancelling struct {
	codes map[string]string // key prefix → cancellation code for the item with that key
	other error             // returned instead, when set
	seen  []*dynamodb.TransactWriteItemsInput
}

func (c *cancelling) client() *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "eu-central-1",
		BaseEndpoint: aws.String("http://127.0.0.1:1"), // never reached
		Credentials:  aws.AnonymousCredentials{},
		APIOptions: []func(*middleware.Stack) error{func(st *middleware.Stack) error {
			return st.Initialize.Add(middleware.InitializeMiddlewareFunc("kabinetCancel",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					tw, ok := in.Parameters.(*dynamodb.TransactWriteItemsInput)
					if !ok {
						return next.HandleInitialize(ctx, in)
					}
					c.seen = append(c.seen, tw)
					if c.other != nil {
						return middleware.InitializeOutput{}, middleware.Metadata{}, c.other
					}
					reasons := make([]types.CancellationReason, len(tw.TransactItems))
					cancelled := false
					for i, it := range tw.TransactItems {
						reasons[i].Code = aws.String("None")
						for prefix, code := range c.codes {
							if keyOf(it, Schema.SK, prefix) || keyOf(it, Schema.PK, prefix) {
								reasons[i].Code, cancelled = aws.String(code), true
							}
						}
					}
					if !cancelled {
						return middleware.InitializeOutput{Result: &dynamodb.TransactWriteItemsOutput{}}, middleware.Metadata{}, nil
					}
					return middleware.InitializeOutput{}, middleware.Metadata{}, &types.TransactionCanceledException{
						Message: aws.String("Transaction cancelled (injected)"), CancellationReasons: reasons}
				}), middleware.Before)
		}},
	})
}

// keyOf reports whether the item's attribute name (pk or sk) starts with prefix.
func keyOf(it types.TransactWriteItem, name, prefix string) bool {
	var k map[string]types.AttributeValue
	switch {
	case it.Put != nil:
		k = it.Put.Item
	case it.Update != nil:
		k = it.Update.Key
	case it.Delete != nil:
		k = it.Delete.Key
	case it.ConditionCheck != nil:
		k = it.ConditionCheck.Key
	}
	s, ok := k[name].(*types.AttributeValueMemberS)
	return ok && strings.HasPrefix(s.Value, prefix)
}

type namedItem struct {
	sk     string
	onFail *errs.Error
}

type plainItem struct {
	PK string `dynamodbav:"pk"`
	SK string `dynamodbav:"sk"`
}

// TestTxTellsFailuresByItem: a cancelled transaction is told by what the
// failed item stands for, in any order of the items; several failed
// conditions are told by first's order; a conflict or throttling is
// Unavailable; any other cancellation, or the failed condition of an item
// that must not fail, is Internal.
func TestTxTellsFailuresByItem(t *testing.T) {
	items := []namedItem{{"SLOT#1", failSlotTaken}, {"DAY#1", failDayFull}, {"BOOKDAY#1", failOnePerDay},
		{"IDEM#1", failClaimed}, {"REF#1", nil}}
	reversed := slices.Clone(items)
	slices.Reverse(reversed)
	rotated := append(slices.Clone(items[2:]), items[:2]...)
	orders := map[string][]namedItem{"as built": items, "reversed": reversed, "rotated": rotated}
	cases := []struct {
		name       string
		codes      map[string]string
		other      error
		wantNil    bool
		wantKind   errs.Kind
		wantReason errs.Reason
		wantClaim  bool
	}{
		{name: "nothing fails", wantNil: true},
		{name: "the slot's condition", codes: map[string]string{"SLOT#": "ConditionalCheckFailed"},
			wantKind: errs.Conflict, wantReason: booking.ReasonSlotTaken},
		{name: "the day's condition", codes: map[string]string{"DAY#": "ConditionalCheckFailed"},
			wantKind: errs.Conflict, wantReason: booking.ReasonDayFull},
		{name: "the claim's condition", codes: map[string]string{"IDEM#": "ConditionalCheckFailed"},
			wantKind: errs.Conflict, wantClaim: true},
		{name: "slot and day: first's order, the slot", codes: map[string]string{"SLOT#": "ConditionalCheckFailed", "DAY#": "ConditionalCheckFailed"},
			wantKind: errs.Conflict, wantReason: booking.ReasonSlotTaken},
		{name: "claim and slot: the claim", codes: map[string]string{"SLOT#": "ConditionalCheckFailed", "IDEM#": "ConditionalCheckFailed"},
			wantKind: errs.Conflict, wantClaim: true},
		{name: "a failed condition beats a conflict elsewhere", codes: map[string]string{"DAY#": "ConditionalCheckFailed", "SLOT#": "TransactionConflict"},
			wantKind: errs.Conflict, wantReason: booking.ReasonDayFull},
		{name: "a failed condition beats an unexpected one", codes: map[string]string{"REF#": "ConditionalCheckFailed", "BOOKDAY#": "ConditionalCheckFailed"},
			wantKind: errs.Conflict, wantReason: booking.ReasonOnePerDay},
		{name: "transaction conflict", codes: map[string]string{"SLOT#": "TransactionConflict"}, wantKind: errs.Unavailable},
		{name: "throttled item", codes: map[string]string{"DAY#": "ThrottlingError"}, wantKind: errs.Unavailable},
		{name: "an item that must not fail", codes: map[string]string{"REF#": "ConditionalCheckFailed"}, wantKind: errs.Internal},
		{name: "a validation error", codes: map[string]string{"DAY#": "ValidationError"}, wantKind: errs.Internal},
		{name: "not a cancellation: throttled call", other: &smithy.GenericAPIError{Code: "ThrottlingException", Message: "injected"},
			wantKind: errs.Unavailable},
		{name: "not a cancellation: another API error", other: &smithy.GenericAPIError{Code: "ValidationException", Message: "injected"},
			wantKind: errs.Internal},
	}
	for _, tc := range cases {
		for order, list := range orders {
			t.Run(tc.name+"/"+order, func(t *testing.T) {
				c := &cancelling{codes: tc.codes, other: tc.other}
				tr := &tx{table: "t"}
				tr.first(failClaimed, failSlotTaken, failDayFull, failOnePerDay)
				for _, it := range list {
					tr.put(plainItem{PK: "USER#a", SK: it.sk}, "attribute_not_exists(pk)", nil, it.onFail)
				}
				err := tr.run(context.Background(), c.client(), "test.Op")
				if tc.wantNil {
					if err != nil {
						t.Fatalf("err = %v, want nil", err)
					}
					return
				}
				if got := errs.KindOf(err); got != tc.wantKind {
					t.Errorf("kind = %v, want %v (err %v)", got, tc.wantKind, err)
				}
				if got := errs.ReasonOf(err); got != tc.wantReason {
					t.Errorf("reason = %q, want %q", got, tc.wantReason)
				}
				if got := errors.Is(err, errClaimed); got != tc.wantClaim {
					t.Errorf("claimed = %v, want %v", got, tc.wantClaim)
				}
				var e *errs.Error
				if errors.As(err, &e) && e.Op != "test.Op" {
					t.Errorf("op = %q, want test.Op", e.Op)
				}
				var tce *types.TransactionCanceledException
				if tc.other == nil && !errors.As(err, &tce) {
					t.Errorf("the cancellation is not kept as the cause: %v", err)
				}
			})
		}
	}
	t.Run("a template is never changed by telling it", func(t *testing.T) {
		if failSlotTaken.Op != "" || failSlotTaken.Err != nil {
			t.Errorf("failSlotTaken = %#v", failSlotTaken)
		}
	})
}

type unmarshallable struct{}

func (unmarshallable) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return nil, errors.New("cannot be marshalled")
}

// TestTxItemThatCannotBeBuilt: a marshal error is Internal and nothing is sent.
func TestTxItemThatCannotBeBuilt(t *testing.T) {
	c := &cancelling{}
	tr := &tx{table: "t"}
	tr.put(plainItem{PK: "USER#a", SK: "A"}, "", nil, nil)
	tr.put(struct{ F unmarshallable }{}, "", nil, nil)
	err := tr.run(context.Background(), c.client(), "test.Op")
	if errs.KindOf(err) != errs.Internal {
		t.Errorf("err = %v, want Internal", err)
	}
	if len(c.seen) != 0 {
		t.Errorf("%d transactions sent, want none", len(c.seen))
	}
}

// TestBookTellsFailuresByItem runs Store.Book's own transaction: the failed
// condition of each of its items, found by key, is told as its reason.
func TestBookTellsFailuresByItem(t *testing.T) {
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	b := booking.Booking{ID: "b1", Owner: "alice", SpecialistID: "spec-1", InstitutionID: "inst-1", Start: start,
		End: start.Add(20 * time.Minute), TimeZone: "Europe/Moscow", ConfirmationNumber: "KB-0000-0001", Place: 2,
		Status: booking.Confirmed, CreatedAt: start.Add(-time.Hour), UpdatedAt: start.Add(-time.Hour), Version: 1}
	slot := booking.Slot{SpecialistID: "spec-1", Start: start, End: b.End, Capacity: 1, MaxPerDay: 10}
	for _, tc := range []struct {
		prefix     string
		wantKind   errs.Kind
		wantReason errs.Reason
	}{
		{"SLOT#", errs.Conflict, booking.ReasonSlotTaken},
		{"DAY#", errs.Conflict, booking.ReasonDayFull},
		{"BOOKDAY#", errs.Conflict, booking.ReasonOnePerDay},
		{"CONF#", errs.Conflict, booking.ReasonConfirmationTaken},
		{"BOOKPLACE#", errs.Conflict, booking.ReasonPlaceTaken},
		{"BOOK#", errs.Internal, ""}, // a fresh id clashing is a bug
		{"BOOKING#", errs.Internal, ""},
	} {
		t.Run(tc.prefix, func(t *testing.T) {
			c := &cancelling{codes: map[string]string{tc.prefix: "ConditionalCheckFailed"}}
			s := &Store{DB: c.client(), Table: "t", Now: func() time.Time { return start.Add(-time.Hour) }}
			idem := &idempotency.Key{Key: "k", Hash: "h", Expires: start}
			_, replayed, err := s.Book(context.Background(), b, slot, idem)
			if errs.KindOf(err) != tc.wantKind || errs.ReasonOf(err) != tc.wantReason || replayed {
				t.Errorf("Book = replayed %v, %v; want %v (%s)", replayed, err, tc.wantKind, tc.wantReason)
			}
			if len(c.seen) != 1 || len(c.seen[0].TransactItems) != 8 {
				t.Fatalf("transactions seen: %d", len(c.seen))
			}
			matched := 0
			for _, it := range c.seen[0].TransactItems {
				if keyOf(it, Schema.SK, tc.prefix) || keyOf(it, Schema.PK, tc.prefix) {
					matched++
				}
			}
			if matched != 1 {
				t.Errorf("%d items match %s, want exactly one: the test would not say which failed", matched, tc.prefix)
			}
		})
	}
}
