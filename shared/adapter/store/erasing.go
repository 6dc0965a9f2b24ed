package store

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A person's erasure record lives outside their partition, under
// ERASURE#<sub> / STATE (store/erasestore writes it): it outlives the
// erasure, so an account erased once refuses changes for good, and it is the
// one item every API change checks.
const (
	erasurePrefix = "ERASURE#"
	erasureSK     = "STATE"
)

// ErasureKey is the key of sub's erasure record.
func ErasureKey(sub string) map[string]types.AttributeValue {
	return Key(erasurePrefix+sub, erasureSK)
}

// erasureGuard is the condition every API change's transaction carries
// beside its audit entry: the actor has no erasure record, so nothing is
// written for an account being erased (or erased) however stale its token.
// It costs no round trip: it rides the change's own TransactWriteItems. ok
// is false when the transaction writes the record itself (the request that
// starts the erasure: one item may appear once in a transaction, and that
// Put carries its own condition) or names no actor.
func erasureGuard(table, actor string, items []types.TransactWriteItem) (types.TransactWriteItem, bool) {
	if actor == "" {
		return types.TransactWriteItem{}, false
	}
	pk := erasurePrefix + actor
	for _, it := range items {
		if keyPK(it) == pk {
			return types.TransactWriteItem{}, false
		}
	}
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: aws.String(table), Key: ErasureKey(actor),
		ConditionExpression: aws.String("attribute_not_exists(pk)")}}, true
}

// keyPK is the partition key an item of a transaction writes or checks.
func keyPK(it types.TransactWriteItem) string {
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
	if s, ok := k[Schema.PK].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}
