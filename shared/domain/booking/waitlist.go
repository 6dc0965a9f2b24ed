package booking

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/i18n"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/parallel"
)

// The waiting list: a person who finds no suitable slot waits for a
// specialist, or a specialization at an institution, in a date range and a
// part of the day. When a matching slot frees (a cancellation, a
// reschedule, a declined or expired offer) or appears (a new schedule), the
// first person in line is offered it: the slot is held for them for
// HoldFor (nobody else can book it), they are told in the cabinet and on
// their channels, and they accept (booked under every rule of Book) or
// decline; a declined or expired offer goes to the next in line. The
// expiry is an item of the due index (urgent class), which the reminder
// pipeline hands to ExpireOffer: no scan.

// WaitEntry is one person's place on a waiting list.
type WaitEntry struct {
	ID             string
	Owner          string
	InstitutionID  string
	Specialization string
	SpecialistID   string // "" for any specialist of the specialization
	From, To       civil.Date
	PartOfDay      string // "", morning, afternoon, evening
	Status         string
	CreatedAt      time.Time
	// Offer is the slot held for the person while Status is WaitOffered.
	Offer     *Slot
	OfferedAt time.Time
	Until     time.Time // when the offer lapses
	BookingID string    // the booking an accepted offer made
	// Place is which of its owner's MaxWaitEntries places an active entry holds.
	Place   int
	Version int
}

// WaitTransition is an accepted offer travelling with its booking
// (Booking.Accepted): the store ends the entry in the booking's own
// transaction, so the booking and the end of the wait are one.
type WaitTransition struct{ From, To WaitEntry }

// Waiting list states.
const (
	WaitWaiting  = "waiting"
	WaitOffered  = "offered"
	WaitBooked   = "booked"
	WaitDeclined = "declined"
	WaitExpired  = "expired"
	// WaitLeft is an entry its person took off the list: no longer shown.
	WaitLeft = "left"
)

// Limits of the waiting list.
const (
	// MaxWaitEntries is how many entries a person keeps waiting or offered at once.
	MaxWaitEntries = 3
	// MaxWaitDays is how far ahead an entry may reach.
	MaxWaitDays = 60
	// HoldFor is how long an offered slot is held for its person.
	HoldFor = 15 * time.Minute
	// queueBatch is how many entries of a line one page holds; a pass
	// pages through the whole line until every free slot is offered.
	queueBatch = 25
)

// Same is what makes two entries the same list: a person is on it once
// while an entry is active (the store keeps it unique).
func (e WaitEntry) Same() string {
	return strings.Join([]string{e.InstitutionID, strings.ToLower(e.Specialization), e.SpecialistID, e.From.String(), e.To.String(), e.PartOfDay}, "|")
}

// Active reports whether e still waits or holds an offer.
func (e WaitEntry) Active() bool { return e.Status == WaitWaiting || e.Status == WaitOffered }

// WaitStore keeps the waiting lists.
type WaitStore interface {
	// ListWaits returns owner's entries, oldest first. Errors: Unavailable, Internal.
	ListWaits(ctx context.Context, owner string) ([]WaitEntry, error)
	// GetWait errors: NotFound (also someone else's).
	GetWait(ctx context.Context, owner, id string) (WaitEntry, error)
	// PutWait stores a new entry holding its owner's active place `place`
	// (of MaxWaitEntries) and its list (Same) for as long as it is active.
	// With offer, e is stored offered and, in the same transaction, the
	// slot is held for e's owner until e.Until (if it is still free and not
	// held) and the offer's message written as an outbox entry, as Hold
	// does. Errors: Conflict (place_taken, same_wait, slot_taken).
	PutWait(ctx context.Context, e WaitEntry, place int, offer *Offer) error
	// Line returns up to limit waiting entries of a specialization at an
	// institution, first in line first, continuing after cursor ("" from
	// the first), with the cursor of the next page ("" at the end).
	// Errors: Unavailable, Internal.
	Line(ctx context.Context, institutionID, specialization string, limit int, cursor string) ([]WaitEntry, string, error)
	// Hold offers slot to e in one transaction: the slot held for e's
	// owner until next.Until (if it is still free and not held), e stored
	// as next (if still at its version) and the offer's message written as
	// an outbox entry. Errors: Conflict (slot_taken: the slot is gone;
	// changed: the entry moved).
	Hold(ctx context.Context, e, next WaitEntry, slot Slot, n inbox.Notification) error
	// EndWait stores next (e no longer active: declined, expired, booked
	// elsewhere or left) if e is still at its version, frees its place and,
	// when e held a slot, releases the hold if it is still e's.
	// Errors: Conflict (changed).
	EndWait(ctx context.Context, e, next WaitEntry) error
}

