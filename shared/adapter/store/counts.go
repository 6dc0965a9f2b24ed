package store

import (
	"context"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// CountItems counts owner's items under prefix that match filter (with
// values and names), reading keys only (Select COUNT), until upTo are
// counted or the prefix is read: what a per-person cap needs, at a cost
// bounded by the cap. Errors: Unavailable, Internal.
func (s *Store) CountItems(ctx context.Context, op, owner, prefix, filter string, names map[string]string, values map[string]types.AttributeValue, upTo int) (int, error) {
	vals := map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: UserPK(owner)}, ":prefix": &types.AttributeValueMemberS{Value: prefix}}
	maps.Copy(vals, values)
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		FilterExpression:       aws.String(filter), ExpressionAttributeValues: vals, ExpressionAttributeNames: names,
		Select: types.SelectCount}
	n := 0
	for {
		out, err := s.DB.Query(ctx, in)
		if err != nil {
			return 0, Wrap(op, err)
		}
		n += int(out.Count)
		if n >= upTo || len(out.LastEvaluatedKey) == 0 {
			return n, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
