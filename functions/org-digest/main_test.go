package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/domain/orgs"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// TestWeeklyEventDigestsEveryOrganisation builds the function from its
// environment as in Lambda and runs it on a scheduled event: every
// organisation that has a consent gets one digest.
func TestWeeklyEventDigestsEveryOrganisation(t *testing.T) {
	ctx := context.Background()
	cl, table := testenv.Table(t, "digest")
	topic := testenv.Topic(t, cl, table)
	env := map[string]string{"TABLE_NAME": table, "REMINDERS_TOPIC_ARN": topic}
	svc, err := build(ctx, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ sub, org string }{{"anna", "acme"}, {"boris", "acme"}, {"vera", "globex"}} {
		if _, _, err := svc.Grant(ctx, c.sub, orgs.ConsentInput{OrganizationID: c.org, DocumentTypes: []string{"drivers_licence"}}); err != nil {
			t.Fatalf("consent %v: %v", c, err)
		}
	}
	run, err := handler(svc, slog.New(slog.DiscardHandler))(ctx, events.EventBridgeEvent{Time: time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if run.Organizations != 2 || run.Published != 2 || len(run.Failed) != 0 {
		t.Errorf("run %+v, want 2 organisations digested", run)
	}
	if _, err := handler(svc, slog.New(slog.DiscardHandler))(ctx, events.EventBridgeEvent{}); err == nil {
		t.Error("an event without a time was accepted")
	}
	if _, err := build(ctx, func(k string) string { return map[string]string{"TABLE_NAME": table}[k] }); err == nil {
		t.Error("built without a topic")
	}
}
