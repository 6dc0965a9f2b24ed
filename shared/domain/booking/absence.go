package booking

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/usertext"
)

// Cancellation by the institution: staff declare a specialist absent for a
// period; the specialist's free slots in it are closed, each confirmed
// booking in it is cancelled in a transaction of its own (the slot closed
// with it, the person told once, with the reason and the earliest free slots
// of the same specialization at that institution), and the absence is
// marked done. A run that stops midway (a crash, a timeout, DynamoDB
// throttling) leaves the absence running; declaring the same period again
// finishes it, and a booking already cancelled is not told again.

// Absence is a period in which a specialist sees nobody.
type Absence struct {
	ID            string
	SpecialistID  string
	InstitutionID string
	From, To      time.Time // [From, To), UTC
	Reason        string
	By            string // the member of staff who declared it
	CreatedAt     time.Time
	// Status is AbsenceRunning until every booking in it is cancelled.
	Status string
	// Cancelled counts the bookings this absence cancelled.
	Cancelled int
}

// Absence states.
const (
	AbsenceRunning = "running"
	AbsenceDone    = "done"
)

// Limits of absences.
const (
	MaxAbsenceDays = 92 // a quarter: longer is a schedule change, not an absence
	// OfferCount is how many free slots an institution's cancellation offers.
	OfferCount = 3
	// offerDays is how far ahead offers are looked for.
	offerDays = 14
	// absenceParallel is how many bookings an absence cancels at once.
	absenceParallel = 8
)

// AbsenceStore keeps absences and makes the institution's cancellations.
type AbsenceStore interface {
	// ListAbsences returns a specialist's absences. Errors: Unavailable, Internal.
	ListAbsences(ctx context.Context, specialistID string) ([]Absence, error)
	// PutAbsence stores a new absence. Errors: Conflict (changed: its id is taken).
	PutAbsence(ctx context.Context, a Absence) error
	// FinishAbsence stores a's status and count. Errors: Unavailable, Internal.
	FinishAbsence(ctx context.Context, a Absence) error
	// CloseSlots closes the given slots where nobody has booked them
	// (capacity 0: never free, never bookable, kept by PutSlots) and
	// returns how many it closed.
	CloseSlots(ctx context.Context, slots []Slot) (int, error)
	// CancelForAbsence stores next (old cancelled by the institution, with
	// its Outbox) if old is still at its version, closes its slot and takes
	// it off its patient's upcoming bookings, in one transaction.
	// Errors: Conflict (changed).
	CancelForAbsence(ctx context.Context, old, next Booking) error
}

// AbsenceInput is what staff send: local dates ("2026-06-16", the whole
// day; to inclusive) or instants (RFC 3339; to exclusive), and why.
type AbsenceInput struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// period reads an AbsenceInput in zone loc.
func (in AbsenceInput) period(op string, loc *time.Location, now time.Time) (from, to time.Time, reason string, err error) {
	var fe errs.Fields
	parse := func(field, v string, end bool) time.Time {
		if v == "" {
			fe.Add(field, "required")
			return time.Time{}
		}
		if d, err := civil.Parse(v); err == nil {
			if end {
				d = d.AddDays(1)
			}
			return d.In(loc)
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fe.Add(field, "invalid_date")
		}
		return t
	}
	from, to = parse("from", in.From, false), parse("to", in.To, true)
	switch {
	case fe.Has("from") || fe.Has("to"):
	case !to.After(from):
		fe.Add("to", "before_from")
	case to.Sub(from) > MaxAbsenceDays*24*time.Hour:
		fe.Add("to", "range_too_long")
	case !to.After(now):
		fe.Add("to", "in_past")
	}
	reason = strings.TrimSpace(in.Reason)
	switch r, ok := usertext.Lines(reason, maxReason); {
	case reason == "":
		fe.Add("reason", "required")
	case utf8.RuneCountInString(reason) > maxReason:
		fe.Add("reason", "too_long")
	case !ok:
		fe.Add("reason", "invalid_text")
	default:
		reason = r
	}
	return from.UTC(), to.UTC(), reason, fe.Err(op)
}

