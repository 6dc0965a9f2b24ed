package applications

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/domain/applications/renewal"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// renewalNumberFields names the field of each renewal service that holds
// the number of the document being renewed, prefilled from it.
var renewalNumberFields = map[registry.DocType]string{
	registry.InternalPassport: "internalPassport",
	registry.ForeignPassport:  "previousPassport",
	registry.DriversLicence:   "licenceNumber",
}

// Renew starts the renewal of one of owner's documents: a draft of the
// matching service, prefilled as any draft and with the old document's
// number, linked to the document both ways (the document's history records
// it). A document has one open renewal: while the application it links is
// not final, Renew returns that one (existing=true) instead of a second.
// With an Idempotency-Key a retry returns the same draft and completes the
// link. Errors: NotFound, Conflict (not_renewable), Unavailable, Internal.
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
	if d.RenewalApplication != "" {
		open, err := s.Store.GetApplication(ctx, owner, d.RenewalApplication)
		switch {
		case err == nil && !open.Status.Final():
			return open, true, nil
		case err != nil && !errs.Is(err, errs.NotFound): // NotFound: deleted, start anew
			return Application{}, false, err
		}
	}
	in := Input{ServiceCode: code, documentID: d.ID}
	if name, ok := renewalNumberFields[d.Type]; ok && d.Number != "" {
		svc, _ := Lookup(code)
		if f, ok := svc.Field(name); ok {
			if n, bad := f.check(d.Number, civil.Today(s.Now(), time.UTC)); bad == "" {
				in.Fields = map[string]string{name: n}
			}
		}
	}
	a, replayed, err := s.Create(ctx, owner, in, idem)
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