// Offer is a slot offered to a new entry as it is stored, and the offer's
// message (WaitStore.PutWait).
type Offer struct {
	Slot   Slot
	Notice inbox.Notification
}

// WaitInput is what a person sends to join a waiting list.
type WaitInput struct {
	InstitutionID  string `json:"institutionId"`
	Specialization string `json:"specialization"`
	SpecialistID   string `json:"specialistId"`
	From           string `json:"from"`
	To             string `json:"to"`
	PartOfDay      string `json:"partOfDay"`
}

// JoinWaitlist puts owner on the waiting list for a specialist (specialistId)
// or a specialization at an institution (institutionId and specialization),
// local dates from..to (at most MaxWaitDays ahead) and an optional part of
// the day. A slot already free that matches is offered at once. Joining the
// same list again (the same institution, specialization, specialist, dates
// and part of day) while the first entry is active answers that entry with
// existed set, so a retried request never takes a second place. Any caller
// with a token may call it for themselves. Errors: Invalid (specialistId,
// institutionId, specialization, from, to, partOfDay), Conflict
// (too_many_waits), Unavailable, Internal.
func (s *Service) JoinWaitlist(ctx context.Context, owner string, in WaitInput) (e WaitEntry, existed bool, err error) {
	const op = "booking.JoinWaitlist"
	if s.Waits == nil {
		return WaitEntry{}, false, errs.E(op, errs.Internal, fmt.Errorf("no waiting list store"))
	}
	var fe errs.Fields
	var inst directory.Institution
	var spec directory.Specialist
	switch {
	case in.SpecialistID != "":
		sp, i, err := s.specialist(ctx, in.SpecialistID)
		if errs.Is(err, errs.NotFound) {
			fe.Add("specialistId", "unknown_specialist")
		} else if err != nil {
			return WaitEntry{}, false, err
		}
		spec, inst = sp, i
		if in.InstitutionID != "" && in.InstitutionID != sp.InstitutionID {
			fe.Add("institutionId", "other_institution")
		}
	case in.InstitutionID == "":
		fe.Add("institutionId", "required")
	default:
		i, err := s.Places.Institution(ctx, in.InstitutionID)
		if errs.Is(err, errs.NotFound) {
			fe.Add("institutionId", "unknown_institution")
		} else if err != nil {
			return WaitEntry{}, false, err
		}
		inst = i
		if strings.TrimSpace(in.Specialization) == "" {
			fe.Add("specialization", "required")
		} else if list, err := s.Places.Specialists(ctx, in.InstitutionID, in.Specialization); err == nil && len(list) == 0 {
			fe.Add("specialization", "unknown_specialization")
		} else if err == nil {
			spec.Specialization = list[0].Specialization
		}
	}
	if in.PartOfDay != "" && !slices.Contains([]string{"morning", "afternoon", "evening"}, in.PartOfDay) {
		fe.Add("partOfDay", "unknown_part_of_day")
	}
	today := civil.Today(s.Now(), zone(inst.TimeZone))
	from, ferr := civil.Parse(in.From)
	to, terr := civil.Parse(in.To)
	switch {
	case in.From == "":
		fe.Add("from", "required")
	case ferr != nil:
		fe.Add("from", "invalid_date")
	}
	switch {
	case in.To == "":
		fe.Add("to", "required")
	case terr != nil:
		fe.Add("to", "invalid_date")
	case ferr != nil || in.From == "":
	case to.Before(from):
		fe.Add("to", "before_from") // an empty range
	case to.Before(today):
		fe.Add("to", "in_past")
	case today.DaysUntil(to) > MaxWaitDays:
		fe.Add("to", "too_far") // beyond MaxWaitDays
	}
	if err := fe.Err(op); err != nil {
		return WaitEntry{}, false, err
	}
	if from.Before(today) {
		from = today
	}
	now := s.Now().UTC()
	e = WaitEntry{ID: s.NewID(), Owner: owner, InstitutionID: inst.ID, Specialization: spec.Specialization, SpecialistID: in.SpecialistID,
		From: from, To: to, PartOfDay: in.PartOfDay, Status: WaitWaiting, CreatedAt: now, Version: 1}
	// Each active entry holds one of MaxWaitEntries places, taken in the
	// entry's own write: concurrent joins cannot exceed the cap. A slot
	// free already is offered in that write (the line's index may not show
	// the new entry yet, so it is offered directly): the person's entries,
	// the free slots and the person's language (the offer's message) are
	// read at once, then the one transaction.
	for attempt := 0; attempt < MaxWaitEntries+2; attempt++ {
		var (
			mine             []WaitEntry
			specs            []directory.Specialist
			free             map[string][]Slot
			language         string
			freeErr, langErr error
		)
		err := parallel.Do(
			func() (err error) { mine, err = s.Waits.ListWaits(ctx, owner); return err },
			func() error { specs, free, freeErr = s.freeSlots(ctx, inst, e.Specialization); return nil },
			func() error { _, language, langErr = s.person(ctx, owner); return nil },
		)
		if err != nil {
			return WaitEntry{}, false, err
		}
		held := map[int]bool{}
		for _, x := range mine {
			if x.Active() && x.Same() == e.Same() {
				return x, true, nil
			}
			if x.Active() {
				held[x.Place] = true
			}
		}
		place := -1
		for n := range MaxWaitEntries {
			if !held[n] {
				place = n
				break
			}
		}
		if place < 0 {
			return WaitEntry{}, false, errs.E(op, errs.Conflict, ReasonTooManyWaits)
		}
		e.Place = place
		stored, offer := e, (*Offer)(nil)
		if freeErr == nil && langErr == nil { // else it waits: the next change offers what is free
			if slot := match(e, specs, free, nil, s.Now().UTC(), zone(inst.TimeZone)); slot != nil {
				next, n := s.offered(ctx, e, *slot, inst, language)
				stored, offer = next, &Offer{Slot: *slot, Notice: n}
			}
		}
		err = s.Waits.PutWait(ctx, stored, place, offer)
		if errs.Is(err, errs.Conflict) && slices.Contains([]errs.Reason{ReasonPlaceTaken, ReasonSameWait, ReasonSlotTaken}, errs.ReasonOf(err)) {
			continue // taken meanwhile: the next read sees by whom
		}
		if err != nil {
			return WaitEntry{}, false, err
		}
		return stored, false, nil
	}
	return WaitEntry{}, false, errs.E(op, errs.Conflict, ReasonTooManyWaits)
}

