package store

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/kabinet/kabinet/shared/domain/ids"
)

// Store is the table and the clock every domain's store works on. Each
// domain's adapter (docstore, bookingstore, appstore, inboxstore, orgstore,
// ingeststore, remindstore) embeds it, so a function links the store code
// of the domains it serves and no other; what they share — the person's
// profile, the audit trail, daily caps, Idempotency-Key claims, contact
// records — it implements itself.
type Store struct {
	DB    *dynamodb.Client
	Table string
	Now   func() time.Time // for idempotency-claim expiry; time.Now when nil
	// Locator opens the owner sealed into the id of a booking, an
	// application or a share (ids.Locator), so staff's requests skip the
	// read of its reference; nil opens none (the reference is read).
	Locator *ids.Locator
}

// Owner is the owner sealed into id, read without a round trip; false when
// the store's locator opens none there (read the reference then).
func (s *Store) Owner(id string) (string, bool) { return s.Locator.Owner(id) }

// New returns a Store on table.
func New(db *dynamodb.Client, table string) *Store { return &Store{DB: db, Table: table} }

// Time is the store's clock: Now, or time.Now when unset. The domain
// stores read it for what expires (Idempotency-Key claims, caps).
func (s *Store) Time() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
