// Package ingeststore is the agency events' DynamoDB adapter
// (ingest.Store): each event's claim, written in one transaction with the
// documents, history, notification and file (a lab result's) it makes. It embeds the registry's
// store, whose documents an event creates and updates.
package ingeststore

import (
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/filestore"
)

// Store is the DynamoDB implementation of ingest.Store.
type Store struct {
	*docstore.Store
	// files adds a lab result's file in its event's transaction.
	files *filestore.Store
}

// New is the ingest store on docs' table.
func New(docs *docstore.Store) *Store { return &Store{Store: docs, files: filestore.New(docs.Store)} }
