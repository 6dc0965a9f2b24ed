package docstore

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/shared/domain/registry"
)

var _ registry.DocumentCounter = (*Store)(nil)

// CountActiveDocuments implements registry.DocumentCounter: owner's
// documents of subject without an archive mark, counted up to upTo.
func (s *Store) CountActiveDocuments(ctx context.Context, owner, subject string, upTo int) (int, error) {
	if subject == "" {
		return s.CountItems(ctx, "store.CountActiveDocuments", owner, docPrefix,
			"attribute_not_exists(archivedAt) AND attribute_not_exists(subject)", nil, nil, upTo)
	}
	return s.CountItems(ctx, "store.CountActiveDocuments", owner, docPrefix, "attribute_not_exists(archivedAt) AND subject = :s",
		nil, map[string]types.AttributeValue{":s": &types.AttributeValueMemberS{Value: subject}}, upTo)
}

// CountSubjectDocuments implements family.Records: every document of
// holder's (archived too) whose subject is id, counted up to upTo.
func (s *Store) CountSubjectDocuments(ctx context.Context, holder, id string, upTo int) (int, error) {
	return s.CountItems(ctx, "store.CountSubjectDocuments", holder, docPrefix, "subject = :s",
		nil, map[string]types.AttributeValue{":s": &types.AttributeValueMemberS{Value: id}}, upTo)
}
