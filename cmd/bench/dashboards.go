package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/stats"
	"github.com/kabinet/kabinet/shared/domain/stats/changes"
)

// dashRow is one dashboard request after one volume of changes.
type dashRow struct {
	Route   string
	Changes int // applications (agency) or bookings (institution) behind it
	Calls   int
	Trips   int
	Items   int // items the request read (the day buckets and the gauges)
	Units   float64
}

// The dashboards' volumes: the same 90-day requests after each.
func (b *bench) dashVolumes() []int {
	if b.o.Quick {
		return []int{100, 1000}
	}
	return []int{10_000, 100_000}
}

// dashboards shows that a dashboard reads O(days) items whatever the
// volume behind it: the 90-day agency and institution requests are served
// after 10k and after 100k applications and bookings, and each reads the
// same items in the same calls. The changes go to the counters straight through
// the aggregator's rules and store (a batch's changes merged into one
// per counters' item, as a stream batch merges them), not through HTTP:
// their number, not their path, is what is measured against.
func (b *bench) dashboards(ctx context.Context, rep *report) error {
	table, done, err := b.table(ctx, "dash")
	if err != nil {
		return err
	}
	defer done()
	h, err := b.handler(table, true, ctx)
	if err != nil {
		return err
	}
	st := statsstore.New(store.New(b.raw, table))
	b.clock.Set(benchMonday)
	first := civil.Of(benchMonday).AddDays(-89)
	rng := rand.New(rand.NewPCG(21, 0))
	rules := changes.Rules{Zone: func(string) string { return "Europe/Kaliningrad" }}
	fed := 0
	for _, volume := range b.dashVolumes() {
		for ; fed < volume; fed += dashBatch {
			c := stats.Counts{}
			for i := range dashBatch {
				a, bk := dashChange(rng, first, fed+i)
				c.AddAll(rules.Of(changes.Item{Application: &a}), 1)
				c.AddAll(rules.Of(changes.Item{Booking: &bk}), 1)
			}
			var recs []statsstore.Record // one per counters' item: a transaction holds at most 100 items
			for k, m := range c {
				recs = append(recs, statsstore.Record{ID: fmt.Sprintf("bench-%d-%d", fed, len(recs)), Counts: stats.Counts{k: m}})
			}
			if failed, err := st.Apply(ctx, recs); err != nil || len(failed) > 0 {
				return fmt.Errorf("feed the counters: %v", err)
			}
		}
		b.logf("dashboards: %d applications and bookings behind them", volume)
		for _, r := range []struct{ route, path, token string }{
			{"GET /agency/stats", "/agency/stats?from=" + first.String() + "&to=" + civil.Of(benchMonday).String(),
				b.managerToken(httpapi.Identity{Agency: "fns"})},
			{"GET /institutions/{id}/stats", "/institutions/inst-kgd-01/stats?from=" + first.String() + "&to=" + civil.Of(benchMonday).String(),
				b.managerToken(httpapi.Identity{Institution: "inst-kgd-01"})},
		} {
			serve(h, "GET", r.path, r.token, "", nil) // the directory's cache warm
			b.count.start()
			w, _ := serve(h, "GET", r.path, r.token, "", nil)
			t := b.count.stop()
			if w.Code != http.StatusOK {
				return fmt.Errorf("%s: %d %s", r.route, w.Code, w.Body)
			}
			scope := stats.Scope{Kind: stats.ScopeAgency, ID: "fns"}
			if r.route != "GET /agency/stats" {
				scope = stats.Scope{Kind: stats.ScopeInstitution, ID: "inst-kgd-01"}
			}
			days, err := st.Days(ctx, scope, first, civil.Of(benchMonday))
			if err != nil {
				return err
			}
			row := dashRow{Route: r.route, Changes: volume, Calls: len(t.calls), Trips: t.trips, Items: len(days) + 1}
			for _, c := range t.calls {
				row.Units += max(c.Capacity, 0)
			}
			rep.Dashboards = append(rep.Dashboards, row)
		}
	}
	return nil
}

// dashBatch is how many changes one record carries.
const dashBatch = 500

func (b *bench) managerToken(scope httpapi.Identity) string {
	scope.Sub, scope.Groups = "bench-head", []string{httpapi.GroupManager}
	tok, err := b.issuer.Issue(scope)
	if err != nil {
		panic(err)
	}
	return tok
}

// dashChange is the i-th application (decided or open) and booking
// (visited, cancelled or to come) of a random day of the 90.
func dashChange(rng *rand.Rand, first civil.Date, i int) (applications.Application, booking.Booking) {
	day := first.AddDays(rng.IntN(90)).In(stats.Moscow()).Add(10 * time.Hour)
	due := civil.Of(day).AddDays(14)
	a := applications.Application{ID: "app-" + strconv.Itoa(i), Agency: "fns", ServiceCode: "certificate_request", ExpectedDecision: &due,
		Status: applications.StatusProcessing, Assignee: "clerk-" + strconv.Itoa(rng.IntN(20)),
		Timeline: []applications.Entry{{At: day, From: applications.StatusDraft, To: applications.StatusReceived}}}
	if rng.IntN(3) > 0 {
		a.Status = []applications.Status{applications.StatusApproved, applications.StatusRejected}[rng.IntN(2)]
		a.Timeline = append(a.Timeline, applications.Entry{At: day.Add(time.Duration(24*(1+rng.IntN(20))) * time.Hour),
			From: applications.StatusProcessing, To: a.Status})
	}
	spec := []string{"spec-kgd-01-1", "spec-kgd-01-2"}[rng.IntN(2)]
	bk := booking.Booking{ID: "bk-" + strconv.Itoa(i), InstitutionID: "inst-kgd-01", SpecialistID: spec, TimeZone: "Europe/Kaliningrad",
		Start: day, CreatedAt: day.Add(-time.Duration(24*rng.IntN(14)) * time.Hour),
		Status: []booking.Status{booking.Completed, booking.NoShow, booking.Cancelled, booking.Confirmed}[rng.IntN(4)]}
	return a, bk
}

// dashboardsMarkdown renders section 7.
func (r *report) dashboardsMarkdown(p func(string, ...any)) {
	if len(r.Dashboards) == 0 {
		return
	}
	p("## 7. Dashboards")
	p("")
	p("The managers' dashboards read counters the stats aggregator keeps from the table's stream, one item per scope")
	p("and day and one of the gauges (README, Managers' dashboards): the same 90-day request after ever more")
	p("applications and bookings behind it reads the same items in the same calls. Counted on DynamoDB Local with")
	p("`ReturnConsumedCapacity`; the changes were fed to the aggregator's rules and store directly (%d at a time, merged per item).", dashBatch)
	p("Capacity is those items' bytes: it grows with how many services, specialists, clerks and histogram days have")
	p("counts (bounded by the catalogue, the staff and the range) and the counts' digits, never with the volume as such.")
	p("")
	p("| request (90 days) | applications / bookings behind it | DynamoDB calls | round trips | items read | capacity units |")
	p("|---|---:|---:|---:|---:|---:|")
	for _, d := range r.Dashboards {
		p("| `%s` | %d | %d | %d | %d | %s |", d.Route, d.Changes, d.Calls, d.Trips, d.Items, count(d.Units))
	}
	p("")
}
