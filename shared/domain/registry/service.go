package registry

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/limits"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/paging"
	"github.com/kabinet/kabinet/shared/domain/parallel"
)

// Store persists documents, their history and profiles. Implementations keep
// every item of a person under that person's key, so a method called with
// one owner can never see another's data.
type Store interface {
	// GetProfile returns the owner's profile, or a zero Profile (Version 0)
	// when none was saved. Errors: Unavailable, Internal.
	GetProfile(ctx context.Context, owner string) (Profile, error)
	// PutProfile saves p if the stored version is still prevVersion (0: none
	// stored yet). Errors: Precondition, Unavailable, Internal.
	PutProfile(ctx context.Context, p Profile, prevVersion int) error
	// CreateDocument stores d and its first history entry in one write. With
	// idem set, the key is claimed in the same write: a key already used for
	// the same request returns the document it created and replayed=true; for
	// another request, an Invalid error with reason "idempotency_key_reused".
	// Errors: Invalid, Unavailable, Internal.
	CreateDocument(ctx context.Context, d Document, ev Event, idem *idempotency.Key) (stored Document, replayed bool, err error)
	// GetDocument errors: NotFound, Unavailable, Internal.
	GetDocument(ctx context.Context, owner, id string) (Document, error)
	// ListDocuments returns up to limit documents with ids after `after`
	// ("" from the start) in id order, and the id to continue after ("" at
	// the end). Errors: Unavailable, Internal.
	ListDocuments(ctx context.Context, owner, after string, limit int) ([]Document, string, error)
	// UpdateDocument replaces the document if its stored version is still
	// prevVersion, and adds ev to its history in the same write.
	// Errors: NotFound, Precondition, Unavailable, Internal.
	UpdateDocument(ctx context.Context, d Document, prevVersion int, ev Event) error
	// DeleteDocument erases the document with its history and every
	// record hanging off it (files, shares), calling objects (nil: none)
	// once it has read them, when one names stored bytes, and before it
	// deletes any: the bytes go first. Errors: NotFound, Unavailable, Internal, and objects' own.
	DeleteDocument(ctx context.Context, owner, id string, objects func(context.Context) error) error
	// ListHistory returns the document's history newest first, paged like
	// ListDocuments. Errors: Unavailable, Internal.
	ListHistory(ctx context.Context, owner, docID, after string, limit int) ([]Event, string, error)
}

// DocumentCounter counts documents; a store implements it.
type DocumentCounter interface {
	// CountActiveDocuments counts owner's documents of subject ("" the
	// holder's own) not in the archive, stopping at upTo.
	// Errors: Unavailable, Internal.
	CountActiveDocuments(ctx context.Context, owner, subject string, upTo int) (int, error)
}

// SubjectSelf selects the holder's own documents (ListFilter.Subject).
const SubjectSelf = "self"

// Subjects resolves the dependents a holder acts for (the family domain
// implements it).
type Subjects interface {
	// Subject returns holder's dependent id while the holder may act for
	// them. Errors: NotFound (missing or another holder's), Conflict
	// (dependent_not_active: grown up, or the power of attorney ended),
	// Unavailable, Internal.
	Subject(ctx context.Context, holder, id string) (Subject, error)
}

// Subject is a dependent as the registry needs them: their rules run on
// their birth date, their messages name them.
type Subject struct {
	ID        string
	Name      string
	BirthDate civil.Date
	SNILS     string // "" when not given
}

// subject resolves in.Subject for a create: NotFound (someone else's id
// too) is a field error, as an unknown type is.
func (s *Service) subject(ctx context.Context, op, owner, id string) (*Subject, error) {
	if id == "" {
		return nil, nil
	}
	if s.Subjects == nil {
		return nil, errs.E(op, errs.Invalid, errs.FieldError{Field: "subject", Code: "unknown_subject"})
	}
	sj, err := s.Subjects.Subject(ctx, owner, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(op, errs.Invalid, errs.FieldError{Field: "subject", Code: "unknown_subject"})
	}
	if err != nil {
		return nil, err
	}
	return &sj, nil
}

