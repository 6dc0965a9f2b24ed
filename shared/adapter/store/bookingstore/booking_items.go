package bookingstore

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/dueclass"
)

var _ booking.Store = (*Store)(nil)

// The appointment book's items:
//
//	pk                 sk                          item
//	SPEC#<specId>      SCHEDULE                    the specialist's schedule
//	SPEC#<specId>      SLOT#<start UTC>            a slot: capacity, booked
//	SPEC#<specId>      DAY#<local date>            the specialist's bookings that day (daily limit)
//	USER#<sub>         BOOK#<bookingId>            a booking (gsi1: SPECDAY#<specId>#<date>, start)
//	USER#<sub>         BOOKDAY#<specId>#<date>     the person's one booking with that specialist that day
//	USER#<sub>         BOOKDAY#<specId>#<date>#<patient>  the same for a dependent of theirs
//	USER#<sub>         BOOKPLACE#<n>               one of the person's upcoming places (BOOKPLACE#<patient>#<n> a dependent's)
//	USER#<sub>         BOOKSEQ#                    the person's booking sequence, seq (BOOKSEQ#<patient> a dependent's): every
//	                                               booking and move advances it from what it read before judging the rules;
//	                                               with their upcoming bookings, upcoming#<bookingId> each (booking_seq.go)
//	BOOKING#<id>       REF                         owner of a booking, for staff
//	CONF#<number>      REF                         a confirmation number in use
const (
	specPrefix    = "SPEC#"
	slotPrefix    = "SLOT#"
	bookPrefix    = "BOOK#"
	slotKeyLayout = "2006-01-02T15:04Z"
	kindSlot      = "slot"
	// KindBooking is a booking item's kind attribute.
	KindBooking = "booking"
	scheduleSK  = "SCHEDULE"
	refSK       = "REF"
)

func specPK(id string) string       { return specPrefix + id }
func slotSK(start time.Time) string { return slotPrefix + start.UTC().Format(slotKeyLayout) }
func daySK(d civil.Date) string     { return "DAY#" + d.String() }
func BookSK(id string) string       { return bookPrefix + id } // BookSK is the sort key of booking id.
func dayLockSK(b booking.Booking) string {
	// The holder's own key is the one used before dependents existed.
	if b.Patient != "" {
		return "BOOKDAY#" + b.SpecialistID + "#" + b.Day().String() + "#" + b.Patient
	}
	return "BOOKDAY#" + b.SpecialistID + "#" + b.Day().String()
}
func bookingRefPK(id string) string { return "BOOKING#" + id }
func confPK(n string) string        { return "CONF#" + n }
func specDayKey(b booking.Booking) string {
	return "SPECDAY#" + b.SpecialistID + "#" + b.Day().String()
}

type slotItem struct {
	PK            string    `dynamodbav:"pk"`
	SK            string    `dynamodbav:"sk"`
	Kind          string    `dynamodbav:"kind"`
	InstitutionID string    `dynamodbav:"institutionId"`
	Start         time.Time `dynamodbav:"start"`
	End           time.Time `dynamodbav:"end"`
	Capacity      int       `dynamodbav:"capacity"`
	Booked        int       `dynamodbav:"booked"`
	MaxPerDay     int       `dynamodbav:"maxPerDay"`
	// A slot offered from a waiting list is held for heldFor until
	// heldUntil (Unix seconds).
	HeldFor   string `dynamodbav:"heldFor,omitempty"`
	HeldUntil int64  `dynamodbav:"heldUntil,omitempty"`
}

func fromSlot(sl booking.Slot) slotItem {
	return slotItem{PK: specPK(sl.SpecialistID), SK: slotSK(sl.Start), Kind: kindSlot, InstitutionID: sl.InstitutionID,
		Start: sl.Start, End: sl.End, Capacity: sl.Capacity, Booked: sl.Booked, MaxPerDay: sl.MaxPerDay,
		HeldFor: sl.HeldFor, HeldUntil: unixOrZero(sl.HeldUntil)}
}

