package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/storetest"
	"github.com/kabinet/kabinet/shared/domain/audit"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

type eachItem struct {
	PK  string `dynamodbav:"pk"`
	SK  string `dynamodbav:"sk"`
	Val string `dynamodbav:"val"`
}

// eachPuts is n conditional puts of ITEM#000..., valued val.
func eachPuts(t *testing.T, table string, n int, val string) []types.TransactWriteItem {
	t.Helper()
	out := make([]types.TransactWriteItem, n)
	for i := range out {
		av, err := attributevalue.MarshalMap(eachItem{PK: "SPEC#each", SK: fmt.Sprintf("ITEM#%03d", i), Val: val})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: av,
			ConditionExpression: aws.String("attribute_not_exists(pk)")}}
	}
	return out
}

// TestEachLeavesOutWhatChanged: on DynamoDB Local, 250 conditional puts go
// in three transactions; the items that exist already fail their condition
// and are left out of a second try of their transaction, untouched, and
// not counted; an empty list writes nothing.
func TestEachLeavesOutWhatChanged(t *testing.T) {
	s, ctx := newDirStore(t)
	var mu sync.Mutex
	calls := 0 // TransactWriteItems
	s.DB = dynamodb.New(s.DB.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Initialize.Add(middleware.InitializeMiddlewareFunc("kabinetCount",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					if _, ok := in.Parameters.(*dynamodb.TransactWriteItemsInput); ok {
						mu.Lock()
						calls++
						mu.Unlock()
					}
					return next.HandleInitialize(ctx, in)
				}), middleware.After)
		})
	})
	all := eachPuts(t, s.Table, 250, "new")
	old := eachPuts(t, s.Table, 250, "old")
	for _, i := range []int{0, 7, 99, 100, 180, 230} { // in the first, second and third transaction
		if _, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: old[i].Put.Item}); err != nil {
			t.Fatal(err)
		}
	}
	calls = 0
	n, err := s.Each(ctx, "test.Each", all)
	if err != nil {
		t.Fatalf("Each: %v", err)
	}
	if got, want := n, 244; got != want {
		t.Errorf("written = %d, want %d", got, want)
	}
	if got, want := calls, 6; got != want { // three, each tried again without what existed
		t.Errorf("transactions = %d, want %d", got, want)
	}
	for i, want := range map[int]string{0: "old", 7: "old", 99: "old", 100: "old", 180: "old", 230: "old", 1: "new", 150: "new", 249: "new"} {
		var it eachItem
		if err := s.Get(ctx, "test.Get", "SPEC#each", fmt.Sprintf("ITEM#%03d", i), &it); err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		if it.Val != want {
			t.Errorf("item %d = %q, want %q", i, it.Val, want)
		}
	}
	calls = 0
	if n, err := s.Each(ctx, "test.Each", nil); n != 0 || err != nil || calls != 0 {
		t.Errorf("nothing: written %d, err %v, %d calls", n, err, calls)
	}
}

// TestEachFaults: a transaction another one keeps cancelling is tried
// three times, then Unavailable (contended), while the other transactions
// are written and counted; throttling is not tried again here (the SDK
// retries it); no transaction carries the request's audit entry, which
// the change's own write carries.
func TestEachFaults(t *testing.T) {
	for _, tc := range []struct {
		name      string
		code      string
		wantTries int
	}{
		{"a conflict, again and again", "TransactionConflict", 3},
		{"throttled", "ThrottlingError", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &storetest.Cancelling{Codes: map[string]string{"ITEM#150": tc.code}}
			s := store.New(c.Client(), "t")
			ctx := audit.With(context.Background(), s.OpenAudit(audit.Entry{Actor: "staff@inst", Route: "PUT /x", Path: "/x", RequestID: "req-1"}))
			n, err := s.Each(ctx, "test.Each", eachPuts(t, "t", 250, "new"))
			if got, want := n, 150; got != want { // the first and third transactions
				t.Errorf("written = %d, want %d", got, want)
			}
			if errs.KindOf(err) != errs.Unavailable {
				t.Errorf("err = %v, want Unavailable", err)
			}
			tries := 0
			for _, tw := range c.Seen {
				for _, it := range tw.TransactItems {
					if storetest.KeyOf(it, "sk", "ITEM#150") {
						tries++
					}
					if storetest.KeyOf(it, "pk", "AUDIT#") {
						t.Errorf("a transaction carries the audit entry")
					}
				}
			}
			if tries != tc.wantTries {
				t.Errorf("the contended transaction tried %d times, want %d", tries, tc.wantTries)
			}
			if got := len(c.Seen); got != 2+tc.wantTries {
				t.Errorf("transactions = %d, want %d", got, 2+tc.wantTries)
			}
			if !strings.Contains(fmt.Sprint(err), "test.Each") {
				t.Errorf("err %v does not name the operation", err)
			}
		})
	}
}
