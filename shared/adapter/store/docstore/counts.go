package docstore

import (
	"context"

	"github.com/kabinet/kabinet/shared/domain/registry"
)

var _ registry.DocumentCounter = (*Store)(nil)

// CountActiveDocuments implements registry.DocumentCounter: owner's
// documents without an archive mark, counted up to upTo.
func (s *Store) CountActiveDocuments(ctx context.Context, owner string, upTo int) (int, error) {
	return s.CountItems(ctx, "store.CountActiveDocuments", owner, docPrefix, "attribute_not_exists(archivedAt)", nil, nil, upTo)
}