// overlaps reports whether [from, to) meets a.
func (a Absence) overlaps(from, to time.Time) bool { return a.From.Before(to) && from.Before(a.To) }

// DeclareAbsence declares specialistID absent for in's period: free slots
// in it are closed and every confirmed booking in it is cancelled by the
// institution, each person told once with the reason and offered the
// earliest free slots of the same specialization there. Declaring the very
// period of an absence again finishes it if its run stopped midway (and
// changes nothing if it is done); created is false then. Staff of the
// specialist's institution only. Errors: Forbidden (staff_only,
// other_institution), NotFound (specialist), Invalid (from, to, reason),
// Conflict (absence_overlaps), Unavailable, Internal.
func (s *Service) DeclareAbsence(ctx context.Context, st Staff, specialistID string, in AbsenceInput) (a Absence, created bool, err error) {
	const op = "booking.DeclareAbsence"
	if err := s.authorize(ctx, op, st, specialistID); err != nil {
		return Absence{}, false, err
	}
	if s.Absences == nil {
		return Absence{}, false, errs.E(op, errs.Internal, errors.New("no absence store"))
	}
	spec, inst, err := s.specialist(ctx, specialistID)
	if err != nil {
		return Absence{}, false, err
	}
	now := s.Now().UTC()
	from, to, reason, err := in.period(op, zone(inst.TimeZone), now)
	if err != nil {
		return Absence{}, false, err
	}
	var r absenceReads
	if err := r.read(ctx, s, spec, inst, from, to); err != nil {
		return Absence{}, false, err
	}
	for _, x := range r.absences {
		switch {
		case x.From.Equal(from) && x.To.Equal(to):
			if x.Status == AbsenceDone {
				return x, false, nil
			}
			x, err := s.runAbsence(ctx, x, spec, inst, &r, false)
			return x, false, err
		case x.overlaps(from, to):
			return Absence{}, false, errs.E(op, errs.Conflict, ReasonAbsenceOverlaps)
		}
	}
	a = Absence{ID: s.NewID(), SpecialistID: spec.ID, InstitutionID: inst.ID, From: from, To: to, Reason: reason,
		By: st.Sub, CreatedAt: now, Status: AbsenceRunning}
	a, err = s.runAbsence(ctx, a, spec, inst, &r, true)
	return a, true, err
}

// absenceReads is everything an absence over [from, to) reads before it
// writes, read at once: the specialist's absences, the period's slots and
// every day's bookings, and the free slots of the specialization to offer
// instead.
type absenceReads struct {
	absences []Absence
	slots    []Slot
	bookings []Booking
	offers   []Slot
	names    []string
}

// read reads r for an absence of spec (at inst) over [from, to), at once.
// Errors: Unavailable, Internal.
func (r *absenceReads) read(ctx context.Context, s *Service, spec directory.Specialist, inst directory.Institution, from, to time.Time) error {
	return parallel.Do(
		func() (err error) { r.absences, err = s.Absences.ListAbsences(ctx, spec.ID); return err },
		func() (err error) { r.slots, err = s.Store.ListSlots(ctx, spec.ID, from, to); return err },
		func() (err error) { r.offers, r.names, err = s.offers(ctx, inst, spec, from, to); return err },
		func() (err error) { r.bookings, err = s.dayBookings(ctx, spec.ID, inst, from, to); return err },
	)
}

