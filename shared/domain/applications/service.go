package applications

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/paging"
	"github.com/kabinet/kabinet/shared/domain/registry"
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
	// FindApplication finds an application by id alone, for staff.
	// Errors: NotFound, Unavailable, Internal.
	FindApplication(ctx context.Context, id string) (Application, error)
	// ListApplications returns up to limit of owner's applications with ids
	// after `after`, in id (creation) order, and the id to continue after.
	ListApplications(ctx context.Context, owner, after string, limit int) ([]Application, string, error)
	// UpdateDraft replaces a draft still at prevVersion.
	// Errors: Conflict (reason changed), Unavailable, Internal.
	UpdateDraft(ctx context.Context, a Application, prevVersion int) error
	// DeleteDraft erases a draft and its reference item.
	// Errors: NotFound, Conflict (not_draft), Unavailable, Internal.
	DeleteDraft(ctx context.Context, owner, id string) error
	// NextReceiptSeq returns the next number of year's receipt sequence
	// (atomic; never the same number twice). Errors: Unavailable, Internal.
	NextReceiptSeq(ctx context.Context, year int) (int64, error)
	// SaveTransition stores a (its new status and timeline) if it is still
	// at prevVersion, writes n to the owner's inbox as an outbox entry due
	// at retryAt (the expiry scan sends its messages then, unless Delivered
	// came first) and, with idem set, claims the key, all in one
	// transaction. A key already claimed for the same request returns the
	// application it moved and replayed=true.
	// Errors: Conflict (changed), Invalid (idempotency_key_reused),
	// Unavailable, Internal.
	SaveTransition(ctx context.Context, a Application, prevVersion int, n inbox.Notification, retryAt time.Time, idem *idempotency.Key) (stored Application, replayed bool, err error)
	// Delivered takes notification id of owner, due at retryAt, out of the
	// outbox: its messages went out. Errors: Conflict (the scan moved it
	// meanwhile), Unavailable, Internal.
	Delivered(ctx context.Context, owner, id string, retryAt time.Time) error
	// ReplayApplication returns the application an Idempotency-Key was
	// claimed for (ok false when the key is new or expired).
	// Errors: Invalid (idempotency_key_reused), Unavailable, Internal.
	ReplayApplication(ctx context.Context, owner string, idem *idempotency.Key) (a Application, ok bool, err error)
	// AgencyQueue returns up to limit of an agency's applications in a
	// status, oldest submission first, after an opaque cursor ("" from the
	// start), and the cursor to continue from.
	// Errors: Malformed (cursor), Unavailable, Internal.
	AgencyQueue(ctx context.Context, agency string, status Status, cursor string, limit int) ([]Application, string, error)
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
	LinkRenewal(ctx context.Context, owner, docID, appID string) error
}

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
	// Publisher is optional: nil leaves the messages of every status change
	// to the expiry scan, which sends what the outbox holds.
	Publisher message.Publisher
	Now       func() time.Time
	NewID     func() string
	Log       *slog.Logger // nil: slog.Default()
}

// Staff is the caller of a staff method, as the token says.
type Staff struct {
	Sub     string
	IsStaff bool
	Agency  string
}

// Input is what a client sends to create or validate an application.
type Input struct {
	ServiceCode string            `json:"serviceCode"`
	Fields      map[string]string `json:"fields"`
	documentID  string            // set by Renew only, never from a body
}

// ListFilter selects a person's applications; zero fields select everything.
// From and To are dates (YYYY-MM-DD) of creation in the applicant's zone.
type ListFilter struct {
	Status      string
	ServiceCode string
	From, To    string
	Limit       int
	Cursor      string
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

// Message attribute names besides notify's userId, channel and kind.
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
func (s *Service) Services() []ServiceInfo { return Catalogue }

func lookupService(op, code string) (ServiceInfo, error) {
	svc, ok := Lookup(code)
	if !ok {
		c := "unknown_service"
		if code == "" {
			c = "required"
		}
		return svc, &errs.Error{Kind: errs.Invalid, Op: op, Fields: []errs.FieldError{{Field: "serviceCode", Code: c}}}
	}
	return svc, nil
}

// validate checks fields against svc's rules and returns them normalised
// with empty ones dropped. complete demands every required field (submit);
// otherwise only the given fields are checked (a draft). Field errors name
// "fields.<name>".
func validate(svc ServiceInfo, fields map[string]string, complete bool, today civil.Date) (map[string]string, *errs.Fields) {
	var fe errs.Fields
	out := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if _, ok := svc.Field(name); !ok {
			fe.Add("fields."+name, "unknown_field")
		}
	}
	for _, f := range svc.Fields {
		v, given := fields[f.Name]
		if !given && !complete {
			continue
		}
		if !complete && v == "" {
			continue // a draft may clear a field
		}
		n, code := f.check(v, today)
		if code != "" {
			fe.Add("fields."+f.Name, code)
			continue
		}
		if n != "" {
			out[f.Name] = n
		}
	}
	return out, &fe
}

