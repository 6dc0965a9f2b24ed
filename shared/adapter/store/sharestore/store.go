// Package sharestore is the DynamoDB adapter of documents shared with
// institutions (sharing.Store): the shares, their references for staff
// who name only the share, and every staff read. It embeds the core store.
package sharestore

import "github.com/kabinet/kabinet/shared/adapter/store"

// Store is the DynamoDB implementation of sharing.Store.
type Store struct{ *store.Store }

// New is the shares' store on base's table.
func New(base *store.Store) *Store { return &Store{base} }

const (
	// idemScopeShares is the scope of a share's Idempotency-Key (per
	// document: the body does not name it).
	idemScopeShares = "shares"
	// shareRefSK is the sort key of a share's owner record, SHARE#<id>.
	shareRefSK = "REF"
)
