package store

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/dailycap"
)

// A person's daily counter: USER#<sub> CAP#<name>#<date>, n counted so
// far, removed by TTL two days after its day.
const (
	capPrefix = "CAP#"
	kindCap   = "daily_cap"
)

var _ dailycap.Counter = (*Store)(nil)

// Take implements dailycap.Counter: one conditional ADD, so concurrent
// requests never count past the cap.
func (s *Store) Take(ctx context.Context, owner, name string, day civil.Date, limit int) error {
	const op = "store.TakeDailyCap"
	expires := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, time.UTC).Add(72 * time.Hour)
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table),
		Key:                 Key(UserPK(owner), capPrefix+name+"#"+day.String()),
		UpdateExpression:    aws.String("ADD n :one SET kind = :kind, expiresAt = :exp"),
		ConditionExpression: aws.String("attribute_not_exists(n) OR n < :limit"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": Num(1), ":kind": Str(kindCap),
			":exp": &types.AttributeValueMemberN{Value: strconv.FormatInt(expires.Unix(), 10)}, ":limit": Num(int64(limit))}})
	if ConditionFailed(err) {
		return dailycap.ErrLimit(op)
	}
	return Wrap(op, err)
}
