package stats

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/parallel"
)

// ReasonManagerOnly: the dashboards of a scope are its managers' (and,
// for an agency, its lead clerks'; for an organisation, its admins').
const ReasonManagerOnly errs.Reason = "manager_only"

// MaxRangeDays is the longest range a dashboard answers, in days.
const MaxRangeDays = 366

// DefaultRangeDays is the range a dashboard answers without one: the last
// 30 days, today included.
const DefaultRangeDays = 30

// Store keeps the counters' buckets.
type Store interface {
	// Days returns the day buckets of scope from from to to (those that
	// exist, in any order).
	Days(ctx context.Context, scope Scope, from, to civil.Date) ([]Bucket, error)
	// Gauges returns the bucket of now of scope (empty when there is none).
	Gauges(ctx context.Context, scope Scope) (Bucket, error)
}

// Viewer is who asks for a dashboard, as their token says.
type Viewer struct {
	Sub string
	// Manager: group manager; Agency, Institution and Org are the claims.
	Manager                  bool
	Agency, Institution, Org string
	// LeadClerk: staff of Agency who are its lead clerk.
	LeadClerk bool
	// OrgAdmin: an administrator of Org.
	OrgAdmin bool
}

// Query is a dashboard's range and filter as given (dates YYYY-MM-DD; ""
// for the default).
type Query struct {
	From, To   string
	Service    string // agency: one service code
	Specialist string // institution: one specialist's id
}

// Service reads the dashboards' counters: the organisation's here,
// agencystats' and inststats' the agency's and the institution's.
type Service struct {
	Store Store
	Now   func() time.Time
}

// Org is the dashboard of organisation org. Who may call: a manager or an
// administrator of that organisation.
// Errors: Forbidden (manager_only) for anyone else; Malformed with field
// errors for a bad range (as Agency); those of the store.
func (s *Service) Org(ctx context.Context, v Viewer, org string, q Query) (OrgStats, error) {
	const op = "stats.Org"
	if v.Org == "" || v.Org != org || !v.Manager && !v.OrgAdmin {
		return OrgStats{}, errs.E(op, errs.Forbidden, ReasonManagerOnly)
	}
	var fe errs.Fields
	from, to, _ := s.Range(q, Moscow(), &fe)
	if err := fe.ErrKind(op, errs.Malformed); err != nil {
		return OrgStats{}, err
	}
	days, _, err := s.Read(ctx, Scope{ScopeOrg, org}, from, to, false)
	if err != nil {
		return OrgStats{}, err
	}
	out := orgView(org, from, to, days)
	out.AsOf = s.Now().UTC()
	return out, nil
}

// Read reads the range's day buckets and, with gauges, the bucket of now,
// at once: one round trip. Errors: those of the store.
func (s *Service) Read(ctx context.Context, scope Scope, from, to civil.Date, gauges bool) ([]Bucket, Bucket, error) {
	var days []Bucket
	var now Bucket
	reads := []func() error{func() (err error) { days, err = s.Store.Days(ctx, scope, from, to); return err }}
	if gauges {
		reads = append(reads, func() (err error) { now, err = s.Store.Gauges(ctx, scope); return err })
	}
	err := parallel.Do(reads...)
	return days, now, err
}

// Range is q's range in loc, the defaults filled in, and today there;
// what is wrong with it goes to fe (from, to: invalid_date; to:
// before_from, range_over_year).
func (s *Service) Range(q Query, loc *time.Location, fe *errs.Fields) (from, to, today civil.Date) {
	today = civil.Today(s.Now(), loc)
	to = today
	if q.To != "" {
		d, err := civil.Parse(q.To)
		if err != nil {
			fe.Add("to", "invalid_date")
		}
		to = d
	}
	from = to.AddDays(1 - DefaultRangeDays)
	if q.From != "" {
		d, err := civil.Parse(q.From)
		if err != nil {
			fe.Add("from", "invalid_date")
		}
		from = d
	}
	if fe.Has("from") || fe.Has("to") {
		return from, to, today
	}
	switch {
	case to.Before(from):
		fe.Add("to", "before_from")
	case from.DaysUntil(to)+1 > MaxRangeDays:
		fe.Add("to", "range_over_year")
	}
	return from, to, today
}
