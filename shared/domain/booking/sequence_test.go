package booking

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

// seqStore is the part of Store a booking reads and writes, the rest
// left to the nil Store it embeds (a call there panics: the test would
// say which read it did not expect).
type seqStore struct {
	Store
	slot   Slot
	seq    Sequence
	list   []Booking // ListBookings
	listed int       // ListBookings calls
	booked []Booking // what Book was given
}

func (f *seqStore) GetSlot(context.Context, string, time.Time) (Slot, error) { return f.slot, nil }
func (f *seqStore) GetSchedule(context.Context, string) (Schedule, bool, error) {
	return Schedule{}, false, nil
}
func (f *seqStore) PersonSeq(context.Context, string, string) (Sequence, error) { return f.seq, nil }
func (f *seqStore) ListBookings(context.Context, string) ([]Booking, error) {
	f.listed++
	return f.list, nil
}
func (f *seqStore) Book(_ context.Context, b Booking, _ Slot, _ *idempotency.Key) (Booking, bool, error) {
	f.booked = append(f.booked, b)
	return b, false, nil
}

type seqPlaces struct{ Places }

func (seqPlaces) Specialist(context.Context, string) (directory.Specialist, error) {
	return directory.Specialist{ID: "spec-1", InstitutionID: "inst-1", Modes: []string{string(InPerson)}}, nil
}
func (seqPlaces) Institution(context.Context, string) (directory.Institution, error) {
	return directory.Institution{ID: "inst-1", Type: "polyclinic", TimeZone: "Europe/Moscow"}, nil
}

// TestBookJudgesTheSequence: the overlap rule and the upcoming limit are
// judged on the upcoming bookings the patient's sequence keeps, without
// listing their bookings; on a sequence written before it kept them, on
// the bookings listed after it (a cancelled or started one not counting),
// which the booking's transaction is given to write whole.
func TestBookJudgesTheSequence(t *testing.T) {
	now := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	start := now.Add(48 * time.Hour) // the slot booked: 09:00–09:30 UTC two days on
	up := func(id string, from time.Duration, minutes, place int) Booking {
		s := start.Add(from)
		return Booking{ID: id, Owner: "alice", SpecialistID: "spec-other", InstitutionID: "inst-2", Start: s,
			End: s.Add(time.Duration(minutes) * time.Minute), Place: place, Status: Confirmed}
	}
	cancelled := up("c", 0, 30, 0)
	cancelled.Status = Cancelled
	started := up("s", -48*time.Hour-10*time.Minute, 60, 1) // began ten minutes ago, still running
	for _, tc := range []struct {
		name       string
		seq        Sequence
		list       []Booking
		wantReason errs.Reason
		wantPlace  int
		wantListed int
		wantSeen   []string // the upcoming bookings the transaction is given
	}{
		{name: "nothing upcoming", seq: Sequence{Seq: 0, Known: true}, wantPlace: 0},
		{name: "an overlapping one kept", seq: Sequence{Seq: 4, Known: true, Upcoming: []Booking{up("a", 20*time.Minute, 30, 0)}},
			wantReason: ReasonOverlapping},
		{name: "a touching one kept, its place taken", seq: Sequence{Seq: 4, Known: true, Upcoming: []Booking{up("a", 30*time.Minute, 30, 0)}},
			wantPlace: 1, wantSeen: []string{"a"}},
		{name: "four kept: the free place", seq: Sequence{Seq: 9, Known: true, Upcoming: []Booking{up("a", time.Hour, 30, 0),
			up("b", 2*time.Hour, 30, 1), up("c", 3*time.Hour, 30, 3), up("d", 4*time.Hour, 30, 4)}}, wantPlace: 2, wantSeen: []string{"a", "b", "c", "d"}},
		{name: "five kept: the upcoming limit", seq: Sequence{Seq: 9, Known: true, Upcoming: []Booking{up("a", time.Hour, 30, 0),
			up("b", 2*time.Hour, 30, 1), up("c", 3*time.Hour, 30, 2), up("d", 4*time.Hour, 30, 3), up("e", 5*time.Hour, 30, 4)}},
			wantReason: ReasonTooManyBookings},
		{name: "a started one kept does not count", seq: Sequence{Seq: 2, Known: true, Upcoming: []Booking{started}},
			wantPlace: 0, wantSeen: []string{"s"}},
		{name: "unknown: the list judged, overlapping", seq: Sequence{Seq: 3}, list: []Booking{up("a", 0, 30, 0)},
			wantReason: ReasonOverlapping, wantListed: 1},
		{name: "unknown: a cancelled and a started one do not count", seq: Sequence{Seq: 3}, list: []Booking{cancelled, started},
			wantPlace: 0, wantListed: 1},
		{name: "unknown: a dependent's booking is not the owner's", seq: Sequence{Seq: 3},
			list:      []Booking{func() Booking { b := up("k", 0, 30, 0); b.Patient = "kid"; return b }(), up("a", time.Hour, 30, 0)},
			wantPlace: 1, wantListed: 1, wantSeen: []string{"a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &seqStore{slot: Slot{SpecialistID: "spec-1", InstitutionID: "inst-1", Start: start, End: start.Add(30 * time.Minute), Capacity: 1},
				seq: tc.seq, list: tc.list}
			n := 0
			s := &Service{Store: st, Places: seqPlaces{}, Now: func() time.Time { return now },
				NewID: func() string { n++; return "id-" + string(rune('0'+n)) }}
			_, _, err := s.Book(context.Background(), "alice", BookInput{SlotID: st.slot.ID(), Mode: string(InPerson)}, nil)
			if st.listed != tc.wantListed {
				t.Errorf("ListBookings called %d times, want %d", st.listed, tc.wantListed)
			}
			if tc.wantReason != "" {
				if errs.KindOf(err) != errs.Conflict || errs.ReasonOf(err) != tc.wantReason || len(st.booked) != 0 {
					t.Errorf("Book = %v (%d stored), want Conflict %s and nothing stored", err, len(st.booked), tc.wantReason)
				}
				return
			}
			if err != nil || len(st.booked) != 1 {
				t.Fatalf("Book = %v (%d stored), want one booking", err, len(st.booked))
			}
			b := st.booked[0]
			if b.Place != tc.wantPlace {
				t.Errorf("place %d, want %d", b.Place, tc.wantPlace)
			}
			if b.Seen == nil || b.Seen.Seq != tc.seq.Seq || b.Seen.Known != tc.seq.Known {
				t.Fatalf("Seen %+v, want the sequence read (seq %d, known %v)", b.Seen, tc.seq.Seq, tc.seq.Known)
			}
			var seen []string
			for _, x := range b.Seen.Upcoming {
				seen = append(seen, x.ID)
			}
			if !slices.Equal(seen, tc.wantSeen) {
				t.Errorf("Seen.Upcoming %v, want %v", seen, tc.wantSeen)
			}
		})
	}
}
