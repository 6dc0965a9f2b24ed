package bookingstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/bookingstore"
	"github.com/kabinet/kabinet/shared/adapter/store/storetest"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

// TestBookTellsFailuresByItem runs Store.Book's own transaction: the failed
// condition of each of its items, found by key, is told as its reason.
func TestBookTellsFailuresByItem(t *testing.T) {
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	b := booking.Booking{ID: "b1", Owner: "alice", SpecialistID: "spec-1", InstitutionID: "inst-1", Start: start,
		End: start.Add(20 * time.Minute), TimeZone: "Europe/Moscow", ConfirmationNumber: "KB-0000-0001", Place: 2,
		Status: booking.Confirmed, CreatedAt: start.Add(-time.Hour), UpdatedAt: start.Add(-time.Hour), Version: 1}
	slot := booking.Slot{SpecialistID: "spec-1", Start: start, End: b.End, Capacity: 1, MaxPerDay: 10}
	for _, tc := range []struct {
		prefix     string
		wantKind   errs.Kind
		wantReason errs.Reason
	}{
		{"SLOT#", errs.Conflict, booking.ReasonSlotTaken},
		{"DAY#", errs.Conflict, booking.ReasonDayFull},
		{"BOOKDAY#", errs.Conflict, booking.ReasonOnePerDay},
		{"CONF#", errs.Conflict, booking.ReasonConfirmationTaken},
		{"BOOKPLACE#", errs.Conflict, booking.ReasonPlaceTaken},
		{"BOOK#", errs.Internal, ""}, // a fresh id clashing is a bug
		{"BOOKING#", errs.Internal, ""},
	} {
		t.Run(tc.prefix, func(t *testing.T) {
			c := &storetest.Cancelling{Codes: map[string]string{tc.prefix: "ConditionalCheckFailed"}}
			s := bookingstore.New(&store.Store{DB: c.Client(), Table: "t", Now: func() time.Time { return start.Add(-time.Hour) }})
			idem := &idempotency.Key{Key: "k", Hash: "h", Expires: start}
			_, replayed, err := s.Book(context.Background(), b, slot, idem)
			if errs.KindOf(err) != tc.wantKind || errs.ReasonOf(err) != tc.wantReason || replayed {
				t.Errorf("Book = replayed %v, %v; want %v (%s)", replayed, err, tc.wantKind, tc.wantReason)
			}
			if len(c.Seen) != 1 || len(c.Seen[0].TransactItems) != 8 {
				t.Fatalf("transactions seen: %d", len(c.Seen))
			}
			matched := 0
			for _, it := range c.Seen[0].TransactItems {
				if storetest.KeyOf(it, store.Schema.SK, tc.prefix) || storetest.KeyOf(it, store.Schema.PK, tc.prefix) {
					matched++
				}
			}
			if matched != 1 {
				t.Errorf("%d items match %s, want exactly one: the test would not say which failed", matched, tc.prefix)
			}
		})
	}
}