// unixOrZero is t in Unix seconds, 0 for the zero time.
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// KindSlot is a slot item's kind attribute.
const KindSlot = kindSlot

// Slot reads a slot item (the stats aggregator reads them off the table's
// stream). Errors: an attribute that does not read.
func Slot(av map[string]types.AttributeValue) (booking.Slot, error) { return slotFromItem(av) }

// slotFromItem reads a stored slot as attributevalue would into slotItem,
// without reflection: the slots route reads hundreds per request, and
// reflection was most of the handler's own time (BENCHMARKS.md, request
// cost). TestSlotFromItem holds the two readings equal.
func slotFromItem(av map[string]types.AttributeValue) (booking.Slot, error) {
	var err error // the first attribute that does not read
	fail := func(name string, why any) {
		if err == nil {
			err = fmt.Errorf("slot attribute %s: %v", name, why)
		}
	}
	text := func(name string) string {
		switch v := av[name].(type) {
		case nil:
			return ""
		case *types.AttributeValueMemberS:
			return v.Value
		default:
			fail(name, fmt.Sprintf("%T, not a string", v))
			return ""
		}
	}
	number := func(name string) int {
		switch v := av[name].(type) {
		case nil:
			return 0
		case *types.AttributeValueMemberN:
			n, perr := strconv.Atoi(v.Value)
			if perr != nil {
				fail(name, perr)
			}
			return n
		default:
			fail(name, fmt.Sprintf("%T, not a number", v))
			return 0
		}
	}
	instant := func(name string) time.Time {
		t, perr := time.Parse(time.RFC3339Nano, text(name))
		if perr != nil {
			fail(name, perr)
		}
		return t
	}
	it := slotItem{PK: text("pk"), InstitutionID: text("institutionId"), Start: instant("start"), End: instant("end"),
		Capacity: number("capacity"), Booked: number("booked"), MaxPerDay: number("maxPerDay"),
		HeldFor: text("heldFor"), HeldUntil: int64(number("heldUntil"))}
	return it.slot(), err
}

func (it slotItem) slot() booking.Slot {
	sl := booking.Slot{SpecialistID: store.TrimPrefix(it.PK, specPrefix), InstitutionID: it.InstitutionID,
		Start: it.Start.UTC(), End: it.End.UTC(), Capacity: it.Capacity, Booked: it.Booked, MaxPerDay: it.MaxPerDay}
	if it.HeldFor != "" {
		sl.HeldFor, sl.HeldUntil = it.HeldFor, time.Unix(it.HeldUntil, 0).UTC()
	}
	return sl
}

type eventAttr struct {
	Action string     `dynamodbav:"action"`
	Actor  string     `dynamodbav:"actor"`
	At     time.Time  `dynamodbav:"at"`
	Reason string     `dynamodbav:"reason,omitempty"`
	From   *time.Time `dynamodbav:"from,omitempty"`
	To     *time.Time `dynamodbav:"to,omitempty"`
}

// offerAttr is a slot offered instead of a booking the institution cancelled.
type offerAttr struct {
	SpecialistID  string    `dynamodbav:"specialistId"`
	InstitutionID string    `dynamodbav:"institutionId"`
	Start         time.Time `dynamodbav:"start"`
	End           time.Time `dynamodbav:"end"`
}

// rxAttr is a prescription written at the visit (its document is docstore's).
type rxAttr struct {
	DocumentID string `dynamodbav:"documentId"`
	Drug       string `dynamodbav:"drug"`
	Dose       string `dynamodbav:"dose,omitempty"`
	Until      string `dynamodbav:"until"`
}

// refAttr is a referral written at the visit, as it was then (the
// referral's own item says whether it was used since).
type refAttr struct {
	ID             string `dynamodbav:"id"`
	Specialization string `dynamodbav:"specialization"`
	Until          string `dynamodbav:"until"`
}

