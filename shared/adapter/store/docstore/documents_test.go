package docstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// calls counts the DynamoDB operations a client makes and fails the first
// TransactWriteItems with throttling when failTx is set.
type calls struct {
	mu     sync.Mutex
	n      map[string]int
	failTx bool
}

func (c *calls) client(db *dynamodb.Client) *dynamodb.Client {
	return dynamodb.New(db.Options(), func(o *dynamodb.Options) {
		o.RetryMaxAttempts = 1
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Initialize.Add(middleware.InitializeMiddlewareFunc("kabinetCalls",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					op := fmt.Sprintf("%T", in.Parameters)
					c.mu.Lock()
					c.n[op]++
					fail := c.failTx && op == "*dynamodb.TransactWriteItemsInput"
					c.failTx = c.failTx && !fail
					c.mu.Unlock()
					if fail {
						return middleware.InitializeOutput{}, middleware.Metadata{}, &types.ProvisionedThroughputExceededException{Message: aws.String("injected")}
					}
					return next.HandleInitialize(ctx, in)
				}), middleware.After)
		})
	})
}

// TestDeleteDocumentErasesAll: a document goes with its history, its
// reminder decisions and what the hanging domains gather, the objects they
// name deleted before any record; in one transaction when it all fits, with
// batches first when it does not; a failed transaction leaves the document
// for the retry.
func TestDeleteDocumentErasesAll(t *testing.T) {
	for _, tc := range []struct {
		name          string
		edits, extras int
		objects       bool
		failTx        bool
		wantBatches   bool
	}{
		{name: "a document with its history", edits: 3},
		{name: "with records of other domains naming objects", edits: 3, extras: 5, objects: true},
		{name: "more than a transaction holds", edits: 120, extras: 5, objects: true, wantBatches: true},
		{name: "the transaction throttled", edits: 3, extras: 2, failTx: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl, table := testenv.Table(t, "docdel")
			ctx := context.Background()
			base := store.New(cl.DynamoDB, table)
			c := &calls{n: map[string]int{}}
			counted := store.New(c.client(cl.DynamoDB), table)

			// The extras stand for another domain's records of the document.
			extraKey := func(i int) map[string]types.AttributeValue {
				return store.Key(store.UserPK("alice"), fmt.Sprintf("EXTRA#doc-1#%03d", i))
			}
			for i := range tc.extras {
				if _, err := cl.DynamoDB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: extraKey(i)}); err != nil {
					t.Fatal(err)
				}
			}
			hanging := func(ctx context.Context, owner, docID string) (store.Hung, error) {
				keys := make([]map[string]types.AttributeValue, tc.extras)
				for i := range keys {
					keys[i] = extraKey(i)
				}
				return store.Hung{Items: counted.Deletes(keys), Objects: tc.objects}, nil
			}
			left := func() int {
				out, err := cl.DynamoDB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String("pk = :pk"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":pk": store.Str(store.UserPK("alice"))}, ConsistentRead: aws.Bool(true)})
				if err != nil {
					t.Fatal(err)
				}
				return int(out.Count)
			}

			ds := docstore.New(base)
			d, _, err := ds.CreateDocument(ctx, registry.Document{ID: "doc-1", Owner: "alice", Type: "custom", Title: "Пропуск", Version: 1},
				registry.Event{ID: "ev-0", DocID: "doc-1", Owner: "alice", Action: registry.ActionCreated}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.edits {
				prev := d.Version
				d.Version++
				if err := ds.UpdateDocument(ctx, d, prev, registry.Event{ID: fmt.Sprintf("ev-%03d", i+1), DocID: "doc-1", Owner: "alice", Action: registry.ActionUpdated}); err != nil {
					t.Fatal(err)
				}
			}
			before := left()

			var objectsCalled, recordsThen int
			objects := func(context.Context) error { objectsCalled++; recordsThen = left(); return nil }
			c.failTx = tc.failTx
			err = docstore.New(counted, hanging).DeleteDocument(ctx, "alice", "doc-1", objects)
			if tc.failTx {
				if !errs.Is(err, errs.Unavailable) {
					t.Fatalf("DeleteDocument with the transaction throttled: %v, want Unavailable", err)
				}
				if _, err := ds.GetDocument(ctx, "alice", "doc-1"); err != nil {
					t.Fatalf("the document after a failed erasure: %v, want it kept for the retry", err)
				}
				err = docstore.New(counted, hanging).DeleteDocument(ctx, "alice", "doc-1", objects)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := left(); got != 0 {
				t.Errorf("%d items of alice left after the erasure, want none", got)
			}
			switch {
			case tc.objects && (objectsCalled != 1 || recordsThen != before):
				t.Errorf("objects called %d times with %d of %d items still there, want once before any went", objectsCalled, recordsThen, before)
			case !tc.objects && objectsCalled != 0:
				t.Errorf("objects called %d times for records naming none", objectsCalled)
			}
			if got := c.n["*dynamodb.BatchWriteItemInput"] > 0; got != tc.wantBatches {
				t.Errorf("batch deletes made: %v, want %v (%v)", got, tc.wantBatches, c.n)
			}
			if err := docstore.New(counted, hanging).DeleteDocument(ctx, "alice", "doc-1", objects); !errs.Is(err, errs.NotFound) {
				t.Errorf("erasing it again: %v, want NotFound", err)
			}
		})
	}
}
