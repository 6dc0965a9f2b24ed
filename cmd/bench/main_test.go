package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/emulators"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// TestQuickReport runs the benchmark end to end in quick mode against the
// emulators. It asserts no timing, only that every section is there and
// that the correctness figures hold: bookings equal capacity, the scan reads
// exactly what is due.
func TestQuickReport(t *testing.T) {
	stack := emutest.Need(t)
	root, err := emulators.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := run(context.Background(), options{Quick: true, Root: root, Env: stack.Env()})
	if err != nil {
		t.Fatal(err)
	}
	md := rep.Markdown()
	for _, s := range sections {
		if !strings.Contains(md, "\n"+s+"\n") {
			t.Errorf("report lacks %q", s)
		}
	}
	if len(rep.Cold) < 3 || rep.Cold[0].Name != helloName || rep.Cold[1].Name != helloSDKName ||
		!rep.Cold[0].Reference || !rep.Cold[1].Reference || rep.Cold[2].Reference {
		t.Errorf("cold start: want hello, hello + SDK, then functions: %+v", rep.Cold)
	}
	for _, c := range rep.Cold {
		if c.Init <= 0 || c.Binary == 0 || c.Zipped == 0 {
			t.Errorf("cold start of %s not measured: %+v", c.Name, c)
		}
	}
	if len(rep.Requests) != 6 {
		t.Errorf("%d routes measured, want 6", len(rep.Requests))
	}
	for _, q := range rep.Requests {
		if q.Calls < 1 {
			t.Errorf("%s: %.2f DynamoDB calls per request", q.Name, q.Calls)
		}
		if q.Trips < 1 || q.Trips > q.Calls {
			t.Errorf("%s: %.2f sequential round trips for %.2f calls per request", q.Name, q.Trips, q.Calls)
		}
	}
	// a dashboard reads the same whatever the volume behind it
	byRoute := map[string][]dashRow{}
	for _, d := range rep.Dashboards {
		byRoute[d.Route] = append(byRoute[d.Route], d)
	}
	if len(byRoute) != 2 {
		t.Errorf("dashboards measured: %+v, want the agency's and the institution's", rep.Dashboards)
	}
	for route, rows := range byRoute {
		for _, d := range rows[1:] {
			if d.Items != rows[0].Items || d.Calls != rows[0].Calls || d.Items > 91 {
				t.Errorf("%s: %+v after %d changes, %+v after %d: want the same reads, at most 90 days and the gauges", route, rows[0], rows[0].Changes, d, d.Changes)
			}
		}
	}
	if len(rep.Scans) == 0 {
		t.Fatal("no scan measured")
	}
	for _, s := range rep.Scans {
		if s.Due == 0 || s.Read != s.Due || s.Sent != s.Due {
			t.Errorf("scan of %d documents: read %d, sent %d, due %d", s.Docs, s.Read, s.Sent, s.Due)
		}
		if s.NaiveScanned < s.Docs || s.NaiveMatched != s.Due {
			t.Errorf("naive scan of %d documents read %d, matched %d (due %d)", s.Docs, s.NaiveScanned, s.NaiveMatched, s.Due)
		}
	}
	if len(rep.Contention) == 0 {
		t.Fatal("no contention measured")
	}
	for _, c := range rep.Contention {
		if c.Booked != c.Capacity || c.Other != 0 {
			t.Errorf("%d clients on %d slots: %d booked, capacity %d, %d other %v", c.Clients, c.Slots, c.Booked, c.Capacity, c.Other, c.Reasons)
		}
	}
	if rep.Cost.Total[0] <= 0 || rep.Cost.Total[1] <= rep.Cost.Total[0] {
		t.Errorf("cost on paper: %+v", rep.Cost.Total)
	}
	if len(rep.Pipeline) < 2 || rep.Pipeline[0].Workers != 0 {
		t.Errorf("scale-out: want the single loop, then the pipeline: %+v", rep.Pipeline)
	}
	for _, q := range rep.Pipeline {
		if q.Sent != q.Due || q.Jobs < 1 {
			t.Errorf("%s: sent %d of %d in %d jobs", q.Name, q.Sent, q.Due, q.Jobs)
		}
	}
	late := map[string]lateRow{}
	for _, l := range rep.Lateness {
		late[l.Design+"/"+l.Class] = l
		if l.N == 0 || l.Sent != l.N {
			t.Errorf("lateness %s/%s: sent %d of %d", l.Design, l.Class, l.Sent, l.N)
		}
	}
	// on the simulated clock: the pipeline sends bookings within the next
	// minute's dispatch; the single loop makes them wait for its next run
	if p, s := late["pipeline/urgent"], late["single loop/urgent"]; p.P99 > 2*time.Minute || p.P99 >= s.P99 {
		t.Errorf("booking reminders p99 late: pipeline %s, single loop %s", p.P99, s.P99)
	}
}
