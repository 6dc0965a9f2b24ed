package httpapi_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/store/statsfeed"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/app/aggregate"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/stats"
)

// TestStatsEqualRecount is the aggregates' property: after a random
// (seeded: KABINET_STATS_SEED repeats one) sequence of submissions,
// transitions, withdrawals, bookings, cancellations, visits and no-shows
// through the API, the stream read from DynamoDB Local in pieces between
// them, the counters equal a recount of the table's items as they stand —
// and still do after the whole stream is delivered again.
func TestStatsEqualRecount(t *testing.T) {
	seed := uint64(21)
	if s := os.Getenv("KABINET_STATS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (KABINET_STATS_SEED)", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "12:00", nil, 30, 6, 1))
	e.setSchedule(kgdPoly, kgdPediatric, weekdaysPlan("10:00", "12:00", nil, 30, 4, 1))
	people := []string{"p-1", "p-2", "p-3", "p-4", "p-5", "p-6"}
	clerk := e.agencyStaff("fns")
	var apps, bookings []string
	moves := []string{"processing", "needs_info", "approved", "rejected", "processing"}
	for step := 0; step < 60; step++ {
		who := people[rng.IntN(len(people))]
		switch op := rng.IntN(10); {
		case op < 3:
			id := e.mustDraft(who, "certificate_request", certificateFields())["id"].(string)
			if rng.IntN(5) > 0 {
				e.mustSubmit(who, id)
			}
			apps = append(apps, who+"/"+id)
		case op < 5 && len(apps) > 0:
			_, id, _ := strings.Cut(apps[rng.IntN(len(apps))], "/")
			e.move(clerk, id, moves[rng.IntN(len(moves))], "Нужны сведения") // an edge the machine lacks is 409 and changes nothing
		case op < 6 && len(apps) > 0:
			owner, id, _ := strings.Cut(apps[rng.IntN(len(apps))], "/")
			e.do(req{method: "POST", path: "/applications/" + id + "/withdraw", token: e.token(owner)})
		case op < 8:
			spec := []string{kgdTherapist, kgdPediatric}[rng.IntN(2)]
			free := e.freeSlots(spec, "from=2026-06-16&to=2026-06-19").Items
			if len(free) == 0 {
				continue
			}
			if r := e.book(who, free[rng.IntN(len(free))].ID); r.status == http.StatusCreated {
				bookings = append(bookings, who+"/"+r.json(t)["id"].(string))
			}
		case op < 9 && len(bookings) > 0:
			owner, id, _ := strings.Cut(bookings[rng.IntN(len(bookings))], "/")
			e.do(req{method: "POST", path: "/bookings/" + id + "/cancel", token: e.token(owner), body: map[string]any{"reason": "Планы изменились"}})
		default:
			e.aggregate() // part of the stream, between changes
		}
	}
	// the week's appointments have begun: visits and no-shows
	e.clock.Set(bookingMonday.Add(6 * 24 * 60 * 60 * 1e9))
	staff := e.staff(kgdPoly)
	for _, b := range bookings {
		if rng.IntN(3) == 0 {
			continue
		}
		_, id, _ := strings.Cut(b, "/")
		outcome := []string{"completed", "no_show"}[rng.IntN(2)]
		e.do(req{method: "POST", path: "/bookings/" + id + "/visit", token: staff, body: map[string]any{"outcome": outcome}})
	}
	e.aggregate()
	want, got := recount(t, e), counters(t, e)
	if len(want) == 0 {
		t.Fatal("the recount found nothing: the sequence made no counted item")
	}
	compareCounts(t, got, want)

	e.feed = nil // the whole stream again: nothing counts twice
	e.aggregate()
	compareCounts(t, counters(t, e), want)
}

// scanAll reads every item of the env's table (a test's recount; no
// function scans).
func scanAll(t *testing.T, e *env) []map[string]types.AttributeValue {
	t.Helper()
	var out []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(e.db, &dynamodb.ScanInput{TableName: aws.String(e.table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
	}
	return out
}

// recount is what the items of the table count now, by bucket (the
// counters' item key) and counter.
func recount(t *testing.T, e *env) map[string]int64 {
	t.Helper()
	agg := aggregate.New(core.NewStore(core.Config{Table: e.table}, e.cl, e.clock.Now), e.clock.Now)
	zone, err := agg.Zones(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rules := agg.Rules
	rules.Zone = zone
	total := stats.Counts{}
	for _, av := range scanAll(t, e) {
		it, err := statsfeed.ItemOf(av)
		if err != nil {
			t.Fatalf("item %v: %v", av["sk"], err)
		}
		total.AddAll(rules.Of(it), 1)
	}
	out := map[string]int64{}
	for k, m := range total {
		sk := "NOW"
		if !k.Now() {
			sk = "DAY#" + k.Day.String()
		}
		for name, n := range m {
			out[statsstore.PK(k.Scope)+" "+sk+" "+name] = n
		}
	}
	return out
}

// counters is what the counters' items hold (zeros left out: a counter
// moved up and back down stays, at 0).
func counters(t *testing.T, e *env) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, av := range scanAll(t, e) {
		pk := av["pk"].(*types.AttributeValueMemberS).Value
		if !strings.HasPrefix(pk, "STATS#AGENCY#") && !strings.HasPrefix(pk, "STATS#INST#") {
			continue
		}
		sk := av["sk"].(*types.AttributeValueMemberS).Value
		for name, v := range av {
			if n, ok := v.(*types.AttributeValueMemberN); ok && n.Value != "0" {
				x, _ := strconv.ParseInt(n.Value, 10, 64)
				out[pk+" "+sk+" "+name] = x
			}
		}
	}
	return out
}

func compareCounts(t *testing.T, got, want map[string]int64) {
	t.Helper()
	var diffs []string
	for k, w := range want {
		if got[k] != w {
			diffs = append(diffs, fmt.Sprintf("%s = %d, recount %d", k, got[k], w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s = %d, recount 0", k, g))
		}
	}
	if len(diffs) > 0 {
		t.Errorf("%d counters differ from the recount (of %d):\n%s", len(diffs), len(want), strings.Join(diffs, "\n"))
	}
}
