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

// TestQuickLoad builds and starts cmd/local as make load does, drives it for
// a few seconds with two users, and checks the table. It asserts only
// correctness: no 5xx, every operation ran, the appointment book adds up.
func TestQuickLoad(t *testing.T) {
	emutest.Need(t) // the skip/require logic; cmd/local starts its own emulators
	root, err := emulators.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	res, err := run(context.Background(), options{Duration: 3 * time.Second, Workers: 2, MaxRequests: 200000, Root: root, Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	md := res.Markdown()
	t.Log("\n" + md)
	if !res.Pass() {
		t.Errorf("load test failed: 5xx %d, transport errors %d, problems %v, errors %v",
			res.Total.ServerErrors, res.Total.TransportErrs, res.Problems, res.Errors)
	}
	if res.Total.Count == 0 {
		t.Fatal("no request sent")
	}
	if res.SlotsChecked == 0 && len(res.Tried) > 0 {
		t.Errorf("%d slots tried, none checked", len(res.Tried))
	}
	for _, s := range []string{"| list documents |", "| book a slot |", "| **all** |", "## Consistency"} {
		if !strings.Contains(md, s) {
			t.Errorf("report lacks %q", s)
		}
	}
}

func TestBounded(t *testing.T) {
	if err := loopbackOnly("http://10.0.0.1:8080"); err == nil {
		t.Error("a non-loopback address was accepted")
	}
	if err := loopbackOnly("http://127.0.0.1:8080"); err != nil {
		t.Error(err)
	}
	lat := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if pct(lat, 50) != 5 || pct(lat, 95) != 10 || pct(lat, 99) != 10 {
		t.Errorf("percentiles %v %v %v", pct(lat, 50), pct(lat, 95), pct(lat, 99))
	}
}
