package bookingstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/bookingstore"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// seqFixture books on a fresh table in DynamoDB Local at a fixed instant.
type seqFixture struct {
	t   *testing.T
	ctx context.Context
	s   *bookingstore.Store
	now time.Time
	n   int
}

func newSeqFixture(t *testing.T) *seqFixture {
	t.Helper()
	cl, name := testenv.Table(t, "seq")
	now := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	return &seqFixture{t: t, ctx: context.Background(), now: now,
		s: bookingstore.New(&store.Store{DB: cl.DynamoDB, Table: name, Now: func() time.Time { return now }})}
}

// booking is a new confirmed booking of alice's patient at start (a slot
// of its own, made here), holding place, not yet stored.
func (f *seqFixture) booking(patient string, start time.Time, place int) (booking.Booking, booking.Slot) {
	f.t.Helper()
	f.n++
	spec := fmt.Sprintf("spec-%d", f.n)
	sl := booking.Slot{SpecialistID: spec, InstitutionID: "inst-1", Start: start, End: start.Add(30 * time.Minute), Capacity: 1, MaxPerDay: 10}
	if _, err := f.s.PutSlots(f.ctx, []booking.Slot{sl}); err != nil {
		f.t.Fatal(err)
	}
	b := booking.Booking{ID: fmt.Sprintf("b%d", f.n), Owner: "alice", Patient: patient, SpecialistID: spec, InstitutionID: "inst-1",
		Start: start, End: sl.End, TimeZone: "Europe/Moscow", ConfirmationNumber: fmt.Sprintf("KB-0000-%04d", f.n), Place: place,
		Status: booking.Confirmed, CancelDeadline: start, CreatedAt: f.now, UpdatedAt: f.now, Version: 1}
	return b, sl
}

// book stores b judged on seen (nil: the sequence untouched, as a
// booking made before the sequence existed).
func (f *seqFixture) book(b booking.Booking, sl booking.Slot, seen *booking.Sequence) error {
	f.t.Helper()
	b.Seen = seen
	_, _, err := f.s.Book(f.ctx, b, sl, nil)
	return err
}

func (f *seqFixture) seq(patient string) booking.Sequence {
	f.t.Helper()
	q, err := f.s.PersonSeq(f.ctx, "alice", patient)
	if err != nil {
		f.t.Fatal(err)
	}
	return q
}

func (f *seqFixture) cancel(b booking.Booking) {
	f.t.Helper()
	next := b
	next.Status, next.Version, next.UpdatedAt = booking.Cancelled, b.Version+1, f.now
	if err := f.s.Cancel(f.ctx, b, next); err != nil {
		f.t.Fatal(err)
	}
}

// legacy writes patient's sequence as items written before it kept the
// upcoming bookings: seq alone.
func (f *seqFixture) legacy(patient string, seq int) {
	f.t.Helper()
	if _, err := f.s.DB.PutItem(f.ctx, &dynamodb.PutItemInput{TableName: aws.String(f.s.Table), Item: map[string]types.AttributeValue{
		"pk": store.Str(store.UserPK("alice")), "sk": store.Str("BOOKSEQ#" + patient), "kind": store.Str("booking_seq"),
		"seq": store.Num(int64(seq))}}); err != nil {
		f.t.Fatal(err)
	}
}

func ids(bs []booking.Booking) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

