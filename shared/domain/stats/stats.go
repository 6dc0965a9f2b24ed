// Package stats is the managers' dashboards' common ground: counters kept
// per scope in buckets (one a day, one of now), their ranges and
// percentiles, who may read them, and the organisation's dashboard. What
// an application means for its agency's counters, and its dashboard, is
// agencystats'; a booking, slot or waiting-list entry for its
// institution's, inststats'; package changes dispatches a changed item to
// the one it belongs to.
//
// Every counter is a sum over the items of the table of what each item in
// its current state contributes (Rules.Of): an application received on a
// day adds one to that day's received count of its service, a decided one
// one to its processing-time histogram bucket, an open one one to the gauge
// of its status. A change from old to new then moves the counters by
// Of(new) - Of(old) (Rules.Change), so applying every change once leaves
// the counters equal to a recount of the items as they are — which is what
// the tests check — and a change that means nothing for them moves
// nothing. The counters are kept per scope (an agency, an institution) in
// one bucket per day and one for the gauges of now, so a dashboard of any
// range reads one item per day whatever the volume behind it.
//
// The package takes domain values only; the store adapter turns the
// table's change stream into them and keeps the buckets.
package stats

import (
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

// ScopeKind is what a scope is: an agency, an institution, an organisation.
type ScopeKind string

// The kinds of scope, as a manager's claim names them.
const (
	ScopeAgency      ScopeKind = "agency"
	ScopeInstitution ScopeKind = "institution"
	ScopeOrg         ScopeKind = "org"
)

// Scope is one agency, institution or organisation.
type Scope struct {
	Kind ScopeKind
	ID   string
}

// Key is one bucket of a scope: the counters of one day (in the scope's
// zone), or, with a zero Day, the gauges of now.
type Key struct {
	Scope Scope
	Day   civil.Date
}

// Now reports whether k is the bucket of the gauges of now.
func (k Key) Now() bool { return k.Day.IsZero() }

// Counts is counters by bucket and name. The names are the package's own
// (the constants below), each with the service, clerk, specialist or
// histogram bucket it counts after a '#'.
type Counts map[Key]map[string]int64

// Add adds n to counter name of bucket k.
func (c Counts) Add(k Key, name string, n int64) {
	if n == 0 {
		return
	}
	m := c[k]
	if m == nil {
		m = map[string]int64{}
		c[k] = m
	}
	m[name] += n
	if m[name] == 0 {
		delete(m, name)
		if len(m) == 0 {
			delete(c, k)
		}
	}
}

// AddAll adds sign times every counter of o to c.
func (c Counts) AddAll(o Counts, sign int64) {
	for k, m := range o {
		for name, n := range m {
			c.Add(k, name, sign*n)
		}
	}
}

// Diff is new - old: what a change from old to new moves, with the
// counters it does not move left out.
func Diff(old, new Counts) Counts {
	out := Counts{}
	out.AddAll(new, 1)
	out.AddAll(old, -1)
	return out
}

// Clone is a deep copy of c.
func (c Counts) Clone() Counts {
	out := make(Counts, len(c))
	for k, m := range c {
		out[k] = maps.Clone(m)
	}
	return out
}

// Bucket is one stored bucket as the store reads it back.
type Bucket struct {
	Day    civil.Date // zero for the gauges of now
	Counts map[string]int64
}

// AgencyZone is the zone an agency's (and an organisation's) days are
// counted in: Kabinet's agencies are federal and work on Moscow time.
const AgencyZone = "Europe/Moscow"

// Moscow is AgencyZone's location, loaded on first use: a function that
// counts no day in it never reads the zone at its start.
var Moscow = sync.OnceValue(func() *time.Location { return mustZone(AgencyZone) })

func mustZone(name string) *time.Location {
	loc, err := civil.Zone(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Name is a counter's name: its kind, then what it counts by (a service,
// a clerk, a specialist, a histogram's day), joined by '#'.
func Name(parts ...string) string { return strings.Join(parts, "#") }

// Split is a counter's name's parts, at most n (strings.SplitN).
func Split(name string, n int) []string { return strings.SplitN(name, "#", n) }

// Zone is the location of an IANA zone name, Moscow for "" or an unknown
// one.
func Zone(name string) *time.Location {
	if name == "" {
		return Moscow()
	}
	if loc, err := civil.Zone(name); err == nil {
		return loc
	}
	return Moscow()
}

// CompareDays orders days, oldest first.
func CompareDays(a, b Bucket) int {
	switch {
	case a.Day.Before(b.Day):
		return -1
	case a.Day.After(b.Day):
		return 1
	}
	return 0
}