// Waitlist returns owner's entries, newest first, without those they left
// (an entry that ended otherwise stays until TTL removes it, to show how it
// ended). Any caller with a token may call it for themselves. Errors:
// Unavailable, Internal.
func (s *Service) Waitlist(ctx context.Context, owner string) ([]WaitEntry, error) {
	if s.Waits == nil {
		return []WaitEntry{}, nil
	}
	list, err := s.Waits.ListWaits(ctx, owner)
	if err != nil {
		return nil, err
	}
	list = slices.DeleteFunc(list, func(e WaitEntry) bool { return e.Status == WaitLeft })
	slices.Reverse(list)
	return list, nil
}

// LeaveWaitlist takes owner's entry id off its list (releasing an offer it
// holds, which goes to the next in line); an entry that ended already is
// just no longer shown. The entry's owner may call it. Errors: NotFound
// (also someone else's, or left already), Conflict (changed), Unavailable,
// Internal.
func (s *Service) LeaveWaitlist(ctx context.Context, owner, id string) error {
	e, err := s.waitOf(ctx, owner, id)
	if err != nil {
		return err
	}
	if e.Status == WaitLeft {
		return errs.E("booking.LeaveWaitlist", errs.NotFound, nil)
	}
	return s.endWait(ctx, e, WaitLeft)
}