// TestSequenceKeepsUpcoming: a booking keeps its entry on the patient's
// sequence and drops the entries it saw started; a cancellation takes its
// entry off without touching seq; entries are the patient's own.
func TestSequenceKeepsUpcoming(t *testing.T) {
	f := newSeqFixture(t)
	if q := f.seq(""); q.Known || q.Seq != 0 || len(q.Upcoming) != 0 {
		t.Fatalf("before any booking: %+v, want unknown (the bookings are listed once) and empty", q)
	}
	b1, sl1 := f.booking("", f.now.Add(48*time.Hour), 0)
	if err := f.book(b1, sl1, &booking.Sequence{Known: true}); err != nil {
		t.Fatal(err)
	}
	q := f.seq("")
	if !q.Known || q.Seq != 1 || len(q.Upcoming) != 1 {
		t.Fatalf("after one booking: %+v", q)
	}
	got := q.Upcoming[0]
	if got.ID != b1.ID || got.Owner != "alice" || got.SpecialistID != b1.SpecialistID || got.InstitutionID != b1.InstitutionID ||
		!got.Start.Equal(b1.Start) || !got.End.Equal(b1.End) || got.Place != 0 || !got.Upcoming(f.now) {
		t.Errorf("entry %+v, want b1's", got)
	}
	// One starting in an hour, then, two hours on, another judged on the
	// list read then: the started one goes, b1 stays.
	soon, slSoon := f.booking("", f.now.Add(time.Hour), 1)
	if err := f.book(soon, slSoon, &q); err != nil {
		t.Fatal(err)
	}
	if q = f.seq(""); !slices.Equal(ids(q.Upcoming), []string{soon.ID, b1.ID}) {
		t.Fatalf("upcoming %v, want [%s %s]", ids(q.Upcoming), soon.ID, b1.ID)
	}
	b2, sl2 := f.booking("", f.now.Add(72*time.Hour), 2)
	b2.CreatedAt, b2.UpdatedAt = f.now.Add(2*time.Hour), f.now.Add(2*time.Hour)
	if err := f.book(b2, sl2, &q); err != nil {
		t.Fatal(err)
	}
	if q = f.seq(""); q.Seq != 3 || !slices.Equal(ids(q.Upcoming), []string{b1.ID, b2.ID}) {
		t.Errorf("after the third: seq %d, upcoming %v; want 3, [%s %s]", q.Seq, ids(q.Upcoming), b1.ID, b2.ID)
	}
	// a dependent's sequence is their own
	if k := f.seq("kid"); len(k.Upcoming) != 0 {
		t.Errorf("the kid's upcoming %v, want none", ids(k.Upcoming))
	}
	f.cancel(b1)
	if q = f.seq(""); q.Seq != 3 || q.Ended != 1 || !slices.Equal(ids(q.Upcoming), []string{b2.ID}) {
		t.Errorf("after cancelling b1: seq %d, ended %d, upcoming %v; want 3, 1, [%s]", q.Seq, q.Ended, ids(q.Upcoming), b2.ID)
	}
	// a stale read is refused: the booking committed meanwhile advanced seq
	b3, sl3 := f.booking("", f.now.Add(96*time.Hour), 3)
	stale := booking.Sequence{Seq: 2, Known: true}
	if err := f.book(b3, sl3, &stale); errs.ReasonOf(err) != booking.ReasonPersonChanged {
		t.Errorf("booking on a stale sequence: %v, want person_changed", err)
	}
}

// TestSequenceLegacyMigrates: an item written before the sequence kept
// the upcoming bookings is read as unknown; the next booking writes the
// whole list (the bookings listed after the read, those not started), so
// the item migrates itself; a booking ended between the read and the
// transaction fails the migration, which would write it back.
func TestSequenceLegacyMigrates(t *testing.T) {
	f := newSeqFixture(t)
	old, slOld := f.booking("", f.now.Add(24*time.Hour), 0)
	if err := f.book(old, slOld, nil); err != nil { // made before the sequence kept the list
		t.Fatal(err)
	}
	ending, slEnding := f.booking("", f.now.Add(30*time.Hour), 1)
	if err := f.book(ending, slEnding, nil); err != nil {
		t.Fatal(err)
	}
	f.legacy("", 3)
	q := f.seq("")
	if q.Known || q.Seq != 3 || len(q.Upcoming) != 0 {
		t.Fatalf("legacy item: %+v, want unknown at seq 3", q)
	}
	// what the service lists after the read: both upcoming bookings
	q.Upcoming = []booking.Booking{old, ending}
	f.cancel(ending) // ended after the list was read
	b, sl := f.booking("", f.now.Add(48*time.Hour), 2)
	if err := f.book(b, sl, &q); errs.ReasonOf(err) != booking.ReasonPersonChanged {
		t.Fatalf("migrating over a booking ended meanwhile: %v, want person_changed", err)
	}
	// read again: the list without it
	q = f.seq("")
	if q.Known || q.Ended != 1 {
		t.Fatalf("legacy item after the cancellation: %+v, want unknown, ended 1", q)
	}
	q.Upcoming = []booking.Booking{old}
	if err := f.book(b, sl, &q); err != nil {
		t.Fatal(err)
	}
	if q = f.seq(""); !q.Known || q.Seq != 4 || !slices.Equal(ids(q.Upcoming), []string{old.ID, b.ID}) {
		t.Errorf("migrated: known %v, seq %d, upcoming %v; want known, 4, [%s %s]", q.Known, q.Seq, ids(q.Upcoming), old.ID, b.ID)
	}
}
