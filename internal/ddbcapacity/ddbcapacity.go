// Package ddbcapacity asks DynamoDB calls for the capacity they consume
// and reads it from their answers: what cmd/bench's request cost and the
// round trips' table (shared/adapter/httpapi's TestRoundTrips) report.
package ddbcapacity

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Ask makes the call whose input params is ask for its consumed capacity
// (ReturnConsumedCapacity TOTAL); other inputs are left alone.
func Ask(params any) {
	t := types.ReturnConsumedCapacityTotal
	switch in := params.(type) {
	case *dynamodb.GetItemInput:
		in.ReturnConsumedCapacity = t
	case *dynamodb.QueryInput:
		in.ReturnConsumedCapacity = t
	case *dynamodb.ScanInput:
		in.ReturnConsumedCapacity = t
	case *dynamodb.PutItemInput:
		in.ReturnConsumedCapacity = t
	case *dynamodb.UpdateItemInput:
		in.ReturnConsumedCapacity = t
	case *dynamodb.DeleteItemInput:
		in.ReturnConsumedCapacity = t
	case *dynamodb.BatchGetItemInput:
		in.ReturnConsumedCapacity = t
	case *dynamodb.BatchWriteItemInput:
		in.ReturnConsumedCapacity = t
	case *dynamodb.TransactWriteItemsInput:
		in.ReturnConsumedCapacity = t
	case *dynamodb.TransactGetItemsInput:
		in.ReturnConsumedCapacity = t
	}
}

// Sum adds up the capacity units of cs, in all and for reads and writes;
// total is -1 when none of them carries any.
func Sum(cs ...*types.ConsumedCapacity) (total, read, write float64) {
	if len(cs) == 0 {
		return -1, 0, 0
	}
	seen := false
	for _, c := range cs {
		if c == nil || c.CapacityUnits == nil {
			continue
		}
		seen = true
		total += *c.CapacityUnits
		if c.ReadCapacityUnits != nil {
			read += *c.ReadCapacityUnits
		}
		if c.WriteCapacityUnits != nil {
			write += *c.WriteCapacityUnits
		}
	}
	if !seen {
		return -1, 0, 0
	}
	return total, read, write
}

// Of is the capacity a call, params answered by result, consumed: what the
// answer reports (see Sum), -1 when it is not a DynamoDB answer that
// carries one. DynamoDB answers only a total for most calls: it counts as
// reads or writes by the operation. A TransactWriteItems counts at least
// TransactUnits of its items: DynamoDB Local reports the units of the
// transaction's total size, not of each item, so a transaction of many
// small items would seem to cost what one costs.
func Of(params, result any) (total, read, write float64) {
	total, read, write = reported(result)
	if in, ok := params.(*dynamodb.TransactWriteItemsInput); ok && total >= 0 {
		if u := TransactUnits(in); u > write {
			total, write = total-write+u, u
		}
	}
	return total, read, write
}

// TransactUnits is what DynamoDB bills a TransactWriteItems at the least:
// two write units an item and KB (a Put's item as sent; an Update, Delete
// or ConditionCheck one KB, the stored item's size unknown here).
func TransactUnits(in *dynamodb.TransactWriteItemsInput) float64 {
	units := 0.0
	for _, it := range in.TransactItems {
		kb := 1
		if it.Put != nil {
			kb = max(1, (ItemSize(it.Put.Item)+1023)/1024)
		}
		units += float64(2 * kb)
	}
	return units
}

// reported is the capacity result reports (see Of).
func reported(result any) (total, read, write float64) {
	var cs []*types.ConsumedCapacity
	reads := false
	switch o := result.(type) {
	case *dynamodb.GetItemOutput:
		cs, reads = one(o.ConsumedCapacity), true
	case *dynamodb.QueryOutput:
		cs, reads = one(o.ConsumedCapacity), true
	case *dynamodb.ScanOutput:
		cs, reads = one(o.ConsumedCapacity), true
	case *dynamodb.PutItemOutput:
		cs = one(o.ConsumedCapacity)
	case *dynamodb.UpdateItemOutput:
		cs = one(o.ConsumedCapacity)
	case *dynamodb.DeleteItemOutput:
		cs = one(o.ConsumedCapacity)
	case *dynamodb.BatchGetItemOutput:
		cs, reads = ptrs(o.ConsumedCapacity), true
	case *dynamodb.BatchWriteItemOutput:
		cs = ptrs(o.ConsumedCapacity)
	case *dynamodb.TransactWriteItemsOutput:
		cs = ptrs(o.ConsumedCapacity)
	case *dynamodb.TransactGetItemsOutput:
		cs, reads = ptrs(o.ConsumedCapacity), true
	default:
		return -1, 0, 0
	}
	total, read, write = Sum(cs...)
	if total > 0 && read == 0 && write == 0 {
		if reads {
			read = total
		} else {
			write = total
		}
	}
	return total, read, write
}

func one(c *types.ConsumedCapacity) []*types.ConsumedCapacity { return []*types.ConsumedCapacity{c} }

func ptrs(cs []types.ConsumedCapacity) []*types.ConsumedCapacity {
	out := make([]*types.ConsumedCapacity, len(cs))
	for i := range cs {
		out[i] = &cs[i]
	}
	return out
}

// ItemSize approximates DynamoDB's item size: attribute names plus values.
func ItemSize(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + avSize(v)
	}
	return n
}

func avSize(v types.AttributeValue) int {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return len(x.Value)
	case *types.AttributeValueMemberN:
		return len(x.Value)/2 + 1
	case *types.AttributeValueMemberB:
		return len(x.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range x.Value {
			n += 1 + avSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range x.Value {
			n += 1 + len(k) + avSize(e)
		}
		return n
	case *types.AttributeValueMemberSS:
		n := 0
		for _, e := range x.Value {
			n += len(e)
		}
		return n
	}
	return 0
}
