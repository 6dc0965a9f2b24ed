// Package bookingstore is the electronic registry's DynamoDB adapter: the
// directory of institutions and specialists (directory.Store), schedules,
// slots, daily limits and bookings (booking.Store) on the one table. The
// person's profile, the audit trail and Idempotency-Key claims come with
// the core store it embeds.
package bookingstore

import (
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/dirstore"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Store is the DynamoDB implementation of booking.Store and (through the
// directory's own store) directory.Store.
type Store struct {
	*store.Store
	*directoryStore
}

// directoryStore names the embedded directory store apart from the core.
type directoryStore = dirstore.Store

// New is the booking store on base's table.
func New(base *store.Store) *Store { return &Store{base, dirstore.New(base)} }

// idemScopeBookings is the scope of a booking's Idempotency-Key.
const idemScopeBookings = "bookings"

// The failures a booking transaction's items stand for (store.Tx).
var (
	failSlotTaken         = errs.E("", errs.Conflict, booking.ReasonSlotTaken)
	failDayFull           = errs.E("", errs.Conflict, booking.ReasonDayFull)
	failOnePerDay         = errs.E("", errs.Conflict, booking.ReasonOnePerDay)
	failPlaceTaken        = errs.E("", errs.Conflict, booking.ReasonPlaceTaken)
	failSameWait          = errs.E("", errs.Conflict, booking.ReasonSameWait)
	failReferralUsed      = errs.E("", errs.Conflict, booking.ReasonReferralUsed)
	failConfirmationTaken = errs.E("", errs.Conflict, booking.ReasonConfirmationTaken)
	failPersonChanged     = errs.E("", errs.Conflict, booking.ReasonPersonChanged)
)
