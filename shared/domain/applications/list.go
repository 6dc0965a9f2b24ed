package applications

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/paging"
	"github.com/kabinet/kabinet/shared/domain/parallel"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// ListFilter selects a person's applications; zero fields select everything.
// From and To are dates (YYYY-MM-DD) of creation in the applicant's zone.
type ListFilter struct {
	Status      string
	ServiceCode string
	// Subject selects one person's: registry.SubjectSelf the holder's own,
	// a dependent's id theirs.
	Subject  string
	From, To string
	Limit    int
	Cursor   string
}

// Get returns one of owner's applications.
// Errors: NotFound, Unavailable, Internal.
func (s *Service) Get(ctx context.Context, owner, id string) (Application, error) {
	if id == "" {
		return Application{}, errs.E("applications.Get", errs.NotFound, nil)
	}
	return s.Store.GetApplication(ctx, owner, id)
}

// getWithProfile reads owner's application id and owner's profile at once.
// The profile's error comes apart (pErr), for the caller to weigh after the
// checks that need only the application, where it weighed when the profile
// was read second.
func (s *Service) getWithProfile(ctx context.Context, owner, id string) (a Application, p registry.Profile, pErr, err error) {
	_ = parallel.Do(
		func() error { a, err = s.Get(ctx, owner, id); return nil },
		func() error { p, pErr = s.Profiles.GetProfile(ctx, owner); return nil },
	)
	return a, p, pErr, err
}

// List returns owner's applications matching f, oldest first. A page may
// hold fewer than f.Limit items and still carry a cursor when the filter is
// selective; an empty cursor means the end.
// Errors: Invalid (status, serviceCode, from, to), Malformed (cursor),
// Unavailable, Internal.
func (s *Service) List(ctx context.Context, owner string, f ListFilter) (Page, error) {
	const op = "applications.List"
	var fe errs.Fields
	if f.Status != "" && !Status(f.Status).Valid() {
		fe.Add("status", "unknown_status")
	}
	if _, ok := Lookup(f.ServiceCode); f.ServiceCode != "" && !ok {
		fe.Add("serviceCode", "unknown_service")
	}
	var from, to *civil.Date
	for _, x := range []struct {
		name string
		val  string
		dst  **civil.Date
	}{{"from", f.From, &from}, {"to", f.To, &to}} {
		if x.val == "" {
			continue
		}
		d, err := civil.Parse(x.val)
		if err != nil {
			fe.Add(x.name, "invalid_date")
			continue
		}
		*x.dst = &d
	}
	if from != nil && to != nil && to.Before(*from) {
		fe.Add("to", "before_from")
	}
	if err := fe.Err(op); err != nil {
		return Page{}, err
	}
	after, err := paging.DecodeCursor(f.Cursor)
	if err != nil {
		return Page{}, err
	}
	limit := paging.ClampLimit(f.Limit)
	// The dates are the applicant's: with from or to, the profile (the
	// zone) is read with the first page, and the filter waits for it.
	var loc *time.Location
	zone := make(chan struct{})
	pages, stop := context.WithCancel(ctx) // a profile that cannot be read ends the listing
	defer stop()
	var items []Application
	var last string
	if err := parallel.Do(
		func() error {
			defer close(zone)
			if from == nil && to == nil {
				return nil
			}
			p, err := s.Profiles.GetProfile(ctx, owner)
			if err != nil {
				stop()
				return err
			}
			loc = p.Location()
			return nil
		},
		func() (err error) {
			items, last, err = paging.Collect(
				func(after string) ([]Application, string, error) {
					return s.Store.ListApplications(pages, owner, after, limit)
				},
				func(a Application) string { return a.ID },
				func(a Application) bool {
					if (f.Status != "" && string(a.Status) != f.Status) || (f.ServiceCode != "" && a.ServiceCode != f.ServiceCode) {
						return false
					}
					if f.Subject != "" && a.Subject != f.Subject && (f.Subject != registry.SubjectSelf || a.Subject != "") {
						return false
					}
					if from == nil && to == nil {
						return true
					}
					if <-zone; loc == nil { // the profile could not be read: its error is the answer
						return false
					}
					day := civil.Of(a.CreatedAt.In(loc))
					return (from == nil || !day.Before(*from)) && (to == nil || !day.After(*to))
				}, after, limit, examineBudget)
			return err
		},
	); err != nil {
		return Page{}, err
	}
	if items == nil {
		items = []Application{}
	}
	return Page{Items: items, NextCursor: paging.EncodeCursor(last)}, nil
}
