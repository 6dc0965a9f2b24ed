// Command load drives the whole local system (cmd/local, built here and
// started as a subprocess on a free loopback port with its own emulators and
// a temporary data directory) with a realistic mix of citizens' requests for
// a bounded time and number of requests, reports throughput and latency per
// operation, and then checks the appointment book against the table: no
// 5xx, no lost or duplicated booking, every touched slot's counter equal to
// the confirmed bookings holding it.
//
//	go run ./cmd/load -duration 60s            # make load
//	go run ./cmd/load -quick                   # 3 s, 2 workers: what the test runs
//
// It exits 1 when any 5xx happened or any check failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime"
	"time"

	"github.com/kabinet/kabinet/internal/emulators"
)

// options bound a run.
type options struct {
	Duration    time.Duration
	Workers     int
	MaxRequests int64
	Root        string // repository root
	Log         func(format string, args ...any)
}

func main() {
	quick := flag.Bool("quick", false, "3 s with 2 workers: checks the whole path, figures mean nothing")
	duration := flag.Duration("duration", 60*time.Second, "how long the workers send requests")
	workers := flag.Int("workers", 2*runtime.GOMAXPROCS(0)*4, "virtual users, each a distinct citizen")
	maxReq := flag.Int64("max-requests", 200000, "stop after this many requests in all")
	out := flag.String("out", "", "also write the report (Markdown) to this file")
	flag.Parse()
	log.SetFlags(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	root, err := emulators.RepoRoot()
	if err != nil {
		log.Fatal(err)
	}
	o := options{Duration: *duration, Workers: *workers, MaxRequests: *maxReq, Root: root,
		Log: func(f string, a ...any) { fmt.Fprintf(os.Stderr, "load: "+f+"\n", a...) }}
	if *quick {
		o.Duration, o.Workers = 3*time.Second, 2
	}
	res, err := run(ctx, o)
	if err != nil {
		log.Fatal("load: ", err)
	}
	md := res.Markdown()
	fmt.Print(md)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if !res.Pass() {
		os.Exit(1)
	}
}

// run starts the local system, loads it, checks the table and stops it.
func run(ctx context.Context, o options) (*result, error) {
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
	if o.Workers < 1 {
		o.Workers = 1
	}
	if o.MaxRequests < 1 {
		o.MaxRequests = 1
	}
	srv, err := startLocal(ctx, o.Root, o.Log)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	o.Log("local system at %s; %d workers for %s (at most %d requests)", srv.base, o.Workers, o.Duration, o.MaxRequests)
	res, err := drive(ctx, srv.base, o)
	if err != nil {
		return nil, err
	}
	o.Log("%d requests in %s; checking the table", res.Total.Count, res.Elapsed.Round(time.Millisecond))
	if err := check(ctx, srv.env, res); err != nil {
		return nil, err
	}
	if err := srv.stop(); err != nil {
		return nil, fmt.Errorf("stopping the local system: %w", err)
	}
	return res, nil
}
