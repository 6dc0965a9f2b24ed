// Package ingest applies what issuing agencies tell Kabinet about a
// person's documents: a document issued (it joins the registry, the one it
// replaces goes to the archive) or revoked. Events arrive on an EventBridge
// bus (functions/ingest); each is applied at most once, in one transaction
// with its EVENT#<id> claim, and the person is told in the cabinet's inbox.
// Nothing here knows about AWS: shared/adapter/eventbridge adapts the
// Lambda event.
package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/paging"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Detail types an agency sends.
const (
	DocumentIssued  = "DocumentIssued"
	DocumentRevoked = "DocumentRevoked"
)

// SourcePrefix starts the source of every agency event: gov.agency.<agency>.
const SourcePrefix = "gov.agency."

// Notification kinds this package writes to the inbox.
const (
	KindDocumentIssued  = "document_issued"
	KindDocumentRevoked = "document_revoked"
)

// Outcomes of Handle.
const (
	OutcomeApplied   = "applied"   // the change was written
	OutcomeDuplicate = "duplicate" // this event id was applied before; nothing written
	OutcomeUnchanged = "unchanged" // the document was already in that state; nothing written
)

// Event is an agency event as the bus delivers it: the envelope's id,
// source, detail-type and time, and the raw detail.
type Event struct {
	ID         string
	Source     string
	DetailType string
	Time       time.Time
	Detail     json.RawMessage
}

// Claim records that an event was applied, with what it did.
type Claim struct {
	EventID    string
	Owner      string
	DetailType string
	Outcome    string
	DocID      string // the document issued or revoked
	ReplacedID string // the document an issue archived, if any
	At         time.Time
}

// Update is a stored document to replace, if it is still at PrevVersion.
type Update struct {
	Doc         registry.Document
	PrevVersion int
}

// Write is everything one event changes, written in one transaction with
// its claim: nothing of it, or all of it.
type Write struct {
	Claim        Claim
	Create       *registry.Document
	Updates      []Update
	History      []registry.Event
	Notification *inbox.Notification
}

// Store is what ingestion needs from storage: the registry's own store
// (profiles, documents) and the claim-guarded write.
type Store interface {
	registry.Store
	// EventClaim returns the claim of an event applied for owner, ok false
	// when there is none. Errors: Unavailable, Internal.
	EventClaim(ctx context.Context, owner, eventID string) (c Claim, ok bool, err error)
	// ApplyEvent writes w and its claim in one transaction. When the event
	// was claimed already it writes nothing and returns the stored claim
	// with duplicate true. Errors: Conflict (reason "changed": a document
	// changed since it was read; a retry re-reads it), Unavailable, Internal.
	ApplyEvent(ctx context.Context, w Write) (c Claim, duplicate bool, err error)
}

// ApplicationCloser closes the application an issued document answers.
// Another feature builds applications; the app wiring fills this port when
// it exists. It must be idempotent: a redelivered event calls it again.
type ApplicationCloser interface {
	CloseApplication(ctx context.Context, owner, applicationID, docID string) error
}

// Service applies agency events.
type Service struct {
	Store Store
	Now   func() time.Time
	NewID func() string
	// Applications is optional: nil skips closing applications.
	Applications ApplicationCloser
	Log          *slog.Logger
}

// Result is what Handle did, returned by the Lambda and by POST /dev/events.
type Result struct {
	Outcome    string `json:"outcome"`
	EventID    string `json:"eventId"`
	DetailType string `json:"detailType"`
	DocumentID string `json:"documentId,omitempty"`
	ReplacedID string `json:"replacedId,omitempty"`
}

// Limits on what an event may carry.
const (
	maxReason = 500
	// listBudget bounds how many of a person's documents one event reads
	// to find the one it replaces or revokes.
	listBudget = 1000
)

var (
	// Compiled on first use rather than at package init: every HTTP
	// function links this package (through shared/app) but only the ingest
	// function matches events, and the counted repetitions make these
	// patterns costly to compile on each cold start.
	idPattern     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`) })
	agencyPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9_-]{1,64}$`) })
)

type documentDetail struct {
	Type      string            `json:"type"`
	Number    string            `json:"number"`
	IssuedOn  string            `json:"issuedOn"`
	ExpiresOn opt.Value[string] `json:"expiresOn"`
	Title     string            `json:"title"`
}

