package booking

import "github.com/kabinet/kabinet/shared/domain/errs"

// Reasons the appointment book decides (errs.Reason). Those a client can
// meet have a problem type and title in the HTTP adapter's table; the
// internal ones say so.
const (
	// ReasonSlotTaken (Conflict): the slot is full.
	ReasonSlotTaken errs.Reason = "slot_taken"
	// ReasonDayFull (Conflict): the specialist's daily limit is reached.
	ReasonDayFull errs.Reason = "day_full"
	// ReasonOnePerDay (Conflict): the person already has a booking with
	// this specialist that day.
	ReasonOnePerDay errs.Reason = "one_per_day"
	// ReasonOverlapping (Conflict): the person holds another appointment
	// at an overlapping time, anywhere.
	ReasonOverlapping errs.Reason = "overlapping_booking"
	// ReasonTooManyBookings (Conflict): the person holds MaxUpcoming upcoming bookings.
	ReasonTooManyBookings errs.Reason = "too_many_bookings"
	// ReasonDeadlinePassed (Conflict): too late to reschedule or cancel.
	ReasonDeadlinePassed errs.Reason = "deadline_passed"
	// ReasonNotActive (Conflict): the booking is cancelled or closed.
	ReasonNotActive errs.Reason = "not_active"
	// ReasonNotStarted (Conflict): an outcome before the appointment began.
	ReasonNotStarted errs.Reason = "not_started"
	// ReasonOtherInstitution (Forbidden): staff of another institution.
	// (errs owns it: sharing refuses with it too.)
	ReasonOtherInstitution = errs.ReasonOtherInstitution
	// ReasonAbsenceOverlaps (Conflict): the specialist has an absence
	// overlapping the one declared.
	ReasonAbsenceOverlaps errs.Reason = "absence_overlaps"
	// ReasonNotRebookable (Conflict): only a booking its institution
	// cancelled is rebooked.
	ReasonNotRebookable errs.Reason = "not_rebookable"
	// ReasonTooManyWaits (Conflict): the person keeps MaxWaitEntries
	// entries on waiting lists.
	ReasonTooManyWaits errs.Reason = "too_many_waits"
	// ReasonAgeNotAccepted (Conflict): the specialist does not see
	// patients of this age (a paediatrician: under 18s).
	ReasonAgeNotAccepted errs.Reason = "age_not_accepted"
	// ReasonPlaceTaken (Conflict, internal): the upcoming place Book chose
	// was taken meanwhile; Service.Book picks another.
	ReasonPlaceTaken errs.Reason = "place_taken"
	// ReasonPersonChanged (Conflict, internal): another booking or move of
	// the same patient committed since their bookings were read (their
	// booking sequence moved on); the service reads them again and judges
	// the overlap anew.
	ReasonPersonChanged errs.Reason = "person_changed"
	// ReasonReferralUsed (Conflict): the referral was used for another
	// booking meanwhile.
	ReasonReferralUsed errs.Reason = "referral_used"
	// ReasonSameWait (Conflict, internal): the person joined the same
	// list meanwhile; JoinWaitlist answers that entry.
	ReasonSameWait errs.Reason = "same_wait"
	// ReasonConfirmationTaken (Conflict, internal): the random confirmation
	// number is in use; Service.Book draws another.
	ReasonConfirmationTaken errs.Reason = "confirmation_taken"
)
