package family

// Growing up. On a child's 18th birthday (AdultOn, at midnight in the
// holder's zone) the scheduled pipeline offers their documents for
// hand-over: the holder asks the cabinet for a one-time code
// (IssueHandoverCode) and gives it to the grown-up, who redeems it signed in
// to their own account (RedeemHandover); the documents, with their history
// and their files' records, move there. Unredeemed by HandoverDays after the
// birthday, they are archived for the holder. Nothing here scans: the
// dependent sits in the due index at its next due instant (DueAt), and the
// pipeline hands it to GrownUpDue.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/parallel"
)

// Hand-over terms.
const (
	// HandoverDays is how long after the 18th birthday the documents wait
	// for their owner before they are archived for the holder.
	HandoverDays = 90
	// CodeTTL is how long one code may be redeemed; asking again replaces it.
	CodeTTL = 72 * time.Hour
	// codeLen characters of codeAlphabet: 80 bits, beyond guessing even
	// offline against the stored hash.
	codeLen = 16
	// codeAlphabet has no 0/O, 1/I: a code is read aloud and typed.
	codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
)

// HandoverState is where a hand-over stands.
type HandoverState string

// The hand-over states.
const (
	// HandoverNone: the child has not grown up (or the pipeline has not yet
	// reached their birthday).
	HandoverNone HandoverState = ""
	// HandoverOffered: grown up; the holder may ask for a code until the
	// deadline.
	HandoverOffered HandoverState = "offered"
	// HandoverRedeemed: the grown-up redeemed a code; their documents move
	// (or have moved) to their account.
	HandoverRedeemed HandoverState = "redeemed"
	// HandoverArchived: nobody redeemed a code by the deadline; the
	// documents stay with the holder, archived.
	HandoverArchived HandoverState = "archived"
)

// Handover is a grown-up child's hand-over. The code itself is never
// stored, only its hash.
type Handover struct {
	State HandoverState
	// Deadline is when unredeemed documents are archived for the holder.
	Deadline *time.Time
	// CodeHash is the hash of the one code that may be redeemed now
	// (HashCode), until CodeUntil; "" when none was asked for.
	CodeHash  string
	CodeUntil *time.Time
	// RedeemedBy is the account the documents move to.
	RedeemedBy string
	RedeemedAt *time.Time
	// Moved is how many documents moved.
	Moved int
}

// HandoverCode is a code as the store keeps it: under its hash, naming the
// holder and the dependent it hands over.
type HandoverCode struct {
	Hash        string
	Holder      string
	DependentID string
	Until       time.Time
}

// HandoverStore is what growing up needs from storage beyond Store; a
// store implements it.
type HandoverStore interface {
	// SetHandover stores d's Handover and DueAt (and Version) if the stored
	// version is still prevVersion, with code (when not nil) under its hash
	// and notice (when not nil) in the holder's inbox and outbox, in the
	// same transaction. Errors: Precondition (changed or gone),
	// Unavailable, Internal.
	SetHandover(ctx context.Context, d Dependent, prevVersion int, code *HandoverCode, notice *inbox.Notification) error
	// GetHandoverCode reads a code by its hash. Errors: NotFound,
	// Unavailable, Internal.
	GetHandoverCode(ctx context.Context, hash string) (HandoverCode, error)
	// MoveSubjectDocuments moves every document of holder's whose subject
	// is id, with its history and its files' records, to the account to,
	// one document per transaction; a run stopped half-way is finished by
	// the next (a document already at to is not moved twice). It returns
	// how many documents are at to from this hand-over.
	// Errors: Unavailable, Internal.
	MoveSubjectDocuments(ctx context.Context, holder, id, to string, at time.Time) (int, error)
	// ArchiveSubjectDocuments archives every unarchived document of
	// holder's whose subject is id, at at. Errors: Unavailable, Internal.
	ArchiveSubjectDocuments(ctx context.Context, holder, id string, at time.Time) (int, error)
	// IdentityOf is what account sub says of its own person: the birth date
	// of its profile and the SNILS numbers of its own documents (canonical,
	// numbers.SNILS). Errors: Unavailable, Internal.
	IdentityOf(ctx context.Context, sub string) (Identity, error)
}

