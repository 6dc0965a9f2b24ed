package applications

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/domain/applications/renewal"
	"github.com/kabinet/kabinet/shared/domain/audit"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/parallel"
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
//
// Everything is read at once: the document, and what its draft reads (the
// profile, the open applications, the holder's documents for the prefill:
// the draft is the holder's whatever service the document's type names,
// so its reads need not wait for the document), with the key's claim.
// Then the draft and the link are written at once: the link in one write
// against the document as read, outside the request's audit entry (which
// goes with the draft). A link without its draft (the draft's write
// failed) is taken back; a draft without its link (the document changed
// meanwhile: concurrent copies of the request, whose first link alone
// lands) is linked on a fresh read, as a retry with the key is.
func (s *Service) Renew(ctx context.Context, owner, docID string, idem *idempotency.Key) (Application, bool, error) {
	const op = "applications.Renew"
	var (
		d         registry.View
		r         draftReads
		prev      Application
		replay    bool
		replayErr error
	)
	r.docs = s.applicantDocuments(ctx, owner, registry.SubjectSelf)
	reads := []func() error{func() (err error) { d, err = s.Documents.GetDocument(ctx, owner, docID); return err }}
	// The holder's draft: no subject, so no service is asked about one.
	reads = append(reads, r.reads(ctx, s, op, owner, ServiceInfo{}, "")...)
	reads = append(reads, func() error { _, _ = r.docs(); return nil }) // its error is told if the prefill needs them
	if idem != nil {
		reads = append(reads, func() error { prev, replay, replayErr = s.Store.ReplayApplication(ctx, owner, idem); return nil })
	}
	if err := parallel.Do(reads...); err != nil {
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
	switch {
	case replayErr != nil:
		return Application{}, false, replayErr
	case replay: // the first request made the draft: complete its link
		return prev, true, s.link(ctx, owner, d.ID, prev.ID)
	}
	in := Input{ServiceCode: code, documentID: d.ID}
	svc, err := lookupService(op, code)
	if err != nil {
		return Application{}, false, err
	}
	if name, ok := renewalNumberFields[d.Type]; ok && d.Number != "" {
		if f, ok := svc.Field(name); ok {
			if n, bad := f.check(d.Number, civil.Today(s.Now(), time.UTC)); bad == "" {
				in.Fields = map[string]string{name: n}
			}
		}
	}
	a, err := s.decideDraft(ctx, op, owner, svc, in, &r)
	if err != nil {
		return Application{}, false, err
	}
	var (
		stored   Application
		replayed bool
		linkErr  error
	)
	err = parallel.Do(
		func() (err error) { stored, replayed, err = s.Store.CreateApplication(ctx, a, idem); return err },
		func() error {
			if s.Renewals != nil { // outside the request's audit entry, which goes with the draft
				linkErr = s.Renewals.LinkRenewalAsRead(audit.With(ctx, nil), d, a.ID)
			}
			return nil
		},
	)
	switch {
	case err != nil:
		if linkErr == nil && s.Renewals != nil { // no link without its draft; what fails here, the next renewal mends
			_ = s.Renewals.UnlinkRenewal(audit.With(ctx, nil), owner, d.ID, a.ID)
		}
		return Application{}, false, err
	case stored.ID != a.ID || linkErr != nil: // a copy of this request made the draft, or the document changed
		return stored, replayed, s.link(ctx, owner, d.ID, stored.ID)
	}
	return stored, replayed, nil
}

// link links application appID on owner's document docID, read afresh.
func (s *Service) link(ctx context.Context, owner, docID, appID string) error {
	if s.Renewals == nil {
		return nil
	}
	return s.Renewals.LinkRenewal(ctx, owner, docID, appID)
}
