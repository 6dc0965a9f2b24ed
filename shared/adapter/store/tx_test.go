package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/kabinet/kabinet/shared/adapter/store/storetest"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// The booking's failures, as bookingstore declares them: the builder is
// tested on a transaction shaped like a booking's.
var (
	failSlotTaken = errs.E("", errs.Conflict, booking.ReasonSlotTaken)
	failDayFull   = errs.E("", errs.Conflict, booking.ReasonDayFull)
	failOnePerDay = errs.E("", errs.Conflict, booking.ReasonOnePerDay)
)

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
// Unavailable (a conflict with reason contended: another transaction on
// the same items, worth a fresh look at once); any other cancellation, or the failed condition of an item
// that must not fail, is Internal.
func TestTxTellsFailuresByItem(t *testing.T) {
	items := []namedItem{{"SLOT#1", failSlotTaken}, {"DAY#1", failDayFull}, {"BOOKDAY#1", failOnePerDay},
		{"IDEM#1", FailClaimed}, {"REF#1", nil}}
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
		{name: "transaction conflict: contended, to look again", codes: map[string]string{"SLOT#": "TransactionConflict"},
			wantKind: errs.Unavailable, wantReason: errs.ReasonContended},
		{name: "a conflict and throttling: contended", codes: map[string]string{"SLOT#": "TransactionConflict", "DAY#": "ThrottlingError"},
			wantKind: errs.Unavailable, wantReason: errs.ReasonContended},
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
				c := &storetest.Cancelling{Codes: tc.codes, Other: tc.other}
				tr := &Tx{table: "t"}
				tr.First(FailClaimed, failSlotTaken, failDayFull, failOnePerDay)
				for _, it := range list {
					tr.Put(plainItem{PK: "USER#a", SK: it.sk}, "attribute_not_exists(pk)", nil, it.onFail)
				}
				err := tr.Run(context.Background(), c.Client(), "test.Op")
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
				if got := errors.Is(err, ErrClaimed); got != tc.wantClaim {
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
	c := &storetest.Cancelling{}
	tr := &Tx{table: "t"}
	tr.Put(plainItem{PK: "USER#a", SK: "A"}, "", nil, nil)
	tr.Put(struct{ F unmarshallable }{}, "", nil, nil)
	err := tr.Run(context.Background(), c.Client(), "test.Op")
	if errs.KindOf(err) != errs.Internal {
		t.Errorf("err = %v, want Internal", err)
	}
	if len(c.Seen) != 0 {
		t.Errorf("%d transactions sent, want none", len(c.Seen))
	}
}