func (s *Service) waitOf(ctx context.Context, owner, id string) (WaitEntry, error) {
	if s.Waits == nil {
		return WaitEntry{}, errs.E("booking.waitOf", errs.NotFound, nil)
	}
	return s.Waits.GetWait(ctx, owner, id)
}

// ended is e ended with status to (WaitDeclined, WaitExpired, WaitLeft):
// what endWait stores.
func ended(e WaitEntry, to string) WaitEntry {
	next := e
	next.Status, next.Offer, next.Until, next.Version = to, nil, time.Time{}, e.Version+1
	return next
}

// endWait ends e with status to (ended) and offers what it held to the
// next in line.
func (s *Service) endWait(ctx context.Context, e WaitEntry, to string) error {
	next := ended(e, to)
	end := func() error { return s.Waits.EndWait(ctx, e, next) }
	if e.Status != WaitOffered {
		return end()
	}
	inst, err := s.Places.Institution(ctx, e.InstitutionID)
	if err != nil { // the directory lost it: nobody to offer the slot to there
		return end()
	}
	return s.writeThenFill(ctx, inst, e.Specialization, end) // the slot it held is free again
}

// DeclineOffer gives up the slot offered to owner's entry id: it goes to
// the next in line, and the entry ends; declining it again answers the
// declined entry. The entry's owner may call it. Errors: NotFound (no offer
// held, or it expired, or someone else's), Conflict (changed: it was
// accepted or lapsed meanwhile), Unavailable, Internal.
func (s *Service) DeclineOffer(ctx context.Context, owner, id string) (WaitEntry, error) {
	e, err := s.waitOf(ctx, owner, id)
	if err != nil {
		return WaitEntry{}, err
	}
	if e.Status == WaitDeclined && !e.OfferedAt.IsZero() {
		return e, nil
	}
	if !s.holds(e) {
		return WaitEntry{}, errs.E("booking.DeclineOffer", errs.NotFound, nil)
	}
	if err := s.endWait(ctx, e, WaitDeclined); err != nil {
		return WaitEntry{}, err
	}
	return ended(e, WaitDeclined), nil // as stored: nothing reads it again
}

// holds reports whether e holds an offer that has not lapsed.
func (s *Service) holds(e WaitEntry) bool {
	return e.Status == WaitOffered && e.Offer != nil && s.Now().Before(e.Until)
}

// AcceptInput is what a person accepting an offer sends.
type AcceptInput struct {
	// SlotID is the slot of the offer they saw: only that slot is booked,
	// and an entry holding another one (theirs lapsed, and a new one was
	// offered) is told as a lapsed offer. Named by the request, the slot
	// is read with the entry, not after it.
	SlotID string
	// Mode is in_person (the default) or video.
	Mode string
}

// AcceptOffer books the slot offered to owner's entry id, under every
// rule of Book (the hold lets only them take it), and ends the entry in the
// booking's own transaction; accepting it again answers the booking it made
// with replayed set. The entry, and everything a booking reads, are read
// at once. The entry's owner may call it. Errors: NotFound (no offer held,
// or it expired, or it holds another slot than in.SlotID, or someone
// else's), Conflict (Book's; changed: declined or lapsed meanwhile),
// Invalid (slotId: required, unknown_slot; mode), Unavailable, Internal.
func (s *Service) AcceptOffer(ctx context.Context, owner, id string, in AcceptInput) (b Booking, replayed bool, err error) {
	const op = "booking.AcceptOffer"
	if in.Mode == "" {
		in.Mode = string(InPerson)
	}
	if in.SlotID == "" {
		return Booking{}, false, fieldErr(op, "slotId", "required")
	}
	bin := BookInput{SlotID: in.SlotID, Mode: in.Mode}
	mode, err := checkBookInput(op, &bin)
	if err != nil {
		return Booking{}, false, err
	}
	now := s.Now().UTC()
	var (
		e    WaitEntry
		eErr error
		r    bookReads
	)
	_ = parallel.Do(append(r.reads(ctx, s, op, owner, bin, nil, now),
		func() error { e, eErr = s.waitOf(ctx, owner, id); return nil })...)
	if eErr != nil {
		return Booking{}, false, eErr
	}
	if e.Status == WaitBooked && e.BookingID != "" {
		b, err := s.Store.GetBooking(ctx, owner, e.BookingID)
		return b, err == nil, err
	}
	if !s.holds(e) || e.Offer.ID() != in.SlotID {
		return Booking{}, false, errs.E(op, errs.NotFound, nil)
	}
	next := e
	next.Status, next.Version = WaitBooked, e.Version+1
	b, _, err = s.decideBook(ctx, op, owner, bin, mode, nil, &WaitTransition{From: e, To: next}, &r, now)
	return b, false, err
}