// Validate checks a complete application without saving anything: the
// field errors it would get on submission (none: valid). owner's zone
// decides "today" for dates that may not be in the future.
// Errors: Invalid (field serviceCode), Unavailable, Internal.
func (s *Service) Validate(ctx context.Context, owner string, in Input) ([]errs.FieldError, error) {
	const op = "applications.Validate"
	svc, err := lookupService(op, in.ServiceCode)
	if err != nil {
		return nil, err
	}
	p, err := s.Profiles.GetProfile(ctx, owner)
	if err != nil {
		return nil, err
	}
	_, fe := validate(svc, in.Fields, true, civil.Today(s.Now(), p.Location()))
	if err := fe.Err(op); err != nil {
		return err.(*errs.Error).Fields, nil
	}
	return []errs.FieldError{}, nil
}

// Create saves a draft for owner. Partial fields are allowed, but each
// given field must pass its rule; empty fields are filled from the profile
// (name, phone, e-mail, birth date) and the current internal passport where
// the service asks for them. With idem, a retry returns the first draft.
// Errors: Invalid (serviceCode, fields.<name>, idempotency_key_reused),
// Unavailable, Internal.
func (s *Service) Create(ctx context.Context, owner string, in Input, idem *idempotency.Key) (Application, bool, error) {
	const op = "applications.Create"
	svc, err := lookupService(op, in.ServiceCode)
	if err != nil {
		return Application{}, false, err
	}
	p, err := s.Profiles.GetProfile(ctx, owner)
	if err != nil {
		return Application{}, false, err
	}
	today := civil.Today(s.Now(), p.Location())
	fields, fe := validate(svc, in.Fields, false, today)
	if err := fe.Err(op); err != nil {
		return Application{}, false, err
	}
	if err := s.prefill(ctx, svc, p, fields, today); err != nil {
		return Application{}, false, err
	}
	now := s.Now().UTC()
	a := Application{ID: s.NewID(), Owner: owner, ServiceCode: svc.Code, Agency: svc.Agency, Fields: fields,
		DocumentID: in.documentID, Status: StatusDraft, CreatedAt: now, UpdatedAt: now, Version: 1}
	return s.Store.CreateApplication(ctx, a, idem)
}

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
		return Application{}, false, errs.R(op, errs.Conflict, "not_renewable")
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

// CloseApplication approves the application an issued document answers,
// for the agency ingest: the document itself is the decision. Walking
// received → processing → approved, it is idempotent (a final application
// is left as it is) and ignores an application of someone else.
// Errors: Unavailable, Internal.
func (s *Service) CloseApplication(ctx context.Context, owner, applicationID, docID string) error {
	a, err := s.Store.GetApplication(ctx, owner, applicationID)
	if errs.Is(err, errs.NotFound) {
		s.log().Warn("applications: an issued document names an unknown application", "application", applicationID)
		return nil
	}
	if err != nil {
		return err
	}
	p, err := s.Profiles.GetProfile(ctx, owner)
	if err != nil {
		return err
	}
	for _, to := range []Status{StatusProcessing, StatusApproved} {
		if a.Status.Final() || CheckTransition(a.Status, to, RoleStaff) != nil {
			continue
		}
		if a, _, err = s.move(ctx, a, a, to, "agency:"+a.Agency, RoleStaff, "document "+docID+" issued", p, nil); err != nil {
			return err
		}
	}
	return nil
}

