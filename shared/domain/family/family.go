// Package family is the people an account holder acts for: children under
// 18 and others in their care by a power of attorney. A dependent is not a
// login: the holder keeps their documents (registry, with a subject),
// books their appointments and files their applications, and every message
// about them goes to the holder's verified contacts, naming them.
//
// Only the holder sees or changes a dependent: every method takes the
// holder from the verified identity, and another holder's dependent id is
// NotFound, exactly as a missing one.
package family

import (
	"context"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/numbers"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/usertext"
)

// Relations a dependent may have to the holder.
const (
	// RelationChild: a child under AdultAge, by birth date.
	RelationChild = "child"
	// RelationWard: a person in the holder's care by a power of attorney
	// (or guardianship) ending on Until.
	RelationWard = "ward"
)

// Limits.
const (
	// AdultAge: a child stops being a dependent on their 18th birthday.
	AdultAge = 18
	// MaxDependents bounds one account's dependents (and so what it can
	// make Kabinet remind).
	MaxDependents = 20
	maxName       = 200
)

// Status is where a dependent stands on a day.
type Status string

// The statuses.
const (
	// StatusActive: the holder acts for them.
	StatusActive Status = "active"
	// StatusGrownUp: a child who has turned AdultAge; the holder no longer
	// adds documents or books for them (their own account takes over).
	StatusGrownUp Status = "grown_up"
	// StatusExpired: a ward whose power of attorney has ended.
	StatusExpired Status = "expired"
)

// Dependent is one person in a holder's care.
type Dependent struct {
	ID        string
	Holder    string
	Name      string
	BirthDate civil.Date
	Relation  string
	SNILS     string
	// Until is the last day of a ward's power of attorney.
	Until     *civil.Date
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
	// Handover is where the hand-over of a grown-up child's documents
	// stands (handover.go); zero until the child turns AdultAge.
	Handover Handover
	// DueAt is when the scheduled pipeline next acts on the dependent (the
	// child's 18th birthday at midnight in the holder's zone, then the
	// hand-over's deadline); nil when nothing is due. The store keeps it in
	// the due index.
	DueAt *time.Time
}

// AdultOn is the day a child turns AdultAge: the 18th anniversary of the
// birth date (civil.Anniversary: a 29 February birthday falls on 1 March
// of a common year, the first day the full 18 years have passed), as every
// age check counts it (civil.YearsTo: a paediatrician's, an applicant's).
func (d Dependent) AdultOn() civil.Date { return d.BirthDate.Anniversary(AdultAge) }

// StatusOn is d's status on today.
func (d Dependent) StatusOn(today civil.Date) Status {
	switch {
	case d.Relation == RelationChild && !today.Before(d.AdultOn()):
		return StatusGrownUp
	case d.Relation == RelationWard && d.Until != nil && today.After(*d.Until):
		return StatusExpired
	}
	return StatusActive
}

// Input is the body of POST /family and, merged, of PATCH /family/{id}.
type Input struct {
	Name      opt.Value[string] `json:"name"`
	BirthDate opt.Value[string] `json:"birthDate"`
	Relation  opt.Value[string] `json:"relation"`
	SNILS     opt.Value[string] `json:"snils"`
	Until     opt.Value[string] `json:"until"`
}

// Store keeps dependents under their holder's key; a store implements it.
type Store interface {
	// ListDependents returns holder's dependents, oldest first.
	// Errors: Unavailable, Internal.
	ListDependents(ctx context.Context, holder string) ([]Dependent, error)
	// GetDependent errors: NotFound, Unavailable, Internal.
	GetDependent(ctx context.Context, holder, id string) (Dependent, error)
	// CreateDependent stores a new d; with idem set, the key is claimed in
	// the same write, and a key used before for the same request answers
	// the dependent it created (replayed). Errors: Invalid (reason
	// idempotency_key_reused), Unavailable, Internal.
	CreateDependent(ctx context.Context, d Dependent, idem *idempotency.Key) (stored Dependent, replayed bool, err error)
	// PutDependent replaces d if the stored version is still prevVersion.
	// Errors: Precondition (the dependent changed or is gone),
	// Unavailable, Internal.
	PutDependent(ctx context.Context, d Dependent, prevVersion int) error
	// DeleteDependent removes one. Errors: NotFound, Unavailable, Internal.
	DeleteDependent(ctx context.Context, holder, id string) error
}

// Records counts what still names a dependent as its subject; a store
// implements it.
type Records interface {
	// CountSubjectDocuments counts holder's documents whose subject is
	// id, up to upTo. Errors: Unavailable, Internal.
	CountSubjectDocuments(ctx context.Context, holder, id string, upTo int) (int, error)
}

// Service manages dependents for their holder.
type Service struct {
	Store   Store
	Records Records // nil: deleting checks nothing
	Now     func() time.Time
	NewID   func() string
	// Today is the holder's civil day (their zone's); UTC when nil.
	Today func(ctx context.Context, holder string) (civil.Date, error)
	// Zone is the holder's time zone, which a child's 18th birthday is
	// scheduled in (HolderZone); UTC when nil.
	Zone func(ctx context.Context, holder string) (*time.Location, error)
	// Handovers keeps grown-up children's hand-overs; nil where no
	// hand-over is served (their methods answer Unavailable).
	Handovers HandoverStore
	// Language is the holder's language, which their notifications about a
	// hand-over are written in (HolderLanguage); Russian when nil.
	Language func(ctx context.Context, holder string) (string, error)
}

