package storetest

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// FrozenIndex makes a client's index Queries lag the table as a global
// secondary index of DynamoDB may (DynamoDB Local's never do): once Freeze
// is called, a Query of an index is answered with what the last Query of
// the same index and partition answered before, whatever was written
// since; a partition not queried before is queried as usual. Add
// Middleware to a client's APIOptions.
type FrozenIndex struct {
	mu     sync.Mutex
	frozen bool
	last   map[string]*dynamodb.QueryOutput // by index and partition value
}

// Freeze stops the indexes where they are.
func (f *FrozenIndex) Freeze() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.frozen = true
}

// Middleware answers or records an index Query, as Freeze says.
func (f *FrozenIndex) Middleware(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("kabinetFrozenIndex",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			q, ok := in.Parameters.(*dynamodb.QueryInput)
			if !ok || q.IndexName == nil {
				return next.HandleInitialize(ctx, in)
			}
			key := aws.ToString(q.IndexName)
			if pk, ok := q.ExpressionAttributeValues[":pk"].(*types.AttributeValueMemberS); ok {
				key += "\x00" + pk.Value
			}
			f.mu.Lock()
			was, frozen := f.last[key], f.frozen
			f.mu.Unlock()
			if frozen && was != nil {
				return middleware.InitializeOutput{Result: was}, middleware.Metadata{}, nil
			}
			out, md, err := next.HandleInitialize(ctx, in)
			if got, ok := out.Result.(*dynamodb.QueryOutput); ok && err == nil {
				f.mu.Lock()
				if f.last == nil {
					f.last = map[string]*dynamodb.QueryOutput{}
				}
				f.last[key] = got
				f.mu.Unlock()
			}
			return out, md, err
		}), middleware.Before)
}
