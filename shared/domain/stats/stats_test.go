package stats_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/stats"
)

func ip(n int) *int { return &n }

func TestPercentiles(t *testing.T) {
	for _, c := range []struct {
		name string
		h    stats.Histogram
		want stats.Percentiles
	}{
		{"empty", stats.Histogram{}, stats.Percentiles{}},
		{"one sample", stats.Histogram{3: 1}, stats.Percentiles{P50: ip(3), P90: ip(3), Max: ip(3)}},
		{"ten samples", stats.Histogram{1: 5, 2: 4, 9: 1}, stats.Percentiles{P50: ip(1), P90: ip(2), Max: ip(9)}},
		{"nearest rank rounds up", stats.Histogram{0: 1, 10: 1}, stats.Percentiles{P50: ip(0), P90: ip(10), Max: ip(10)}},
		{"zeros left out", stats.Histogram{4: 0, 2: 2}, stats.Percentiles{P50: ip(2), P90: ip(2), Max: ip(2)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.h.Percentiles(); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", show(got), show(c.want))
			}
		})
	}
}

func show(p stats.Percentiles) []any {
	var out []any
	for _, x := range []*int{p.P50, p.P90, p.Max} {
		if x == nil {
			out = append(out, nil)
		} else {
			out = append(out, *x)
		}
	}
	return out
}

func TestCountsDiff(t *testing.T) {
	k := stats.Key{Scope: stats.Scope{Kind: stats.ScopeAgency, ID: "fns"}}
	old, new := stats.Counts{}, stats.Counts{}
	old.Add(k, "st#x#received", 1)
	old.Add(k, "cl#x#clerk", 1)
	new.Add(k, "st#x#processing", 1)
	new.Add(k, "cl#x#clerk", 1)
	want := stats.Counts{k: {"st#x#received": -1, "st#x#processing": 1}}
	if got := stats.Diff(old, new); !reflect.DeepEqual(got, want) {
		t.Errorf("Diff = %v, want %v (what both count moves nothing)", got, want)
	}
	if got := stats.Diff(new, new); len(got) != 0 {
		t.Errorf("Diff of a thing with itself = %v, want nothing", got)
	}
}

// memStore is a stats.Store in memory.
type memStore map[stats.Scope][]stats.Bucket

func (m memStore) Days(_ context.Context, s stats.Scope, from, to civil.Date) ([]stats.Bucket, error) {
	var out []stats.Bucket
	for _, b := range m[s] {
		if !b.Day.IsZero() && !b.Day.Before(from) && !b.Day.After(to) {
			out = append(out, b)
		}
	}
	return out, nil
}

func (m memStore) Gauges(_ context.Context, s stats.Scope) (stats.Bucket, error) {
	for _, b := range m[s] {
		if b.Day.IsZero() {
			return b, nil
		}
	}
	return stats.Bucket{Counts: map[string]int64{}}, nil
}

func day(s string) civil.Date { d, _ := civil.Parse(s); return d }

// TestRange: the default range is the last 30 days in the scope's zone, by
// the injected clock; bad dates and ranges are field errors.
func TestRange(t *testing.T) {
	// 22:30 UTC on 14 June is already the 15th in Moscow
	svc := &stats.Service{Now: func() time.Time { return time.Date(2026, 6, 14, 22, 30, 0, 0, time.UTC) }}
	for _, c := range []struct {
		name     string
		q        stats.Query
		loc      *time.Location
		from, to string
		fields   []string
	}{
		{"default, Moscow", stats.Query{}, stats.Moscow(), "2026-05-17", "2026-06-15", nil},
		{"default, UTC", stats.Query{}, time.UTC, "2026-05-16", "2026-06-14", nil},
		{"to given", stats.Query{To: "2026-01-31"}, stats.Moscow(), "2026-01-02", "2026-01-31", nil},
		{"366 days", stats.Query{From: "2025-06-15", To: "2026-06-15"}, stats.Moscow(), "2025-06-15", "2026-06-15", nil},
		{"367 days", stats.Query{From: "2025-06-14", To: "2026-06-15"}, stats.Moscow(), "", "", []string{"to:range_over_year"}},
		{"reversed", stats.Query{From: "2026-06-02", To: "2026-06-01"}, stats.Moscow(), "", "", []string{"to:before_from"}},
		{"one day", stats.Query{From: "2026-06-01", To: "2026-06-01"}, stats.Moscow(), "2026-06-01", "2026-06-01", nil},
		{"malformed", stats.Query{From: "2026-6-1", To: "2026-02-30"}, stats.Moscow(), "", "", []string{"from:invalid_date", "to:invalid_date"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var fe errs.Fields
			from, to, _ := svc.Range(c.q, c.loc, &fe)
			err := fe.ErrKind("test", errs.Malformed)
			if c.fields == nil {
				if err != nil || from.String() != c.from || to.String() != c.to {
					t.Errorf("got %s..%s (%v), want %s..%s", from, to, err, c.from, c.to)
				}
				return
			}
			var got []string
			var e *errs.Error
			if err != nil {
				e = err.(*errs.Error)
				for _, f := range e.Fields {
					got = append(got, f.Field+":"+f.Code)
				}
			}
			if !reflect.DeepEqual(got, c.fields) || errs.KindOf(err) != errs.Malformed {
				t.Errorf("field errors %v (%v), want %v", got, err, c.fields)
			}
		})
	}
}

// TestOrg: an organisation's points in the range, oldest first, to its
// managers and admins only.
func TestOrg(t *testing.T) {
	acme := stats.Scope{Kind: stats.ScopeOrg, ID: "acme"}
	st := memStore{acme: {
		{Day: day("2026-06-08"), Counts: map[string]int64{stats.OrgCounter("valid"): 3, stats.OrgCounter("expired"): 1}},
		{Day: day("2026-06-01"), Counts: map[string]int64{stats.OrgCounter("valid"): 2}},
		{Day: day("2026-05-01"), Counts: map[string]int64{stats.OrgCounter("valid"): 9}},
	}}
	svc := &stats.Service{Store: st, Now: func() time.Time { return time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC) }}
	got, err := svc.Org(context.Background(), stats.Viewer{Manager: true, Org: "acme"}, "acme", stats.Query{})
	if err != nil {
		t.Fatal(err)
	}
	want := []stats.OrgPoint{{Date: day("2026-06-01"), ByStatus: map[string]int64{"valid": 2}},
		{Date: day("2026-06-08"), ByStatus: map[string]int64{"valid": 3, "expired": 1}}}
	if !reflect.DeepEqual(got.Points, want) {
		t.Errorf("points %v, want %v", got.Points, want)
	}
	for _, v := range []stats.Viewer{{Manager: true, Org: "globex"}, {OrgAdmin: true, Org: "globex"}, {Org: "acme"}, {Manager: true, Agency: "acme"}} {
		if _, err := svc.Org(context.Background(), v, "acme", stats.Query{}); errs.KindOf(err) != errs.Forbidden || errs.ReasonOf(err) != stats.ReasonManagerOnly {
			t.Errorf("%+v: %v, want Forbidden manager_only", v, err)
		}
	}
	if _, err := svc.Org(context.Background(), stats.Viewer{OrgAdmin: true, Org: "acme"}, "acme", stats.Query{}); err != nil {
		t.Errorf("the org's admin: %v", err)
	}
}