// Identity is what an account says of its own person, for the hand-over's
// check that the one redeeming a code is the child grown up.
type Identity struct {
	BirthDate *civil.Date
	SNILS     []string
}

// The hand-over's refusals of the person redeeming a code.
const (
	// ReasonHandoverBirthDateRequired (Conflict): the redeeming account's
	// profile has no birth date to check against the child's.
	ReasonHandoverBirthDateRequired errs.Reason = "handover_birth_date_required"
	// ReasonHandoverNotThePerson (Forbidden): the redeeming account's birth
	// date is not the child's, or the child had a SNILS and the account
	// holds no SNILS document with that number.
	ReasonHandoverNotThePerson errs.Reason = "handover_not_the_person"
)

// checkIdentity refuses a redeeming account that is not the grown-up d:
// its profile's birth date must be d's, and when d had a SNILS the account
// must hold a SNILS document of its own with that number. A code alone is
// a secret that can be passed on; this ties the documents to the person.
func checkIdentity(op string, d Dependent, id Identity) error {
	switch {
	case id.BirthDate == nil:
		return errs.E(op, errs.Conflict, ReasonHandoverBirthDateRequired)
	case *id.BirthDate != d.BirthDate:
		return errs.E(op, errs.Forbidden, ReasonHandoverNotThePerson)
	case d.SNILS != "" && !slices.Contains(id.SNILS, d.SNILS):
		return errs.E(op, errs.Forbidden, ReasonHandoverNotThePerson)
	}
	return nil
}

// ReasonNoHandover (Conflict): the person is not a grown-up child whose
// documents wait for hand-over (still a child, a ward, handed over or
// archived already).
const ReasonNoHandover errs.Reason = "no_handover"

// HashCode is the hash a code is stored and looked up under: SHA-256 of
// the code without separators, upper case.
func HashCode(code string) string {
	norm := strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
	h := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(h[:])
}

// newCode is a fresh code, XXXX-XXXX-XXXX-XXXX.
func newCode() string {
	b := make([]byte, codeLen)
	// rand.Read never fails (crypto/rand, Go 1.24)
	_, _ = rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)]) // 256 is a multiple of 32: uniform
	}
	return sb.String()
}

// location is the holder's zone; UTC without Zone.
func (s *Service) location(ctx context.Context, holder string) (*time.Location, error) {
	if s.Zone != nil {
		return s.Zone(ctx, holder)
	}
	return time.UTC, nil
}

// schedule sets d.DueAt for a child not yet handed over: their 18th
// birthday at midnight in loc. A ward's power of attorney simply ends.
func schedule(d *Dependent, loc *time.Location) {
	d.DueAt = nil
	if d.Relation == RelationChild && d.Handover.State == HandoverNone {
		at := d.AdultOn().In(loc).UTC()
		d.DueAt = &at
	}
}

