package main

import (
	"context"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/stats"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/orgs"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// TestWeeklyEventDigestsEveryOrganisation composes the function from its
// environment as in Lambda (run) and runs it on a scheduled event: every
// organisation that has a consent gets one digest.
func TestWeeklyEventDigestsEveryOrganisation(t *testing.T) {
	ctx := context.Background()
	cl, table := testenv.Table(t, "digest")
	topic := testenv.Topic(t, cl, table)
	env := map[string]string{"TABLE_NAME": table, "REMINDERS_TOPIC_ARN": topic}
	var h eventHandler
	if err := run(actions.Recording(t, ctx, functions.OrgDigest), func(k string) string { return env[k] }, func(x eventHandler) { h = x }); err != nil || h == nil {
		t.Fatalf("run: %v (handler %v)", err, h != nil)
	}
	// The people's consents, through a service of the test's own.
	svc := &orgs.Service{Store: allstore.New(cl.DynamoDB, table), Now: time.Now, NewID: ids.New}
	for _, c := range []struct{ sub, org string }{{"anna", "acme"}, {"boris", "acme"}, {"vera", "globex"}} {
		if _, _, err := svc.Grant(ctx, c.sub, orgs.ConsentInput{OrganizationID: c.org, DocumentTypes: []string{"drivers_licence"}}); err != nil {
			t.Fatalf("consent %v: %v", c, err)
		}
	}
	res, err := h(ctx, events.EventBridgeEvent{Time: time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Organizations != 2 || res.Published != 2 || len(res.Failed) != 0 {
		t.Errorf("run %+v, want 2 organisations digested", res)
	}
	// each organisation's dashboard has the run's point, on its day in Moscow
	day := civil.Date{Year: 2026, Month: 11, Day: 23}
	for _, org := range []string{"acme", "globex"} {
		points, err := statsstore.New(store.New(cl.DynamoDB, table)).Days(ctx, stats.Scope{Kind: stats.ScopeOrg, ID: org}, day, day)
		if err != nil || len(points) != 1 {
			t.Errorf("%s's points on %s: %v %v, want one", org, day, points, err)
		}
	}
	if _, err := h(ctx, events.EventBridgeEvent{}); err == nil {
		t.Error("an event without a time was accepted")
	}
	if err := run(ctx, func(k string) string { return map[string]string{"TABLE_NAME": table}[k] }, func(eventHandler) {}); err == nil {
		t.Error("composed without a topic")
	}
}