type issuedDetail struct {
	CitizenID      string          `json:"citizenId"`
	Agency         string          `json:"agency"`
	Document       *documentDetail `json:"document"`
	ReplacesNumber string          `json:"replacesNumber"`
	ApplicationID  string          `json:"applicationId"`
}

type revokedDetail struct {
	CitizenID string `json:"citizenId"`
	Agency    string `json:"agency"`
	Number    string `json:"number"`
	Type      string `json:"type"`
	Reason    string `json:"reason"`
}

// Handle applies one agency event. The same event id twice changes nothing
// the second time (Outcome "duplicate").
//
// Errors: Invalid (field errors naming what is wrong: no citizen id, an
// unknown detail-type or source, document fields the registry refuses) for
// an event that can never apply — retrying it is pointless and nothing was
// written; NotFound (reason "document_not_found") for a revocation of a
// document Kabinet does not hold, which a retry may still find when the
// issue arrives late; Conflict, Unavailable, Internal (retry).
func (s *Service) Handle(ctx context.Context, ev Event) (Result, error) {
	const op = "ingest.Handle"
	var fe errs.Fields
	if ev.ID == "" {
		fe.Add("id", "required")
	} else if !idPattern().MatchString(ev.ID) {
		fe.Add("id", "invalid_text")
	}
	agency, ok := strings.CutPrefix(ev.Source, SourcePrefix)
	if !ok || !agencyPattern().MatchString(agency) {
		fe.Add("source", "unknown_source")
	}
	switch ev.DetailType {
	case DocumentIssued, DocumentRevoked:
	case "":
		fe.Add("detail-type", "required")
	default:
		fe.Add("detail-type", "unknown_detail_type")
	}
	if len(ev.Detail) == 0 || string(ev.Detail) == "null" {
		fe.Add("detail", "required")
	}
	if err := fe.Err(op); err != nil {
		return Result{}, err
	}
	if ev.DetailType == DocumentIssued {
		var d issuedDetail
		if err := json.Unmarshal(ev.Detail, &d); err != nil {
			return Result{}, invalidJSON(op)
		}
		return s.issued(ctx, ev, agency, d)
	}
	var d revokedDetail
	if err := json.Unmarshal(ev.Detail, &d); err != nil {
		return Result{}, invalidJSON(op)
	}
	return s.revoked(ctx, ev, agency, d)
}

func invalidJSON(op string) error {
	return &errs.Error{Kind: errs.Invalid, Op: op, Fields: []errs.FieldError{{Field: "detail", Code: "invalid_json"}}}
}

