package functions

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/app/pipeline"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

// GIVEN the table and the functions/ directory WHEN compared THEN each entry
// has functions/<name>/main.go and each directory has an entry.
func TestTableIsTheDirectory(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	for _, d := range dirs {
		if _, ok := Get(d); !ok {
			t.Errorf("functions/%s has no entry in functions.All", d)
		}
	}
	for _, f := range All {
		if _, err := os.Stat(filepath.Join(f.Name, "main.go")); err != nil {
			t.Errorf("functions.All lists %s, but functions/%s/main.go: %v", f.Name, f.Name, err)
		}
	}
}

// GIVEN every entry WHEN checked THEN names and route patterns are unique,
// each function has exactly one trigger and a size.
func TestTableIsWellFormed(t *testing.T) {
	names := map[string]bool{}
	patterns := map[string]string{}
	for _, f := range All {
		if names[f.Name] {
			t.Errorf("%s is listed twice", f.Name)
		}
		names[f.Name] = true
		triggers := 0
		for _, set := range []bool{len(f.Routes) > 0, f.Schedule != nil, f.Events != nil, len(f.Queues) > 0} {
			if set {
				triggers++
			}
		}
		if triggers != 1 {
			t.Errorf("%s has %d triggers, want exactly one of routes, schedule, events, queues", f.Name, triggers)
		}
		if f.MemoryMB < 128 || f.Timeout <= 0 {
			t.Errorf("%s: memory %d MB, timeout %s", f.Name, f.MemoryMB, f.Timeout)
		}
		for _, r := range f.Routes {
			if r.Method() == "" || r.Path() == "" || r.Path()[0] != '/' {
				t.Errorf("%s: route %q is not \"METHOD /path\"", f.Name, r.Pattern)
			}
			if other, dup := patterns[r.Pattern]; dup {
				t.Errorf("%s: route %q is already %s's", f.Name, r.Pattern, other)
			}
			patterns[r.Pattern] = f.Name
		}
	}
	if got := len(Routes()); got != len(patterns) {
		t.Errorf("Routes() has %d routes, the table %d", got, len(patterns))
	}
	for _, r := range Routes() {
		if patterns[r.Pattern] != r.Function {
			t.Errorf("Routes() gives %q to %s, the table to %s", r.Pattern, r.Function, patterns[r.Pattern])
		}
	}
}

// GIVEN the ingest function's rule WHEN compared with the ingest domain's
// vocabulary THEN it matches exactly the events ingest applies. (The table
// spells them out because it imports no domain package.)
func TestIngestRuleMatchesTheDomain(t *testing.T) {
	f, ok := Get(Ingest)
	if !ok || f.Events == nil {
		t.Fatalf("no event-driven %s function", Ingest)
	}
	if want := []string{ingest.SourcePrefix}; !slices.Equal(f.Events.Sources, want) {
		t.Errorf("sources %v, want %v", f.Events.Sources, want)
	}
	if want := []string{ingest.DocumentIssued, ingest.DocumentRevoked, ingest.PaymentConfirmed}; !slices.Equal(f.Events.DetailTypes, want) {
		t.Errorf("detail types %v, want %v", f.Events.DetailTypes, want)
	}
}

// GIVEN the reminder worker's queues WHEN compared with the queue adapter's
// definitions THEN they are the same queues, each at least 2 at once (SQS
// event sources' minimum), summing to the concurrency the send rates are
// divided over by default.
func TestReminderQueuesMatchTheAdapter(t *testing.T) {
	f, ok := Get(ReminderWorker)
	if !ok {
		t.Fatalf("no %s function", ReminderWorker)
	}
	var got, want []string
	sum := 0
	for _, q := range f.Queues {
		got = append(got, q.Name)
		if q.MaxConcurrency < 2 {
			t.Errorf("%s: concurrency %d", q.Name, q.MaxConcurrency)
		}
		sum += q.MaxConcurrency
	}
	for _, q := range queue.Queues {
		want = append(want, q.Name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("queues %v, want %v", got, want)
	}
	if sum != pipeline.DefaultWorkers {
		t.Errorf("concurrency %d in all, pipeline.DefaultWorkers %d", sum, pipeline.DefaultWorkers)
	}
}
