package booking

import (
	"context"
	"time"
)

// Sequence is a patient's booking sequence as Store.PersonSeq reads it:
// the counter that keeps the per-person rules true under concurrency and
// the patient's upcoming bookings those rules judge, kept on the same item
// so that a booking reads them in its first read wave.
type Sequence struct {
	// Seq is advanced by every booking and move of the patient, each only
	// if it is still the value read (ReasonPersonChanged otherwise): of
	// two requests judged on the same Upcoming one commits.
	Seq int
	// Upcoming are the patient's confirmed bookings that have not started,
	// with what the rules read of them (ID, Owner, Patient, SpecialistID,
	// InstitutionID, Start, End, Place, Status).
	Upcoming []Booking
	// Known is false for an item written before it kept Upcoming: the
	// service then lists the person's bookings after reading it, and the
	// booking's transaction writes the whole list, so the item migrates
	// itself on the patient's next booking or move.
	Known bool
	// Ended counts the bookings ended on the item (cancelled, closed):
	// they remove their entry without reading it. A transaction writing
	// the whole list is conditioned on it, so that a booking ended after
	// the list was read is not written back.
	Ended int
}

// sequence reads owner's patient's booking sequence and, when its item
// does not keep their upcoming bookings (Known false), lists them after
// it: a booking committed after the read fails the transaction that is
// conditioned on it. Errors: Unavailable, Internal.
func (s *Service) sequence(ctx context.Context, owner, patient string, now time.Time) (Sequence, error) {
	q, err := s.Store.PersonSeq(ctx, owner, patient)
	if err != nil || q.Known {
		return q, err
	}
	all, err := s.Store.ListBookings(ctx, owner)
	if err != nil {
		return q, err
	}
	q.Upcoming = nil
	for _, b := range ofPatient(all, patient) {
		if b.Upcoming(now) {
			q.Upcoming = append(q.Upcoming, b)
		}
	}
	return q, nil
}
