// Package docstore is the document registry's DynamoDB adapter: documents
// and their history (registry.Store) on the one table. The person's
// profile, the audit trail and Idempotency-Key claims come with the core
// store it embeds.
package docstore

import (
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Store is the DynamoDB implementation of registry.Store.
type Store struct {
	*store.Store
	hanging []store.Hanging
}

var _ registry.Store = (*Store)(nil)

// New is the registry's store on base's table. Erasing a document erases
// with it what hanging gathers (filestore's and sharestore's
// DocumentRecords where the function keeps files and shares): the
// functions that erase documents name every domain keeping records of one.
func New(base *store.Store, hanging ...store.Hanging) *Store { return &Store{base, hanging} }
