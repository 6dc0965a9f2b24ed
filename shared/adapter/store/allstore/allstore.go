// Package allstore is every domain's store at once on one table, for what
// works across all of them: the local runner (shared/app), seeding, the
// benchmarks and the tests. No function links it (functions/links_test.go):
// a Lambda builds only the stores of the domains it serves.
package allstore

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/appstore"
	"github.com/kabinet/kabinet/shared/adapter/store/bookingstore"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/erasestore"
	"github.com/kabinet/kabinet/shared/adapter/store/familystore"
	"github.com/kabinet/kabinet/shared/adapter/store/filestore"
	"github.com/kabinet/kabinet/shared/adapter/store/inboxstore"
	"github.com/kabinet/kabinet/shared/adapter/store/ingeststore"
	"github.com/kabinet/kabinet/shared/adapter/store/orgstore"
	"github.com/kabinet/kabinet/shared/adapter/store/remindstore"
	"github.com/kabinet/kabinet/shared/adapter/store/sharestore"
)

// The domain stores under names of their own: embedded fields are named
// by their type, and every one of them is a Store.
type (
	docs     = docstore.Store
	bookings = bookingstore.Store
	apps     = appstore.Store
	inbox    = inboxstore.Store
	orgs     = orgstore.Store
	ingest   = ingeststore.Store
	remind   = remindstore.Store
	fam      = familystore.Store
	filing   = filestore.Store
	shares   = sharestore.Store
	erasing  = erasestore.Store
)

// Store implements every domain's Store port. The core (*store.Store) is
// embedded directly so its fields and methods (DB, Table, Now,
// GetProfile, the audit log, ...) are not ambiguous with the copies each
// domain store carries.
type Store struct {
	*store.Store
	*docs
	*bookings
	*apps
	*inbox
	*orgs
	*ingest
	*remind
	*fam
	*filing
	*shares
	*erasing
}

// New is every domain's store on table.
func New(db *dynamodb.Client, table string) *Store { return Of(store.New(db, table)) }

// Of is every domain's store on base (sharing its clock).
func Of(base *store.Store) *Store {
	fs, sh := filestore.New(base), sharestore.New(base)
	d := docstore.New(base, fs.DocumentRecords, sh.DocumentRecords)
	return &Store{Store: base, docs: d, bookings: bookingstore.New(base), apps: appstore.New(base),
		inbox: inboxstore.New(base), orgs: orgstore.New(d), ingest: ingeststore.New(d), remind: remindstore.New(base), fam: familystore.New(base),
		filing: fs, shares: sh, erasing: erasestore.New(base)}
}
