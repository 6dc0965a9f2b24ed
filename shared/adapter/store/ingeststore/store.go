// Package ingeststore is the agency events' DynamoDB adapter
// (ingest.Store): each event's claim, written in one transaction with the
// documents, history and notification it makes. It embeds the registry's
// store, whose documents an event creates and updates.
package ingeststore

import (
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
)

// Store is the DynamoDB implementation of ingest.Store.
type Store struct{ *docstore.Store }

// New is the ingest store on docs' table.
func New(docs *docstore.Store) *Store { return &Store{docs} }