// ExpireOffer ends e's offer if it is still the one read and has lapsed
// at now, and offers the slot to the next in line. The reminder pipeline
// calls it for an entry due in the index. Errors: Unavailable, Internal
// (an entry that moved meanwhile is not an error).
func (s *Service) ExpireOffer(ctx context.Context, e WaitEntry, now time.Time) error {
	if e.Status != WaitOffered || now.Before(e.Until) {
		return nil
	}
	err := s.endWait(ctx, e, WaitExpired)
	if errs.Is(err, errs.Conflict) {
		return nil
	}
	return err
}

// writeThenFill makes write, a change that frees (or creates) slots of
// specialization at inst, and reads the first page of that line at once
// (the line does not depend on the change), then, when write succeeded and
// someone waits, offers the free slots, read after the change so the ones
// it freed are among them: each waiting entry, first in line first, is
// offered the earliest free slot it matches that is not held, page after
// page of the line until no free slot is left unoffered or the line ends
// (an entry far down the line may be the only one whose dates match).
// Failures to offer are left for the next change to retry: the slot stays
// free for anyone meanwhile. A change nobody waits for costs no round trip
// more than its own. Errors: write's.
func (s *Service) writeThenFill(ctx context.Context, inst directory.Institution, specialization string, write func() error) error {
	if s.Waits == nil {
		return write()
	}
	var (
		line    []WaitEntry
		cursor  string
		lineErr error
	)
	if err := parallel.Do(write, func() error {
		line, cursor, lineErr = s.Waits.Line(ctx, inst.ID, specialization, queueBatch, "")
		return nil
	}); err != nil {
		return err
	}
	if lineErr != nil || len(line) == 0 {
		return nil
	}
	next := func() ([]WaitEntry, bool) {
		if cursor == "" {
			return nil, false
		}
		var page []WaitEntry
		if page, cursor, lineErr = s.Waits.Line(ctx, inst.ID, specialization, queueBatch, cursor); lineErr != nil {
			return nil, false
		}
		return page, true
	}
	s.fill(ctx, inst, specialization, line, next)
	return nil
}

// fill offers each waiting entry of line, in order, the earliest free slot
// it matches that no one holds; more (nil: none) gives the line's next
// page, until it reports the end or every free slot is offered.
func (s *Service) fill(ctx context.Context, inst directory.Institution, specialization string, line []WaitEntry, more func() ([]WaitEntry, bool)) {
	specs, free, err := s.freeSlots(ctx, inst, specialization)
	if err != nil {
		return
	}
	taken := map[string]bool{}
	left := 0 // free slots not yet offered
	for _, sl := range free {
		left += len(sl)
	}
	loc, now := zone(inst.TimeZone), s.Now().UTC()
	for len(line) > 0 && left > 0 {
		e := line[0]
		line = line[1:]
		if len(line) == 0 && more != nil {
			if page, ok := more(); ok {
				line = page
			}
		}
		best := match(e, specs, free, taken, now, loc)
		if best == nil {
			continue
		}
		taken[best.ID()] = true
		left--
		s.offer(ctx, e, *best, inst)
	}
}

