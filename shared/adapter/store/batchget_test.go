package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// batchAnswering is a DynamoDB client whose BatchGetItem never leaves the
// process: each call answers every key it asks for as an item, except that
// the first `unprocessed` keys of a call come back unprocessed, for the
// first `rounds` calls that ask for them (DynamoDB does this under load;
// DynamoDB Local never does).
func batchAnswering(unprocessed, rounds int, calls *int) *dynamodb.Client {
	var mu sync.Mutex
	seen := map[string]int{}
	return dynamodb.New(dynamodb.Options{
		Region: "eu-central-1", BaseEndpoint: aws.String("http://127.0.0.1:1"), Credentials: aws.AnonymousCredentials{},
		APIOptions: []func(*middleware.Stack) error{func(st *middleware.Stack) error {
			return st.Initialize.Add(middleware.InitializeMiddlewareFunc("kabinetBatch",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					bg := in.Parameters.(*dynamodb.BatchGetItemInput)
					mu.Lock()
					defer mu.Unlock()
					*calls++
					out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{}}
					for table, ka := range bg.RequestItems {
						if ka.ConsistentRead == nil || !*ka.ConsistentRead {
							return middleware.InitializeOutput{}, middleware.Metadata{}, fmt.Errorf("an eventually consistent read")
						}
						var left []map[string]types.AttributeValue
						for i, k := range ka.Keys {
							id := store.KeyString(k)
							if i < unprocessed && seen[id] < rounds {
								seen[id]++
								left = append(left, k)
								continue
							}
							out.Responses[table] = append(out.Responses[table], map[string]types.AttributeValue{"pk": k["pk"], "sk": k["sk"], "n": store.Num(int64(i))})
						}
						if len(left) > 0 {
							out.UnprocessedKeys = map[string]types.KeysAndAttributes{table: {Keys: left, ConsistentRead: aws.Bool(true)}}
						}
					}
					return middleware.InitializeOutput{Result: out}, middleware.Metadata{}, nil
				}), middleware.Before)
		}},
	})
}

// TestBatchGet: every key is read, 100 a call, what DynamoDB leaves
// unprocessed asked for again; left unprocessed round after round, the read
// is Unavailable.
func TestBatchGet(t *testing.T) {
	keys := make([]map[string]types.AttributeValue, 150)
	for i := range keys {
		keys[i] = store.Key(fmt.Sprintf("USER#u%d", i), "PROFILE")
	}
	for _, tc := range []struct {
		name                string
		unprocessed, rounds int
		calls               int
		kind                errs.Kind // 0: every key found
	}{
		{"all at once", 0, 0, 2, 0},
		{"some unprocessed once", 3, 1, 4, 0},
		{"unprocessed every round", 1, 100, 10, errs.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			s := store.New(batchAnswering(tc.unprocessed, tc.rounds, &calls), "t")
			got, err := s.BatchGet(context.Background(), "test", keys)
			switch {
			case tc.kind != 0:
				if !errs.Is(err, tc.kind) {
					t.Errorf("BatchGet = %v, want %v", err, tc.kind)
				}
			case err != nil:
				t.Fatal(err)
			case len(got) != len(keys):
				t.Errorf("%d items, want %d", len(got), len(keys))
			default:
				for _, k := range keys {
					if _, ok := got[store.KeyString(k)]; !ok {
						t.Errorf("%s not found", store.KeyString(k))
					}
				}
			}
			if calls != tc.calls {
				t.Errorf("%d BatchGetItem calls, want %d", calls, tc.calls)
			}
		})
	}
}
