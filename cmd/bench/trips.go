package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// tripTable is every route's round trips as TestRoundTrips measures them
// (shared/adapter/httpapi/roundtrips_test.go writes it: tripTable there).
type tripTable struct {
	Rows []tripRow
}

// tripRow is one request of a route: see tripTableRow in roundtrips_test.go.
type tripRow struct {
	Route, Case, Function string
	Status                int
	Counted               bool
	Trips                 [][]string
	Calls                 int
	Capacity, Read, Write float64
	Target                int
	Over                  string
}

// roundTrips runs TestRoundTrips (its own DynamoDB Local and fauxqs, on
// their own ports) with KABINET_ROUNDTRIPS_OUT set and reads the table it
// writes: every route's calls, sequential round trips and capacity, trip
// by trip, counted by the test's middleware without timing.
func (b *bench) roundTrips(ctx context.Context, rep *report) error {
	if b.o.Quick {
		b.logf("quick: every route's round trips left to TestRoundTrips itself")
		return nil
	}
	dir, err := os.MkdirTemp("", "kabinet-bench-trips-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "trips.json")
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^TestRoundTrips$", "./shared/adapter/httpapi/")
	cmd.Dir = b.o.Root
	cmd.Env = append(os.Environ(), "KABINET_ROUNDTRIPS_OUT="+out, "KABINET_REQUIRE_EMULATORS=1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("TestRoundTrips: %v\n%s", err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &rep.Trips); err != nil {
		return fmt.Errorf("the round trips' table: %w", err)
	}
	b.logf("round trips: %d requests of %d routes", len(rep.Trips.Rows), rep.Trips.routes())
	return nil
}

func (t tripTable) routes() int {
	seen := map[string]bool{}
	for _, r := range t.Rows {
		seen[r.Route] = true
	}
	return len(seen)
}

// markdown writes the table, a subsection of the request cost.
func (t tripTable) markdown(p func(string, ...any)) {
	if len(t.Rows) == 0 {
		return
	}
	over, within := map[string]bool{}, 0
	for _, r := range t.Rows {
		if r.Over != "" {
			over[r.Route] = true
		}
	}
	within = t.routes() - len(over)
	p("### Every route's round trips")
	p("")
	p("Every route of the route table, one request each (a few routes several: with and without an Idempotency-Key,")
	p("in a named language), as `TestRoundTrips` makes them on DynamoDB Local: its SDK middleware holds each call until")
	p("the calls a request makes at once have all arrived, so **sequential round trips** are counted without timing,")
	p("and asks every call for its consumed capacity. The target: a read route in 1 round trip, a write in at most 2")
	p("(issue #14). %d of %d routes meet it; the %d that do not say why (the test's `tripsOver`, which fails when a", within, t.routes(), len(over))
	p("listed route meets its target). A row marked *uncounted* makes calls that depend on its data (a page of slots,")
	p("each share of a list): its calls and capacity are counted, its trips are not pinned.")
	p("")
	p("| route | function | request | status | DynamoDB calls | sequential round trips | target | capacity units (read, write) | trips, in order | over the target because |")
	p("|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range t.Rows {
		trips, order := "uncounted", ""
		if r.Counted {
			trips = fmt.Sprint(len(r.Trips))
			var ws []string
			for _, w := range r.Trips {
				ws = append(ws, strings.Join(w, " + "))
			}
			order = strings.Join(ws, " → ")
		}
		name := r.Case
		if name == "" {
			name = "—"
		}
		p("| `%s` | %s | %s | %d | %d | %s | %d | %.1f (%.1f, %.1f) | %s | %s |", r.Route, r.Function, name, r.Status, r.Calls, trips, r.Target,
			r.Capacity, r.Read, r.Write, order, r.Over)
	}
	p("")
}