// IssueHandoverCode gives the holder a new one-time code for their grown-up
// child id, valid CodeTTL (never past the deadline); an earlier code stops
// working. Called by the holder only (another holder's id is NotFound).
// Errors: NotFound, Conflict (no_handover: not a grown-up child, or handed
// over or archived already), Unavailable (HandoverStore not set, or the
// store), Internal.
func (s *Service) IssueHandoverCode(ctx context.Context, holder, id string) (string, time.Time, error) {
	const op = "family.IssueHandoverCode"
	if s.Handovers == nil {
		return "", time.Time{}, errs.E(op, errs.Unavailable, nil)
	}
	// the holder's day and zone and the person, at once
	var (
		today civil.Date
		loc   *time.Location
		d     Dependent
	)
	if err := parallel.Do(
		func() (err error) { today, loc, err = s.dayAndZone(ctx, holder); return err },
		func() (err error) { d, err = s.Store.GetDependent(ctx, holder, id); return err },
	); err != nil {
		return "", time.Time{}, err
	}
	now := s.Now().UTC()
	if d.StatusOn(today) != StatusGrownUp || d.Relation != RelationChild {
		return "", time.Time{}, errs.E(op, errs.Conflict, ReasonNoHandover)
	}
	switch d.Handover.State {
	case HandoverNone: // grown up before the pipeline reached the birthday: offered now, with the code
		offered(&d, loc)
	case HandoverOffered:
	default:
		return "", time.Time{}, errs.E(op, errs.Conflict, ReasonNoHandover)
	}
	if !now.Before(*d.Handover.Deadline) {
		return "", time.Time{}, errs.E(op, errs.Conflict, ReasonNoHandover) // the pipeline archives them
	}
	code := newCode()
	until := now.Add(CodeTTL)
	if d.Handover.Deadline.Before(until) {
		until = *d.Handover.Deadline
	}
	prev := d.Version
	d.Version, d.UpdatedAt = prev+1, now
	d.Handover.CodeHash, d.Handover.CodeUntil = HashCode(code), &until
	if err := s.Handovers.SetHandover(ctx, d, prev, &HandoverCode{Hash: d.Handover.CodeHash, Holder: holder, DependentID: id, Until: until}, nil); err != nil {
		return "", time.Time{}, err
	}
	return code, until, nil
}

// offered makes d's hand-over offered, with its deadline HandoverDays
// after the birthday at midnight in loc (the holder's zone), due then.
func offered(d *Dependent, loc *time.Location) {
	deadline := d.AdultOn().AddDays(HandoverDays).In(loc).UTC()
	d.Handover = Handover{State: HandoverOffered, Deadline: &deadline}
	d.DueAt = &deadline
}

// HandoverResult is what a redeemed code did.
type HandoverResult struct {
	// Moved is how many documents are now the redeemer's.
	Moved int
	// Name is the person the documents were kept for.
	Name string
}

// RedeemHandover moves the documents a code hands over to caller, the
// grown-up signed in to their own account, once caller is shown to be that
// person (checkIdentity: the profile's birth date, and the SNILS when the
// child had one). The code works once: the same caller redeeming it again
// resumes a move that stopped half-way (and answers the same), anyone else
// is refused as for a wrong code.
// Errors: Invalid (field code: handover_code_invalid for a wrong,
// expired, replaced or used code, or the holder's own), Conflict
// (handover_birth_date_required), Forbidden (handover_not_the_person),
// Unavailable, Internal.
func (s *Service) RedeemHandover(ctx context.Context, caller, code string) (HandoverResult, error) {
	const op = "family.RedeemHandover"
	if s.Handovers == nil {
		return HandoverResult{}, errs.E(op, errs.Unavailable, nil)
	}
	wrong := errs.Fields{}
	wrong.Add("code", "handover_code_invalid")
	if strings.TrimSpace(code) == "" || len(code) > 64 {
		return HandoverResult{}, wrong.Err(op)
	}
	hash := HashCode(code)
	// The code and the caller's identity at once, then the person it names
	// and the holder's language at once (a repeat uses neither identity
	// nor language: two reads for nothing, against two round trips saved).
	var (
		c                HandoverCode
		id               Identity
		idErr            error
		d                Dependent
		lang             string
		langErr, codeErr error
	)
	_ = parallel.Do(
		func() error { c, codeErr = s.Handovers.GetHandoverCode(ctx, hash); return nil },
		func() error { id, idErr = s.Handovers.IdentityOf(ctx, caller); return nil },
	)
	if errs.Is(codeErr, errs.NotFound) {
		return HandoverResult{}, wrong.Err(op)
	}
	if codeErr != nil {
		return HandoverResult{}, codeErr
	}
	if c.Holder == caller {
		return HandoverResult{}, wrong.Err(op)
	}
	err := parallel.Do(
		func() (err error) { d, err = s.Store.GetDependent(ctx, c.Holder, c.DependentID); return err },
		func() error { lang, langErr = s.language(ctx, c.Holder); return nil },
	)
	if errs.Is(err, errs.NotFound) {
		return HandoverResult{}, wrong.Err(op)
	}
	if err != nil {
		return HandoverResult{}, err
	}
	now := s.Now().UTC()
	h := d.Handover
	switch {
	case h.State == HandoverRedeemed && h.RedeemedBy == caller && h.CodeHash == hash:
		// a repeat (or a retry after a stop half-way): finish the move
	case h.State == HandoverOffered && h.CodeHash == hash && h.CodeUntil != nil && now.Before(*h.CodeUntil):
		if idErr != nil {
			return HandoverResult{}, idErr
		}
		if err := checkIdentity(op, d, id); err != nil {
			return HandoverResult{}, err
		}
		if langErr != nil {
			return HandoverResult{}, langErr
		}
		prev := d.Version
		d.Version, d.UpdatedAt = prev+1, now
		d.Handover.State, d.Handover.RedeemedBy, d.Handover.RedeemedAt = HandoverRedeemed, caller, &now
		d.DueAt = nil // nothing left to archive
		// the holder is told, once: with the one transaction that redeems
		if err := s.Handovers.SetHandover(ctx, d, prev, nil, s.notice(d, KindHandoverRedeemed, lang, time.UTC, now)); err != nil {
			if errs.Is(err, errs.Precondition) {
				return HandoverResult{}, errs.E(op, errs.Unavailable, err) // changed meanwhile: a retry decides
			}
			return HandoverResult{}, err
		}
	default:
		return HandoverResult{}, wrong.Err(op)
	}
	n, err := s.Handovers.MoveSubjectDocuments(ctx, d.Holder, d.ID, caller, now)
	if err != nil {
		return HandoverResult{}, err
	}
	if n != d.Handover.Moved {
		prev := d.Version
		d.Version, d.Handover.Moved = prev+1, n
		// the count is for the holder's card; a lost race here loses nothing
		if err := s.Handovers.SetHandover(ctx, d, prev, nil, nil); err != nil && !errs.Is(err, errs.Precondition) {
			return HandoverResult{}, err
		}
	}
	return HandoverResult{Moved: n, Name: d.Name}, nil
}

