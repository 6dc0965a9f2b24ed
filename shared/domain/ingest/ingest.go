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
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/issuers"
	"github.com/kabinet/kabinet/shared/domain/paging"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/usertext"
)

// Detail types an agency sends (and PaymentConfirmed, the Treasury's).
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
	// OutcomeRejected: the event can never apply (a lab result whose object
	// is missing or not what the event says); the refusal is recorded
	// under the event id for operators and the event is not retried.
	OutcomeRejected = "rejected"
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
	// Reason says why an event was rejected (Outcome "rejected"): for
	// operators, who find it by event id.
	Reason string
	At     time.Time
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
	// NotifyAt, when set, makes Notification also an outbox entry of the
	// due index at that instant: the reminder pipeline sends it on the
	// owner's channels (SMS, e-mail) once, as it sends an application's
	// status messages, so a crash after this write loses no message and a
	// redelivered event (a duplicate) sends none.
	NotifyAt *time.Time
	// File is the file record of a document created with its file (a lab
	// result); its object is in place before the write.
	File *files.File
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
	// Payments applies the Treasury's PaymentConfirmed; nil refuses them
	// (Internal: the event is retried, never dropped).
	Payments Payments
	// Labs reads laboratories' staged files; nil refuses LabResultIssued.
	Labs *Labs
	Log  *slog.Logger
	// Issuers says which party issues which document types; nil is
	// issuers.Default.
	Issuers issuers.Table
}

func (s *Service) issuers() issuers.Table {
	if s.Issuers != nil {
		return s.Issuers
	}
	return issuers.Default
}

// checkIssuer refuses a document type the agency does not issue: the
// traffic police cannot issue or revoke a passport. An unknown type is left
// to the registry's own check, which names it.
func (s *Service) checkIssuer(fe *errs.Fields, field, agency, docType string) {
	t := registry.DocType(docType)
	if _, known := registry.Lookup(t); known && !s.issuers().Issues(agency, t) {
		fe.Add(field, "not_issued_by_agency")
	}
}

// Result is what Handle did, returned by the Lambda and by POST /dev/events.
type Result struct {
	Outcome    string `json:"outcome"`
	EventID    string `json:"eventId"`
	DetailType string `json:"detailType"`
	DocumentID string `json:"documentId,omitempty"`
	ReplacedID string `json:"replacedId,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// ApplicationID and Payment are a PaymentConfirmed's: the application
	// its УИН names ("" for an unknown УИН) and what the payment did there
	// (fees.Outcome...: paid, underpaid, overpaid, duplicate, unknown_uin).
	ApplicationID string `json:"applicationId,omitempty"`
	Payment       string `json:"payment,omitempty"`
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
	// function links this package (through the store) but only the ingest
	// function matches events, and the counted repetitions make these
	// patterns costly to compile on each cold start.
	idPattern     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`) })
	agencyPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9_-]{1,64}$`) })
)

// Handle applies one agency event. The same event id twice changes nothing
// the second time (Outcome "duplicate").
//
// Errors: Invalid (field errors naming what is wrong: no citizen id, an
// unknown detail-type or source, document fields the registry refuses, a
// document type the agency does not issue: not_issued_by_agency) for
// an event that can never apply — retrying it is pointless and nothing was
// written; NotFound (reason "document_not_found") for a revocation of a
// document Kabinet does not hold as issued by that agency (a document the
// owner typed is no agency's to revoke), which a retry may still find when
// the issue arrives late; Conflict, Unavailable, Internal (retry).
func (s *Service) Handle(ctx context.Context, ev Event) (Result, error) {
	const op = "ingest.Handle"
	var fe errs.Fields
	if ev.ID == "" {
		fe.Add("id", "required")
	} else if !idPattern().MatchString(ev.ID) {
		fe.Add("id", "invalid_text")
	}
	prefix := SourcePrefix
	if ev.DetailType == LabResultIssued {
		prefix = LabSourcePrefix
	}
	agency, ok := strings.CutPrefix(ev.Source, prefix)
	if !ok || !agencyPattern().MatchString(agency) {
		fe.Add("source", "unknown_source")
	}
	switch ev.DetailType {
	case DocumentIssued, DocumentRevoked, PaymentConfirmed:
	case LabResultIssued:
		if s.Labs == nil {
			fe.Add("detail-type", "unknown_detail_type")
		}
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
	if ev.DetailType == PaymentConfirmed {
		var d paymentDetail
		if err := json.Unmarshal(ev.Detail, &d); err != nil {
			return Result{}, invalidJSON(op)
		}
		return s.payment(ctx, ev, agency, d)
	}
	if ev.DetailType == LabResultIssued {
		var d labDetail
		if err := json.Unmarshal(ev.Detail, &d); err != nil {
			return Result{}, invalidJSON(op)
		}
		return s.labResult(ctx, ev, agency, d)
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
	return errs.E(op, errs.Invalid, errs.FieldError{Field: "detail", Code: "invalid_json"})
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
	return Result{Outcome: OutcomeDuplicate, EventID: ev.ID, DetailType: ev.DetailType, DocumentID: c.DocID, ReplacedID: c.ReplacedID, Reason: c.Reason}
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

// cleanText accepts text of at most n characters as the registry does
// (usertext.Line: valid UTF-8, no controls, format or bidi characters).
func cleanText(s string, n int) bool {
	_, ok := usertext.Line(s, n)
	return ok
}