// runAbsence stores a (when put: a new absence), then closes its free
// slots and cancels its bookings, then marks it done; r is what it read.
// It may run again on the same absence: what it did stays done.
func (s *Service) runAbsence(ctx context.Context, a Absence, spec directory.Specialist, inst directory.Institution, r *absenceReads, put bool) (Absence, error) {
	const op = "booking.runAbsence"
	var free []Slot
	for _, sl := range r.slots {
		if sl.Booked == 0 && sl.Capacity > 0 {
			free = append(free, sl)
		}
	}
	todo, already := a.toCancel(r.bookings)
	// The absence first (a run that stops after it is finished by the next
	// one), with the language of each person to tell.
	langs := map[string]string{} // read before the cancellations, which only look them up
	if err := parallel.Do(
		func() error {
			if put {
				return s.Absences.PutAbsence(ctx, a)
			}
			return nil
		},
		func() error { return s.readLanguages(ctx, todo, langs) },
	); err != nil {
		return a, err
	}
	// Free slots close with the cancellations. A slot booked after the
	// bookings were read is not closed: its day's bookings are read again
	// and the ones that came meanwhile cancelled too.
	var (
		done   atomic.Int64
		closed int
	)
	cancelAll := func(todo []Booking) error {
		cancels := make([]func() error, len(todo))
		for i, b := range todo {
			cancels[i] = func() error {
				ok, err := s.cancelForAbsence(ctx, a, b, spec, inst, r.offers, r.names, langs)
				if ok {
					done.Add(1)
				}
				return err
			}
		}
		return parallel.Limit(absenceParallel, cancels...)
	}
	firstErr := parallel.Do(
		func() (err error) { closed, err = s.Absences.CloseSlots(ctx, free); return err },
		func() error { return cancelAll(todo) },
	)
	if firstErr == nil && closed < len(free) {
		var late []Booking
		if late, firstErr = s.dayBookings(ctx, a.SpecialistID, inst, a.From, a.To); firstErr == nil {
			seen := map[string]bool{}
			for _, b := range todo {
				seen[b.ID] = true
			}
			more, _ := a.toCancel(late)
			more = slices.DeleteFunc(more, func(b Booking) bool { return seen[b.ID] })
			if firstErr = s.readLanguages(ctx, more, langs); firstErr == nil {
				firstErr = cancelAll(more)
			}
		}
	}
	a.Cancelled = already + int(done.Load())
	if firstErr != nil {
		return a, firstErr
	}
	a.Status = AbsenceDone
	if err := s.Absences.FinishAbsence(ctx, a); err != nil {
		return a, errs.E(op, errs.KindOf(err), err)
	}
	return a, nil
}

// dayBookings is the bookings of every local day of [from, to) of
// specialist specID (at inst), read at once. Errors: Unavailable, Internal.
func (s *Service) dayBookings(ctx context.Context, specID string, inst directory.Institution, from, to time.Time) ([]Booking, error) {
	loc := zone(inst.TimeZone)
	var days []civil.Date
	for day := civil.Of(from.In(loc)); day.In(loc).Before(to); day = day.AddDays(1) {
		days = append(days, day)
	}
	lists := make([][]Booking, len(days))
	reads := make([]func() error, len(days))
	for i, day := range days {
		reads[i] = func() (err error) { lists[i], err = s.Store.DayBookings(ctx, specID, day); return err }
	}
	if err := parallel.Limit(parallel.Fanout, reads...); err != nil {
		return nil, err
	}
	return slices.Concat(lists...), nil
}

// toCancel splits bookings into the confirmed ones a cancels and the count
// an earlier run of a cancelled already.
func (a Absence) toCancel(bookings []Booking) (todo []Booking, already int) {
	for _, b := range bookings {
		switch {
		case b.Start.Before(a.From) || !b.Start.Before(a.To):
		case b.Status == Confirmed:
			todo = append(todo, b)
		case b.AbsenceID == a.ID:
			already++
		}
	}
	return todo, already
}

