// Command bench measures Kabinet against the local stack (DynamoDB Local and
// fauxqs, started here) and writes BENCHMARKS.md: cold start of every
// function against a hello-world reference, DynamoDB calls and handler
// overhead per request, the expiry scan against a naive table scan, booking
// under contention, and a monthly bill on paper from the measured calls.
//
// Every timing is printed next to a reference measured in the same run, as a
// ratio: the machine is small and noisy, so only ratios compare across runs.
//
//	go run ./cmd/bench -out BENCHMARKS.md          # make bench (about 5-10 minutes)
//	go run ./cmd/bench -large -out BENCHMARKS.md   # make bench-large: adds the 1M-document scan
//	go run ./cmd/bench -quick                      # tiny sizes, seconds; what the unit test runs
//	go run ./cmd/bench -only cold                  # one part (cold, requests, scan, contention), to stdout
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/kabinet/kabinet/internal/emulators"
)

// options select what a run measures.
type options struct {
	Quick bool
	Large bool
	// Only names the steps to run (stepNames); empty runs them all.
	Only []string
	Root string    // repository root (go.mod of the module)
	Env  []string  // the emulator stack's AWS_* variables
	Log  io.Writer // progress
}

func main() {
	large := flag.Bool("large", false, "add the 1M-document expiry scan")
	quick := flag.Bool("quick", false, "tiny sizes: checks the code path in seconds, figures mean nothing")
	out := flag.String("out", "", "write the report to this file (default: stdout)")
	only := flag.String("only", "", "run only these parts, comma-separated: "+strings.Join(stepNames, ", ")+
		" (a partial report; keep it out of BENCHMARKS.md)")
	flag.Parse()
	log.SetFlags(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	root, err := emulators.RepoRoot()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(os.Stderr, "bench: starting DynamoDB Local and fauxqs")
	stack, err := emulators.Start(ctx, emulators.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if err := stack.Setenv(); err != nil {
		_ = stack.Stop()
		log.Fatal(err)
	}
	var parts []string
	if *only != "" {
		parts = strings.Split(*only, ",")
		for _, p := range parts {
			if !slices.Contains(stepNames, p) {
				log.Fatalf("-only %s: no such part (want %s)", p, strings.Join(stepNames, ", "))
			}
		}
	}
	rep, err := run(ctx, options{Quick: *quick, Large: *large, Only: parts, Root: root, Env: stack.Env(), Log: os.Stderr})
	if serr := stack.Stop(); serr != nil && err == nil {
		err = serr
	}
	if err != nil {
		log.Fatal(err)
	}
	md := rep.Markdown()
	if *out == "" {
		fmt.Print(md)
		return
	}
	if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "bench: wrote %s in %s\n", *out, rep.Elapsed.Round(time.Second))
}

// stepNames name the parts of a run for -only, in the order they run.
var stepNames = []string{"cold", "requests", "trips", "scan", "contention", "pipeline", "lateness", "dashboards"}

// run measures everything (or o.Only); the AWS environment must already point at the
// emulators (o.Env is what the function binaries get).
func run(ctx context.Context, o options) (*report, error) {
	start := time.Now()
	rep := &report{Quick: o.Quick, Large: o.Large, Machine: machine(), Date: start.UTC()}
	b, err := newBench(ctx, o)
	if err != nil {
		return nil, err
	}
	steps := []struct {
		part, name string // part is its name for -only (stepNames)
		fn         func(context.Context, *report) error
	}{
		{"cold", "cold start", b.coldStart},
		{"requests", "request cost", b.requestCost},
		{"trips", "every route's round trips", b.roundTrips},
		{"scan", "expiry scan scaling", b.scanScaling},
		{"contention", "booking contention", b.contention},
		{"pipeline", "reminder pipeline scale-out", b.pipelineScaling},
		{"lateness", "reminder lateness under a peak", b.pipelineLateness},
		{"dashboards", "dashboards over volume", b.dashboards},
	}
	for _, s := range steps {
		if len(o.Only) > 0 && !slices.Contains(o.Only, s.part) {
			continue
		}
		t0 := time.Now()
		b.logf("== %s", s.name)
		if err := s.fn(ctx, rep); err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		rep.Timings = append(rep.Timings, stepTime{s.name, time.Since(t0)})
		b.logf("== %s done in %s", s.name, time.Since(t0).Round(time.Millisecond))
	}
	rep.Cost = costOnPaper(rep)
	rep.Elapsed = time.Since(start)
	return rep, nil
}