// ReasonTooManyDependents (Conflict): MaxDependents are recorded.
const ReasonTooManyDependents errs.Reason = "too_many_dependents"

// ReasonDependentInUse (Conflict): documents still name the dependent.
const ReasonDependentInUse errs.Reason = "dependent_in_use"

func (s *Service) today(ctx context.Context, holder string) (civil.Date, error) {
	if s.Today != nil {
		return s.Today(ctx, holder)
	}
	return civil.Of(s.Now().UTC()), nil
}

// dayAndZone is the holder's day and zone from one read of their zone
// (Zone), or Today's day and UTC without it.
func (s *Service) dayAndZone(ctx context.Context, holder string) (civil.Date, *time.Location, error) {
	if s.Zone == nil {
		today, err := s.today(ctx, holder)
		return today, time.UTC, err
	}
	loc, err := s.Zone(ctx, holder)
	if err != nil {
		return civil.Date{}, nil, err
	}
	return civil.Today(s.Now(), loc), loc, nil
}

// List returns holder's dependents. Errors: Unavailable, Internal.
// The day and the list are read at once. A child recorded before children
// were kept in the due index (no due time, no hand-over) is put there on
// the way (backfill), so their 18th birthday is not missed: the holder's
// list is read whenever the family is looked at, and a child added since
// is scheduled when added.
func (s *Service) List(ctx context.Context, holder string) ([]Dependent, civil.Date, error) {
	var (
		today civil.Date
		loc   *time.Location
		ds    []Dependent
	)
	if err := parallel.Do(
		func() (err error) { today, loc, err = s.dayAndZone(ctx, holder); return err },
		func() (err error) { ds, err = s.Store.ListDependents(ctx, holder); return err },
	); err != nil {
		return nil, civil.Date{}, err
	}
	for i := range ds {
		s.backfill(ctx, &ds[i], loc)
	}
	return ds, today, nil
}

// backfill puts a child that is in no due index yet (recorded before
// children were) there at their 18th birthday. Best effort: a failure
// (or a change meanwhile) leaves it for the next read of the list.
func (s *Service) backfill(ctx context.Context, d *Dependent, loc *time.Location) {
	if s.Handovers == nil || d.Relation != RelationChild || d.Handover.State != HandoverNone || d.DueAt != nil {
		return
	}
	next := *d
	schedule(&next, loc)
	prev := next.Version
	next.Version = prev + 1
	if err := s.Handovers.SetHandover(ctx, next, prev, nil, nil); err == nil {
		*d = next
	}
}

// Get returns one of holder's dependents. Errors: NotFound (missing or
// another holder's), Unavailable, Internal.
// The day and the dependent are read at once.
func (s *Service) Get(ctx context.Context, holder, id string) (Dependent, civil.Date, error) {
	var today civil.Date
	var d Dependent
	if err := parallel.Do(
		func() (err error) { d, err = s.Store.GetDependent(ctx, holder, id); return err },
		func() (err error) { today, err = s.today(ctx, holder); return err },
	); err != nil {
		return Dependent{}, civil.Date{}, err
	}
	return d, today, nil
}

// Active returns holder's dependent id if the holder may act for them on
// their day: a grown-up child or a ward whose power of attorney ended is
// Conflict (dependent_not_active); someone else's is NotFound. The
// registry, booking and applications call it before acting for a
// subject. Errors: NotFound, Conflict, Unavailable, Internal.
func (s *Service) Active(ctx context.Context, holder, id string) (Dependent, error) {
	d, today, err := s.Get(ctx, holder, id)
	if err != nil {
		return Dependent{}, err
	}
	if d.StatusOn(today) != StatusActive {
		return Dependent{}, errs.E("family.Active", errs.Conflict, ReasonDependentNotActive)
	}
	return d, nil
}

// ReasonDependentNotActive (Conflict): the dependent has grown up or the
// power of attorney has ended.
const ReasonDependentNotActive errs.Reason = "dependent_not_active"