// prefill fills the service's empty fields from the profile and documents;
// a value that would not pass the field's rule is left out.
func (s *Service) prefill(ctx context.Context, svc ServiceInfo, p registry.Profile, fields map[string]string, today civil.Date) error {
	for _, f := range svc.Fields {
		if fields[f.Name] != "" || f.Prefill == "" {
			continue
		}
		var v string
		switch f.Prefill {
		case FromProfileName:
			v = p.Name
		case FromProfilePhone:
			v = p.Phone
		case FromProfileEmail:
			v = p.Email
		case FromProfileBirthDate:
			if p.BirthDate != nil {
				v = p.BirthDate.String()
			}
		case FromInternalPassport:
			var err error
			if v, err = s.currentPassport(ctx, p.Owner); err != nil {
				return err
			}
		}
		if v == "" {
			continue
		}
		if n, code := f.check(v, today); code == "" {
			fields[f.Name] = n
		}
	}
	return nil
}

// currentPassport returns the number of owner's current internal passport:
// the unarchived one issued last ("" when none has a number).
func (s *Service) currentPassport(ctx context.Context, owner string) (string, error) {
	if s.Documents == nil || owner == "" {
		return "", nil
	}
	var best *registry.Document
	cursor := ""
	for range 20 { // at most 2,000 documents
		page, err := s.Documents.ListDocuments(ctx, owner, registry.ListFilter{Limit: paging.MaxLimit, Cursor: cursor})
		if err != nil {
			return "", err
		}
		for i, v := range page.Items {
			d := v.Document
			if d.Type != registry.InternalPassport || d.ArchivedAt != nil || d.Number == "" {
				continue
			}
			if best == nil || issuedAfter(d, *best) {
				best = &page.Items[i].Document
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if best == nil {
		return "", nil
	}
	return best.Number, nil
}

func issuedAfter(a, b registry.Document) bool {
	switch {
	case a.IssuedOn != nil && b.IssuedOn != nil && *a.IssuedOn != *b.IssuedOn:
		return a.IssuedOn.After(*b.IssuedOn)
	case a.IssuedOn != nil && b.IssuedOn == nil:
		return true
	case a.IssuedOn == nil && b.IssuedOn != nil:
		return false
	}
	return a.CreatedAt.After(b.CreatedAt)
}

// Get returns one of owner's applications.
// Errors: NotFound, Unavailable, Internal.
func (s *Service) Get(ctx context.Context, owner, id string) (Application, error) {
	if id == "" {
		return Application{}, errs.E("applications.Get", errs.NotFound, nil)
	}
	return s.Store.GetApplication(ctx, owner, id)
}

// List returns owner's applications matching f, oldest first. A page may
// hold fewer than f.Limit items and still carry a cursor when the filter is
// selective; an empty cursor means the end.
// Errors: Invalid (status, serviceCode, from, to), Malformed (cursor),
// Unavailable, Internal.
func (s *Service) List(ctx context.Context, owner string, f ListFilter) (Page, error) {
	const op = "applications.List"
	var fe errs.Fields
	if f.Status != "" && !Status(f.Status).Valid() {
		fe.Add("status", "unknown_status")
	}
	if _, ok := Lookup(f.ServiceCode); f.ServiceCode != "" && !ok {
		fe.Add("serviceCode", "unknown_service")
	}
	var from, to *civil.Date
	for _, x := range []struct {
		name string
		val  string
		dst  **civil.Date
	}{{"from", f.From, &from}, {"to", f.To, &to}} {
		if x.val == "" {
			continue
		}
		d, err := civil.Parse(x.val)
		if err != nil {
			fe.Add(x.name, "invalid_date")
			continue
		}
		*x.dst = &d
	}
	if from != nil && to != nil && to.Before(*from) {
		fe.Add("to", "before_from")
	}
	if err := fe.Err(op); err != nil {
		return Page{}, err
	}
	after, err := paging.DecodeCursor(f.Cursor)
	if err != nil {
		return Page{}, err
	}
	limit := paging.ClampLimit(f.Limit)
	p, err := s.Profiles.GetProfile(ctx, owner)
	if err != nil {
		return Page{}, err
	}
	loc := p.Location()
	items, last, err := paging.Collect(
		func(after string) ([]Application, string, error) {
			return s.Store.ListApplications(ctx, owner, after, limit)
		},
		func(a Application) string { return a.ID },
		func(a Application) bool {
			day := civil.Of(a.CreatedAt.In(loc))
			return (f.Status == "" || string(a.Status) == f.Status) && (f.ServiceCode == "" || a.ServiceCode == f.ServiceCode) &&
				(from == nil || !day.Before(*from)) && (to == nil || !day.After(*to))
		}, after, limit, examineBudget)
	if err != nil {
		return Page{}, err
	}
	if items == nil {
		items = []Application{}
	}
	return Page{Items: items, NextCursor: paging.EncodeCursor(last)}, nil
}

// UpdateDraft merges fields into a draft at version ifMatch: a value
// replaces the field, nil clears it. Each given field must pass its rule.
// Errors: NotFound, Conflict (not_draft, changed), Precondition (stale
// version), Invalid (fields.<name>), Unavailable, Internal.
func (s *Service) UpdateDraft(ctx context.Context, owner, id string, fields map[string]*string, ifMatch *int) (Application, error) {
	const op = "applications.UpdateDraft"
	a, err := s.Get(ctx, owner, id)
	if err != nil {
		return Application{}, err
	}
	if ifMatch == nil {
		return Application{}, errs.CheckVersion(op, ifMatch, a.Version)
	}
	if a.Status != StatusDraft {
		return Application{}, errs.R(op, errs.Conflict, "not_draft")
	}
	if err := errs.CheckVersion(op, ifMatch, a.Version); err != nil {
		return Application{}, err
	}
	svc, _ := Lookup(a.ServiceCode)
	p, err := s.Profiles.GetProfile(ctx, owner)
	if err != nil {
		return Application{}, err
	}
	given := map[string]string{}
	for k, v := range fields {
		if v != nil {
			given[k] = *v
		} else {
			given[k] = ""
		}
	}
	norm, fe := validate(svc, given, false, civil.Today(s.Now(), p.Location()))
	if err := fe.Err(op); err != nil {
		return Application{}, err
	}
	merged := maps.Clone(a.Fields)
	if merged == nil {
		merged = map[string]string{}
	}
	for k := range given {
		if v, ok := norm[k]; ok {
			merged[k] = v
		} else {
			delete(merged, k)
		}
	}
	if maps.Equal(merged, a.Fields) {
		return a, nil
	}
	prev := a.Version
	a.Fields, a.Version, a.UpdatedAt = merged, prev+1, s.Now().UTC()
	if err := s.Store.UpdateDraft(ctx, a, prev); err != nil {
		if errs.Is(err, errs.Conflict) {
			return Application{}, errs.R(op, errs.Precondition, "version_mismatch")
		}
		return Application{}, err
	}
	return a, nil
}

// DeleteDraft erases a draft. A submitted application is kept: withdraw it.
// Errors: NotFound, Conflict (not_draft), Unavailable, Internal.
func (s *Service) DeleteDraft(ctx context.Context, owner, id string) error {
	if _, err := s.Get(ctx, owner, id); err != nil {
		return err
	}
	return s.Store.DeleteDraft(ctx, owner, id)
}

// Submit validates a draft completely and moves it to received: a receipt
// number KB-<year>-<8 digits> from the year's counter, the submission time
// and the expected decision date (today in the applicant's zone plus the
// service's decision days). With idem, concurrent and later retries with
// the same key return the same receipt (replayed=true): the key is claimed
// in the transaction that changes the status.
// Errors: NotFound, Invalid (fields.<name>, idempotency_key_reused),
// Conflict (invalid_transition: not a draft), Unavailable, Internal.
func (s *Service) Submit(ctx context.Context, owner, id string, idem *idempotency.Key) (Application, bool, error) {
	const op = "applications.Submit"
	if idem != nil {
		if a, ok, err := s.Store.ReplayApplication(ctx, owner, idem); err != nil || ok {
			return a, ok, err
		}
	}
	a, err := s.Get(ctx, owner, id)
	if err != nil {
		return Application{}, false, err
	}
	if err := CheckTransition(a.Status, StatusReceived, RoleApplicant); err != nil {
		// A concurrent copy of this very request may have submitted it
		// between the replay check above and the read: then this is a
		// replay too.
		if idem != nil {
			if a, ok, rerr := s.Store.ReplayApplication(ctx, owner, idem); rerr == nil && ok {
				return a, true, nil
			}
		}
		return Application{}, false, err
	}
	svc, _ := Lookup(a.ServiceCode)
	p, err := s.Profiles.GetProfile(ctx, owner)
	if err != nil {
		return Application{}, false, err
	}
	now := s.Now().UTC()
	loc := p.Location()
	today := civil.Today(now, loc)
	fields, fe := validate(svc, a.Fields, true, today)
	if err := fe.Err(op); err != nil {
		return Application{}, false, err
	}
	seq, err := s.Store.NextReceiptSeq(ctx, today.Year)
	if err != nil {
		return Application{}, false, err
	}
	next := a
	next.Fields = fields
	next.ReceiptNumber = ReceiptNumber(today.Year, seq)
	next.SubmittedAt = &now
	due := today.AddDays(svc.DecisionDays)
	next.ExpectedDecision = &due
	next.TimeZone = loc.String()
	return s.move(ctx, a, next, StatusReceived, owner, RoleApplicant, "", p, idem)
}

// ReceiptNumber formats a receipt number: KB-2026-00012345.
func ReceiptNumber(year int, seq int64) string { return fmt.Sprintf("KB-%04d-%08d", year, seq) }

// Withdraw lets the applicant take back a submitted application before a
// decision. Errors: NotFound, Conflict (invalid_transition), Invalid
// (comment), Unavailable, Internal.
func (s *Service) Withdraw(ctx context.Context, owner, id, comment string) (Application, error) {
	a, err := s.Get(ctx, owner, id)
	if err != nil {
		return Application{}, err
	}
	if err := checkComment("applications.Withdraw", comment, false); err != nil {
		return Application{}, err
	}
	if err := CheckTransition(a.Status, StatusWithdrawn, RoleApplicant); err != nil {
		return Application{}, err
	}
	p, err := s.Profiles.GetProfile(ctx, owner)
	if err != nil {
		return Application{}, err
	}
	out, _, err := s.move(ctx, a, a, StatusWithdrawn, owner, RoleApplicant, comment, p, nil)
	return out, err
}

// Transition moves an application as its agency's staff: to processing,
// needs_info, approved or rejected (a comment is required for needs_info
// and rejected). A citizen gets Forbidden for their own application and
// NotFound for anyone else's; staff of another agency get Forbidden.
// Errors: Forbidden (staff_only, other_agency, applicant_only), NotFound,
// Invalid (to, comment), Conflict (invalid_transition, changed),
// Unavailable, Internal.
func (s *Service) Transition(ctx context.Context, st Staff, id string, to Status, comment string) (Application, error) {
	const op = "applications.Transition"
	if !st.IsStaff {
		// a citizen learns nothing of other people's ids: 404 as anywhere else
		if _, err := s.Get(ctx, st.Sub, id); err != nil {
			return Application{}, err
		}
		return Application{}, errs.R(op, errs.Forbidden, "staff_only")
	}
	if st.Agency == "" {
		return Application{}, errs.R(op, errs.Forbidden, "staff_only")
	}
	if id == "" {
		return Application{}, errs.E(op, errs.NotFound, nil)
	}
	a, err := s.Store.FindApplication(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if a.Agency != st.Agency {
		return Application{}, errs.R(op, errs.Forbidden, "other_agency")
	}
	if !to.Valid() {
		c := "unknown_status"
		if to == "" {
			c = "required"
		}
		return Application{}, &errs.Error{Kind: errs.Invalid, Op: op, Fields: []errs.FieldError{{Field: "to", Code: c}}}
	}
	if err := checkComment(op, comment, to == StatusNeedsInfo || to == StatusRejected); err != nil {
		return Application{}, err
	}
	if err := CheckTransition(a.Status, to, RoleStaff); err != nil {
		return Application{}, err
	}
	p, err := s.Profiles.GetProfile(ctx, a.Owner)
	if err != nil {
		return Application{}, err
	}
	out, _, err := s.move(ctx, a, a, to, st.Sub, RoleStaff, comment, p, nil)
	return out, err
}

func checkComment(op, c string, required bool) error {
	var fe errs.Fields
	switch {
	case required && c == "":
		fe.Add("comment", "required")
	case len([]rune(c)) > maxComment:
		fe.Add("comment", "too_long")
	}
	return fe.Err(op)
}

// Queue lists an agency's applications in a status (received when empty),
// oldest submission first, for its staff.
// Errors: Forbidden (staff_only), Invalid (status), Malformed (cursor),
// Unavailable, Internal.
func (s *Service) Queue(ctx context.Context, st Staff, status Status, limit int, cursor string) (Page, error) {
	const op = "applications.Queue"
	if !st.IsStaff || st.Agency == "" {
		return Page{}, errs.R(op, errs.Forbidden, "staff_only")
	}
	if status == "" {
		status = StatusReceived
	}
	if !status.Valid() || status == StatusDraft {
		var fe errs.Fields
		fe.Add("status", "unknown_status")
		return Page{}, fe.Err(op)
	}
	items, next, err := s.Store.AgencyQueue(ctx, st.Agency, status, cursor, paging.ClampLimit(limit))
	if err != nil {
		return Page{}, err
	}
	if items == nil {
		items = []Application{}
	}
	return Page{Items: items, NextCursor: next}, nil
}

// RetryAfter is how long after a status change its messages wait in the
// outbox before the expiry scan (every 15 minutes) sends them, when the
// change's own publish did not confirm them: long enough for that publish
// to finish first, so a message is not sent twice.
const RetryAfter = 5 * time.Minute

// move writes the transition of cur (as read, at its version) to next
// (cur with any other changes) into status to: a timeline entry and an
// inbox notification in the applicant's language in one transaction, then
// a message per reachable channel on the topic. The notification is also
// an outbox entry: if the publish fails (or the function stops before it),
// the expiry scan sends the messages after RetryAfter. So the person is
// told in the cabinet at once and on their channels at least once.
func (s *Service) move(ctx context.Context, cur, next Application, to Status, actor string, role Role, comment string,
	p registry.Profile, idem *idempotency.Key) (Application, bool, error) {
	now := s.Now().UTC()
	next.Timeline = append(slices.Clone(cur.Timeline), Entry{At: now, Actor: actor, Role: role, From: cur.Status, To: to, Comment: comment})
	next.Status, next.Version, next.UpdatedAt = to, cur.Version+1, now
	svc, _ := Lookup(next.ServiceCode)
	title, body := render(next, svc, comment, p.Language)
	n := inbox.Notification{ID: s.NewID(), Owner: next.Owner, Kind: KindStatus, Title: title, Body: body, CreatedAt: now}
	retryAt := now.Add(RetryAfter)
	stored, replayed, err := s.Store.SaveTransition(ctx, next, cur.Version, n, retryAt, idem)
	if err != nil {
		if errs.Is(err, errs.Conflict) && idem != nil {
			// a concurrent retry with the same key may have won
			if a, ok, rerr := s.Store.ReplayApplication(ctx, cur.Owner, idem); rerr == nil && ok {
				return a, true, nil
			}
		}
		return Application{}, false, err
	}
	if !replayed && s.publish(ctx, stored, p, n) {
		if err := s.Store.Delivered(context.WithoutCancel(ctx), n.Owner, n.ID, retryAt); err != nil && !errs.Is(err, errs.Conflict) {
			s.log().Warn("applications: status messages sent but still in the outbox; the scan may send them again",
				"application", stored.ID, "err", err.Error())
		}
	}
	return stored, replayed, nil
}

// publish sends the status change n to each channel the person can be
// reached on, and reports whether all of them went (true when there is
// none). What failed stays in the outbox for the scan: see move.
func (s *Service) publish(ctx context.Context, a Application, p registry.Profile, n inbox.Notification) bool {
	if s.Publisher == nil {
		return false
	}
	subject, text := n.Message()
	var msgs []message.Message
	for _, ch := range p.Reachable() {
		msgs = append(msgs, message.Message{
			ID: a.ID + "." + strconv.Itoa(a.Version) + "." + ch, Subject: subject, Body: text,
			Attributes: map[string]string{message.AttrUserID: a.Owner, message.AttrChannel: ch, message.AttrKind: KindStatus,
				AttrApplicationID: a.ID, AttrStatus: string(a.Status)},
		})
	}
	if len(msgs) == 0 {
		return true
	}
	failed := s.Publisher.Publish(context.WithoutCancel(ctx), msgs)
	for id, err := range failed {
		s.log().Warn("applications: status message not published; the expiry scan will retry it",
			"application", a.ID, "status", a.Status, "message", id, "err", err.Error())
	}
	return len(failed) == 0
}
