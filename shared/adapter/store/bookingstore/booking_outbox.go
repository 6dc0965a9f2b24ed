package bookingstore

import (
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/inboxstore"
	"github.com/kabinet/kabinet/shared/domain/booking"
)

// A booking's confirmations: the outbox entry a booking, reschedule or
// cancel writes in its own transaction.

// outbox adds b's confirmation (b.Outbox), if it has one, to t: the
// notification in the owner's inbox, naming the booking, and in the urgent
// part of the due index at its own time, so the reminder pipeline's next
// run sends it on the owner's channels (once: the run claims it) and takes
// it out of the index. Its id is fresh, so its condition fails only for a
// bug.
func outbox(t *store.Tx, b booking.Booking) {
	n := b.Outbox
	if n == nil {
		return
	}
	it := inboxstore.Outbox(*n)
	it.BookingID = b.ID
	t.Put(it, "attribute_not_exists(pk)", nil, nil)
}
