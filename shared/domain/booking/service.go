package booking

import (
	"context"
	"crypto/rand"
	"slices"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/numbers"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Store persists schedules, slots and bookings.
type Store interface {
	// PutSchedule stores a specialist's schedule.
	PutSchedule(ctx context.Context, s Schedule) error
	// PutSlots creates the slots that do not exist yet and leaves existing
	// ones (and their bookings) alone; it returns how many it created.
	PutSlots(ctx context.Context, slots []Slot) (int, error)
	// RemoveFreeSlots deletes the given slots where nobody has booked them.
	RemoveFreeSlots(ctx context.Context, slots []Slot) (int, error)
	// ListSlots returns a specialist's slots starting in [from, to), in a
	// slice the caller owns (FreeSlots filters it in place).
	ListSlots(ctx context.Context, specialistID string, from, to time.Time) ([]Slot, error)
	// GetSlot errors: NotFound.
	GetSlot(ctx context.Context, specialistID string, start time.Time) (Slot, error)
	// Book takes the slot, counts the specialist's day, holds the person's
	// one-per-day item, their upcoming place b.Place and the confirmation
	// number, advances the patient's sequence from b.Seen (keeping b among
	// its upcoming bookings), and stores b, all in one transaction.
	// Errors: Conflict with reason slot_taken, day_full, one_per_day,
	// place_taken, person_changed or confirmation_taken; Invalid
	// (idempotency key reused).
	Book(ctx context.Context, b Booking, slot Slot, idem *idempotency.Key) (Booking, bool, error)
	// Replay returns the booking an Idempotency-Key already made for owner
	// (ok false when the key is new). Errors: Invalid when the key was used
	// for another request.
	Replay(ctx context.Context, owner string, idem *idempotency.Key) (b Booking, ok bool, err error)
	// GetBooking errors: NotFound (also for someone else's).
	GetBooking(ctx context.Context, owner, id string) (Booking, error)
	// BookingOwner is whose booking id is, for staff who name a booking by
	// id alone: the owner the id is sealed with (Service.Locator) without a
	// read, else its reference's. The owner alone proves nothing: the
	// booking must be read. Errors: NotFound, Unavailable, Internal.
	BookingOwner(ctx context.Context, id string) (string, error)
	// ListBookings returns all of a person's bookings.
	ListBookings(ctx context.Context, owner string) ([]Booking, error)
	// PersonSeq is owner's patient's booking sequence (patient "" the
	// owner themself; Seq 0 and Known before their first booking): Book
	// and Reschedule advance it, conditioned on Booking.Seen, and keep
	// the patient's upcoming bookings on it; Cancel, CancelForAbsence and
	// CloseVisit take theirs off. Errors: Unavailable, Internal.
	PersonSeq(ctx context.Context, owner, patient string) (Sequence, error)
	// Reschedule moves old to updated's slot in one transaction: the new
	// slot taken, the old freed, the patient's sequence advanced from
	// updated.Seen. Errors: Conflict (slot_taken, day_full, one_per_day,
	// person_changed, changed).
	Reschedule(ctx context.Context, old, updated Booking, slot Slot) error
	// Cancel frees the slot, takes old off its patient's upcoming bookings
	// and stores updated (status cancelled). Errors: Conflict (changed).
	Cancel(ctx context.Context, old, updated Booking) error
	// CloseVisit stores a closed visit (v.Booking, if still at v.Prev) with
	// the documents, their history and the referrals it gives the patient,
	// and takes it off the patient's upcoming bookings, in one
	// transaction. Errors: Conflict (changed), Unavailable, Internal.
	CloseVisit(ctx context.Context, v VisitRecord) error
	// GetReferral returns owner's referral id (CloseVisit writes them).
	// Errors: NotFound (also someone else's), Unavailable, Internal.
	GetReferral(ctx context.Context, owner, id string) (Referral, error)
	// GetSchedule returns a specialist's schedule; ok is false when none was set.
	GetSchedule(ctx context.Context, specialistID string) (sc Schedule, ok bool, err error)
	// DayCounts returns how many bookings a specialist has on each local
	// day in [from, to].
	DayCounts(ctx context.Context, specialistID string, from, to civil.Date) (map[civil.Date]int, error)
	// DayBookings returns a specialist's bookings on a local day.
	DayBookings(ctx context.Context, specialistID string, day civil.Date) ([]Booking, error)
}

// Places finds institutions and specialists (the directory).
type Places interface {
	Institution(ctx context.Context, id string) (directory.Institution, error)
	Specialist(ctx context.Context, id string) (directory.Specialist, error)
	// Specialists lists an institution's specialists of one specialization.
	Specialists(ctx context.Context, institutionID, specialization string) ([]directory.Specialist, error)
	// HasSpecialization reports whether any institution has specialists
	// of specialization (a referral's).
	HasSpecialization(ctx context.Context, specialization string) (bool, error)
}

// Limits of the appointment book.
const (
	MaxUpcoming      = 5
	MaxSlotRangeDays = 31
	maxReason        = 500
	maxComment       = 1000
)

// Service is the appointment book. Citizen methods act for owner, the
// authenticated person; staff methods for a member of staff of one
// institution.
type Service struct {
	Store  Store
	Places Places
	// Profiles gives the zone a person's reminders are timed in; nil
	// times them in the institution's zone (tests of the book alone).
	Profiles Profiles
	Now      func() time.Time
	NewID    func() string
	// Locator seals the owner into the ids of new bookings, so staff
	// naming one by id alone find it without reading its reference first;
	// nil seals none.
	Locator *ids.Locator
	// VideoBase prefixes the video room link of a video appointment.
	VideoBase string
	// Absences keeps specialists' absences and cancels their bookings;
	// nil refuses DeclareAbsence (Internal).
	Absences AbsenceStore
	// Waits keeps the waiting lists; nil: no waiting list (JoinWaitlist
	// is Internal, nothing is offered).
	Waits WaitStore
	// Patients resolves the dependents an owner books for (the family
	// domain); nil books for the owner alone (a patient is unknown_patient).
	Patients registry.Subjects
}

// Staff is the caller of a staff method.
type Staff struct {
	Sub         string
	IsStaff     bool
	Institution string
}

// BookInput is what a person sends to book.
type BookInput struct {
	SlotID       string `json:"slotId"`
	Mode         string `json:"mode"`
	ContactPhone string `json:"contactPhone"`
	// ReferralID books with a referral of the person's (one written at a
	// visit for this specialization, unused and valid on the slot's day);
	// the booking uses it up.
	ReferralID string `json:"referralId"`
	// Patient is a dependent's id (GET /family), or "" or PatientSelf for
	// the owner.
	Patient string `json:"patient"`
}

// PatientSelf is BookInput.Patient (and JournalFilter.Patient) of the
// owner themself.
const PatientSelf = "self"

// patient is who a booking is for: "" the owner, else their dependent.
type patient struct {
	id, name string
	birth    *civil.Date
}

// resolvePatient resolves in.Patient for a new booking: someone else's
// dependent is unknown_patient, exactly as a missing one; a grown-up
// child or an ended power of attorney is family's dependent_not_active.
func (s *Service) resolvePatient(ctx context.Context, op, owner, id string) (patient, error) {
	if id == "" || id == PatientSelf {
		return patient{}, nil
	}
	if s.Patients == nil {
		return patient{}, fieldErr(op, "patient", "unknown_patient")
	}
	sj, err := s.Patients.Subject(ctx, owner, id)
	if errs.Is(err, errs.NotFound) {
		return patient{}, fieldErr(op, "patient", "unknown_patient")
	}
	if err != nil {
		return patient{}, err
	}
	return patient{id: sj.ID, name: sj.Name, birth: &sj.BirthDate}, nil
}

// patientKey is the patient a request names as bookings record them: ""
// for the owner themself.
func patientKey(p string) string {
	if p == PatientSelf {
		return ""
	}
	return p
}

// ofPatient keeps the bookings of mine that are patient's (the per-person
// rules count per patient: a parent and each child have their own).
func ofPatient(mine []Booking, patient string) []Booking {
	out := mine[:0:0]
	for _, b := range mine {
		if b.Patient == patient {
			out = append(out, b)
		}
	}
	return out
}

// SlotQuery selects free slots of a specialist, by local dates of its institution.
type SlotQuery struct {
	From, To    string
	PartOfDay   string
	MinDuration int // minutes
}

// SlotsPage is the free slots with the zone they are shown in.
type SlotsPage struct {
	TimeZone string
	Items    []Slot
}

// FreeSlots returns a specialist's free future slots in [From, To] (local
// dates, at most 31 days), filtered by part of day and minimum length.
// Anyone signed in may call it. Errors: NotFound (specialist), Invalid.
func (s *Service) FreeSlots(ctx context.Context, specialistID string, q SlotQuery) (SlotsPage, error) {
	const op = "booking.FreeSlots"
	spec, inst, err := s.specialist(ctx, specialistID)
	if err != nil {
		return SlotsPage{}, err
	}
	loc := zone(inst.TimeZone)
	today := civil.Today(s.Now(), loc)
	var fe errs.Fields
	from, to := today, today.AddDays(13)
	if q.From != "" {
		if from, err = civil.Parse(q.From); err != nil {
			fe.Add("from", "invalid_date")
		}
	}
	if q.To != "" {
		if to, err = civil.Parse(q.To); err != nil {
			fe.Add("to", "invalid_date")
		}
	}
	switch {
	case fe.Has("from") || fe.Has("to"):
	case to.Before(from):
		fe.Add("to", "before_from")
	case from.DaysUntil(to) >= MaxSlotRangeDays:
		fe.Add("to", "range_too_long")
	}
	if q.PartOfDay != "" && !slices.Contains([]string{"morning", "afternoon", "evening"}, q.PartOfDay) {
		fe.Add("partOfDay", "unknown_part_of_day")
	}
	if q.MinDuration < 0 || q.MinDuration > MaxSlotMinutes {
		fe.Add("minDuration", "out_of_range")
	}
	if err := fe.Err(op); err != nil {
		return SlotsPage{}, err
	}
	// The slots, the schedule (for the daily limit) and the day counts are
	// read at once, one round trip. The counts matter only when there is a
	// schedule: they are read regardless, and their failure counts only then.
	var (
		slots     []Slot
		sc        Schedule
		hasSc     bool
		counts    map[civil.Date]int
		countsErr error
	)
	err = parallel.Do(
		func() (err error) {
			slots, err = s.Store.ListSlots(ctx, spec.ID, from.In(loc), to.AddDays(1).In(loc))
			return err
		},
		func() (err error) { sc, hasSc, err = s.Store.GetSchedule(ctx, spec.ID); return err },
		func() error { counts, countsErr = s.Store.DayCounts(ctx, spec.ID, from, to); return nil },
	)
	if err == nil && hasSc {
		err = countsErr
	}
	if err != nil {
		return SlotsPage{}, err
	}
	full := map[civil.Date]bool{}
	if hasSc {
		for day, n := range counts {
			full[day] = n >= sc.MaxPerDay
		}
	}
	now := s.Now()
	// The free slots are filtered into slots' own array: the store's list is
	// this call's alone, and a two-week page is hundreds of slots.
	page := SlotsPage{TimeZone: inst.TimeZone, Items: slots[:0]}
	if page.Items == nil {
		page.Items = []Slot{}
	}
	minLen := time.Duration(q.MinDuration) * time.Minute
	for _, sl := range slots {
		local := sl.Start.In(loc)
		if len(full) > 0 && full[civil.Of(local)] {
			continue // the day's limit is reached: its free slots cannot be booked
		}
		if !sl.Free() || !sl.Start.After(now) || sl.Held(now, "") || (q.PartOfDay != "" && partOfDay(local.Hour()) != q.PartOfDay) ||
			sl.End.Sub(sl.Start) < minLen {
			continue
		}
		page.Items = append(page.Items, sl)
	}
	return page, nil
}

// partOfDay names the part of the day a local hour falls in: morning before
// 12:00, afternoon before 17:00, evening after.
func partOfDay(hour int) string {
	switch {
	case hour < 12:
		return "morning"
	case hour < 17:
		return "afternoon"
	}
	return "evening"
}

func (s *Service) specialist(ctx context.Context, id string) (directory.Specialist, directory.Institution, error) {
	spec, err := s.Places.Specialist(ctx, id)
	if err != nil {
		return spec, directory.Institution{}, err
	}
	inst, err := s.Places.Institution(ctx, spec.InstitutionID)
	return spec, inst, err
}

// Book books a free slot for owner, or for one of their dependents
// (in.Patient). A person — the owner and each dependent alike — holds at
// most MaxUpcoming upcoming bookings and one per specialist per day, and
// cannot hold two appointments overlapping in time, anywhere; a
// specialist's age bounds are checked on the patient's birth date.
// Errors: Invalid (fields slotId, mode, contactPhone, patient; a reused
// idempotency key), Conflict (slot_taken, day_full, one_per_day,
// overlapping_booking, too_many_bookings, age_not_accepted,
// dependent_not_active), Unavailable, Internal.
func (s *Service) Book(ctx context.Context, owner string, in BookInput, idem *idempotency.Key) (booked Booking, replayed bool, err error) {
	return s.book(ctx, owner, in, idem, nil)
}

// book is Book, taking the waiting-list offer accept when it is not nil.
func (s *Service) book(ctx context.Context, owner string, in BookInput, idem *idempotency.Key, accept *WaitTransition) (booked Booking, replayed bool, err error) {
	const op = "booking.Book"
	now := s.Now().UTC()
	mode, err := checkBookInput(op, &in)
	if err != nil {
		return Booking{}, false, err
	}
	var r bookReads
	_ = parallel.Do(r.reads(ctx, s, op, owner, in, idem, now)...)
	return s.decideBook(ctx, op, owner, in, mode, idem, accept, &r, now)
}

// checkBookInput checks what a booking request names before anything is
// read, keeping its phone as the booking records it, and returns its mode.
func checkBookInput(op string, in *BookInput) (Mode, error) {
	var fe errs.Fields
	if _, _, perr := ParseSlotID(in.SlotID); perr != nil {
		fe.Add("slotId", "unknown_slot")
	}
	mode := Mode(in.Mode)
	if mode != InPerson && mode != Video {
		fe.Add("mode", "unknown_mode")
	}
	if in.ContactPhone != "" {
		phone, ok := numbers.Phone(in.ContactPhone) // 8XXXXXXXXXX is kept as +7XXXXXXXXXX
		if !ok {
			fe.Add("contactPhone", "invalid_phone")
		}
		in.ContactPhone = phone
	}
	return mode, fe.Err(op)
}

// bookReads is everything a booking reads before its transaction, read at
// once, one round trip: the Idempotency-Key's claim, the slot (with its
// specialist), the schedule, the patient's booking sequence with their
// upcoming bookings and the zone their reminders are timed in (their
// profile's). decideBook judges it in the order it was once read in, one
// after another, so the answer is the same; a replay or a refusal merely
// leaves some reads unused.
type bookReads struct {
	prev      Booking
	replay    bool
	replayErr error
	slot      Slot
	spec      directory.Specialist
	inst      directory.Institution
	slotErr   error
	sc        Schedule
	hasSc     bool
	scErr     error
	seq       Sequence
	seqErr    error
	person    *time.Location
	language  string
	birth     *civil.Date
	personErr error
	who       patient
	whoErr    error
}

// reads are the reads of r for booking in (its slot id parsed), to run at
// once (parallel.Do), with any a caller adds.
func (r *bookReads) reads(ctx context.Context, s *Service, op, owner string, in BookInput, idem *idempotency.Key, now time.Time) []func() error {
	specID, start, _ := ParseSlotID(in.SlotID)
	return []func() error{
		func() error {
			if idem != nil {
				r.prev, r.replay, r.replayErr = s.Store.Replay(ctx, owner, idem)
			}
			return nil
		},
		func() error { r.slot, r.spec, r.inst, r.slotErr = s.slot(ctx, op, specID, start, now); return nil },
		func() error { r.sc, r.hasSc, r.scErr = s.Store.GetSchedule(ctx, specID); return nil },
		func() error { r.seq, r.seqErr = s.sequence(ctx, owner, patientKey(in.Patient), now); return nil },
		func() error { r.person, r.language, r.birth, r.personErr = s.personBirth(ctx, owner); return nil },
		func() error { r.who, r.whoErr = s.resolvePatient(ctx, op, owner, in.Patient); return nil },
	}
}

// decideBook judges r for booking in and, when it may, books: one
// transaction, taken again (with the sequence read again) when a place,
// the confirmation number or the person's sequence was taken meanwhile.
// r.seq and r.who must be in.Patient's.
func (s *Service) decideBook(ctx context.Context, op, owner string, in BookInput, mode Mode, idem *idempotency.Key, accept *WaitTransition,
	r *bookReads, now time.Time) (booked Booking, replayed bool, err error) {
	prev, replay, replayErr := r.prev, r.replay, r.replayErr
	slot, spec, inst, slotErr := r.slot, r.spec, r.inst, r.slotErr
	sc, hasSc, scErr := r.sc, r.hasSc, r.scErr
	seq, seqErr := r.seq, r.seqErr
	person, language, birth, personErr := r.person, r.language, r.birth, r.personErr
	who, whoErr := r.who, r.whoErr
	if idem != nil {
		// A retry answers what the first request got, even though the
		// slot is now taken (by that very booking).
		if replayErr != nil || replay {
			return prev, replay, replayErr
		}
		// A concurrent copy of this request may book the slot after that
		// check, and this one then finds the slot (or the day, or a place)
		// taken: by that very booking, so it is a replay too.
		defer func() {
			if errs.Is(err, errs.Conflict) {
				if prev, ok, rerr := s.Store.Replay(ctx, owner, idem); rerr == nil && ok {
					booked, replayed, err = prev, true, nil
				}
			}
		}()
	}
	if slotErr != nil {
		return Booking{}, false, slotErr
	}
	if !slices.Contains(spec.Modes, string(mode)) {
		return Booking{}, false, fieldErr(op, "mode", "mode_not_offered")
	}
	if whoErr != nil {
		return Booking{}, false, whoErr
	}
	if in.ReferralID != "" { // for whom it was written, no one else
		if _, err := s.referral(ctx, op, owner, in.ReferralID, who.id, slot, spec, inst); err != nil {
			return Booking{}, false, err
		}
	}
	if personErr != nil {
		return Booking{}, false, personErr
	}
	if who.id != "" {
		birth = who.birth
	}
	// The age on the appointment's day where it takes place.
	if !spec.Accepts(birth, civil.Of(slot.Start.In(zone(inst.TimeZone)))) {
		return Booking{}, false, errs.E(op, errs.Conflict, ReasonAgeNotAccepted)
	}
	if scErr != nil {
		return Booking{}, false, scErr
	} else if hasSc {
		slot.MaxPerDay = sc.MaxPerDay // today's limit, not the one the slot was made with
	}
	b := Booking{ID: s.Locator.Seal(s.NewID(), owner), Owner: owner, Patient: who.id, PatientName: who.name, SpecialistID: spec.ID, InstitutionID: inst.ID,
		Start: slot.Start, End: slot.End, TimeZone: inst.TimeZone, Mode: mode, ContactPhone: in.ContactPhone,
		Status: Confirmed, CancelDeadline: slot.Start.Add(-deadline(inst)), Checklist: checklist(inst, mode),
		Events: []Event{{Action: "booked", Actor: owner, At: now}}, CreatedAt: now, UpdatedAt: now, Version: 1, ReferralID: in.ReferralID}
	if mode == Video {
		b.VideoLink = strings.TrimSuffix(s.VideoBase, "/") + "/" + b.ID
	}
	if seqErr == nil && patientKey(in.Patient) == who.id {
		if err := noOverlap(op, seq.Upcoming, "", slot.Start, slot.End, now); err != nil {
			return Booking{}, false, err
		}
	}
	b.Reminder = b.Schedule(now, person)
	// Each upcoming booking holds one of MaxUpcoming places of its owner,
	// taken in the booking's transaction: concurrent requests cannot
	// exceed the cap. A place whose booking has started is free again.
	// The overlap rule holds the same way: the rules judge the upcoming
	// bookings kept on the patient's booking sequence, and the transaction
	// advances the sequence from the value read, so of two requests judged
	// on the same list one commits and the other looks again.
	for attempt := 0; attempt < MaxUpcoming+3; attempt++ {
		if attempt > 0 || patientKey(in.Patient) != who.id { // taken or changed meanwhile: look again
			seq, seqErr = s.sequence(ctx, owner, who.id, now)
		}
		if seqErr != nil {
			return Booking{}, false, seqErr
		}
		if err := noOverlap(op, seq.Upcoming, "", slot.Start, slot.End, now); err != nil {
			return Booking{}, false, err
		}
		seen := seq
		b.Seen = &seen
		held := map[int]bool{}
		for _, x := range seq.Upcoming {
			if x.Upcoming(now) {
				held[x.Place] = true
			}
		}
		b.Place = -1
		for n := range MaxUpcoming {
			if !held[n] {
				b.Place = n
				break
			}
		}
		if b.Place < 0 {
			break
		}
		b.ConfirmationNumber = confirmationNumber()
		n := Notice(s.NewID(), now, NoticeInput{Change: ChangeBooked, Booking: b, Inst: inst, Spec: spec, Language: language})
		b.Outbox, b.Accepted = &n, accept
		stored, replayed, err := s.Store.Book(ctx, b, slot, idem)
		stored.Outbox, stored.Accepted, stored.Seen = nil, nil, nil
		switch {
		case errs.Is(err, errs.Conflict) && (errs.ReasonOf(err) == ReasonConfirmationTaken || errs.ReasonOf(err) == ReasonPlaceTaken ||
			errs.ReasonOf(err) == ReasonPersonChanged):
			continue
		case errs.ReasonOf(err) == errs.ReasonContended && attempt < 2:
			// Another booking of the slot (or of the person) was in flight:
			// look again, and the slot's or person's condition decides.
			continue
		case errs.Is(err, errs.Conflict) && errs.ReasonOf(err) == ReasonSlotTaken && idem != nil:
			// The same key may have won the slot a moment ago.
			if rb, ok, rerr := s.Store.Replay(ctx, owner, idem); rerr == nil && ok {
				return rb, true, nil
			}
		}
		return stored, replayed, err
	}
	return Booking{}, false, errs.E(op, errs.Conflict, ReasonTooManyBookings)
}

// slot loads a bookable slot: known, in the future, free.
func (s *Service) slot(ctx context.Context, op, specID string, start, now time.Time) (Slot, directory.Specialist, directory.Institution, error) {
	spec, inst, err := s.specialist(ctx, specID)
	if errs.Is(err, errs.NotFound) {
		return Slot{}, spec, inst, fieldErr(op, "slotId", "unknown_slot")
	}
	if err != nil {
		return Slot{}, spec, inst, err
	}
	slot, err := s.Store.GetSlot(ctx, specID, start)
	switch {
	case errs.Is(err, errs.NotFound):
		return slot, spec, inst, fieldErr(op, "slotId", "unknown_slot")
	case err != nil:
		return slot, spec, inst, err
	case !slot.Start.After(now):
		return slot, spec, inst, fieldErr(op, "slotId", "in_past")
	case !slot.Free():
		return slot, spec, inst, errs.E(op, errs.Conflict, ReasonSlotTaken)
	}
	return slot, spec, inst, nil
}

func fieldErr(op, field, code string) error {
	return errs.E(op, errs.Invalid, errs.FieldError{Field: field, Code: code})
}

// deadline is how long before the start a booking at inst may still be
// cancelled or moved: the institution's own, else its type's default (a
// polyclinic's is the start itself).
func deadline(inst directory.Institution) time.Duration { return inst.Deadline() }

// Checklist items: what to bring or prepare. A booking stores their codes;
// ChecklistText writes them in the reader's language.
const (
	BringPassport   = "passport"
	BringOMSPolicy  = "oms_policy"
	BringSNILS      = "snils"
	BringLicence    = "drivers_licence"
	BringMedical003 = "medical_certificate_003v"
	BringDevice     = "video_device"
)

// checklistTexts are the items in English and Russian.
var checklistTexts = map[string][2]string{
	BringPassport:   {"Passport", "Паспорт"},
	BringOMSPolicy:  {"OMS policy", "Полис ОМС"},
	BringSNILS:      {"SNILS", "СНИЛС"},
	BringLicence:    {"Driver's licence", "Водительское удостоверение"},
	BringMedical003: {"Medical certificate 003-V/u", "Медицинская справка 003-В/у"},
	BringDevice:     {"A device with a camera and a microphone", "Устройство с камерой и микрофоном"},
}

// ChecklistText writes checklist items in lang ("ru" or "en"). An item that
// is no code (bookings made before items were codes kept both languages in
// one text) is shown as stored.
func ChecklistText(items []string, lang string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it
		if t, ok := checklistTexts[it]; ok {
			out[i] = t[0]
			if lang == "ru" {
				out[i] = t[1]
			}
		}
	}
	return out
}

// checklist says what to bring or prepare, as codes.
func checklist(inst directory.Institution, mode Mode) []string {
	if mode == Video {
		return []string{BringDevice, BringPassport}
	}
	list := []string{BringPassport}
	switch inst.Type {
	case "polyclinic", "hospital", "laboratory", "dental":
		list = append(list, BringOMSPolicy, BringSNILS)
	case "traffic_police":
		list = append(list, BringLicence, BringMedical003)
	}
	return list
}

// confirmationNumber is short, readable and unambiguous: KB- and eight
// Crockford base-32 characters (no I, L, O, U), e.g. KB-7F3K-9Q2M.
func confirmationNumber() string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var b [8]byte
	_, _ = rand.Read(b[:])
	out := make([]byte, 0, 12)
	out = append(out, "KB-"...)
	for i, x := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, alphabet[x%32])
	}
	return string(out)
}