type bookingItem struct {
	PK                  string      `dynamodbav:"pk"`
	SK                  string      `dynamodbav:"sk"`
	Kind                string      `dynamodbav:"kind"`
	GSI1PK              string      `dynamodbav:"gsi1pk"`
	GSI1SK              string      `dynamodbav:"gsi1sk"`
	ID                  string      `dynamodbav:"id"`
	Patient             string      `dynamodbav:"patient,omitempty"`
	PatientName         string      `dynamodbav:"patientName,omitempty"`
	SpecialistID        string      `dynamodbav:"specialistId"`
	InstitutionID       string      `dynamodbav:"institutionId"`
	Start               time.Time   `dynamodbav:"start"`
	End                 time.Time   `dynamodbav:"end"`
	TimeZone            string      `dynamodbav:"timeZone"`
	Mode                string      `dynamodbav:"mode"`
	ContactPhone        string      `dynamodbav:"contactPhone,omitempty"`
	ConfirmationNumber  string      `dynamodbav:"confirmationNumber"`
	Place               int         `dynamodbav:"place"`
	Status              string      `dynamodbav:"status"`
	CancelDeadline      time.Time   `dynamodbav:"cancelDeadline"`
	VideoLink           string      `dynamodbav:"videoLink,omitempty"`
	Checklist           []string    `dynamodbav:"checklist,omitempty"`
	StaffComment        string      `dynamodbav:"staffComment,omitempty"`
	Act                 string      `dynamodbav:"act,omitempty"`
	ActDocumentID       string      `dynamodbav:"actDocumentId,omitempty"`
	Prescriptions       []rxAttr    `dynamodbav:"prescriptions,omitempty"`
	Referrals           []refAttr   `dynamodbav:"referrals,omitempty"`
	ReferralID          string      `dynamodbav:"referralId,omitempty"`
	CancelledBy         string      `dynamodbav:"cancelledBy,omitempty"`
	AbsenceID           string      `dynamodbav:"absenceId,omitempty"`
	Offers              []offerAttr `dynamodbav:"offers,omitempty"`
	Events              []eventAttr `dynamodbav:"events"`
	CreatedAt           time.Time   `dynamodbav:"createdAt"`
	UpdatedAt           time.Time   `dynamodbav:"updatedAt"`
	Version             int         `dynamodbav:"version"`
	store.ReminderAttrs             // duePk and nextRemindAt while a reminder is due: the due index
}

func fromBooking(b booking.Booking) bookingItem {
	it := bookingItem{PK: store.UserPK(b.Owner), SK: BookSK(b.ID), Kind: KindBooking, GSI1PK: specDayKey(b),
		GSI1SK: b.Start.UTC().Format(time.RFC3339), ID: b.ID, Patient: b.Patient, PatientName: b.PatientName, SpecialistID: b.SpecialistID, InstitutionID: b.InstitutionID,
		Start: b.Start.UTC(), End: b.End.UTC(), TimeZone: b.TimeZone, Mode: string(b.Mode), ContactPhone: b.ContactPhone,
		ConfirmationNumber: b.ConfirmationNumber, Place: b.Place, Status: string(b.Status), CancelDeadline: b.CancelDeadline.UTC(),
		VideoLink: b.VideoLink, Checklist: b.Checklist, StaffComment: b.StaffComment,
		CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt, Version: b.Version,
		CancelledBy: b.CancelledBy, AbsenceID: b.AbsenceID, Act: b.Act, ActDocumentID: b.ActDocumentID, ReferralID: b.ReferralID,
		ReminderAttrs: store.FromReminder(dueclass.KindBooking, b.Owner, b.ID, b.Reminder)}
	for _, p := range b.Prescriptions {
		it.Prescriptions = append(it.Prescriptions, rxAttr{DocumentID: p.DocumentID, Drug: p.Drug, Dose: p.Dose, Until: p.Until.String()})
	}
	for _, r := range b.Referrals {
		it.Referrals = append(it.Referrals, refAttr{ID: r.ID, Specialization: r.Specialization, Until: r.Until.String()})
	}
	for _, o := range b.Offers {
		it.Offers = append(it.Offers, offerAttr{SpecialistID: o.SpecialistID, InstitutionID: o.InstitutionID, Start: o.Start.UTC(), End: o.End.UTC()})
	}
	for _, e := range b.Events {
		it.Events = append(it.Events, eventAttr{Action: e.Action, Actor: e.Actor, At: e.At, Reason: e.Reason, From: e.From, To: e.To})
	}
	return it
}

