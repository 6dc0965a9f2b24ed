// Package idempotency is the domain's side of a client's Idempotency-Key:
// what a create carries so that a retry returns the first answer instead of
// creating twice. The HTTP adapter builds a Key from the header and the
// request body; each domain's store claims it in the same write as what the
// request creates.
package idempotency

import "time"

// Key ties a create to a client's Idempotency-Key: Key is the header's
// value, Hash identifies the request body, Expires is when the key may be
// reused.
type Key struct {
	Key     string
	Hash    string
	Expires time.Time
}

// TTL is how long a key is remembered.
const TTL = 24 * time.Hour