// readLanguages adds to langs (by owner) the language of each of todo's
// owners it does not hold yet, read at once. Errors: Unavailable, Internal.
func (s *Service) readLanguages(ctx context.Context, todo []Booking, langs map[string]string) error {
	var owners []string
	for _, b := range todo {
		if _, ok := langs[b.Owner]; !ok && !slices.Contains(owners, b.Owner) {
			owners = append(owners, b.Owner)
		}
	}
	got := make([]string, len(owners))
	reads := make([]func() error, len(owners))
	for i, o := range owners {
		reads[i] = func() (err error) { _, got[i], err = s.person(ctx, o); return err }
	}
	if err := parallel.Limit(parallel.Fanout, reads...); err != nil {
		return err
	}
	for i, o := range owners {
		langs[o] = got[i]
	}
	return nil
}

// cancelForAbsence cancels one booking of an absence and tells its owner,
// in their language (langs, by owner). It reports whether it cancelled it: false
// when someone changed it first and it is no longer confirmed (the person
// cancelled, or a run before this one did).
func (s *Service) cancelForAbsence(ctx context.Context, a Absence, b Booking, spec directory.Specialist, inst directory.Institution,
	offers []Slot, names []string, langs map[string]string) (bool, error) {
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			var err error
			if b, err = s.Store.GetBooking(ctx, b.Owner, b.ID); err != nil {
				return false, err
			}
			if b.Status != Confirmed {
				return false, nil
			}
		}
		language := langs[b.Owner]
		now := s.Now().UTC()
		next := b
		next.Status, next.CancelledBy, next.AbsenceID, next.Offers = Cancelled, CancelledByInstitution, a.ID, offers
		next.Events = append(slices.Clone(b.Events), Event{Action: "cancelled", Actor: a.By, At: now, Reason: a.Reason})
		next.UpdatedAt, next.Version = now, b.Version+1
		next.Reminder = next.Schedule(now, nil) // none: cancelled
		n := Notice(s.NewID(), now, NoticeInput{Change: ChangeCancelled, Booking: next, Inst: inst, Spec: spec, Language: language,
			ByInst: true, Reason: a.Reason, Offers: offers, OfferNames: names})
		next.Outbox = &n
		err := s.Absences.CancelForAbsence(ctx, b, next)
		if err == nil {
			return true, nil
		}
		if !errs.Is(err, errs.Conflict) {
			return false, err
		}
	}
	return false, errs.E("booking.cancelForAbsence", errs.Unavailable, errs.ReasonChanged)
}

// offers are the earliest free slots of spec's specialization at inst in
// the coming offerDays days (at most OfferCount, of any of its
// specialists, the absent one's outside the absence [from, to) included),
// with their specialists' names: every specialist's read at once, before
// the absence closes its own.
func (s *Service) offers(ctx context.Context, inst directory.Institution, spec directory.Specialist, from, to time.Time) ([]Slot, []string, error) {
	specs, err := s.Places.Specialists(ctx, inst.ID, spec.Specialization)
	if err != nil {
		return nil, nil, err
	}
	today := civil.Today(s.Now(), zone(inst.TimeZone))
	q := SlotQuery{From: today.String(), To: today.AddDays(offerDays - 1).String()}
	pages := make([][]Slot, len(specs))
	reads := make([]func() error, len(specs))
	name := map[string]string{}
	for i, sp := range specs {
		name[sp.ID] = sp.Name
		reads[i] = func() error {
			page, err := s.FreeSlots(ctx, sp.ID, q)
			pages[i] = page.Items
			return err
		}
	}
	if err := parallel.Limit(parallel.Fanout, reads...); err != nil {
		return nil, nil, err
	}
	all := slices.DeleteFunc(slices.Concat(pages...), func(sl Slot) bool {
		return sl.SpecialistID == spec.ID && sl.Start.Before(to) && from.Before(sl.End)
	})
	slices.SortFunc(all, func(a, b Slot) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.SpecialistID, b.SpecialistID)
	})
	if len(all) > OfferCount {
		all = all[:OfferCount]
	}
	names := make([]string, len(all))
	for i, sl := range all {
		names[i] = name[sl.SpecialistID]
	}
	return slices.Clip(all), names, nil
}