// birthOf is the birth date d's rules use: its subject's, else the holder's.
func (s *Service) birthOf(ctx context.Context, d Document, p Profile) *civil.Date {
	if d.Subject == "" || s.Subjects == nil {
		return p.BirthDate
	}
	sj, err := s.Subjects.Subject(ctx, d.Owner, d.Subject)
	if err != nil {
		return nil
	}
	return &sj.BirthDate
}

// checkRoom refuses a new active document of owner's subject at the cap
// (limits.ActiveDocuments a person: the holder and each dependent).
func (s *Service) checkRoom(ctx context.Context, op, owner, subject string) error {
	if s.Counter == nil {
		return nil
	}
	n, err := s.Counter.CountActiveDocuments(ctx, owner, subject, limits.ActiveDocuments)
	if err != nil {
		return err
	}
	if n >= limits.ActiveDocuments {
		return errs.E(op, errs.Conflict, ReasonTooManyDocuments)
	}
	return nil
}

// examineBudget bounds how many stored documents one filtered list
// request reads; past it the page ends early with a cursor.
const examineBudget = 1000

// Service is the document registry. Every method acts for owner, the
// authenticated person; callers take owner from the verified identity, never
// from a request. A document of someone else is NotFound, exactly as a
// missing one.
type Service struct {
	Store Store
	Now   func() time.Time
	NewID func() string
	// Contacts subscribes a person's phone and e-mail to the reminders
	// topic; nil where a function has no business with contacts.
	Contacts Contacts
	// Verifications keeps verification codes and their caps, and Codes
	// sends the codes (to the reminders topic, addressed to the contact's
	// tag); nil where a function has no business with contacts.
	Verifications Verifications
	Codes         message.Publisher
	// Locator seals the contact into the id a sharer of it is shown by,
	// so removing them reads the contact's record with the profile; nil
	// seals nothing (ids.Locator).
	Locator *ids.Locator
	// Counter counts a person's active documents for the cap
	// limits.ActiveDocuments; nil where a function creates no documents
	// for people (an agency's are trusted and replace their predecessor).
	Counter DocumentCounter
	// Subjects resolves the holder's dependents (documents with a
	// subject); nil where a function keeps no family.
	Subjects Subjects
	// Log receives what a caller is not told (a code that could not be
	// sent after the profile was saved); slog.Default when nil.
	Log *slog.Logger
	// Renewal names the service that renews a document of type t, "" when
	// none does. Renewing is the applications domain's business (its
	// catalogue of services), so the registry does not decide it:
	// composition sets applications.RenewalService here. nil names none.
	Renewal func(t DocType) string
	// Attachments erases the stored bytes of a document's electronic
	// copies when the document is erased; nil where a function keeps none.
	Attachments Attachments
}

// Attachments is what the registry asks to erase a document's files'
// objects. It is called after everything hanging off the document is read
// and before any record goes (Store.DeleteDocument), so a failure half-way
// leaves the document and its records for the retry to find.
type Attachments interface {
	// DeleteDocumentObjects errors: Unavailable, Internal.
	DeleteDocumentObjects(ctx context.Context, owner, docID string) error
}

// View is a document as its owner sees it on a day: with its status and,
// for a document that does not expire, the milestone still ahead.
type View struct {
	Document
	Status   Status
	DaysLeft *int
	// Upcoming is the document's milestone when it is today or later.
	Upcoming *Milestone
	// seen is the owner's profile the view was made with, so that a
	// change of the document as read (LinkRenewal) is saved without
	// reading it again.
	seen Profile
}

// ListFilter selects documents; zero fields select everything.
type ListFilter struct {
	Status Status
	Type   DocType
	// Subject selects one person's documents: SubjectSelf the holder's own,
	// a dependent's id theirs; "" everyone's.
	Subject string
	Limit   int
	Cursor  string
}

// Page is one page of documents.
type Page struct {
	Items      []View
	NextCursor string
}

// HistoryPage is one page of history.
type HistoryPage struct {
	Items      []Event
	NextCursor string
}

func (s *Service) today(p Profile) civil.Date { return civil.Today(s.Now(), p.Location()) }

func (s *Service) view(d Document, p Profile) View {
	today := s.today(p)
	st, left := d.StatusOn(today)
	v := View{Document: d, Status: st, DaysLeft: left, seen: p}
	if m := d.Milestone(); m != nil && !m.On.Before(today) {
		v.Upcoming = m
	}
	return v
}

