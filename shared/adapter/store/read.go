package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// get reads one item strongly; missing is NotFound.
func (s *Store) get(ctx context.Context, op, pk, sk string, out any) error {
	res, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return wrap(op, err)
	}
	if res.Item == nil {
		return errs.E(op, errs.NotFound, nil)
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return errs.E(op, errs.Internal, err)
	}
	return nil
}
