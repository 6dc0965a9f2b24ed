package main

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// TestScheduledEventDispatchesJobs feeds the sample EventBridge event to
// the function's handler, composed from the environment as in Lambda (run): one job,
// for the one shard with a reminder due at the event's time, lands on the
// document queue; a retry of the event adds none.
func TestScheduledEventDispatchesJobs(t *testing.T) {
	ctx := context.Background()
	cl, table := testenv.Table(t, "dispatch")
	urls, err := queue.Ensure(ctx, cl.AWS, table+"-")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TABLE_NAME": table}
	for _, q := range queue.Queues {
		env[q.Env] = urls[q.Class]
	}
	var h eventHandler
	if err := run(actions.Recording(t, ctx, functions.ReminderDispatch), func(k string) string { return env[k] }, func(x eventHandler) { h = x }); err != nil || h == nil {
		t.Fatalf("run: %v (handler %v)", err, h != nil)
	}
	svc := &registry.Service{Store: allstore.New(cl.DynamoDB, table), NewID: ids.New,
		Now: func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }}
	if _, _, err := svc.CreateDocument(ctx, "alice", registry.CreateInput{Type: "custom",
		DocumentFields: registry.DocumentFields{Title: opt.Of("Pass"), ExpiresOn: opt.Of("2026-12-31")}}, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../events/scheduled-expiry-scan.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		dis, err := h(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		if !dis.Now.Equal(ev.Time) || dis.Jobs[reminders.ClassDocument] != 1 || dis.Jobs[reminders.ClassUrgent] != 0 ||
			dis.Probed != store.UrgentShards+store.DocumentShards {
			t.Errorf("dispatch %+v, want one document job at %s after probing every shard", dis, ev.Time)
		}
	}
	jobs := &queue.Jobs{AWS: cl.AWS, URLs: urls}
	got, err := jobs.Receive(ctx, reminders.ClassDocument, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].Job.Now.Equal(ev.Time) || got[0].Job.Cursor != "" {
		t.Errorf("queued %+v, want one job at the event's time (the retry's copy dropped)", got)
	}
	if _, err := h(ctx, events.EventBridgeEvent{}); err == nil {
		t.Error("an event without a time was accepted")
	}
}

func TestRunNeedsItsConfiguration(t *testing.T) {
	for _, env := range []map[string]string{
		{},
		{"TABLE_NAME": "t"},
		{"TABLE_NAME": "t", "URGENT_JOBS_QUEUE_URL": "u"},
	} {
		if err := run(context.Background(), func(k string) string { return env[k] }, func(eventHandler) { t.Error("started") }); err == nil {
			t.Errorf("run with %v succeeded", env)
		}
	}
}
