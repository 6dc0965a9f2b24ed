package statsstore_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/stats"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// crash fails every TransactWriteItems after the first ok ones, as a
// process dying mid-batch would leave them: written or not at all.
type crash struct {
	mu sync.Mutex
	ok int
}

func (c *crash) middleware(st *middleware.Stack) error {
	return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("kabinetCrash",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if awsmiddleware.GetOperationName(ctx) == "TransactWriteItems" {
				c.mu.Lock()
				down := c.ok <= 0
				c.ok--
				c.mu.Unlock()
				if down {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, errors.New("injected: the aggregator died")
				}
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}

var scope = stats.Scope{Kind: stats.ScopeInstitution, ID: "inst-1"}

// records is n records, each adding one to a counter of a day of its own
// and one to the gauges.
func records(n int) []statsstore.Record {
	var out []statsstore.Record
	first := civil.Date{Year: 2026, Month: 1, Day: 1}
	for i := range n {
		c := stats.Counts{}
		c.Add(stats.Key{Scope: scope, Day: first.AddDays(i)}, "off#spec-1", 1)
		c.Add(stats.Key{Scope: scope}, "wl#spec-1", 1)
		out = append(out, statsstore.Record{ID: fmt.Sprintf("rec-%03d", i), Counts: c})
	}
	return out
}

func totals(t *testing.T, st *statsstore.Store) (days int64, perDay map[int64]int, now int64) {
	t.Helper()
	ctx := context.Background()
	bs, err := st.Days(ctx, scope, civil.Date{Year: 2026, Month: 1, Day: 1}, civil.Date{Year: 2026, Month: 12, Day: 31})
	if err != nil {
		t.Fatal(err)
	}
	perDay = map[int64]int{}
	for _, b := range bs {
		days += b.Counts["off#spec-1"]
		perDay[b.Counts["off#spec-1"]]++
	}
	g, err := st.Gauges(ctx, scope)
	if err != nil {
		t.Fatal(err)
	}
	return days, perDay, g.Counts["wl#spec-1"]
}

// TestApplyOnceThroughCrashAndReplay: a batch the aggregator died in the
// middle of (its first transaction written, the rest not) and then
// delivered again whole counts every record once; a replay of the batch
// changes nothing.
func TestApplyOnceThroughCrashAndReplay(t *testing.T) {
	ctx := context.Background()
	cl, table := testenv.Table(t, "stats")
	healthy := statsstore.New(store.New(cl.DynamoDB, table))
	c := &crash{ok: 1}
	faulty := statsstore.New(store.New(dynamodb.NewFromConfig(cl.AWS, func(o *dynamodb.Options) {
		o.APIOptions, o.RetryMaxAttempts = append(o.APIOptions, c.middleware), 1
	}), table))
	recs := records(60)

	failed, err := faulty.Apply(ctx, recs)
	// the first transaction holds 49 records: 49 markers, 49 days and the gauges
	if err == nil || len(failed) != 11 || failed[0] != "rec-049" {
		t.Fatalf("crashed batch: failed %v (%d), err %v; want the last 11 records, from rec-049", failed, len(failed), err)
	}
	if days, _, now := totals(t, healthy); days != 49 || now != 49 {
		t.Fatalf("after the crash: %d days' and %d gauges' counts, want the first transaction's 49", days, now)
	}
	for delivery := 1; delivery <= 2; delivery++ { // the redelivery, then a replay of it
		failed, err := healthy.Apply(ctx, recs)
		if err != nil || len(failed) != 0 {
			t.Fatalf("delivery %d: failed %v, err %v", delivery, failed, err)
		}
		days, perDay, now := totals(t, healthy)
		if days != 60 || now != 60 || perDay[1] != 60 {
			t.Fatalf("delivery %d: %d days' counts (%v by value), %d gauges'; want each of 60 records once", delivery, days, perDay, now)
		}
	}
}

// TestApplyMergesAChunk: records moving the same counters go in one
// transaction with one ADD per item, whatever their number.
func TestApplyMergesAChunk(t *testing.T) {
	ctx := context.Background()
	cl, table := testenv.Table(t, "stats")
	st := statsstore.New(store.New(cl.DynamoDB, table))
	day := civil.Date{Year: 2026, Month: 6, Day: 15}
	var recs []statsstore.Record
	for i := range 99 { // 99 markers and one day: one transaction
		c := stats.Counts{}
		c.Add(stats.Key{Scope: scope, Day: day}, "bkd#spec-"+strconv.Itoa(i%3), 1)
		recs = append(recs, statsstore.Record{ID: "m-" + strconv.Itoa(i), Counts: c})
	}
	if failed, err := st.Apply(ctx, recs); err != nil || len(failed) != 0 {
		t.Fatalf("failed %v: %v", failed, err)
	}
	bs, err := st.Days(ctx, scope, day, day)
	if err != nil || len(bs) != 1 {
		t.Fatalf("days %v: %v", bs, err)
	}
	for i := range 3 {
		if got := bs[0].Counts["bkd#spec-"+strconv.Itoa(i)]; got != 33 {
			t.Errorf("bkd#spec-%d = %d, want 33", i, got)
		}
	}
}