// Create adds a dependent for holder; idem (Idempotency-Key) makes a retry
// answer the first request's dependent (replayed).
// Errors: Invalid (fields name, birthDate, relation, snils, until; a
// reused key), Conflict (too_many_dependents), Unavailable, Internal.
func (s *Service) Create(ctx context.Context, holder string, in Input, idem *idempotency.Key) (Dependent, bool, civil.Date, error) {
	const op = "family.Create"
	// The day and zone and the holder's dependents (the cap) are read at once.
	var (
		today    civil.Date
		loc      *time.Location
		existing []Dependent
		listErr  error
	)
	if err := parallel.Do(
		func() (err error) { today, loc, err = s.dayAndZone(ctx, holder); return err },
		func() error { existing, listErr = s.Store.ListDependents(ctx, holder); return nil },
	); err != nil {
		return Dependent{}, false, today, err
	}
	now := s.Now().UTC()
	d := Dependent{ID: s.NewID(), Holder: holder, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := apply(op, &d, in, true, today); err != nil {
		return Dependent{}, false, today, err
	}
	schedule(&d, loc)
	if listErr != nil {
		return Dependent{}, false, today, listErr
	}
	if len(existing) >= MaxDependents {
		return Dependent{}, false, today, errs.E(op, errs.Conflict, ReasonTooManyDependents)
	}
	stored, replayed, err := s.Store.CreateDependent(ctx, d, idem)
	return stored, replayed, today, err
}

// Update merges in into holder's dependent id (with ifMatch, only at that
// version). Errors: NotFound, Invalid, Precondition, Unavailable, Internal.
func (s *Service) Update(ctx context.Context, holder, id string, in Input, ifMatch *int) (Dependent, civil.Date, error) {
	const op = "family.Update"
	d, today, err := s.Get(ctx, holder, id)
	if err != nil {
		return Dependent{}, today, err
	}
	if ifMatch != nil {
		if err := errs.CheckVersion(op, ifMatch, d.Version); err != nil {
			return Dependent{}, today, err
		}
	}
	prev := d.Version
	if err := apply(op, &d, in, false, today); err != nil {
		return Dependent{}, today, err
	}
	d.Version, d.UpdatedAt = prev+1, s.Now().UTC()
	if in.BirthDate.Set || in.Relation.Set {
		loc, err := s.location(ctx, holder)
		if err != nil {
			return Dependent{}, today, err
		}
		schedule(&d, loc)
	}
	if err := s.Store.PutDependent(ctx, d, prev); err != nil {
		return Dependent{}, today, err
	}
	return d, today, nil
}

// Delete removes holder's dependent id, unless documents still name them
// (archive or delete those first: a dependent's papers are never left
// without a person). Errors: NotFound, Conflict (dependent_in_use),
// Unavailable, Internal.
func (s *Service) Delete(ctx context.Context, holder, id string) error {
	const op = "family.Delete"
	// The dependent and the documents naming them are read at once.
	var n int
	reads := []func() error{func() error { _, err := s.Store.GetDependent(ctx, holder, id); return err }}
	if s.Records != nil {
		reads = append(reads, func() (err error) { n, err = s.Records.CountSubjectDocuments(ctx, holder, id, 1); return err })
	}
	if err := parallel.Do(reads...); err != nil {
		return err
	}
	if n > 0 {
		return errs.E(op, errs.Conflict, ReasonDependentInUse)
	}
	return s.Store.DeleteDependent(ctx, holder, id)
}

// apply merges in into d, checking each field; creating requires name,
// birth date and relation (and until for a ward).
func apply(op string, d *Dependent, in Input, creating bool, today civil.Date) error {
	var fe errs.Fields
	if in.Name.Set {
		name, ok := usertext.Line(in.Name.V, maxName)
		switch {
		case in.Name.Null || (ok && strings.TrimSpace(name) == ""):
			fe.Add("name", "required")
		case !ok:
			fe.Add("name", "invalid_text")
		default:
			d.Name = name
		}
	} else if creating {
		fe.Add("name", "required")
	}
	if in.BirthDate.Set && !in.BirthDate.Null {
		if b, err := civil.Parse(in.BirthDate.V); err != nil {
			fe.Add("birthDate", "invalid_date")
		} else if b.After(today) {
			fe.Add("birthDate", "in_future")
		} else {
			d.BirthDate = b
		}
	} else if creating || in.BirthDate.Null {
		fe.Add("birthDate", "required")
	}
	if in.Relation.Set {
		switch r := strings.TrimSpace(in.Relation.V); {
		case in.Relation.Null || r == "":
			fe.Add("relation", "required")
		case r == RelationChild || r == RelationWard:
			d.Relation = r
		default:
			fe.Add("relation", "unsupported")
		}
	} else if creating {
		fe.Add("relation", "required")
	}
	if in.SNILS.Set {
		d.SNILS = ""
		if v := strings.TrimSpace(in.SNILS.V); !in.SNILS.Null && v != "" {
			if n, ok := numbers.SNILS(v); ok {
				d.SNILS = n
			} else {
				fe.Add("snils", "invalid_number")
			}
		}
	}
	if in.Until.Set {
		d.Until = nil
		if !in.Until.Null && in.Until.V != "" {
			if u, err := civil.Parse(in.Until.V); err != nil {
				fe.Add("until", "invalid_date")
			} else {
				d.Until = &u
			}
		}
	}
	if !fe.Has("relation") && !fe.Has("birthDate") {
		switch d.Relation {
		case RelationChild:
			if !today.Before(d.AdultOn()) && !fe.Has("birthDate") {
				fe.Add("birthDate", "not_a_minor")
			}
			d.Until = nil
		case RelationWard:
			if d.Until == nil && !fe.Has("until") {
				fe.Add("until", "required")
			} else if d.Until != nil && d.Until.Before(today) {
				fe.Add("until", "in_past")
			}
		}
	}
	return fe.Err(op)
}
