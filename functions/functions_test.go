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
		for _, set := range []bool{len(f.Routes) > 0, f.Schedule != nil, f.Events != nil, len(f.Queues) > 0, f.Stream != nil} {
			if set {
				triggers++
			}
		}
		if triggers != 1 {
			t.Errorf("%s has %d triggers, want exactly one of routes, schedule, events, queues, stream", f.Name, triggers)
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
	want := []EventRule{
		{Name: "agency-documents", Sources: []string{ingest.SourcePrefix}, DetailTypes: []string{ingest.DocumentIssued, ingest.DocumentRevoked, ingest.PaymentConfirmed}},
		{Name: "lab-results", Sources: []string{ingest.LabSourcePrefix}, DetailTypes: []string{ingest.LabResultIssued}},
	}
	if len(f.Events.Rules) != len(want) {
		t.Fatalf("rules %+v, want %+v", f.Events.Rules, want)
	}
	for i, r := range f.Events.Rules {
		if r.Name != want[i].Name || !slices.Equal(r.Sources, want[i].Sources) || !slices.Equal(r.DetailTypes, want[i].DetailTypes) {
			t.Errorf("rule %d = %+v, want %+v", i, r, want[i])
		}
	}
}

// GIVEN the function table's rules WHEN events are matched as EventBridge
// matches them THEN each sample event reaches ingest, and a source with
// another rule's detail type reaches nothing.
func TestEventTargets(t *testing.T) {
	for _, tc := range []struct {
		name, bus, source, detailType string
		want                          []string
	}{
		{"agency issue", AgenciesBus, "gov.agency.mvd", ingest.DocumentIssued, []string{Ingest}},
		{"agency revocation", AgenciesBus, "gov.agency.gibdd", ingest.DocumentRevoked, []string{Ingest}},
		{"treasury payment", AgenciesBus, "gov.agency.treasury", ingest.PaymentConfirmed, []string{Ingest}},
		{"lab result", AgenciesBus, "gov.lab.invitro", ingest.LabResultIssued, []string{Ingest}},
		{"a lab issuing a passport", AgenciesBus, "gov.lab.invitro", ingest.DocumentIssued, nil},
		{"an agency sending a lab result", AgenciesBus, "gov.agency.mvd", ingest.LabResultIssued, nil},
		{"unknown source", AgenciesBus, "com.example", ingest.DocumentIssued, nil},
		{"another bus", "kabinet-other", "gov.lab.invitro", ingest.LabResultIssued, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := EventTargets(tc.bus, tc.source, tc.detailType); !slices.Equal(got, tc.want) {
				t.Errorf("EventTargets = %v, want %v", got, tc.want)
			}
		})
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
