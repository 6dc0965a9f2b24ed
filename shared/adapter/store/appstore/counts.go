package appstore

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/shared/domain/applications"
)

var _ applications.OpenCounter = (*Store)(nil)

// CountOpenApplications implements applications.OpenCounter: owner's
// drafts and undecided applications, counted up to upTo.
func (s *Store) CountOpenApplications(ctx context.Context, owner string, upTo int) (int, error) {
	open := map[string]types.AttributeValue{}
	for i, st := range []applications.Status{applications.StatusDraft, applications.StatusReceived,
		applications.StatusProcessing, applications.StatusNeedsInfo} {
		open[":s"+string(rune('0'+i))] = &types.AttributeValueMemberS{Value: string(st)}
	}
	return s.CountItems(ctx, "store.CountOpenApplications", owner, appPrefix, "#st IN (:s0, :s1, :s2, :s3)",
		map[string]string{"#st": "status"}, open, upTo)
}