// GrownUpDue acts on a dependent whose due time came, at instant now; the
// scheduled pipeline calls it (never a scan). On the child's 18th
// birthday in the holder's zone it offers the hand-over; at the
// hand-over's deadline, unredeemed, it archives their documents for the
// holder; anything else takes the dependent out of the due index (or
// moves it to its right time: the holder's zone may have changed).
// Errors: Precondition (changed meanwhile: its new state is in the
// index), Unavailable, Internal; on any error it stays due.
func (s *Service) GrownUpDue(ctx context.Context, d Dependent, now time.Time) error {
	if s.Handovers == nil {
		return errs.E("family.GrownUpDue", errs.Unavailable, nil)
	}
	now = now.UTC()
	loc, err := s.location(ctx, d.Holder)
	if err != nil {
		return err
	}
	prev := d.Version
	var notice *inbox.Notification
	switch {
	case d.Relation != RelationChild:
		d.DueAt = nil
	case d.Handover.State == HandoverNone:
		if today := civil.Today(now, loc); today.Before(d.AdultOn()) {
			schedule(&d, loc) // not yet their birthday where the holder lives
			break
		}
		offered(&d, loc)
		lang, err := s.language(ctx, d.Holder)
		if err != nil {
			return err
		}
		// the holder is told, once: with the one transaction that offers
		notice = s.notice(d, KindHandoverOffered, lang, loc, now)
	case d.Handover.State == HandoverOffered && d.Handover.Deadline != nil && now.Before(*d.Handover.Deadline):
		d.DueAt = d.Handover.Deadline
	case d.Handover.State == HandoverOffered:
		if _, err := s.Handovers.ArchiveSubjectDocuments(ctx, d.Holder, d.ID, now); err != nil {
			return err
		}
		d.Handover.State, d.Handover.CodeHash, d.Handover.CodeUntil = HandoverArchived, "", nil
		d.DueAt = nil
	default:
		d.DueAt = nil
	}
	d.Version, d.UpdatedAt = prev+1, now
	return s.Handovers.SetHandover(ctx, d, prev, nil, notice)
}
