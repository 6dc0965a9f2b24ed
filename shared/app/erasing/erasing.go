// Package erasing composes the steps of a person's erasure
// (shared/domain/erasure) for the reminder worker, which runs them a page a
// visit, and for package app (the local runner and the tests). The profile
// function takes the request and shows its progress with a service of no
// steps, and links none of this.
//
// The steps, in the order they run, and what each keeps on purpose:
//
//  1. consents: every consent is revoked, so no organisation sees the
//     person's documents from this moment.
//  2. bookings: upcoming appointments (the dependents' too) are cancelled,
//     freeing their slots, and waiting-list entries are left (an offer's
//     held slot goes to the next in line). Past visits were the
//     institution's to record: what Kabinet holds of them is the person's
//     copy, removed in the sweep.
//  3. applications: submitted ones still open are withdrawn through the
//     applicant's own transition; drafts go in the sweep.
//  4. documents: a page at a time, each erased with its history, reminder
//     decisions, shares (staff lose access at once), files and their
//     stored objects: the dependents' documents too.
//  5. files: whatever file is left (records and every object under the
//     person's prefix in the bucket).
//  6. contacts: the person stops receiving on their phone and e-mail and
//     leaves the list of who shares each.
//  7. sweep: every item left in USER#<sub> (the profile, dependents and
//     their hand-over codes, inbox, Idempotency-Key claims, daily caps,
//     verification codes, bookings', applications' and shares' items with
//     the pointers to them elsewhere), a page at a time, until none is left.
//
// What stays: the erasure record (ERASURE#<sub>: the account id, instants,
// counts; it keeps the account from changing again) and the audit trail
// (AUDIT#<sub>, routes and ids, no personal data), which says the erasure
// was asked for and by whom.
package erasing

import (
	"context"
	"log/slog"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/appstore"
	"github.com/kabinet/kabinet/shared/adapter/store/bookingstore"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/erasestore"
	"github.com/kabinet/kabinet/shared/adapter/store/filestore"
	"github.com/kabinet/kabinet/shared/adapter/store/handoverstore"
	"github.com/kabinet/kabinet/shared/adapter/store/orgstore"
	"github.com/kabinet/kabinet/shared/adapter/store/sharestore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/filing"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/erasure"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/orgs"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Service is the erasure service with its steps, on st, in c's files
// bucket.
func Service(c core.Config, cl core.Clients, st *store.Store, now func() time.Time, log *slog.Logger) *erasure.Service {
	ds := docstore.New(st, filestore.New(st).DocumentRecords, sharestore.New(st).DocumentRecords)
	docs := &registry.Service{Store: ds, Now: now, NewID: ids.New, Contacts: core.Contacts(c, cl, st), Log: log}
	fs := filing.FilesService(c, cl, st, docs, nil, now)
	bk := bookingstore.New(st)
	book := &booking.Service{Store: bk, Places: &directory.Cache{Load: bk.LoadDirectory, Now: now}, Profiles: st, Now: now,
		NewID: ids.New, Waits: bk}
	apps := &applications.Service{Store: appstore.New(st), Profiles: docs, Documents: docs, Renewals: docs, Now: now, NewID: ids.New,
		Log: log}
	consents := &orgs.Service{Store: orgstore.New(ds), Now: now, NewID: ids.New}
	es := erasestore.New(st)
	return &erasure.Service{Store: es, Now: now, Steps: steps(consents, book, apps, docs, fs, es)}
}

// steps are the erasure's steps on the domains' services (see the package
// comment for what each does and keeps).
func steps(consents *orgs.Service, book *booking.Service, apps *applications.Service, docs *registry.Service,
	files *files.Service, sweep *erasestore.Store) []erasure.Step {
	once := func(f func(ctx context.Context, owner string, now time.Time) (int, error)) func(context.Context, string, time.Time) (int, bool, error) {
		return func(ctx context.Context, owner string, now time.Time) (int, bool, error) {
			n, err := f(ctx, owner, now)
			return n, err == nil, err
		}
	}
	return []erasure.Step{
		{Name: "consents", Run: once(func(ctx context.Context, owner string, _ time.Time) (int, error) {
			list, err := consents.Consents(ctx, owner)
			if err != nil {
				return 0, err
			}
			for i, c := range list {
				if err := consents.Revoke(ctx, owner, c.ID); err != nil && !errs.Is(err, errs.NotFound) {
					return i, err
				}
			}
			return len(list), nil
		})},
		{Name: "bookings", Run: once(book.CancelForErasure)},
		{Name: "applications", Run: once(func(ctx context.Context, owner string, _ time.Time) (int, error) {
			return apps.WithdrawForErasure(ctx, owner)
		})},
		{Name: "documents", Run: func(ctx context.Context, owner string, _ time.Time) (int, bool, error) {
			return docs.DeleteForErasure(ctx, owner)
		}},
		{Name: "files", Run: once(func(ctx context.Context, owner string, _ time.Time) (int, error) {
			return 0, files.DeletePerson(ctx, owner)
		})},
		{Name: "contacts", Run: once(func(ctx context.Context, owner string, _ time.Time) (int, error) {
			return 0, docs.LeaveContacts(ctx, owner)
		})},
		{Name: "sweep", Run: func(ctx context.Context, owner string, _ time.Time) (int, bool, error) {
			return sweep.Sweep(ctx, owner, bookingstore.Pointers, appstore.Pointers, sharestore.Pointers, handoverstore.Pointers)
		}},
	}
}
