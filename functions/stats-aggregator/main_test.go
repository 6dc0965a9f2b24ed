package main

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/stats"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// TestSampleStreamBatch feeds the sample stream batch (a slot made, then
// booked) to the function's handler as Lambda would, twice: the slot's
// places are offered once, its booking moves nothing, and the second
// delivery changes nothing.
func TestSampleStreamBatch(t *testing.T) {
	ctx := context.Background()
	cl, table := testenv.Table(t, "fn")
	env := map[string]string{"TABLE_NAME": table}
	var h streamHandler
	if err := run(actions.Recording(t, ctx, functions.StatsAggregator), func(k string) string { return env[k] }, func(x streamHandler) { h = x }); err != nil || h == nil {
		t.Fatalf("run: %v (handler %v)", err, h != nil)
	}
	raw, err := os.ReadFile("../../events/stats-stream-slot.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	st := statsstore.New(store.New(cl.DynamoDB, table))
	scope := stats.Scope{Kind: stats.ScopeInstitution, ID: "inst-kgd-01"}
	day := civil.Date{Year: 2026, Month: 6, Day: 16} // 07:00 UTC, in Moscow's zone: no directory here
	for delivery := 1; delivery <= 2; delivery++ {
		res, err := h(actions.Recording(t, ctx, functions.StatsAggregator), ev)
		if err != nil || len(res.BatchItemFailures) != 0 {
			t.Fatalf("delivery %d: %v %+v", delivery, err, res)
		}
		days, err := st.Days(ctx, scope, day, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(days) != 1 || days[0].Counts["off#spec-kgd-01-1"] != 2 || len(days[0].Counts) != 1 {
			t.Fatalf("delivery %d: counters %+v, want off#spec-kgd-01-1 = 2 alone", delivery, days)
		}
	}
}
