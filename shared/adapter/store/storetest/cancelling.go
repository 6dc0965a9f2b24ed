// Package storetest helps the store's tests inject what DynamoDB Local
// cannot produce: a transaction cancelled for a conflict or throttling, or
// on the items a test names. Only tests import it.
package storetest

import (
	"context"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// Cancelling is a DynamoDB client whose TransactWriteItems never leaves the
// process: an SDK middleware answers it with a TransactionCanceledException
// whose reasons it gives by item, found by the item's sort key (or
// partition key) prefix, whatever the item's position. It records the
// transactions it saw (also those sent at once; read Seen after them).
// DynamoDB Local cancels only on failed conditions; conflicts and
// throttling have to be injected.
type Cancelling struct {
	Codes map[string]string // key prefix → cancellation code for the item with that key
	Other error             // returned instead, when set
	Seen  []*dynamodb.TransactWriteItemsInput
	mu    sync.Mutex // Seen, for transactions sent at once
}

// Client is the client answering as c says.
func (c *Cancelling) Client() *dynamodb.Client {
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
					c.mu.Lock()
					c.Seen = append(c.Seen, tw)
					c.mu.Unlock()
					if c.Other != nil {
						return middleware.InitializeOutput{}, middleware.Metadata{}, c.Other
					}
					reasons := make([]types.CancellationReason, len(tw.TransactItems))
					cancelled := false
					for i, it := range tw.TransactItems {
						reasons[i].Code = aws.String("None")
						for prefix, code := range c.Codes {
							if KeyOf(it, "sk", prefix) || KeyOf(it, "pk", prefix) {
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

// KeyOf reports whether the item's attribute name (pk or sk) starts with prefix.
func KeyOf(it types.TransactWriteItem, name, prefix string) bool {
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
