package applications

import (
	"context"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// RenewalServices says which service renews a document of each type.
var RenewalServices = map[registry.DocType]string{
	registry.InternalPassport:   "passport_replacement",
	registry.ForeignPassport:    "foreign_passport",
	registry.DriversLicence:     "drivers_licence_exchange",
	registry.MedicalCertificate: "medical_certificate",
}

// RenewalService names the service that renews a document of type t, ""
// when none does. Composition hands it to the registry (registry.Service's
// Renewal), which shows it in the type catalogue without importing this
// package. Anyone may call it.
func RenewalService(t registry.DocType) string { return RenewalServices[t] }

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
	code, ok := RenewalServices[d.Type]
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
