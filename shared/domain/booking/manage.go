package booking

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/paging"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/usertext"
)

// Get returns one of owner's bookings. Errors: NotFound, Unavailable, Internal.
func (s *Service) Get(ctx context.Context, owner, id string) (Booking, error) {
	return s.Store.GetBooking(ctx, owner, id)
}

// JournalFilter selects bookings of the visit journal.
type JournalFilter struct {
	Status      string // upcoming, past, cancelled; "" all
	From, To    string // local dates, inclusive
	Institution string
	// Patient selects one person's bookings: PatientSelf the owner's own,
	// a dependent's id theirs; "" everyone's.
	Patient string
}

// Journal returns owner's bookings matching f, newest first.
// Errors: Invalid (status, from, to), Unavailable, Internal.
func (s *Service) Journal(ctx context.Context, owner string, f JournalFilter) ([]Booking, error) {
	const op = "booking.Journal"
	var fe errs.Fields
	if f.Status != "" && !slices.Contains([]string{"upcoming", "past", "cancelled"}, f.Status) {
		fe.Add("status", "unknown_status")
	}
	var from, to *civil.Date
	for _, x := range []struct {
		field, v string
		dst      **civil.Date
	}{{"from", f.From, &from}, {"to", f.To, &to}} {
		if x.v == "" {
			continue
		}
		d, err := civil.Parse(x.v)
		if err != nil {
			fe.Add(x.field, "invalid_date")
			continue
		}
		*x.dst = &d
	}
	if from != nil && to != nil && to.Before(*from) {
		fe.Add("to", "before_from")
	}
	if err := fe.Err(op); err != nil {
		return nil, err
	}
	all, err := s.Store.ListBookings(ctx, owner)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := []Booking{}
	for _, b := range all {
		day := b.Day()
		switch {
		case f.Status == "upcoming" && !b.Upcoming(now),
			f.Status == "past" && (b.Status == Cancelled || b.Upcoming(now)),
			f.Status == "cancelled" && b.Status != Cancelled,
			from != nil && day.Before(*from),
			to != nil && day.After(*to),
			f.Institution != "" && b.InstitutionID != f.Institution,
			f.Patient == PatientSelf && b.Patient != "",
			f.Patient != "" && f.Patient != PatientSelf && b.Patient != f.Patient:
			continue
		}
		out = append(out, b)
	}
	slices.SortFunc(out, journalOrder)
	return out, nil
}

