package ddbcapacity

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// tx is a TransactWriteItems of puts of the given sizes (bytes of one
// attribute's value) and n updates.
func tx(puts []int, updates int) *dynamodb.TransactWriteItemsInput {
	in := &dynamodb.TransactWriteItemsInput{}
	for _, size := range puts {
		in.TransactItems = append(in.TransactItems, types.TransactWriteItem{Put: &types.Put{Item: map[string]types.AttributeValue{"v": str(strings.Repeat("x", size))}}})
	}
	for range updates {
		in.TransactItems = append(in.TransactItems, types.TransactWriteItem{Update: &types.Update{Key: map[string]types.AttributeValue{"pk": str("a")}}})
	}
	return in
}

func TestOf(t *testing.T) {
	reporting := func(units float64) *dynamodb.TransactWriteItemsOutput {
		return &dynamodb.TransactWriteItemsOutput{ConsumedCapacity: []types.ConsumedCapacity{{CapacityUnits: aws.Float64(units), WriteCapacityUnits: aws.Float64(units)}}}
	}
	for _, tc := range []struct {
		name               string
		params, result     any
		total, read, write float64
	}{
		{"ten small items reported as the transaction's 4: 2 units each", tx(nil, 10), reporting(4), 20, 0, 20},
		{"a 3 KB put and an update: 6 + 2", tx([]int{3000}, 1), reporting(4), 8, 0, 8},
		{"reported above the items' least: as reported", tx([]int{10}, 1), reporting(24), 24, 0, 24},
		{"a transaction reporting nothing: none", tx(nil, 3), &dynamodb.TransactWriteItemsOutput{}, -1, 0, 0},
		{"a read: as reported, a read", &dynamodb.GetItemInput{}, &dynamodb.GetItemOutput{ConsumedCapacity: &types.ConsumedCapacity{CapacityUnits: aws.Float64(0.5)}}, 0.5, 0.5, 0},
		{"not DynamoDB's", nil, struct{}{}, -1, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			total, read, write := Of(tc.params, tc.result)
			if total != tc.total || read != tc.read || write != tc.write {
				t.Errorf("Of = %v (%v, %v), want %v (%v, %v)", total, read, write, tc.total, tc.read, tc.write)
			}
		})
	}
}
