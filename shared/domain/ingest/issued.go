package ingest

import (
	"context"
	"errors"
	"slices"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/issuers"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

type documentDetail struct {
	Type      string            `json:"type"`
	Number    string            `json:"number"`
	IssuedOn  string            `json:"issuedOn"`
	ExpiresOn opt.Value[string] `json:"expiresOn"`
	Title     string            `json:"title"`
	// Variant is the kind of the document where its type has several
	// (a foreign passport: "biometric_10y" or "standard_5y").
	Variant string `json:"variant"`
}

type issuedDetail struct {
	CitizenID      string          `json:"citizenId"`
	Agency         string          `json:"agency"`
	Document       *documentDetail `json:"document"`
	ReplacesNumber string          `json:"replacesNumber"`
	ApplicationID  string          `json:"applicationId"`
}

func (s *Service) issued(ctx context.Context, ev Event, agency string, in issuedDetail) (Result, error) {
	const op = "ingest.DocumentIssued"
	var fe errs.Fields
	checkParty(&fe, in.CitizenID, in.Agency, agency)
	if in.Document == nil {
		fe.Add("detail.document", "required")
	} else {
		if in.Document.Number == "" {
			fe.Add("detail.document.number", "required")
		}
		if in.Document.IssuedOn == "" {
			fe.Add("detail.document.issuedOn", "required")
		}
		s.checkIssuer(&fe, "detail.document.type", agency, in.Document.Type)
	}
	if in.ApplicationID != "" && !idPattern().MatchString(in.ApplicationID) {
		fe.Add("detail.applicationId", "invalid_text")
	}
	if !cleanText(in.ReplacesNumber, 64) {
		fe.Add("detail.replacesNumber", "invalid_text")
	}
	if err := fe.Err(op); err != nil {
		return Result{}, err
	}
	owner := in.CitizenID
	if c, ok, err := s.Store.EventClaim(ctx, owner, ev.ID); err != nil {
		return Result{}, err
	} else if ok {
		return duplicate(ev, c), s.closeApplication(ctx, owner, in.ApplicationID, c.DocID)
	}

	// The registry's own rules validate the document and compute its
	// expiry: its CreateDocument runs against a store that keeps what it
	// would write instead of writing it, so this write stays one transaction.
	capture := &captureStore{Store: s.Store}
	reg := &registry.Service{Store: capture, Now: s.Now, NewID: s.NewID}
	doc := in.Document
	fields := registry.DocumentFields{Number: opt.Of(doc.Number), IssuedOn: opt.Of(doc.IssuedOn), ExpiresOn: doc.ExpiresOn}
	if doc.Title != "" {
		fields.Title = opt.Of(doc.Title)
	}
	if doc.Variant != "" {
		fields.Variant = opt.Of(doc.Variant)
	}
	if _, _, err := reg.CreateDocument(ctx, owner, registry.CreateInput{Type: doc.Type, DocumentFields: fields}, nil); err != nil {
		return Result{}, prefixFields(err, "detail.document.")
	}
	p, err := s.Store.GetProfile(ctx, owner)
	if err != nil {
		return Result{}, err
	}
	now := s.Now().UTC()
	actor := "agency:" + agency
	d, created := capture.doc, capture.ev
	d.Source, d.Issuer = registry.SourceAgency, agency
	created.Actor = actor

	w := Write{Create: &d, History: []registry.Event{created}}
	old, found, err := s.replaced(ctx, owner, agency, d, in.ReplacesNumber)
	if err != nil {
		return Result{}, err
	}
	if found {
		prev := old.Version
		old.ArchivedAt, old.ReplacedBy = &now, d.ID
		old.Version, old.UpdatedAt = prev+1, now
		old.Reminder = old.Schedule(p.Location(), now) // archived: nothing more is due
		w.Updates = append(w.Updates, Update{Doc: old, PrevVersion: prev})
		w.History = append(w.History, registry.Event{ID: s.NewID(), DocID: old.ID, Owner: owner,
			Action: registry.ActionReplaced, ReplacedBy: d.ID, Actor: actor, At: now})
	}
	t := issuedText(d, agency, found, p.Language)
	w.Notification = &inbox.Notification{ID: s.NewID(), Owner: owner, Kind: KindDocumentIssued, Title: t.title,
		Body: t.body, DocID: d.ID, DocType: string(d.Type), CreatedAt: now}
	w.Claim = Claim{EventID: ev.ID, Owner: owner, DetailType: ev.DetailType, Outcome: OutcomeApplied, DocID: d.ID, At: now}
	if found {
		w.Claim.ReplacedID = old.ID
	}
	c, dup, err := s.Store.ApplyEvent(ctx, w)
	if err != nil {
		return Result{}, err
	}
	if dup {
		return duplicate(ev, c), s.closeApplication(ctx, owner, in.ApplicationID, c.DocID)
	}
	s.log().Info("agency document issued", "eventId", ev.ID, "agency", agency, "type", string(d.Type), "replaced", found)
	return Result{Outcome: OutcomeApplied, EventID: ev.ID, DetailType: ev.DetailType, DocumentID: d.ID, ReplacedID: w.Claim.ReplacedID},
		s.closeApplication(ctx, owner, in.ApplicationID, d.ID)
}

// closeApplication is the hook for applications: the document answers the
// application it names. TODO(applications): the applications feature fills
// Service.Applications in shared/app; until then this is skipped. An error
// fails the event, so the redelivery (a duplicate) closes it again.
func (s *Service) closeApplication(ctx context.Context, owner, appID, docID string) error {
	if appID == "" || s.Applications == nil {
		return nil
	}
	return s.Applications.CloseApplication(ctx, owner, appID, docID)
}

// replaced finds the document an issue replaces: the same type with number
// replacesNumber, or, when that is omitted, the type's current document
// (the newest not archived). Contracts and custom documents are many per
// person: they are replaced only by number. Only a document this agency
// issued or one the owner typed is replaced (archived with a link, never
// revoked); another agency's document stays as it is. found is false when
// none matches.
func (s *Service) replaced(ctx context.Context, owner, agency string, d registry.Document, replacesNumber string) (registry.Document, bool, error) {
	if replacesNumber == "" && (d.Type == registry.Contract || d.Type == registry.Custom) {
		return registry.Document{}, false, nil
	}
	want := normalNumber(d.Type, replacesNumber)
	var best *registry.Document
	err := s.eachDocument(ctx, owner, func(x registry.Document) {
		if x.Type != d.Type || x.ArchivedAt != nil || x.ID == d.ID {
			return
		}
		if !issuers.MayChange(agency, x) && !issuers.UserEntered(x) {
			return
		}
		if replacesNumber != "" && x.Number != want {
			return
		}
		if best == nil || (best.RevokedAt != nil && x.RevokedAt == nil) ||
			((best.RevokedAt == nil) == (x.RevokedAt == nil) && x.CreatedAt.After(best.CreatedAt)) {
			x := x
			best = &x
		}
	})
	if err != nil || best == nil {
		return registry.Document{}, false, err
	}
	return *best, true, nil
}

// captureStore is the registry's store with CreateDocument kept, not written.
type captureStore struct {
	registry.Store
	doc registry.Document
	ev  registry.Event
}

func (c *captureStore) CreateDocument(_ context.Context, d registry.Document, ev registry.Event, _ *idempotency.Key) (registry.Document, bool, error) {
	c.doc, c.ev = d, ev
	return d, false, nil
}

// prefixFields names the registry's field errors as fields of the event.
func prefixFields(err error, prefix string) error {
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i := range out.Fields {
		out.Fields[i].Field = prefix + out.Fields[i].Field
	}
	return &out
}
