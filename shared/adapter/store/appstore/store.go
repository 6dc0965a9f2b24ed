// Package appstore is the applications' DynamoDB adapter
// (applications.Store): drafts, submitted applications with their
// timeline, the agencies' queues and the receipt number sequence, on the
// one table. A status change writes its inbox notification
// (inboxstore's item) in the same transaction.
package appstore

import (
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Store is the DynamoDB implementation of applications.Store.
type Store struct {
	*store.Store
	// Shard picks the receipt counter a number is taken from, in
	// [0, ReceiptShards): at random (nil), or as a test says.
	Shard func() int
}

// New is the applications' store on base's table.
func New(base *store.Store) *Store { return &Store{Store: base} }

// failNotDraft: the application is no longer a draft.
var failNotDraft = errs.E("", errs.Conflict, applications.ReasonNotDraft)

// failAssignRace: a clerk's open count moved between the pick and the write.
var failAssignRace = errs.E("", errs.Conflict, applications.ReasonAssignRace)
