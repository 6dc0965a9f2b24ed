package store

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/parallel"
)

// Hanging gathers what one domain keeps of owner's document docID in the
// owner's partition (its file records, its shares and their reads), for
// erasing it with the document: each item a Delete, or an Update giving
// back what the records held (the files' quota). The document's store is
// built with the gatherers of the domains its function keeps
// (docstore.New), so a document and everything hanging off it go in one
// transaction, gathered all at once.
type Hanging func(ctx context.Context, owner, docID string) (Hung, error)

// Hung is what a Hanging found of one document.
type Hung struct {
	Items []types.TransactWriteItem
	// Objects reports that the records name stored objects (a file's
	// bytes): those go before any record, so none is left unnamed.
	Objects bool
}

// TxRoom is how many items of its own a transaction run by Tx can hold:
// Run adds the request's audit entry and the erasure guard.
const TxRoom = maxTxItems - 2

// PrefixKeys is the key of every item of owner whose sort key begins with
// prefix, read consistently. Errors: Unavailable, Internal.
func (s *Store) PrefixKeys(ctx context.Context, owner, prefix string) ([]map[string]types.AttributeValue, error) {
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":     &types.AttributeValueMemberS{Value: UserPK(owner)},
			":prefix": &types.AttributeValueMemberS{Value: prefix},
		},
		ProjectionExpression: aws.String("pk, sk"),
		ConsistentRead:       aws.Bool(true),
	})
	var keys []map[string]types.AttributeValue
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, Wrap("store.PrefixKeys", err)
		}
		keys = append(keys, page.Items...)
	}
	return keys, nil
}

// Deletes are plain deletes of keys, for a Hanging or a transaction.
func (s *Store) Deletes(keys []map[string]types.AttributeValue) []types.TransactWriteItem {
	out := make([]types.TransactWriteItem, len(keys))
	for i, k := range keys {
		out[i] = types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: k}}
	}
	return out
}

// Overflow splits items so that the transaction keeps at most room of
// them: the plain deletes (no condition) beyond it come back as batch
// deletes, to be made before the transaction (BatchDelete). Updates and
// conditioned items always stay: they must happen once, with the rest.
func Overflow(items []types.TransactWriteItem, room int) (tx []types.TransactWriteItem, batch []map[string]types.AttributeValue) {
	over := len(items) - room
	for _, it := range items {
		if over > 0 && it.Delete != nil && it.Delete.ConditionExpression == nil {
			batch = append(batch, it.Delete.Key)
			over--
			continue
		}
		tx = append(tx, it)
	}
	return tx, batch
}

// BatchDelete deletes keys, 25 to a BatchWriteItem, up to parallel.Fanout
// batches at once.
// Errors: Unavailable, Internal.
func (s *Store) BatchDelete(ctx context.Context, keys []map[string]types.AttributeValue) error {
	var calls []func() error
	for chunk := range slices.Chunk(keys, 25) {
		calls = append(calls, func() error {
			reqs := make([]types.WriteRequest, len(chunk))
			for i, k := range chunk {
				reqs[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}
			}
			return s.BatchWrite(ctx, reqs)
		})
	}
	return parallel.Limit(parallel.Fanout, calls...)
}
