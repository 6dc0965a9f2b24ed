package applications

import (
	"context"

	"github.com/kabinet/kabinet/shared/domain/applications/renewal"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

// Renew starts the renewal of one of owner's documents: a draft of the
// matching service, prefilled as any draft, linked to the document both
// ways (the document's history records it). With an Idempotency-Key a retry
// returns the same draft and completes the link.
// Errors: NotFound, Conflict (not_renewable), Unavailable, Internal.
func (s *Service) Renew(ctx context.Context, owner, docID string, idem *idempotency.Key) (Application, bool, error) {
	const op = "applications.Renew"
	d, err := s.Documents.GetDocument(ctx, owner, docID)
	if err != nil {
		return Application{}, false, err
	}
	code, ok := renewal.Services[d.Type]
	if !ok || d.ArchivedAt != nil {
		return Application{}, false, errs.E(op, errs.Conflict, ReasonNotRenewable)
	}
	a, replayed, err := s.Create(ctx, owner, Input{ServiceCode: code, documentID: d.ID}, idem)
	if err != nil {
		return Application{}, false, err
	}
	if s.Renewals != nil {
		if err := s.Renewals.LinkRenewal(ctx, owner, d.ID, a.ID); err != nil {
			return Application{}, false, err
		}
	}
	return a, replayed, nil
}