// checkParty validates the citizen and the agency, which must be the one
// the event's source names: an agency speaks only for itself.
func checkParty(fe *errs.Fields, citizen, agency, fromSource string) {
	switch {
	case citizen == "":
		fe.Add("detail.citizenId", "required")
	case !ids.ValidSubject(citizen):
		fe.Add("detail.citizenId", "invalid_text")
	}
	switch {
	case agency == "":
		fe.Add("detail.agency", "required")
	case agency != fromSource:
		fe.Add("detail.agency", "source_mismatch")
	}
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// duplicate answers an event applied before.
func duplicate(ev Event, c Claim) Result {
	return Result{Outcome: OutcomeDuplicate, EventID: ev.ID, DetailType: ev.DetailType, DocumentID: c.DocID, ReplacedID: c.ReplacedID}
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
	old, found, err := s.replaced(ctx, owner, d, in.ReplacesNumber)
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
// person: they are replaced only by number. found is false when none matches.
func (s *Service) replaced(ctx context.Context, owner string, d registry.Document, replacesNumber string) (registry.Document, bool, error) {
	if replacesNumber == "" && (d.Type == registry.Contract || d.Type == registry.Custom) {
		return registry.Document{}, false, nil
	}
	want := normalNumber(d.Type, replacesNumber)
	var best *registry.Document
	err := s.eachDocument(ctx, owner, func(x registry.Document) {
		if x.Type != d.Type || x.ArchivedAt != nil || x.ID == d.ID {
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

// eachDocument calls f for each of owner's documents, up to listBudget.
func (s *Service) eachDocument(ctx context.Context, owner string, f func(registry.Document)) error {
	after, seen := "", 0
	for {
		docs, next, err := s.Store.ListDocuments(ctx, owner, after, paging.MaxLimit)
		if err != nil {
			return err
		}
		for _, d := range docs {
			f(d)
		}
		seen += len(docs)
		if next == "" || seen >= listBudget {
			return nil
		}
		after = next
	}
}

// normalNumber is n as the registry stores numbers of type t.
func normalNumber(t registry.DocType, n string) string {
	n = strings.TrimSpace(n)
	if ti, ok := registry.Lookup(t); ok && ti.Number != nil {
		if norm, ok := ti.Number(n); ok {
			return norm
		}
	}
	return n
}

func (s *Service) revoked(ctx context.Context, ev Event, agency string, in revokedDetail) (Result, error) {
	const op = "ingest.DocumentRevoked"
	var fe errs.Fields
	checkParty(&fe, in.CitizenID, in.Agency, agency)
	switch _, ok := registry.Lookup(registry.DocType(in.Type)); {
	case in.Type == "":
		fe.Add("detail.type", "required")
	case !ok:
		fe.Add("detail.type", "unknown_type")
	}
	switch {
	case strings.TrimSpace(in.Number) == "":
		fe.Add("detail.number", "required")
	case !cleanText(in.Number, 64):
		fe.Add("detail.number", "invalid_text")
	}
	reason := strings.TrimSpace(in.Reason)
	switch {
	case reason == "":
		fe.Add("detail.reason", "required")
	case !cleanText(reason, maxReason):
		fe.Add("detail.reason", "invalid_text")
	}
	if err := fe.Err(op); err != nil {
		return Result{}, err
	}
	owner := in.CitizenID
	if c, ok, err := s.Store.EventClaim(ctx, owner, ev.ID); err != nil {
		return Result{}, err
	} else if ok {
		return duplicate(ev, c), nil
	}
	t := registry.DocType(in.Type)
	want := normalNumber(t, in.Number)
	var match *registry.Document
	err := s.eachDocument(ctx, owner, func(x registry.Document) {
		if x.Type != t || x.Number != want {
			return
		}
		if match == nil || (match.ArchivedAt != nil && x.ArchivedAt == nil) {
			x := x
			match = &x
		}
	})
	if err != nil {
		return Result{}, err
	}
	if match == nil {
		return Result{}, errs.R(op, errs.NotFound, "document_not_found")
	}
	d := *match
	res := Result{EventID: ev.ID, DetailType: ev.DetailType, DocumentID: d.ID}
	if d.RevokedAt != nil {
		res.Outcome = OutcomeUnchanged
		return res, nil
	}
	p, err := s.Store.GetProfile(ctx, owner)
	if err != nil {
		return Result{}, err
	}
	now := s.Now().UTC()
	prev := d.Version
	d.RevokedAt, d.RevokedReason = &now, reason
	d.Version, d.UpdatedAt = prev+1, now
	d.Reminder.Next, d.Reminder.NextAt = nil, nil // a revoked document is not renewed: no reminders
	txt := revokedText(d, agency, reason, p.Language)
	w := Write{
		Claim:   Claim{EventID: ev.ID, Owner: owner, DetailType: ev.DetailType, Outcome: OutcomeApplied, DocID: d.ID, At: now},
		Updates: []Update{{Doc: d, PrevVersion: prev}},
		History: []registry.Event{{ID: s.NewID(), DocID: d.ID, Owner: owner, Action: registry.ActionRevoked,
			Actor: "agency:" + agency, At: now}},
		Notification: &inbox.Notification{ID: s.NewID(), Owner: owner, Kind: KindDocumentRevoked, Title: txt.title,
			Body: txt.body, DocID: d.ID, DocType: string(d.Type), CreatedAt: now},
	}
	c, dup, err := s.Store.ApplyEvent(ctx, w)
	if err != nil {
		return Result{}, err
	}
	if dup {
		return duplicate(ev, c), nil
	}
	s.log().Info("agency document revoked", "eventId", ev.ID, "agency", agency, "type", string(d.Type))
	res.Outcome = OutcomeApplied
	return res, nil
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

// cleanText accepts printable text of at most n characters.
func cleanText(s string, n int) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > n {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