// Types returns the catalogue of document types. Anyone may call it.
func (s *Service) Types() []TypeInfo { return Catalogue() }

// RenewalService names the service that renews documents of type t (the
// code POST /documents/{id}/renew starts an application of), "" when none
// does or none is known here. Anyone may call it.
func (s *Service) RenewalService(t DocType) string {
	if s.Renewal == nil {
		return ""
	}
	return s.Renewal(t)
}

// CreateDocument adds a document for owner, within limits.ActiveDocuments
// (Conflict too_many_documents at the cap). When expiresOn is omitted and the
// type has a validity rule, the expiry is computed (source "rule").
// Errors: Invalid (field errors; a reused idempotency key), Unavailable, Internal.
func (s *Service) CreateDocument(ctx context.Context, owner string, in CreateInput, idem *idempotency.Key) (View, bool, error) {
	const op = "registry.CreateDocument"
	ti, ok := Lookup(DocType(in.Type))
	if !ok {
		code := "unknown_type"
		if in.Type == "" {
			code = "required"
		}
		return View{}, false, errs.E(op, errs.Invalid, errs.FieldError{Field: "type", Code: code})
	}
	sj, err := s.subject(ctx, op, owner, in.Subject)
	if err != nil {
		return View{}, false, err
	}
	// The profile and the cap's count in one round trip.
	var p Profile
	err = parallel.Do(
		func() (err error) { p, err = s.Store.GetProfile(ctx, owner); return err },
		func() error { return s.checkRoom(ctx, op, owner, in.Subject) },
	)
	if err != nil {
		return View{}, false, err
	}
	now := s.Now().UTC()
	d := Document{ID: s.NewID(), Owner: owner, Type: ti.Type, Source: SourceUser, CreatedAt: now, UpdatedAt: now, Version: 1}
	birth := p.BirthDate
	if sj != nil {
		// The subject's document follows the subject's birth date (the
		// internal passport at 14/20/45), and a birth certificate carries
		// it (the first passport at 14) unless the holder typed another.
		d.Subject, d.SubjectName, birth = sj.ID, sj.Name, &sj.BirthDate
		if ti.HolderBirthDate && !in.HolderBirthDate.Set {
			in.HolderBirthDate = opt.Of(sj.BirthDate.String())
		}
	}
	if _, fe := apply(&d, in.DocumentFields, true, birth, s.today(p)); fe.Err(op) != nil {
		return View{}, false, fe.Err(op)
	}
	d.Reminder = d.Schedule(p.Location(), now)
	ev := Event{ID: s.NewID(), DocID: d.ID, Owner: owner, Action: ActionCreated, Actor: owner, At: now}
	stored, replayed, err := s.Store.CreateDocument(ctx, d, ev, idem)
	if err != nil {
		return View{}, false, err
	}
	return s.view(stored, p), replayed, nil
}

// GetDocument returns one of owner's documents. The document and the
// profile (whose zone decides the status) are read at once: one round trip.
// Errors: NotFound, Unavailable, Internal.
func (s *Service) GetDocument(ctx context.Context, owner, id string) (View, error) {
	d, p, err := s.load(ctx, owner, id)
	if err != nil {
		return View{}, err
	}
	return s.view(d, p), nil
}

