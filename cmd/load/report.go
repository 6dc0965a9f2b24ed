package main

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
)

// opStats are the figures of one operation (or of all).
type opStats struct {
	Op            string
	Count         int
	Throughput    float64 // requests per second of the run
	P50, P95, P99 time.Duration
	Classes       map[string]int // 2xx, 3xx, 4xx, 5xx, error
	ServerErrors  int            // 5xx
	TransportErrs int
}

// result is a run's figures and the consistency checks.
type result struct {
	Workers     int
	Duration    time.Duration // asked for
	MaxRequests int64
	Elapsed     time.Duration
	Ops         []opStats
	Total       opStats
	Errors      []string // the first unexpected answers

	Bookings []*booked
	Tried    []string // slot ids a booking was attempted on

	// filled by check
	SlotsChecked    int
	BookingsInTable int
	Problems        []string
}

// Pass is the criterion of the load test: no 5xx, no transport error, no
// failed check.
func (r *result) Pass() bool {
	return r.Total.ServerErrors == 0 && r.Total.TransportErrs == 0 && len(r.Problems) == 0
}

func summarise(ws []*worker, elapsed time.Duration, o options) *result {
	r := &result{Workers: o.Workers, Duration: o.Duration, MaxRequests: o.MaxRequests, Elapsed: elapsed}
	byOp := map[string][]sample{}
	var all []sample
	tried := map[string]bool{}
	for _, w := range ws {
		for _, s := range w.samples {
			byOp[s.op] = append(byOp[s.op], s)
		}
		all = append(all, w.samples...)
		r.Bookings = append(r.Bookings, w.mine...)
		for id := range w.tried {
			tried[id] = true
		}
		for _, e := range w.errs {
			if len(r.Errors) < 10 {
				r.Errors = append(r.Errors, e)
			}
		}
	}
	for id := range tried {
		r.Tried = append(r.Tried, id)
	}
	slices.Sort(r.Tried)
	for _, op := range opOrder {
		r.Ops = append(r.Ops, stats(op, byOp[op], elapsed))
	}
	r.Total = stats("all", all, elapsed)
	return r
}

func stats(op string, ss []sample, elapsed time.Duration) opStats {
	st := opStats{Op: op, Count: len(ss), Classes: map[string]int{}}
	if elapsed > 0 {
		st.Throughput = float64(len(ss)) / elapsed.Seconds()
	}
	lat := make([]time.Duration, 0, len(ss))
	for _, s := range ss {
		lat = append(lat, s.latency)
		switch {
		case s.status == 0:
			st.Classes["error"]++
			st.TransportErrs++
		default:
			st.Classes[fmt.Sprintf("%dxx", s.status/100)]++
			if s.status >= 500 {
				st.ServerErrors++
			}
		}
	}
	slices.Sort(lat)
	st.P50, st.P95, st.P99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
	return st
}

// pct is the nearest-rank percentile of sorted durations.
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (p*len(sorted)+99)/100 - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

func classes(m map[string]int) string {
	var parts []string
	for _, k := range []string{"2xx", "3xx", "4xx", "5xx", "error"} {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	return strings.Join(parts, ", ")
}

// Markdown is the report.
func (r *result) Markdown() string {
	var b strings.Builder
	verdict := "PASS"
	if !r.Pass() {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "# Load test: %s\n\n", verdict)
	fmt.Fprintf(&b, "The local system (`cmd/local`: DynamoDB Local, fauxqs, every route on one server) on loopback, "+
		"%d virtual users (distinct citizens) for %s (asked %s, at most %d requests), %d CPUs, %s/%s.\n\n",
		r.Workers, r.Elapsed.Round(time.Millisecond), r.Duration, r.MaxRequests, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	b.WriteString("| operation | requests | req/s | p50 ms | p95 ms | p99 ms | statuses | 5xx |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---|---:|\n")
	for _, s := range append(slices.Clone(r.Ops), r.Total) {
		name := s.Op
		if s.Op == "all" {
			name = "**all**"
		}
		fmt.Fprintf(&b, "| %s | %d | %.1f | %s | %s | %s | %s | %d |\n", name, s.Count, s.Throughput,
			ms(s.P50), ms(s.P95), ms(s.P99), classes(s.Classes), s.ServerErrors)
	}
	cancelled := 0
	for _, bk := range r.Bookings {
		if bk.Cancelled {
			cancelled++
		}
	}
	b.WriteString("\nBooking conflicts (409/422: slot taken, one booking per person and day, daily limit, cancel deadline) are expected 4xx.\n")
	fmt.Fprintf(&b, "\n## Consistency (checked against the table afterwards)\n\n")
	fmt.Fprintf(&b, "- bookings created (201): %d, of which cancelled (200): %d\n", len(r.Bookings), cancelled)
	fmt.Fprintf(&b, "- slots a booking was attempted on, checked: %d; booking items in the table: %d\n", r.SlotsChecked, r.BookingsInTable)
	if len(r.Problems) == 0 {
		b.WriteString("- every touched slot's `booked` equals its confirmed bookings and is within capacity; every booking id seen exists exactly once; every cancelled booking is cancelled in the table\n")
	}
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "- FAIL: %s\n", p)
	}
	if len(r.Errors) > 0 {
		b.WriteString("\n## Unexpected answers (first few)\n\n")
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "- `%s`\n", e)
		}
	}
	return b.String()
}