// journalOrder is the journal's order: latest appointment first, then by
// id, so that every booking has one place in it.
func journalOrder(a, b Booking) int {
	if c := b.Start.Compare(a.Start); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

// JournalPage is one page of the journal.
type JournalPage struct {
	Items      []Booking
	NextCursor string
}

// JournalPage returns up to limit (paging.ClampLimit) of owner's bookings
// matching f, in the journal's order, after cursor ("" from the start),
// and the cursor of the next page ("" at the end). A cursor is a place in
// the order, not an index, so bookings made or cancelled between pages
// neither repeat nor vanish. Errors: Invalid (status, from, to), Malformed
// (cursor), Unavailable, Internal.
func (s *Service) JournalPage(ctx context.Context, owner string, f JournalFilter, limit int, cursor string) (JournalPage, error) {
	const op = "booking.JournalPage"
	var after *Booking
	if pos, err := paging.DecodeCursor(cursor); err != nil {
		return JournalPage{}, err
	} else if pos != "" {
		at, id, ok := strings.Cut(pos, "|")
		start, perr := time.Parse(time.RFC3339Nano, at)
		if !ok || perr != nil || id == "" {
			return JournalPage{}, errs.E(op, errs.Malformed, errs.FieldError{Field: "cursor", Code: "invalid_cursor"})
		}
		after = &Booking{ID: id, Start: start}
	}
	all, err := s.Journal(ctx, owner, f)
	if err != nil {
		return JournalPage{}, err
	}
	if after != nil {
		i, found := slices.BinarySearchFunc(all, *after, journalOrder)
		if found {
			i++
		}
		all = all[i:]
	}
	limit = paging.ClampLimit(limit)
	if len(all) <= limit {
		return JournalPage{Items: all}, nil
	}
	last := all[limit-1]
	return JournalPage{Items: all[:limit], NextCursor: paging.EncodeCursor(last.Start.UTC().Format(time.RFC3339Nano) + "|" + last.ID)}, nil
}

// Reschedule moves one of owner's confirmed bookings to another free slot
// of the same specialist, before the cancel deadline. The new slot is taken
// and the old one freed in one transaction, or nothing changes.
// Errors: NotFound, Invalid (slotId), Conflict (deadline_passed, not_active,
// slot_taken, day_full, one_per_day, overlapping_booking), Unavailable, Internal.
func (s *Service) Reschedule(ctx context.Context, owner, id, slotID string) (Booking, error) {
	const op = "booking.Reschedule"
	specID, start, perr := ParseSlotID(slotID)
	// The booking, the new slot, the zone the person's reminders are timed
	// in and the person's booking sequence with their upcoming bookings (a
	// booking committed after the read fails this move's transaction:
	// person_changed), at once, one round trip; they are judged in the
	// order they were once read in, so the answers are the same. The
	// sequence read is the owner's own: a dependent's booking reads the
	// dependent's once the booking names them.
	var (
		b                          Booking
		slot                       Slot
		spec                       directory.Specialist
		inst                       directory.Institution
		person                     *time.Location
		language                   string
		seq                        Sequence
		getErr, slotErr, personErr error
		seqErr                     error
	)
	now := s.Now().UTC()
	_ = parallel.Do(
		func() error { b, getErr = s.Store.GetBooking(ctx, owner, id); return nil },
		func() error {
			if perr == nil {
				slot, spec, inst, slotErr = s.slot(ctx, op, specID, start, now)
			}
			return nil
		},
		func() error { person, language, personErr = s.person(ctx, owner); return nil },
		func() error { seq, seqErr = s.sequence(ctx, owner, "", now); return nil },
	)
	if getErr != nil {
		return Booking{}, getErr
	}
	if err := changeable(op, b, now); err != nil {
		return Booking{}, err
	}
	switch {
	case perr != nil:
		return Booking{}, fieldErr(op, "slotId", "unknown_slot")
	case specID != b.SpecialistID:
		return Booking{}, fieldErr(op, "slotId", "other_specialist")
	case start.Equal(b.Start):
		return Booking{}, fieldErr(op, "slotId", "same_slot")
	}
	if slotErr != nil {
		return Booking{}, slotErr
	}
	if personErr != nil {
		return Booking{}, personErr
	}
	for attempt := 0; ; attempt++ {
		if attempt > 0 || b.Patient != "" {
			seq, seqErr = s.sequence(ctx, owner, b.Patient, now)
		}
		if seqErr != nil {
			return Booking{}, seqErr
		}
		next, err := s.reschedule(ctx, op, owner, b, slot, spec, inst, person, language, seq, now)
		if errs.ReasonOf(err) == ReasonPersonChanged && attempt < 3 {
			continue
		}
		return next, err
	}
}

// reschedule judges and stores one move of b to slot on the patient's
// upcoming bookings, as their sequence seq keeps them.
func (s *Service) reschedule(ctx context.Context, op, owner string, b Booking, slot Slot, spec directory.Specialist, inst directory.Institution,
	person *time.Location, language string, seq Sequence, now time.Time) (Booking, error) {
	if err := noOverlap(op, seq.Upcoming, b.ID, slot.Start, slot.End, now); err != nil {
		return Booking{}, err
	}
	from, to := b.Start, slot.Start
	next := b
	next.Start, next.End = slot.Start, slot.End
	next.CancelDeadline = slot.Start.Add(-deadline(inst))
	next.Events = append(slices.Clone(b.Events), Event{Action: "rescheduled", Actor: owner, At: now, From: &from, To: &to})
	next.UpdatedAt, next.Version = now, b.Version+1
	next.Reminder = registry.Reminder{} // a new time starts its reminders afresh
	next.Reminder = next.Schedule(now, person)
	n := Notice(s.NewID(), now, NoticeInput{Change: ChangeRescheduled, Booking: next, Previous: &b, Inst: inst, Spec: spec, Language: language})
	next.Outbox, next.Seen = &n, &seq
	// the old slot is free: the waiting list first
	if err := s.writeThenFill(ctx, inst, spec.Specialization, func() error { return s.Store.Reschedule(ctx, b, next, slot) }); err != nil {
		return Booking{}, err
	}
	next.Outbox, next.Seen = nil, nil
	return next, nil
}

// Cancel cancels one of owner's confirmed bookings before the deadline and
// frees its slot. Errors: NotFound, Invalid (reason), Conflict
// (deadline_passed, not_active), Unavailable, Internal.
func (s *Service) Cancel(ctx context.Context, owner, id, reason string) (Booking, error) {
	const op = "booking.Cancel"
	if utf8.RuneCountInString(strings.TrimSpace(reason)) > maxReason {
		return Booking{}, fieldErr(op, "reason", "too_long")
	}
	reason, ok := usertext.Lines(reason, maxReason)
	if !ok {
		return Booking{}, fieldErr(op, "reason", "invalid_text")
	}
	// the booking and the language of the person's confirmation, at once
	var (
		b                 Booking
		language          string
		getErr, personErr error
	)
	_ = parallel.Do(
		func() error { b, getErr = s.Store.GetBooking(ctx, owner, id); return nil },
		func() error { _, language, personErr = s.person(ctx, owner); return nil },
	)
	if getErr != nil {
		return Booking{}, getErr
	}
	now := s.Now().UTC()
	if err := changeable(op, b, now); err != nil {
		return Booking{}, err
	}
	if personErr != nil {
		return Booking{}, personErr
	}
	spec, inst, err := s.specialist(ctx, b.SpecialistID)
	if err != nil && !errs.Is(err, errs.NotFound) { // a specialist gone from the directory: the message names no one
		return Booking{}, err
	}
	next := b
	next.Status = Cancelled
	next.Events = append(slices.Clone(b.Events), Event{Action: "cancelled", Actor: owner, At: now, Reason: reason})
	next.UpdatedAt, next.Version = now, b.Version+1
	next.Reminder = next.Schedule(now, nil) // none: cancelled
	n := Notice(s.NewID(), now, NoticeInput{Change: ChangeCancelled, Booking: next, Inst: inst, Spec: spec, Language: language})
	next.Outbox = &n
	// the freed slot: the waiting list first
	if err := s.writeThenFill(ctx, inst, spec.Specialization, func() error { return s.Store.Cancel(ctx, b, next) }); err != nil {
		return Booking{}, err
	}
	next.Outbox = nil
	return next, nil
}

func changeable(op string, b Booking, now time.Time) error {
	switch {
	case b.Status != Confirmed:
		return errs.E(op, errs.Conflict, ReasonNotActive)
	case !now.Before(b.CancelDeadline):
		return errs.E(op, errs.Conflict, ReasonDeadlinePassed)
	}
	return nil
}

// authorize lets staff of the specialist's institution act on it.
// Errors: Forbidden, NotFound (specialist).
func (s *Service) authorize(ctx context.Context, op string, st Staff, specialistID string) error {
	if !st.IsStaff {
		return errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	spec, err := s.Places.Specialist(ctx, specialistID)
	if err != nil {
		return err
	}
	if st.Institution == "" || spec.InstitutionID != st.Institution {
		return errs.E(op, errs.Forbidden, ReasonOtherInstitution)
	}
	return nil
}

// ScheduleResult says what setting a schedule did to the slots.
type ScheduleResult struct {
	Created int `json:"created"`
	Removed int `json:"removed"`
	Kept    int `json:"kept"`
}

// SetSchedule replaces a specialist's schedule and generates its slots for
// the coming weeks: new slots are created, free slots the new schedule no
// longer has are removed, booked ones are never touched, no new slot
// overlaps a kept booking, and the people waiting for its specialization
// are offered what is free. Staff of the
// specialist's institution only. Errors: Forbidden, NotFound, Invalid,
// Unavailable, Internal.
func (s *Service) SetSchedule(ctx context.Context, st Staff, specialistID string, sc Schedule) (ScheduleResult, error) {
	const op = "booking.SetSchedule"
	if err := s.authorize(ctx, op, st, specialistID); err != nil {
		return ScheduleResult{}, err
	}
	spec, inst, err := s.specialist(ctx, specialistID)
	if err != nil {
		return ScheduleResult{}, err
	}
	sc.SpecialistID = specialistID
	sc, err = sc.Validate()
	if err != nil {
		return ScheduleResult{}, err
	}
	loc := zone(inst.TimeZone)
	now := s.Now()
	today := civil.Today(now, loc)
	want, err := sc.Slots(inst.ID, loc, today, now)
	if err != nil {
		return ScheduleResult{}, err
	}
	// The slots and the absences at once. Look as far as any schedule
	// reaches, so a shorter new horizon also removes the free slots the old
	// one made beyond it.
	var (
		have     []Slot
		absences []Absence
	)
	if err := parallel.Do(
		func() (err error) {
			have, err = s.Store.ListSlots(ctx, specialistID, today.In(loc), today.AddDays(MaxWeeksAhead*7+1).In(loc))
			return err
		},
		func() (err error) {
			if s.Absences != nil {
				absences, err = s.Absences.ListAbsences(ctx, specialistID)
			}
			return err
		},
	); err != nil {
		return ScheduleResult{}, err
	}
	want = clearOfBooked(outsideAbsences(want, absences), have)
	wanted := map[string]bool{}
	for _, sl := range want {
		wanted[sl.ID()] = true
	}
	var stale []Slot
	res := ScheduleResult{}
	existing := map[string]bool{}
	for _, sl := range have {
		existing[sl.ID()] = true
		if !wanted[sl.ID()] && sl.Start.After(now) {
			if sl.Booked > 0 {
				res.Kept++
				continue
			}
			stale = append(stale, sl)
		}
	}
	// A slot that exists stays as it is (PutSlots would leave it anyway):
	// only the new ones are written, so saving an unchanged schedule
	// writes no slot at all.
	fresh := slices.DeleteFunc(want, func(sl Slot) bool { return existing[sl.ID()] })
	// The schedule, the new slots, the stale ones' removal and the first
	// page of the waiting line, all at once; someone waiting is offered
	// what is free then.
	err = s.writeThenFill(ctx, inst, spec.Specialization, func() error {
		return parallel.Do(
			func() error { return s.Store.PutSchedule(ctx, sc) },
			func() (err error) { res.Created, err = s.Store.PutSlots(ctx, fresh); return err },
			func() (err error) { res.Removed, err = s.Store.RemoveFreeSlots(ctx, stale); return err },
		)
	})
	return res, err
}

// DayBookings lists a specialist's bookings on a local date, for staff of
// its institution. Errors: Forbidden, NotFound, Invalid (date), Unavailable, Internal.
func (s *Service) DayBookings(ctx context.Context, st Staff, specialistID, date string) ([]Booking, error) {
	const op = "booking.DayBookings"
	if err := s.authorize(ctx, op, st, specialistID); err != nil {
		return nil, err
	}
	day, err := civil.Parse(date)
	if err != nil {
		return nil, fieldErr(op, "date", "invalid_date")
	}
	return s.Store.DayBookings(ctx, specialistID, day)
}

// RecordVisit closes an appointment that has begun with its outcome
// (completed or no_show) and a staff comment and, for one that took place,
// an act of service, e-prescriptions and referrals: the act and each
// prescription become documents of the patient's registry, and the
// referrals the patient's, in the visit's own transaction. Staff of the
// booking's institution only. Errors: Forbidden, NotFound, Invalid
// (outcome, comment, act, prescriptions[i].drug/dose/until,
// referrals[i].specialization/until), Conflict (not_active, not_started,
// changed), Unavailable, Internal.
func (s *Service) RecordVisit(ctx context.Context, st Staff, id string, in VisitInput) (Booking, error) {
	const op = "booking.RecordVisit"
	if !st.IsStaff {
		return Booking{}, errs.E(op, errs.Forbidden, errs.ReasonStaffOnly)
	}
	// The owner from the booking's reference, then the booking and, when
	// the visit may give documents, the patient's profile (their titles'
	// language, their reminders' zone) at once.
	owner, err := s.Store.BookingOwner(ctx, id)
	if err != nil {
		return Booking{}, err
	}
	var (
		b                 Booking
		ploc              *time.Location
		plang             string
		getErr, personErr error
	)
	reads := []func() error{func() error { b, getErr = s.Store.GetBooking(ctx, owner, id); return nil }}
	if strings.TrimSpace(in.Act) != "" || len(in.Prescriptions) > 0 {
		reads = append(reads, func() error { ploc, plang, personErr = s.person(ctx, owner); return nil })
	}
	_ = parallel.Do(reads...)
	if getErr != nil {
		return Booking{}, getErr
	}
	if b.InstitutionID != st.Institution {
		return Booking{}, errs.E(op, errs.NotFound, nil) // not theirs to see
	}
	spec, inst, err := s.specialist(ctx, b.SpecialistID)
	if err != nil {
		return Booking{}, err
	}
	now := s.Now().UTC()
	in, rx, refs, err := s.validateVisit(ctx, in, inst, civil.Today(now, zone(inst.TimeZone)))
	if err != nil {
		return Booking{}, err
	}
	switch {
	case b.Status != Confirmed:
		return Booking{}, errs.E(op, errs.Conflict, ReasonNotActive)
	case now.Before(b.Start):
		return Booking{}, errs.E(op, errs.Conflict, ReasonNotStarted)
	}
	loc, language := zone(inst.TimeZone), ""
	if in.Act != "" || len(rx) > 0 {
		// the documents' titles in the patient's language, their reminders
		// at 09:00 in the patient's zone (read above: a trimmed act was
		// given, or prescriptions)
		if personErr != nil {
			return Booking{}, personErr
		}
		if ploc != nil {
			loc = ploc
		}
		language = plang
	}
	next := b
	next.Status, next.StaffComment, next.Act = Status(in.Outcome), in.Comment, in.Act
	next.Events = append(slices.Clone(b.Events), Event{Action: "visit", Actor: st.Sub, At: now, Reason: in.Outcome})
	next.UpdatedAt, next.Version = now, b.Version+1
	next.Reminder = next.Schedule(now, nil) // none: the visit is over
	docs, hist, rx := s.visitDocuments(b, in.Act, rx, spec, loc, language, now)
	if in.Act != "" {
		next.ActDocumentID = docs[0].ID
	}
	next.Prescriptions = rx
	for i := range refs {
		refs[i].ID, refs[i].Owner, refs[i].InstitutionID, refs[i].BookingID, refs[i].CreatedAt = s.NewID(), b.Owner, b.InstitutionID, b.ID, now
		refs[i].Patient = b.Patient
	}
	next.Referrals = refs
	if err := s.Store.CloseVisit(ctx, VisitRecord{Booking: next, Prev: b.Version, Documents: docs, History: hist, Referrals: refs}); err != nil {
		return Booking{}, err
	}
	return next, nil
}
