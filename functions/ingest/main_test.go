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
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

func TestMain(m *testing.M) { emutest.Main(m) }

func sample(t *testing.T, name string) events.EventBridgeEvent {
	t.Helper()
	raw, err := os.ReadFile("../../events/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestSampleEventsApply feeds the sample agency events to the function's
// handler, composed from the environment as in Lambda (run): the issue replaces
// alice's old foreign passport, the revocation revokes the new one.
func TestSampleEventsApply(t *testing.T) {
	ctx := context.Background()
	cl, table := testenv.Table(t, "fn")
	env := map[string]string{"TABLE_NAME": table}
	var h eventHandler
	if err := run(actions.Recording(t, ctx, functions.Ingest), func(k string) string { return env[k] }, func(x eventHandler) { h = x }); err != nil || h == nil {
		t.Fatalf("run: %v (handler %v)", err, h != nil)
	}
	docs := &registry.Service{Store: allstore.New(cl.DynamoDB, table), NewID: ids.New, Now: time.Now}
	old, _, err := docs.CreateDocument(ctx, "alice", registry.CreateInput{Type: "foreign_passport",
		DocumentFields: registry.DocumentFields{Number: opt.Of("75 1234567"), IssuedOn: opt.Of("2017-06-20")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	issued := sample(t, "agency-document-issued.json")
	if issued.DetailType != ingest.DocumentIssued || issued.ID == "" || issued.Time.IsZero() {
		t.Fatalf("sample decoded as %+v", issued)
	}
	res, err := h(ctx, issued)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != ingest.OutcomeApplied || res.ReplacedID != old.ID {
		t.Errorf("issued: %+v", res)
	}
	if again, err := h(ctx, issued); err != nil || again.Outcome != ingest.OutcomeDuplicate {
		t.Errorf("replay: %+v %v", again, err)
	}
	revoked := sample(t, "agency-document-revoked.json")
	res2, err := h(ctx, revoked)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Outcome != ingest.OutcomeApplied || res2.DocumentID != res.DocumentID {
		t.Errorf("revoked: %+v", res2)
	}
	if v, _ := docs.GetDocument(ctx, "alice", res.DocumentID); v.Status != registry.StatusRevoked {
		t.Errorf("status = %s", v.Status)
	}
	if _, err := h(ctx, events.EventBridgeEvent{ID: "x", DetailType: "Nope", Source: "gov.agency.mvd"}); !errs.Is(err, errs.Invalid) {
		t.Errorf("malformed event: %v", err)
	}
}

func TestRunNeedsItsConfiguration(t *testing.T) {
	if err := run(context.Background(), func(string) string { return "" }, func(eventHandler) { t.Error("started") }); err == nil {
		t.Error("run without TABLE_NAME succeeded")
	}
}
