package applications

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/workdays"
)

// Store persists applications under their owner, with a reference item per
// application id for staff, a receipt counter per year and Idempotency-Key
// claims.
type Store interface {
	// CreateApplication stores a new draft and its reference item; with
	// idem set, claims the key in the same write: a key already used for
	// the same request returns what it created and replayed=true.
	// Errors: Invalid (idempotency_key_reused), Unavailable, Internal.
	CreateApplication(ctx context.Context, a Application, idem *idempotency.Key) (stored Application, replayed bool, err error)
	// GetApplication errors: NotFound (also for someone else's), Unavailable, Internal.
	GetApplication(ctx context.Context, owner, id string) (Application, error)
	// ApplicationOwner finds whose application id is, by id alone, for
	// staff (then GetApplication reads it, with whatever else of the
	// owner's the request needs, at once: see find): the owner the id is
	// sealed with (Service.Locator) without a read, else its reference's.
	// The owner alone proves nothing: the application must be read.
	// Errors: NotFound, Unavailable, Internal.
	ApplicationOwner(ctx context.Context, id string) (string, error)
	// ListApplications returns up to limit of owner's applications with ids
	// after `after`, in id (creation) order, and the id to continue after.
	ListApplications(ctx context.Context, owner, after string, limit int) ([]Application, string, error)
	// UpdateDraft replaces a draft still at prevVersion.
	// Errors: Conflict (reason changed), Unavailable, Internal.
	UpdateDraft(ctx context.Context, a Application, prevVersion int) error
	// DeleteDraft erases a draft and its reference item.
	// Errors: NotFound, Conflict (not_draft), Unavailable, Internal.
	DeleteDraft(ctx context.Context, owner, id string) error
	// NextReceiptSeq returns a number of year's receipt sequence never
	// handed out before (atomic; in order per counter, not across the
	// store's counters, so roughly in order). Errors: Unavailable, Internal.
	NextReceiptSeq(ctx context.Context, year int) (int64, error)
	// SaveTransition stores a (its new status and timeline) if it is still
	// at prevVersion, writes n to the owner's inbox as an outbox entry due
	// at n.CreatedAt (the reminder pipeline sends its messages, naming the
	// application and its status, and takes it out of the due index) and,
	// with idem set, claims the key, all in one transaction. A key already
	// claimed for the same request returns the application it moved and
	// replayed=true.
	// Errors: Conflict (changed), Invalid (idempotency_key_reused),
	// Unavailable, Internal.
	// The effects (a clerk's notification, a clerk's open count: see
	// Effect) are written in the same transaction; a ClerkDelta whose
	// count moved fails it with Conflict (assign_race).
	SaveTransition(ctx context.Context, a Application, prevVersion int, n inbox.Notification, idem *idempotency.Key,
		effects ...Effect) (stored Application, replayed bool, err error)
	// RegisterClerk puts sub on agency's roster (open 0) unless there.
	// Errors: Unavailable, Internal.
	RegisterClerk(ctx context.Context, agency, sub string) error
	// Clerks returns agency's roster with each clerk's open count.
	// Errors: Unavailable, Internal.
	Clerks(ctx context.Context, agency string) ([]Clerk, error)
	// Reassign stores a (its new Assignee) if still at prevVersion, one
	// open application less for clerk from ("" none) and one more for
	// a.Assignee, in one transaction.
	// Errors: Conflict (changed), Unavailable, Internal.
	Reassign(ctx context.Context, a Application, prevVersion int, from string) error
	// ReplayApplication returns the application an Idempotency-Key was
	// claimed for (ok false when the key is new or expired).
	// Errors: Invalid (idempotency_key_reused), Unavailable, Internal.
	ReplayApplication(ctx context.Context, owner string, idem *idempotency.Key) (a Application, ok bool, err error)
	// AgencyQueue returns up to limit of an agency's applications in a
	// status, oldest submission first, after an opaque cursor ("" from the
	// start), and the cursor to continue from.
	// Errors: Malformed (cursor), Unavailable, Internal.
	// With assignee set, only that clerk's (a page may then hold fewer than
	// limit and still have a cursor).
	AgencyQueue(ctx context.Context, agency string, status Status, assignee, cursor string, limit int) ([]Application, string, error)
	// FindByUIN finds the application whose fee's accrual has the УИН.
	// Errors: NotFound, Unavailable, Internal.
	FindByUIN(ctx context.Context, uin string) (owner, id string, err error)
	// RecordUnmatchedPayment keeps a payment whose УИН no accrual has,
	// once per event id (duplicate true the second time), in its agency's
	// list of unmatched payments (UnmatchedPayments).
	// Errors: Unavailable, Internal.
	RecordUnmatchedPayment(ctx context.Context, p UnmatchedPayment) (duplicate bool, err error)
	// UnmatchedPayments returns up to limit of agency's unmatched payments
	// ("" those of no agency), newest first, after an opaque cursor, and
	// the cursor to continue from. Errors: Malformed (cursor),
	// Unavailable, Internal.
	UnmatchedPayments(ctx context.Context, agency, cursor string, limit int) ([]UnmatchedPayment, string, error)
}

