package store

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/dailycap"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// A person's daily counter: USER#<sub> CAP#<name>#<date>, n counted so
// far, removed by TTL two days after its day.
const (
	capPrefix = "CAP#"
	kindCap   = "daily_cap"
)

// FailDailyLimit: a change's daily count (CapCount) is at its limit.
var FailDailyLimit = errs.E("", errs.Conflict, dailycap.ReasonDailyLimit)

// CapCount is the transaction item that counts c in the change's own
// transaction: one conditional ADD (fails, as FailDailyLimit, once c.Limit
// are counted), so concurrent changes never count past the cap and a
// change that is not written counts nothing.
func (s *Store) CapCount(c dailycap.Count) types.TransactWriteItem {
	expires := time.Date(c.Day.Year, c.Day.Month, c.Day.Day, 0, 0, 0, 0, time.UTC).Add(72 * time.Hour)
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table),
		Key:                 Key(UserPK(c.Owner), capPrefix+c.Name+"#"+c.Day.String()),
		UpdateExpression:    aws.String("ADD n :one SET kind = :kind, expiresAt = :exp"),
		ConditionExpression: aws.String("attribute_not_exists(n) OR n < :limit"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": Num(1), ":kind": Str(kindCap),
			":exp": &types.AttributeValueMemberN{Value: strconv.FormatInt(expires.Unix(), 10)}, ":limit": Num(int64(c.Limit))}}}
}
