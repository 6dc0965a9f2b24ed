package applications

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/limits"
	"github.com/kabinet/kabinet/shared/domain/paging"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

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
	today := civil.Today(s.Now(), p.Location())
	sj, err := s.subject(ctx, op, owner, svc, in.Subject)
	if err != nil {
		return nil, err
	}
	_, fe := validate(svc.forApplicant(birthOf(sj), today), in.Fields, true, today)
	if err := fe.Err(op); err != nil {
		return err.(*errs.Error).Fields, nil
	}
	return []errs.FieldError{}, nil
}

// subject resolves Input.Subject: "" for the holder; a dependent of
// owner's only for a service that allows it. Someone else's dependent is
// a field error, exactly as a missing one; a grown-up child is family's
// Conflict dependent_not_active.
func (s *Service) subject(ctx context.Context, op, owner string, svc ServiceInfo, id string) (*registry.Subject, error) {
	if id == "" || id == registry.SubjectSelf {
		return nil, nil
	}
	if !svc.ForDependents {
		return nil, errs.E(op, errs.Invalid, errs.FieldError{Field: "subject", Code: "not_for_dependents"})
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

// subjectKey is the subject a request names as applications record it:
// "" for the holder themself. (A subject that is not the holder's counts
// nothing and is refused by its own check.)
func subjectKey(subject string) string {
	if subject == registry.SubjectSelf {
		return ""
	}
	return subject
}

func birthOf(sj *registry.Subject) *civil.Date {
	if sj == nil {
		return nil
	}
	return &sj.BirthDate
}

// applicantService is a's service as it applies to a's applicant on today.
func applicantService(svc ServiceInfo, a Application, today civil.Date) ServiceInfo {
	if a.Subject == "" {
		return svc
	}
	return svc.forApplicant(a.SubjectBirth, today)
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
	var r draftReads
	if err := parallel.Do(r.reads(ctx, s, op, owner, svc, in.Subject)...); err != nil {
		return Application{}, false, err
	}
	a, err := s.decideDraft(ctx, op, owner, svc, in, &r)
	if err != nil {
		return Application{}, false, err
	}
	return s.Store.CreateApplication(ctx, a, idem)
}

// draftReads is what a new draft reads before it is decided: the owner's
// profile, their open applications (the cap) and the subject, at once;
// the applicant's documents (the prefill's numbers) once, when first
// needed or when started with them (Renew).
type draftReads struct {
	profile registry.Profile
	open    int
	subject *registry.Subject
	sjErr   error
	// docs is the applicant's documents, read on its first call.
	docs func() ([]registry.Document, error)
}

// reads are r's reads for a draft of svc for subject; their errors count in
// that order (the subject's is told by decideDraft, after the cap).
func (r *draftReads) reads(ctx context.Context, s *Service, op, owner string, svc ServiceInfo, subject string) []func() error {
	reads := []func() error{func() (err error) { r.profile, err = s.Profiles.GetProfile(ctx, owner); return err }}
	if s.Open != nil {
		reads = append(reads, func() (err error) {
			// the cap is a person's: the holder's own and each dependent's count apart
			r.open, err = s.Open.CountOpenApplications(ctx, owner, subjectKey(subject), limits.OpenApplications)
			return err
		})
	}
	return append(reads, func() error { r.subject, r.sjErr = s.subject(ctx, op, owner, svc, subject); return nil })
}

// decideDraft judges r for a draft of svc from in and returns the draft,
// prefilled, not yet stored.
func (s *Service) decideDraft(ctx context.Context, op, owner string, svc ServiceInfo, in Input, r *draftReads) (Application, error) {
	if s.Open != nil && r.open >= limits.OpenApplications {
		return Application{}, errs.E(op, errs.Conflict, ReasonTooManyApplications)
	}
	if r.sjErr != nil {
		return Application{}, r.sjErr
	}
	p, sj := r.profile, r.subject
	today := civil.Today(s.Now(), p.Location())
	svc = svc.forApplicant(birthOf(sj), today)
	fields, fe := validate(svc, in.Fields, false, today)
	if err := fe.Err(op); err != nil {
		return Application{}, err
	}
	if r.docs == nil {
		r.docs = s.applicantDocuments(ctx, owner, applicantOf(sj))
	}
	if err := prefill(svc, p, sj, fields, today, r.docs); err != nil {
		return Application{}, err
	}
	now := s.Now().UTC()
	a := Application{ID: s.Locator.Seal(s.NewID(), owner), Owner: owner, ServiceCode: svc.Code, Agency: svc.Agency, Fields: fields,
		DocumentID: in.documentID, Status: StatusDraft, CreatedAt: now, UpdatedAt: now, Version: 1}
	if sj != nil {
		a.Subject, a.SubjectName, a.SubjectBirth = sj.ID, sj.Name, birthOf(sj)
	}
	return a, nil
}

// applicantOf is the subject whose documents are the applicant's: sj, or
// the holder themself.
func applicantOf(sj *registry.Subject) string {
	if sj == nil {
		return registry.SubjectSelf
	}
	return sj.ID
}

// prefill fills the service's empty fields from the profile and documents
// (docs, read only when a field takes a number from one); a value that
// would not pass the field's rule is left out. For a dependent (sj) the
// person's own data are theirs — name, birth date, SNILS, their internal
// passport — and the contacts stay the holder's.
func prefill(svc ServiceInfo, p registry.Profile, sj *registry.Subject, fields map[string]string, today civil.Date, docs func() ([]registry.Document, error)) error {
	name, birth := p.Name, p.BirthDate
	if sj != nil {
		name, birth = sj.Name, &sj.BirthDate
		if _, ok := svc.Field("snils"); ok && fields["snils"] == "" && sj.SNILS != "" {
			fields["snils"] = sj.SNILS
		}
	}
	for _, f := range svc.Fields {
		if fields[f.Name] != "" || f.Prefill == "" {
			continue
		}
		var v string
		switch f.Prefill {
		case FromProfileName:
			v = name
		case FromProfilePhone:
			v = p.Phone
		case FromProfileEmail:
			v = p.Email
		case FromProfileBirthDate:
			if birth != nil {
				v = birth.String()
			}
		case FromInternalPassport, FromBirthCertificate:
			all, err := docs()
			if err != nil {
				return err
			}
			typ := registry.InternalPassport
			if f.Prefill == FromBirthCertificate {
				typ = registry.BirthCertificate
			}
			v = currentNumber(all, typ)
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

// applicantDocuments returns a function reading, on its first call only,
// the documents of subject in owner's registry (a holder's list holds their
// children's too: only the applicant's own), up to 2,000.
func (s *Service) applicantDocuments(ctx context.Context, owner, subject string) func() ([]registry.Document, error) {
	return sync.OnceValues(func() ([]registry.Document, error) {
		if s.Documents == nil || owner == "" {
			return nil, nil
		}
		var all []registry.Document
		cursor := ""
		for range 20 {
			page, err := s.Documents.ListDocuments(ctx, owner, registry.ListFilter{Subject: subject, Limit: paging.MaxLimit, Cursor: cursor})
			if err != nil {
				return nil, err
			}
			for _, v := range page.Items {
				all = append(all, v.Document)
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		return all, nil
	})
}

// currentNumber is the number of the current document of type typ among
// docs, an internal passport or a birth certificate: the unarchived one
// issued last ("" when none has a number).
func currentNumber(docs []registry.Document, typ registry.DocType) string {
	var best *registry.Document
	for i, d := range docs {
		if d.Type != typ || d.ArchivedAt != nil || d.Number == "" {
			continue
		}
		if best == nil || issuedAfter(d, *best) {
			best = &docs[i]
		}
	}
	if best == nil {
		return ""
	}
	return best.Number
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

// UpdateDraft merges fields into a draft at version ifMatch: a value
// replaces the field, nil clears it. Each given field must pass its rule.
// Errors: NotFound, Conflict (not_draft, changed), Precondition (stale
// version), Invalid (fields.<name>), Unavailable, Internal.
func (s *Service) UpdateDraft(ctx context.Context, owner, id string, fields map[string]*string, ifMatch *int) (Application, error) {
	const op = "applications.UpdateDraft"
	// The draft and the profile (the applicant's day) are read at once.
	var a Application
	var p registry.Profile
	if err := parallel.Do(
		func() (err error) { a, err = s.Get(ctx, owner, id); return err },
		func() (err error) { p, err = s.Profiles.GetProfile(ctx, owner); return err },
	); err != nil {
		return Application{}, err
	}
	if ifMatch == nil {
		return Application{}, errs.CheckVersion(op, ifMatch, a.Version)
	}
	if a.Status != StatusDraft {
		return Application{}, errs.E(op, errs.Conflict, ReasonNotDraft)
	}
	if err := errs.CheckVersion(op, ifMatch, a.Version); err != nil {
		return Application{}, err
	}
	svc, _ := Lookup(a.ServiceCode)
	given := map[string]string{}
	for k, v := range fields {
		if v != nil {
			given[k] = *v
		} else {
			given[k] = ""
		}
	}
	today := civil.Today(s.Now(), p.Location())
	norm, fe := validate(applicantService(svc, a, today), given, false, today)
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
			return Application{}, errs.E(op, errs.Precondition, errs.ReasonVersionMismatch)
		}
		return Application{}, err
	}
	return a, nil
}

// DeleteDraft erases a draft. A submitted application is kept: withdraw it.
// Errors: NotFound, Conflict (not_draft), Unavailable, Internal.
func (s *Service) DeleteDraft(ctx context.Context, owner, id string) error {
	a, err := s.Get(ctx, owner, id)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteDraft(ctx, owner, id); err != nil {
		return err
	}
	if a.DocumentID != "" && s.Renewals != nil {
		// the document no longer points at a deleted draft; a failure
		// here only leaves a stale link, which Renew reads as none
		if err := s.Renewals.UnlinkRenewal(context.WithoutCancel(ctx), owner, a.DocumentID, id); err != nil && !errs.Is(err, errs.NotFound) {
			s.log().Warn("applications: deleted renewal draft still linked from its document", "application", id, "err", err.Error())
		}
	}
	return nil
}