// Profiles reads a person's profile (defaults when none was saved);
// *registry.Service is one.
type Profiles interface {
	GetProfile(ctx context.Context, owner string) (registry.Profile, error)
}

// Documents reads a person's documents through the registry's service,
// never its storage, so the registry's rules (status, ownership) stay its
// own; *registry.Service is one.
type Documents interface {
	// GetDocument errors: NotFound (also for someone else's), Unavailable, Internal.
	GetDocument(ctx context.Context, owner, id string) (registry.View, error)
	// ListDocuments returns a page of owner's documents matching f.
	// Errors: Invalid, Malformed (cursor), Unavailable, Internal.
	ListDocuments(ctx context.Context, owner string, f registry.ListFilter) (registry.Page, error)
}

// Renewals records on a document the application renewing it;
// *registry.Service is one.
type Renewals interface {
	// LinkRenewal links appID on owner's document docID, read afresh (and
	// again after a concurrent change).
	LinkRenewal(ctx context.Context, owner, docID, appID string) error
	// LinkRenewalAsRead links appID on the document as read (a view from
	// Documents.GetDocument) in one write: Conflict when it changed since.
	LinkRenewalAsRead(ctx context.Context, read registry.View, appID string) error
	// UnlinkRenewal takes appID off the document when it is the one linked
	// (a deleted draft); another link stays.
	UnlinkRenewal(ctx context.Context, owner, docID, appID string) error
}

// Places finds an institution of the electronic registry;
// *directory.Cache is one.
type Places interface {
	// Institution errors: NotFound, Unavailable, Internal.
	Institution(ctx context.Context, id string) (directory.Institution, error)
}

var _ Places = (*directory.Cache)(nil)

// The registry's service is what composition gives for each port.
var (
	_ Profiles  = (*registry.Service)(nil)
	_ Documents = (*registry.Service)(nil)
	_ Renewals  = (*registry.Service)(nil)
)

// Service is applications for government services. Citizen methods act for
// owner, the authenticated person (another person's application is
// NotFound, exactly as a missing one); staff methods for a member of staff
// of one agency.
type Service struct {
	Store     Store
	Profiles  Profiles
	Documents Documents
	// Renewals is optional: nil leaves documents without the link.
	Renewals Renewals
	// Places checks an invitation's office in the electronic registry;
	// optional: without it an invitation names a place only.
	Places Places
	// Calendar is the production calendar decision terms are counted on;
	// nil is workdays.Russia, the embedded data.
	Calendar *workdays.Calendar
	// Open counts a person's open applications for the cap
	// limits.OpenApplications; nil counts nothing.
	Open OpenCounter
	// Subjects resolves the dependents a holder files for (the family
	// domain); nil files for the holder alone.
	Subjects registry.Subjects
	// Files are the applicant's electronic copies an answer links; nil
	// refuses answers with files (files: not_supported).
	Files Files
	Now   func() time.Time
	NewID func() string
	// Locator seals the owner into the ids of new applications, so staff
	// naming one by id alone find it without reading its reference first;
	// nil seals none.
	Locator *ids.Locator
	// registered remembers the clerks this process put on their roster.
	registered sync.Map
	Log        *slog.Logger // nil: slog.Default()
}

// OpenCounter counts applications; a store implements it.
type OpenCounter interface {
	// CountOpenApplications counts owner's drafts and undecided
	// applications for subject ("" the owner themself, else one of their
	// dependents), stopping at upTo. Errors: Unavailable, Internal.
	CountOpenApplications(ctx context.Context, owner, subject string, upTo int) (int, error)
}

// Input is what a client sends to create or validate an application.
type Input struct {
	ServiceCode string            `json:"serviceCode"`
	Fields      map[string]string `json:"fields"`
	// Subject is a dependent's id (GET /family) to file it for, when the
	// service allows it (ServiceInfo.ForDependents); "" or
	// registry.SubjectSelf the holder.
	Subject    string `json:"subject"`
	documentID string // set by Renew only, never from a body
}

// Page is a page of applications.
type Page struct {
	Items      []Application
	NextCursor string
}

// Limits.
const (
	maxComment    = 1000
	examineBudget = 1000
	// KindStatus is the inbox and message kind of a status change.
	KindStatus = "application_status"
)

// Message attribute names of a status change's messages besides
// message.AttrUserID, AttrChannel and AttrKind: the store keeps them on its
// outbox entry, and the reminder pipeline sends them.
const (
	AttrApplicationID = "applicationId"
	AttrStatus        = "status"
)

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Services returns the catalogue. Anyone may call it.
func (s *Service) Services() []ServiceInfo { return Catalogue() }

func lookupService(op, code string) (ServiceInfo, error) {
	svc, ok := Lookup(code)
	if !ok {
		c := "unknown_service"
		if code == "" {
			c = "required"
		}
		return svc, errs.E(op, errs.Invalid, errs.FieldError{Field: "serviceCode", Code: c})
	}
	return svc, nil
}
