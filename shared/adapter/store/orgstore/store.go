// Package orgstore is the organisations' DynamoDB adapter (orgs.Store):
// people's consents and the organisations that have them, on the one
// table. It embeds the registry's store, whose documents an organisation
// sees with a consent.
package orgstore

import (
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/orgs"
)

// Store is the DynamoDB implementation of orgs.Store.
type Store struct{ *docstore.Store }

// New is the organisations' store on docs' table.
func New(docs *docstore.Store) *Store { return &Store{docs} }

// failConsentExists: the person consents to the organisation already.
var failConsentExists = errs.E("", errs.Conflict, orgs.ReasonConsentExists)
