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
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// TestScheduledEventDrivesTheScan feeds the sample EventBridge event to the
// function's handler, composed from the environment as in Lambda (run): the scan runs
// at the event's time, not the clock's.
func TestScheduledEventDrivesTheScan(t *testing.T) {
	ctx := context.Background()
	cl, table := testenv.Table(t, "fn")
	topic := testenv.Topic(t, cl, table)
	env := map[string]string{"TABLE_NAME": table, "REMINDERS_TOPIC_ARN": topic}
	var h eventHandler
	if err := run(actions.Recording(t, ctx, functions.ExpiryScan), func(k string) string { return env[k] }, func(x eventHandler) { h = x }); err != nil || h == nil {
		t.Fatalf("run: %v (handler %v)", err, h != nil)
	}
	// a document whose 30-day reminder is due at the sample event's time (09:00 in Moscow)
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
	sum, err := h(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Now != ev.Time || sum.Due != 1 || sum.Sent != 1 {
		t.Errorf("summary %+v, want one reminder sent at %s", sum, ev.Time)
	}
	if _, err := h(ctx, events.EventBridgeEvent{}); err == nil {
		t.Error("an event without a time was accepted")
	}
}

func TestRunNeedsItsConfiguration(t *testing.T) {
	for _, env := range []map[string]string{
		{},
		{"TABLE_NAME": "t"},
	} {
		if err := run(context.Background(), func(k string) string { return env[k] }, func(eventHandler) { t.Error("started") }); err == nil {
			t.Errorf("run with %v succeeded", env)
		}
	}
}