// Booking reads a booking item (remindstore reads them off the due index).
// Errors: an item that does not unmarshal or parse.
func Booking(av map[string]types.AttributeValue) (booking.Booking, error) {
	var it bookingItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return booking.Booking{}, err
	}
	return it.booking()
}

func (it bookingItem) booking() (booking.Booking, error) {
	b := booking.Booking{ID: it.ID, Owner: store.TrimPrefix(it.PK, store.UserPrefix), Patient: it.Patient, PatientName: it.PatientName,
		SpecialistID:  it.SpecialistID,
		InstitutionID: it.InstitutionID, Start: it.Start.UTC(), End: it.End.UTC(), TimeZone: it.TimeZone,
		Mode: booking.Mode(it.Mode), ContactPhone: it.ContactPhone, ConfirmationNumber: it.ConfirmationNumber, Place: it.Place,
		Status: booking.Status(it.Status), CancelDeadline: it.CancelDeadline.UTC(), VideoLink: it.VideoLink,
		Checklist: it.Checklist, StaffComment: it.StaffComment, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt, Version: it.Version,
		CancelledBy: it.CancelledBy, AbsenceID: it.AbsenceID, Act: it.Act, ActDocumentID: it.ActDocumentID, ReferralID: it.ReferralID}
	for _, p := range it.Prescriptions {
		until, err := civil.Parse(p.Until)
		if err != nil {
			return b, fmt.Errorf("booking %s: %w", it.ID, err)
		}
		b.Prescriptions = append(b.Prescriptions, booking.Prescription{DocumentID: p.DocumentID, Drug: p.Drug, Dose: p.Dose, Until: until})
	}
	for _, r := range it.Referrals {
		until, err := civil.Parse(r.Until)
		if err != nil {
			return b, fmt.Errorf("booking %s: %w", it.ID, err)
		}
		b.Referrals = append(b.Referrals, booking.Referral{ID: r.ID, Owner: b.Owner, InstitutionID: it.InstitutionID, BookingID: it.ID,
			Specialization: r.Specialization, Until: until})
	}
	for _, o := range it.Offers {
		b.Offers = append(b.Offers, booking.Slot{SpecialistID: o.SpecialistID, InstitutionID: o.InstitutionID, Start: o.Start.UTC(), End: o.End.UTC()})
	}
	for _, e := range it.Events {
		b.Events = append(b.Events, booking.Event{Action: e.Action, Actor: e.Actor, At: e.At, Reason: e.Reason, From: e.From, To: e.To})
	}
	r, err := it.Reminder()
	if err != nil {
		return b, fmt.Errorf("booking %s: %w", it.ID, err)
	}
	b.Reminder = r
	return b, nil
}

type scheduleItem struct {
	PK       string `dynamodbav:"pk"`
	SK       string `dynamodbav:"sk"`
	Kind     string `dynamodbav:"kind"`
	Schedule string `dynamodbav:"schedule"` // JSON: read whole, written whole
}

type refItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	Kind      string `dynamodbav:"kind"`
	Owner     string `dynamodbav:"owner"`
	BookingID string `dynamodbav:"bookingId"`
}

// Pointers are the keys of the items outside its owner's partition that
// point at a booking item (its owner for staff, its confirmation number),
// for the erasure that removes the booking; none for any other item.
func Pointers(item map[string]types.AttributeValue) []map[string]types.AttributeValue {
	if store.AttrS(item, "kind") != KindBooking {
		return nil
	}
	out := []map[string]types.AttributeValue{store.Key(bookingRefPK(store.AttrS(item, "id")), refSK)}
	if n := store.AttrS(item, "confirmationNumber"); n != "" {
		out = append(out, store.Key(confPK(n), refSK))
	}
	return out
}