// ListDocuments returns owner's documents matching f, oldest first. A page
// may hold fewer than f.Limit items and still carry a cursor when the
// filter is selective; an empty cursor means the end.
// Errors: Invalid (limit, status, type), Malformed (cursor), Unavailable, Internal.
func (s *Service) ListDocuments(ctx context.Context, owner string, f ListFilter) (Page, error) {
	const op = "registry.ListDocuments"
	var fe errs.Fields
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		fe.Add("status", "unknown_status")
	}
	if _, ok := Lookup(f.Type); f.Type != "" && !ok {
		fe.Add("type", "unknown_type")
	}
	if err := fe.Err(op); err != nil {
		return Page{}, err
	}
	after, err := paging.DecodeCursor(f.Cursor)
	if err != nil {
		return Page{}, err
	}
	limit := paging.ClampLimit(f.Limit)
	// The profile (for today's date in the owner's zone, which the filter
	// and the statuses need) and the first page are read at once: an
	// unfiltered list is one round trip.
	var (
		p         Profile
		first     []Document
		firstNext string
	)
	err = parallel.Do(
		func() (err error) { p, err = s.Store.GetProfile(ctx, owner); return err },
		func() (err error) {
			first, firstNext, err = s.Store.ListDocuments(ctx, owner, after, limit)
			return err
		},
	)
	if err != nil {
		return Page{}, err
	}
	today := s.today(p)
	fetched := false
	docs, last, err := paging.Collect(
		func(from string) ([]Document, string, error) {
			if !fetched && from == after {
				fetched = true
				return first, firstNext, nil
			}
			return s.Store.ListDocuments(ctx, owner, from, limit)
		},
		func(d Document) string { return d.ID },
		func(d Document) bool {
			st, _ := d.StatusOn(today)
			return (f.Type == "" || d.Type == f.Type) && (f.Status == "" || st == f.Status) &&
				(f.Subject == "" || d.Subject == f.Subject || (f.Subject == SubjectSelf && d.Subject == ""))
		}, after, limit, examineBudget)
	if err != nil {
		return Page{}, err
	}
	page := Page{NextCursor: paging.EncodeCursor(last)}
	for _, d := range docs {
		page.Items = append(page.Items, s.view(d, p))
	}
	return page, nil
}

// UpdateDocument applies a partial update if the document is still at
// version ifMatch (required: nil is PreconditionRequired, judged after the
// lookup so someone else's id is NotFound whatever the headers say). Changing the issue date of a document whose expiry came
// from its rule recomputes the expiry. An update that changes nothing writes
// nothing. Errors: NotFound, Invalid, PreconditionRequired, Precondition (stale version), Conflict
// (archived), Unavailable, Internal.
func (s *Service) UpdateDocument(ctx context.Context, owner, id string, in DocumentFields, ifMatch *int) (View, error) {
	const op = "registry.UpdateDocument"
	d, p, err := s.load(ctx, owner, id)
	if err != nil {
		return View{}, err
	}
	if err := errs.CheckVersion(op, ifMatch, d.Version); err != nil {
		return View{}, err
	}
	if d.ArchivedAt != nil {
		return View{}, errs.E(op, errs.Conflict, ReasonArchived)
	}
	changed, fe := apply(&d, in, false, s.birthOf(ctx, d, p), s.today(p))
	if err := fe.Err(op); err != nil {
		return View{}, err
	}
	if len(changed) == 0 {
		return s.view(d, p), nil
	}
	if slices.Contains(changed, "expiresOn") {
		d.Reminder = Reminder{} // a renewed document starts its reminders afresh
	}
	return s.save(ctx, d, p, Event{Action: ActionUpdated, Fields: changed})
}

// Archive moves a document to the archive: it keeps its history, stops
// counting towards reminders and shows status "archived".
// Errors: NotFound, Conflict (already archived), Unavailable, Internal.
func (s *Service) Archive(ctx context.Context, owner, id string) (View, error) {
	return s.setArchived(ctx, owner, id, true)
}

// Unarchive brings an archived document back, within the cap of active
// documents.
// Errors: NotFound, Conflict (not archived; too_many_documents),
// Unavailable, Internal.
//
// The document, the profile and the count of the holder's own active
// documents are read at once, then the change is written: two round trips
// for a document of the holder's own. Which count caps a dependent's
// document is known only from the document (its subject), so that one is
// counted after it is read: three round trips.
func (s *Service) Unarchive(ctx context.Context, owner, id string) (View, error) {
	const op = "registry.Unarchive"
	var (
		d   Document
		p   Profile
		own int
	)
	reads := []func() error{func() (err error) { d, p, err = s.load(ctx, owner, id); return err }}
	if s.Counter != nil {
		reads = append(reads, func() (err error) {
			own, err = s.Counter.CountActiveDocuments(ctx, owner, "", limits.ActiveDocuments)
			return err
		})
	}
	if err := parallel.Do(reads...); err != nil {
		return View{}, err
	}
	switch {
	case d.Subject != "":
		if err := s.checkRoom(ctx, op, owner, d.Subject); err != nil {
			return View{}, err
		}
	case s.Counter != nil && own >= limits.ActiveDocuments:
		return View{}, errs.E(op, errs.Conflict, ReasonTooManyDocuments)
	}
	return s.archived(ctx, d, p, false)
}

