// Package sharing is a person showing one document, with its files, to a
// medical institution (optionally one specialist there) until a date: the
// shares, what the institution's staff see, and the record of every staff
// read, which the owner sees. Revoking or expiry ends access at once: every
// staff read checks the share then.
package sharing

import (
	"context"
	"slices"
	"time"

	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// MaxDuration is the longest a share may last.
const MaxDuration = 90 * 24 * time.Hour

// ReasonShareEnded (NotFound): staff read a share that was revoked or expired.
const ReasonShareEnded errs.Reason = "share_ended"

// MaxReadsShown bounds the reads listed with each share.
const MaxReadsShown = 50

// Share is one document shown to one institution.
type Share struct {
	ID            string
	Owner         string
	DocumentID    string
	InstitutionID string
	SpecialistID  string // "" for all staff of the institution
	Until         time.Time
	CreatedAt     time.Time
	RevokedAt     *time.Time
	Reads         []Read // newest first, at most MaxReadsShown; filled by ListShares
}

// Active reports whether staff may read the share at now.
func (s Share) Active(now time.Time) bool { return s.RevokedAt == nil && now.Before(s.Until) }

// Read is one staff read of a shared document, kept for its owner.
type Read struct {
	ShareID       string
	DocumentID    string
	Staff         string // the reader's subject
	InstitutionID string
	At            time.Time
}

// Staff is who reads on an institution's side: from the verified identity.
type Staff struct {
	Sub           string
	InstitutionID string // "" for staff of no institution
}

// Store keeps shares and reads.
type Store interface {
	// PutShare stores a new share. With idem set the key is claimed in the
	// same write: a key already used for the same request returns the share
	// it created and replayed=true. Errors: Invalid (idempotency_key_reused),
	// Unavailable, Internal.
	PutShare(ctx context.Context, s Share, idem *idempotency.Key) (stored Share, replayed bool, err error)
	// GetShare errors: NotFound, Unavailable, Internal.
	GetShare(ctx context.Context, owner, id string) (Share, error)
	// ListShares returns the shares of owner's document, newest first.
	// Errors: Unavailable, Internal.
	ListShares(ctx context.Context, owner, docID string) ([]Share, error)
	// RevokeShare marks a share revoked at at. Errors: NotFound, Unavailable, Internal.
	RevokeShare(ctx context.Context, owner, id string, at time.Time) error
	// InstitutionShares returns the shares with institution running at now
	// as its index has them: it lags, so one revoked a moment ago may still
	// be among them (AddRead refuses it). Errors: Unavailable, Internal.
	InstitutionShares(ctx context.Context, institution string, now time.Time) ([]Share, error)
	// FindShare returns an institution's share by id, for staff, whose
	// request names no owner: read from owner's, or with owner "" from the
	// one the share's reference names. Errors: NotFound, Unavailable,
	// Internal.
	FindShare(ctx context.Context, institution, owner, id string) (Share, error)
	// AddRead records a staff read of owner's share r.ShareID, in one write
	// with a check that the share runs for the reader at r.At: not revoked,
	// not expired, of r.DocumentID, shared with r.InstitutionID for all its
	// staff or r.Staff. Errors: NotFound (ReasonShareEnded: it does not, or
	// there is no such share), Unavailable, Internal.
	AddRead(ctx context.Context, owner string, r Read) error
	// DocumentReads returns every read of the shares of owner's document,
	// newest first. Errors: Unavailable, Internal.
	DocumentReads(ctx context.Context, owner, docID string) ([]Read, error)
}

// Places tells which institutions and specialists exist (the directory).
type Places interface {
	// Institution errors: NotFound, Unavailable, Internal.
	Institution(ctx context.Context, id string) (directory.Institution, error)
	// Specialist errors: NotFound, Unavailable, Internal.
	Specialist(ctx context.Context, id string) (directory.Specialist, error)
}

// Service is sharing. Owner methods act for the authenticated person;
// staff methods for the authenticated staff member and their institution.
type Service struct {
	Store     Store
	Places    Places
	Documents *registry.Service
	Files     *files.Service
	Now       func() time.Time
	NewID     func() string
	// Locator seals the owner and the document into the ids of new shares
	// (see seal), so staff naming one by id alone read it with its document
	// at once; nil seals none.
	Locator *ids.Locator
}

// ShareInput is the body of a new share.
type ShareInput struct {
	InstitutionID string    `json:"institutionId"`
	SpecialistID  string    `json:"specialistId,omitempty"`
	Until         time.Time `json:"until"`
}

// Field codes of Create.
const (
	CodeRequired = "required"
	CodeNotFound = "not_found"
	CodeInPast   = "in_past"
	CodeTooLong  = "longer_than_90_days"
	CodeNotThere = "not_at_institution"
)

// Create shares the owner's document with an institution until in.Until;
// with idem a retry returns the first share (replayed). Errors: NotFound
// (document), Invalid (institutionId required or not_found, specialistId
// not_found or not_at_institution, until in_past or longer_than_90_days,
// idempotency_key_reused), Unavailable, Internal.
func (s *Service) Create(ctx context.Context, owner, docID string, in ShareInput, idem *idempotency.Key) (Share, bool, error) {
	const op = "sharing.Create"
	// The document, the institution and the specialist are read at once;
	// the document's answer counts first.
	var instErr, specErr error
	var sp directory.Specialist
	reads := []func() error{func() error { return s.Documents.DocumentExists(ctx, owner, docID) }}
	if in.InstitutionID != "" {
		reads = append(reads, func() error { _, instErr = s.Places.Institution(ctx, in.InstitutionID); return nil })
		if in.SpecialistID != "" {
			reads = append(reads, func() error { sp, specErr = s.Places.Specialist(ctx, in.SpecialistID); return nil })
		}
	}
	if err := parallel.Do(reads...); err != nil {
		return Share{}, false, err
	}
	now := s.Now()
	var f errs.Fields
	switch {
	case in.Until.IsZero():
		f.Add("until", CodeRequired)
	case !in.Until.After(now):
		f.Add("until", CodeInPast)
	case in.Until.Sub(now) > MaxDuration:
		f.Add("until", CodeTooLong)
	}
	if in.InstitutionID == "" {
		f.Add("institutionId", CodeRequired)
	} else if errs.Is(instErr, errs.NotFound) {
		f.Add("institutionId", CodeNotFound)
	} else if instErr != nil {
		return Share{}, false, instErr
	}
	if in.SpecialistID != "" && !f.Has("institutionId") {
		switch {
		case errs.Is(specErr, errs.NotFound):
			f.Add("specialistId", CodeNotFound)
		case specErr != nil:
			return Share{}, false, specErr
		case sp.InstitutionID != in.InstitutionID:
			f.Add("specialistId", CodeNotThere)
		}
	}
	if err := f.Err(op); err != nil {
		return Share{}, false, err
	}
	sh := Share{ID: s.seal(s.NewID(), owner, docID), Owner: owner, DocumentID: docID, InstitutionID: in.InstitutionID,
		SpecialistID: in.SpecialistID, Until: in.Until.UTC(), CreatedAt: now}
	return s.Store.PutShare(ctx, sh, idem)
}

// List returns the shares of the owner's document, each with its latest
// staff reads. Errors: NotFound (document), Unavailable, Internal.
//
// The document, its shares and their reads are read at once (under the
// caller's own key: another person's document has none): the reads of a
// document are a few per share, kept under the document's own prefix.
func (s *Service) List(ctx context.Context, owner, docID string) ([]Share, error) {
	var (
		all   []Share
		reads []Read
	)
	if err := parallel.Do(
		func() error { return s.Documents.DocumentExists(ctx, owner, docID) },
		func() (err error) { all, err = s.Store.ListShares(ctx, owner, docID); return err },
		func() (err error) { reads, err = s.Store.DocumentReads(ctx, owner, docID); return err },
	); err != nil {
		return nil, err
	}
	at := make(map[string]int, len(all))
	for i, sh := range all {
		at[sh.ID] = i
	}
	for _, r := range reads {
		if i, ok := at[r.ShareID]; ok && len(all[i].Reads) < MaxReadsShown {
			all[i].Reads = append(all[i].Reads, r)
		}
	}
	return all, nil
}

// Revoke ends a share at once. Errors: NotFound (document or share, or a
// share of another document), Unavailable, Internal.
func (s *Service) Revoke(ctx context.Context, owner, docID, id string) error {
	sh, err := s.Store.GetShare(ctx, owner, id)
	if err != nil {
		return err
	}
	if sh.DocumentID != docID {
		return errs.E("sharing.Revoke", errs.NotFound, nil)
	}
	if sh.RevokedAt != nil {
		return nil
	}
	return s.Store.RevokeShare(ctx, owner, id, s.Now())
}

// Shared is a document as an institution's staff see it, with its files.
type Shared struct {
	Share    Share
	Document registry.View
	Files    []files.Download
}

func (s *Service) checkStaff(op string, who Staff, institution string) error {
	switch {
	case who.InstitutionID == "":
		return errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	case who.InstitutionID != institution:
		// Institution ids are public: refusing reveals nothing.
		return errs.E(op, errs.Forbidden, errs.ReasonOtherInstitution)
	}
	return nil
}

// visible reports whether who may see sh: a share with one specialist is
// for that specialist only.
func visible(sh Share, who Staff) bool { return sh.SpecialistID == "" || sh.SpecialistID == who.Sub }

// InstitutionDocuments lists what is shared with the institution and still
// running, reading each document and its files (with presigned downloads),
// and records the read for each owner. The shares come from the
// institution's index, then every share's document, files and record of
// the read together (see read), so the list costs the same round trips for
// one share as for many; a share the index still lists though revoked
// records no read and is left out.
//
// Errors: Forbidden (staff_only: not staff; other_institution: staff of
// another institution), Unavailable, Internal.
func (s *Service) InstitutionDocuments(ctx context.Context, who Staff, institution string) ([]Shared, error) {
	const op = "sharing.InstitutionDocuments"
	if err := s.checkStaff(op, who, institution); err != nil {
		return nil, err
	}
	now := s.Now()
	shares, err := s.Store.InstitutionShares(ctx, institution, now)
	if err != nil {
		return nil, err
	}
	shares = slices.DeleteFunc(shares, func(sh Share) bool { return !sh.Active(now) || !visible(sh, who) })
	got := make([]Shared, len(shares))
	gone := make([]bool, len(shares))
	reads := make([]func() error, len(shares))
	for i, sh := range shares {
		reads[i] = func() (err error) {
			got[i], err = s.read(ctx, who, sh, now)
			if errs.Is(err, errs.NotFound) {
				gone[i], err = true, nil // revoked, or the document erased, since the index was written
			}
			return err
		}
	}
	if err := parallel.Limit(parallel.Fanout, reads...); err != nil {
		return nil, err
	}
	out := []Shared{}
	for i, item := range got {
		if !gone[i] {
			out = append(out, item)
		}
	}
	return out, nil
}

// SharedDocument is one share as staff read it. Errors: Forbidden (as
// InstitutionDocuments), NotFound (no such share of the institution, or
// revoked or expired: access ends at once), Unavailable, Internal.
//
// A share whose id seals its owner and document (see seal) is read with
// everything else at once; any other is found first.
func (s *Service) SharedDocument(ctx context.Context, who Staff, institution, shareID string) (Shared, error) {
	const op = "sharing.SharedDocument"
	if err := s.checkStaff(op, who, institution); err != nil {
		return Shared{}, err
	}
	now := s.Now()
	owner, docID, _ := s.locate(shareID)
	if docID != "" {
		// The share's own answer counts first: another institution's
		// staff naming it learn nothing of it (404, not share_ended).
		var sh Share
		out, err := s.read(ctx, who, Share{ID: shareID, Owner: owner, DocumentID: docID, InstitutionID: institution}, now,
			func() (err error) { sh, err = s.Store.FindShare(ctx, institution, owner, shareID); return err })
		if err != nil {
			return Shared{}, err
		}
		out.Share = sh
		return out, nil
	}
	sh, err := s.Store.FindShare(ctx, institution, owner, shareID)
	if err != nil {
		return Shared{}, err
	}
	if !sh.Active(now) || !visible(sh, who) {
		return Shared{}, errs.E(op, errs.NotFound, ReasonShareEnded)
	}
	return s.read(ctx, who, sh, now)
}

// read records the read of sh (AddRead: only while sh runs for who) while
// it reads the document and its files, and whatever first reads, whose
// error counts before theirs: the answer goes out only once the read is
// recorded, so a read that cannot be recorded discloses nothing.
func (s *Service) read(ctx context.Context, who Staff, sh Share, now time.Time, first ...func() error) (Shared, error) {
	out := Shared{Share: sh}
	if err := parallel.Do(append(first,
		func() error {
			return s.Store.AddRead(ctx, sh.Owner, Read{ShareID: sh.ID, DocumentID: sh.DocumentID, Staff: who.Sub, InstitutionID: sh.InstitutionID, At: now})
		},
		func() (err error) {
			out.Document, err = s.Documents.GetDocument(ctx, sh.Owner, sh.DocumentID)
			return err
		},
		func() (err error) { out.Files, err = s.Files.Downloads(ctx, sh.Owner, sh.DocumentID); return err },
	)...); err != nil {
		return Shared{}, err
	}
	return out, nil
}