// freeSlots reads every specialist's free slots of specialization at inst
// over a line's reach (today to MaxWaitDays ahead), all at once: the
// specialists and their free slots by specialist, earliest first.
// Errors: Unavailable, Internal.
func (s *Service) freeSlots(ctx context.Context, inst directory.Institution, specialization string) ([]directory.Specialist, map[string][]Slot, error) {
	specs, err := s.Places.Specialists(ctx, inst.ID, specialization)
	if err != nil {
		return nil, nil, err
	}
	today := civil.Today(s.Now(), zone(inst.TimeZone))
	windows := [][2]civil.Date{{today, today.AddDays(MaxSlotRangeDays - 1)}, {today.AddDays(MaxSlotRangeDays), today.AddDays(MaxWaitDays)}}
	pages := make([][]Slot, len(specs)*len(windows))
	reads := make([]func() error, len(pages))
	for i := range pages {
		sp, w := specs[i/len(windows)], windows[i%len(windows)]
		reads[i] = func() error {
			page, err := s.FreeSlots(ctx, sp.ID, SlotQuery{From: w[0].String(), To: w[1].String()})
			pages[i] = page.Items
			return err
		}
	}
	if err := parallel.Limit(parallel.Fanout, reads...); err != nil {
		return nil, nil, err
	}
	free := map[string][]Slot{}
	for i, page := range pages {
		id := specs[i/len(windows)].ID
		free[id] = append(free[id], page...)
	}
	return specs, free, nil
}

// match is the earliest of the free slots (by specialist, earliest first)
// that e may be offered at now: not taken by an earlier offer of the same
// pass, not held for someone else, within e's dates (local, loc) and part
// of the day, of e's specialist when it names one; nil when none is.
func match(e WaitEntry, specs []directory.Specialist, free map[string][]Slot, taken map[string]bool, now time.Time, loc *time.Location) *Slot {
	var best *Slot
	for _, sp := range specs {
		if e.SpecialistID != "" && sp.ID != e.SpecialistID {
			continue
		}
		for i := range free[sp.ID] {
			sl := free[sp.ID][i]
			local := sl.Start.In(loc)
			day := civil.Of(local)
			if taken[sl.ID()] || sl.Held(now, e.Owner) || day.Before(e.From) || day.After(e.To) ||
				(e.PartOfDay != "" && partOfDay(local.Hour()) != e.PartOfDay) {
				continue
			}
			if best == nil || sl.Start.Before(best.Start) {
				best = &sl
			}
			break
		}
	}
	return best
}

// offer holds slot for e and tells its owner.
func (s *Service) offer(ctx context.Context, e WaitEntry, slot Slot, inst directory.Institution) {
	_, language, err := s.person(ctx, e.Owner)
	if err != nil {
		return
	}
	next, n := s.offered(ctx, e, slot, inst, language)
	_ = s.Waits.Hold(ctx, e, next, slot, n)
}

// offered is e offered slot now, held for HoldFor, with the offer's
// message in language.
func (s *Service) offered(ctx context.Context, e WaitEntry, slot Slot, inst directory.Institution, language string) (WaitEntry, inbox.Notification) {
	now := s.Now().UTC()
	next := e
	next.Status, next.Offer, next.OfferedAt, next.Until, next.Version = WaitOffered, &slot, now, now.Add(HoldFor), e.Version+1
	spec, _ := s.Places.Specialist(ctx, slot.SpecialistID)
	return next, offerNotice(s.NewID(), now, next, slot, spec, inst, language)
}

// offerTexts are the offer message's templates by language.
var offerTexts = map[string][2]string{
	i18n.RU: {"Освободилось время для записи", "Для вас освободилось время: %s%s. Оно закреплено за вами до %s: подтвердите запись в кабинете, в разделе «Лист ожидания», или откажитесь — тогда его предложат следующему."},
	i18n.EN: {"A slot has freed up for you", "A slot has freed up for you: %s%s. It is held for you until %s: confirm it in your cabinet, under Waiting list, or decline it and it goes to the next in line."},
}

func offerNotice(id string, at time.Time, e WaitEntry, slot Slot, spec directory.Specialist, inst directory.Institution, language string) inbox.Notification {
	l := lang(language)
	loc := zone(inst.TimeZone)
	var who string
	for _, x := range []string{spec.Specialization, spec.Name, inst.Name} {
		if x != "" {
			who += ", " + x
		}
	}
	t := offerTexts[l]
	return inbox.Notification{ID: id, Owner: e.Owner, Kind: inbox.KindWaitlistOffer, Title: t[0], WaitlistID: e.ID,
		Body: fmt.Sprintf(t[1], when(l, slot.Start, loc), who, e.Until.In(loc).Format("15:04")), CreatedAt: at.UTC()}
}