// Rebook books slotID for owner in place of their booking id, which its
// institution cancelled: any free slot of the same specialization at that
// institution (an offered one or another), under every rule of Book. A
// cancelled booking is rebooked once: asking again answers the booking the
// first request made (replayed). Errors: NotFound (booking), Invalid
// (slotId: unknown_slot, other_specialization), Conflict
// (not_rebookable, and Book's), Unavailable, Internal.
func (s *Service) Rebook(ctx context.Context, owner, id, slotID string) (Booking, bool, error) {
	const op, bookOp = "booking.Rebook", "booking.Book"
	now := s.Now().UTC()
	// The claim of a key of its own makes the rebooking once per
	// cancelled booking, whatever slot a second request names (it expires
	// a year after the cancelled appointment, set once that is read).
	key := &idempotency.Key{Key: "rebook-" + id, Hash: "rebook"}
	// The cancelled booking and everything the new booking reads, at once
	// (one round trip): a booking of the owner's own reads the owner's
	// sequence, one of a dependent's reads the dependent once the booking
	// names them.
	specID, _, perr := ParseSlotID(slotID)
	in := BookInput{SlotID: slotID}
	var (
		old    Booking
		oldErr error
		r      bookReads
	)
	reads := []func() error{func() error { old, oldErr = s.Store.GetBooking(ctx, owner, id); return nil }}
	if perr == nil {
		reads = append(reads, r.reads(ctx, s, bookOp, owner, in, key, now)...)
	}
	_ = parallel.Do(reads...)
	if oldErr != nil {
		return Booking{}, false, oldErr
	}
	if old.Status != Cancelled || old.CancelledBy != CancelledByInstitution {
		return Booking{}, false, errs.E(op, errs.Conflict, ReasonNotRebookable)
	}
	key.Expires = old.Start.Add(366 * 24 * time.Hour)
	if perr != nil {
		return Booking{}, false, fieldErr(op, "slotId", "unknown_slot")
	}
	was, err := s.Places.Specialist(ctx, old.SpecialistID)
	if err != nil {
		return Booking{}, false, err
	}
	spec, err := s.Places.Specialist(ctx, specID)
	if errs.Is(err, errs.NotFound) {
		return Booking{}, false, fieldErr(op, "slotId", "unknown_slot")
	}
	if err != nil {
		return Booking{}, false, err
	}
	if spec.InstitutionID != old.InstitutionID || !strings.EqualFold(spec.Specialization, was.Specialization) {
		return Booking{}, false, fieldErr(op, "slotId", "other_specialization")
	}
	in.Mode, in.ContactPhone, in.Patient = string(old.Mode), old.ContactPhone, old.Patient
	if !slices.Contains(spec.Modes, in.Mode) {
		in.Mode = string(InPerson)
	}
	if patientKey(old.Patient) != "" {
		_ = parallel.Do(
			func() error { r.seq, r.seqErr = s.sequence(ctx, owner, old.Patient, now); return nil },
			func() error { r.who, r.whoErr = s.resolvePatient(ctx, bookOp, owner, old.Patient); return nil },
		)
	}
	mode, err := checkBookInput(bookOp, &in)
	if err != nil {
		return Booking{}, false, err
	}
	return s.decideBook(ctx, bookOp, owner, in, mode, key, nil, &r, now)
}

// outsideAbsences drops from want the slots that fall in an absence: a
// schedule set during or after an absence does not reopen it.
func outsideAbsences(want []Slot, absences []Absence) []Slot {
	if len(absences) == 0 {
		return want
	}
	out := want[:0:0]
	for _, sl := range want {
		if !slices.ContainsFunc(absences, func(a Absence) bool { return a.overlaps(sl.Start, sl.End) }) {
			out = append(out, sl)
		}
	}
	return out
}
