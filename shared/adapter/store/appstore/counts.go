package appstore

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/shared/domain/applications"
)

var _ applications.OpenCounter = (*Store)(nil)

// CountOpenApplications implements applications.OpenCounter: owner's
// drafts and undecided applications for subject ("" the owner's own),
// counted up to upTo.
func (s *Store) CountOpenApplications(ctx context.Context, owner, subject string, upTo int) (int, error) {
	open := map[string]types.AttributeValue{}
	for i, st := range []applications.Status{applications.StatusDraft, applications.StatusReceived,
		applications.StatusProcessing, applications.StatusNeedsInfo} {
		open[":s"+string(rune('0'+i))] = &types.AttributeValueMemberS{Value: string(st)}
	}
	filter := "#st IN (:s0, :s1, :s2, :s3) AND attribute_not_exists(subject)"
	if subject != "" {
		filter = "#st IN (:s0, :s1, :s2, :s3) AND subject = :sub"
		open[":sub"] = &types.AttributeValueMemberS{Value: subject}
	}
	return s.CountItems(ctx, "store.CountOpenApplications", owner, appPrefix, filter, map[string]string{"#st": "status"}, open, upTo)
}
