// Package filestore is the DynamoDB adapter of people's electronic copies
// (files.Store: file records, each document's file count, each person's
// bytes); shares are sharestore's. The objects themselves are in S3
// (shared/adapter/objects). It embeds the core store; the ingest store
// adds a lab result's file in its event's transaction through AddFile.
package filestore

import (
	"github.com/kabinet/kabinet/shared/adapter/store"
)

// Store is the DynamoDB implementation of files.Store.
type Store struct{ *store.Store }

// New is the files' and shares' store on base's table.
func New(base *store.Store) *Store { return &Store{base} }

// idemScopeFiles is the scope of a file declaration's Idempotency-Key (per
// document: the body does not name it).
const idemScopeFiles = "files"
