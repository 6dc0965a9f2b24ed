package store

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
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
}

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
