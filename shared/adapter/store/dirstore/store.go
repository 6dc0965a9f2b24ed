// Package dirstore is the directory's DynamoDB adapter (directory.Store):
// institutions and specialists in one partition of the table. The booking
// store embeds it for the appointment book; the documents function reads
// it alone, to share a document with an institution that exists, without
// linking the booking domain.
package dirstore

import "github.com/kabinet/kabinet/shared/adapter/store"

// Store is the DynamoDB implementation of directory.Store.
type Store struct{ *store.Store }

// New is the directory's store on base's table.
func New(base *store.Store) *Store { return &Store{base} }