func (s *Service) setArchived(ctx context.Context, owner, id string, archive bool) (View, error) {
	d, p, err := s.load(ctx, owner, id)
	if err != nil {
		return View{}, err
	}
	return s.archived(ctx, d, p, archive)
}

// archived writes d (read with its profile p) archived or not.
func (s *Service) archived(ctx context.Context, d Document, p Profile, archive bool) (View, error) {
	const op = "registry.Archive"
	if (d.ArchivedAt != nil) == archive {
		reason := ReasonNotArchived
		if archive {
			reason = ReasonAlreadyArchived
		}
		return View{}, errs.E(op, errs.Conflict, reason)
	}
	action := ActionUnarchived
	d.ArchivedAt = nil
	if archive {
		now := s.Now().UTC()
		d.ArchivedAt, action = &now, ActionArchived
	}
	v, err := s.save(ctx, d, p, Event{Action: action})
	if errs.Is(err, errs.Precondition) {
		// Someone changed it between our read and write; the caller asked
		// for no particular version, so report the state clash, not a 412.
		return View{}, errs.E(op, errs.Conflict, err)
	}
	return v, err
}

// DeleteDocument erases a document, its history, its files (records and
// stored objects) and its shares: the person's right to erasure. The owner
// alone may; another person's document is NotFound.
// Errors: NotFound, Unavailable, Internal.
func (s *Service) DeleteDocument(ctx context.Context, owner, id string) error {
	var objects func(context.Context) error
	if s.Attachments != nil {
		objects = func(ctx context.Context) error { return s.Attachments.DeleteDocumentObjects(ctx, owner, id) }
	}
	return s.Store.DeleteDocument(ctx, owner, id, objects)
}

// DocumentExists reports whether owner holds document id, for services
// whose objects hang off documents (files). Errors: NotFound, Unavailable, Internal.
func (s *Service) DocumentExists(ctx context.Context, owner, id string) error {
	_, err := s.Store.GetDocument(ctx, owner, id)
	return err
}

// History returns a document's history, newest first.
// Errors: NotFound, Malformed (cursor), Unavailable, Internal.
func (s *Service) History(ctx context.Context, owner, id string, limit int, cursor string) (HistoryPage, error) {
	after, err := paging.DecodeCursor(cursor)
	if err != nil {
		return HistoryPage{}, err
	}
	// The document (a missing one is NotFound) and the page at once: the
	// page is read from the caller's own partition, so it tells nothing of
	// anyone else's, and it is dropped when the document is not there.
	var (
		items []Event
		next  string
	)
	err = parallel.Do(
		func() error { _, err := s.Store.GetDocument(ctx, owner, id); return err },
		func() (err error) {
			items, next, err = s.Store.ListHistory(ctx, owner, id, after, paging.ClampLimit(limit))
			return err
		},
	)
	if err != nil {
		return HistoryPage{}, err
	}
	return HistoryPage{Items: items, NextCursor: paging.EncodeCursor(next)}, nil
}

// load reads a document and its owner's profile (the zone its status and
// reminders are reckoned in) at once: a change reads in one round trip and
// writes in one.
func (s *Service) load(ctx context.Context, owner, id string) (Document, Profile, error) {
	var (
		d Document
		p Profile
	)
	err := parallel.Do(
		func() (err error) { d, err = s.Store.GetDocument(ctx, owner, id); return err },
		func() (err error) { p, err = s.Store.GetProfile(ctx, owner); return err },
	)
	if err != nil {
		return Document{}, Profile{}, err
	}
	return d, p, nil
}

// save stores d as its next version with ev in its history, rescheduling
// its reminders first.
func (s *Service) save(ctx context.Context, d Document, p Profile, ev Event) (View, error) {
	now := s.Now().UTC()
	prev := d.Version
	d.Version, d.UpdatedAt = prev+1, now
	d.Reminder = d.Schedule(p.Location(), now)
	ev.ID, ev.DocID, ev.Owner, ev.Actor, ev.At = s.NewID(), d.ID, d.Owner, d.Owner, now
	if err := s.Store.UpdateDocument(ctx, d, prev, ev); err != nil {
		return View{}, err
	}
	return s.view(d, p), nil
}
