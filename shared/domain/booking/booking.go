// Package booking is the electronic registry's appointment book: a
// specialist's weekly schedule and the slots it generates, bookings without
// double booking, rescheduling and cancelling under the institution's
// deadline, and the visit journal. It decides; shared/adapter/store persists (every
// booking is one DynamoDB transaction over the slot, the specialist's day and
// the booking). Nothing here knows about AWS.
package booking

import (
	"fmt"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Mode is how the appointment takes place.
type Mode string

// Modes.
const (
	InPerson Mode = "in_person"
	Video    Mode = "video"
)

// Status is where a booking stands.
type Status string

// Statuses.
const (
	Confirmed Status = "confirmed"
	Cancelled Status = "cancelled"
	Completed Status = "completed"
	NoShow    Status = "no_show"
)

// CancelledByInstitution is Booking.CancelledBy of a booking the
// institution cancelled.
const CancelledByInstitution = "institution"

// Slot is one bookable period of a specialist, stored in UTC.
type Slot struct {
	SpecialistID  string
	InstitutionID string
	Start, End    time.Time
	Capacity      int
	Booked        int
	MaxPerDay     int // the specialist's daily limit when the slot was made
	// HeldFor and HeldUntil: a slot offered from the waiting list is held
	// for that person until then; nobody else books it meanwhile.
	HeldFor   string
	HeldUntil time.Time
}

// Held reports whether the slot is held at now for someone other than who.
func (s Slot) Held(now time.Time, who string) bool {
	return s.HeldFor != "" && s.HeldFor != who && now.Before(s.HeldUntil)
}

// ID is the slot's public id: the specialist and the start instant.
func (s Slot) ID() string { return SlotID(s.SpecialistID, s.Start) }

// Free reports whether the slot can take another booking.
func (s Slot) Free() bool { return s.Booked < s.Capacity }

const slotTimeLayout = "20060102T1504Z"

// SlotID builds a slot id.
func SlotID(specialistID string, start time.Time) string {
	return specialistID + "~" + start.UTC().Format(slotTimeLayout)
}

// ParseSlotID splits a slot id. Errors: a plain error for a malformed id.
func ParseSlotID(id string) (specialistID string, start time.Time, err error) {
	spec, ts, ok := strings.Cut(id, "~")
	if !ok || spec == "" {
		return "", time.Time{}, fmt.Errorf("malformed slot id")
	}
	start, err = time.Parse(slotTimeLayout, ts)
	return spec, start, err
}

// Event is one entry of a booking's record: who did what, when and why.
type Event struct {
	Action string // booked, rescheduled, cancelled, visit
	Actor  string
	At     time.Time
	Reason string
	From   *time.Time // reschedule: the old start
	To     *time.Time // reschedule: the new start
}

// Booking is one appointment of one person.
type Booking struct {
	ID    string
	Owner string
	// Patient is the dependent the owner booked for (family), "" the
	// owner themself; PatientName names them in the cabinet and the
	// confirmation. The per-person rules (one booking a specialist a day,
	// no overlap, MaxUpcoming places) count per patient.
	Patient            string
	PatientName        string
	SpecialistID       string
	InstitutionID      string
	Start, End         time.Time
	TimeZone           string
	Mode               Mode
	ContactPhone       string
	ConfirmationNumber string
	// Place is which of the owner's MaxUpcoming places the booking holds.
	Place          int
	Status         Status
	CancelDeadline time.Time
	VideoLink      string
	Checklist      []string
	StaffComment   string
	// Act is the act of service staff wrote closing the visit; the act
	// document (ActDocumentID) in the patient's registry records it.
	Act           string
	ActDocumentID string
	// Prescriptions and Referrals were written at the visit.
	Prescriptions []Prescription
	Referrals     []Referral
	// ReferralID is the referral this booking was made with ("": none).
	ReferralID string
	// CancelledBy is CancelledByInstitution when the institution cancelled
	// the booking (an absence of the specialist), "" otherwise.
	CancelledBy string
	// AbsenceID names the absence that cancelled it.
	AbsenceID string
	// Offers are the free slots offered instead when the institution
	// cancelled it, earliest first (Rebook takes one).
	Offers    []Slot
	Events    []Event
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
	// Reminder is the booking's reminder state: its next step keeps it in
	// the due index the expiry scan reads (see Schedule).
	Reminder registry.Reminder
	// Outbox is the confirmation a change of the booking sends (nil: none).
	// It is not part of the booking: the store writes it, in the change's
	// own transaction, into the owner's inbox as an outbox entry due at
	// once, which the reminder pipeline delivers on their channels.
	Outbox *inbox.Notification
	// Accepted is the waiting-list offer this booking takes (nil: none):
	// the store ends the entry in the booking's own transaction.
	Accepted *WaitTransition
	// Seen is the patient's booking sequence (Store.PersonSeq) the rules
	// judged this booking or move on (nil: none judged). Like Outbox it is
	// not part of the booking: the store advances the sequence in the
	// booking's (or move's) transaction only if it is still Seen.Seq, so
	// two requests judged on the same bookings cannot both commit
	// (ReasonPersonChanged, which the service retries on a fresh read),
	// and keeps the booking among the sequence's upcoming ones.
	Seen *Sequence
}

// SlotID is the id of the slot the booking holds.
func (b Booking) SlotID() string { return SlotID(b.SpecialistID, b.Start) }

// Day is the booking's date in the institution's zone: the specialist's
// daily limit and the one-per-day rule count by it.
func (b Booking) Day() civil.Date { return civil.Of(b.Start.In(zone(b.TimeZone))) }

// zone is the location of an institution's zone name, UTC for one that
// does not load.
func zone(name string) *time.Location {
	if loc, err := civil.Zone(name); err == nil {
		return loc
	}
	return time.UTC
}

// Upcoming reports whether the booking is confirmed and still ahead at now.
func (b Booking) Upcoming(now time.Time) bool { return b.Status == Confirmed && b.Start.After(now) }
