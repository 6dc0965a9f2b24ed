package ingest_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

func TestMain(m *testing.M) { emutest.Main(m) }

var now = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

type env struct {
	t     *testing.T
	ctx   context.Context
	db    *dynamodb.Client
	table string
	store *allstore.Store
	docs  *registry.Service
	svc   *ingest.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	cl, table := testenv.Table(t, "ingest")
	clock := func() time.Time { return now }
	st := allstore.New(cl.DynamoDB, table)
	return &env{t: t, ctx: ctx, db: cl.DynamoDB, table: table, store: st,
		docs: &registry.Service{Store: st, Now: clock, NewID: ids.New},
		svc:  &ingest.Service{Store: st, Now: clock, NewID: ids.New, Log: slog.New(slog.DiscardHandler)}}
}

func (e *env) items(sub string) []map[string]types.AttributeValue {
	e.t.Helper()
	out, err := e.db.Query(e.ctx, &dynamodb.QueryInput{TableName: aws.String(e.table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "USER#" + sub}},
		ConsistentRead:            aws.Bool(true)})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Items
}

func (e *env) documents(sub string) []registry.View {
	e.t.Helper()
	p, err := e.docs.ListDocuments(e.ctx, sub, registry.ListFilter{Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Items
}

func (e *env) notifications(sub string) []inbox.Notification {
	e.t.Helper()
	list, _, err := e.store.ListNotifications(e.ctx, sub, false, "", 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return list
}

func event(id, detailType string, detail any) ingest.Event {
	b, _ := json.Marshal(detail)
	return ingest.Event{ID: id, Source: "gov.agency.mvd", DetailType: detailType, Time: now, Detail: b}
}

func issued(citizen, number, replaces string) map[string]any {
	d := map[string]any{"citizenId": citizen, "agency": "mvd",
		"document": map[string]any{"type": "foreign_passport", "number": number, "issuedOn": "2026-06-10"}}
	if replaces != "" {
		d["replacesNumber"] = replaces
	}
	return d
}

func TestReplayAppliesOnce(t *testing.T) {
	e := newEnv(t)
	ev := event("ev-1", ingest.DocumentIssued, issued("alice", "76 1234567", ""))
	first, err := e.svc.Handle(e.ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if first.Outcome != ingest.OutcomeApplied || first.DocumentID == "" {
		t.Fatalf("first = %+v", first)
	}
	before := e.items("alice")
	second, err := e.svc.Handle(e.ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if second.Outcome != ingest.OutcomeDuplicate || second.DocumentID != first.DocumentID {
		t.Errorf("second = %+v, want duplicate of %s", second, first.DocumentID)
	}
	if after := e.items("alice"); !reflect.DeepEqual(before, after) {
		t.Error("the replay changed the table")
	}
	docs := e.documents("alice")
	if len(docs) != 1 {
		t.Fatalf("%d documents, want 1", len(docs))
	}
	d := docs[0]
	if d.Source != registry.SourceAgency || d.Issuer != "mvd" || d.Number != "76 1234567" ||
		d.ExpiresOn == nil || d.ExpiresOn.String() != "2036-06-10" || d.ExpiresOnSource != registry.SourceRule {
		t.Errorf("document = %+v", d.Document)
	}
	n := e.notifications("alice")
	if len(n) != 1 || n[0].Kind != ingest.KindDocumentIssued || n[0].DocID != d.ID {
		t.Fatalf("notifications = %+v", n)
	}
	if strings.Contains(n[0].Body, "1234567") {
		t.Errorf("the notification shows the number: %q", n[0].Body)
	}
}

func (e *env) create(sub, number string) registry.View {
	e.t.Helper()
	v, _, err := e.docs.CreateDocument(e.ctx, sub, registry.CreateInput{Type: "foreign_passport",
		DocumentFields: registry.DocumentFields{Number: opt.Of(number), IssuedOn: opt.Of("2016-06-20")}}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// issue has mvd issue alice's foreign passport number: only documents an
// agency issued are its to revoke.
func (e *env) issue(sub, number string) registry.View {
	e.t.Helper()
	res, err := e.svc.Handle(e.ctx, event("issue-"+sub+"-"+strings.ReplaceAll(number, " ", ""), ingest.DocumentIssued, issued(sub, number, "")))
	if err != nil {
		e.t.Fatal(err)
	}
	v, err := e.docs.GetDocument(e.ctx, sub, res.DocumentID)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

func TestIssuedReplacesTheOldOne(t *testing.T) {
	for _, tc := range []struct{ name, replaces string }{{"by number", "751234567"}, {"the current one", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			old := e.create("alice", "75 1234567")
			res, err := e.svc.Handle(e.ctx, event("ev-r", ingest.DocumentIssued, issued("alice", "76 1234567", tc.replaces)))
			if err != nil {
				t.Fatal(err)
			}
			if res.ReplacedID != old.ID {
				t.Errorf("replaced %q, want %q", res.ReplacedID, old.ID)
			}
			got, err := e.docs.GetDocument(e.ctx, "alice", old.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != registry.StatusArchived || got.ReplacedBy != res.DocumentID || got.Version != old.Version+1 ||
				got.Reminder.NextAt != nil {
				t.Errorf("old = %+v", got)
			}
			h, err := e.docs.History(e.ctx, "alice", old.ID, 10, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Items) != 2 || h.Items[0].Action != registry.ActionReplaced || h.Items[0].ReplacedBy != res.DocumentID ||
				h.Items[0].Actor != "agency:mvd" {
				t.Errorf("history = %+v", h.Items)
			}
			if n := e.notifications("alice"); len(n) != 1 {
				t.Errorf("%d notifications", len(n))
			}
		})
	}
	t.Run("another number replaces nothing", func(t *testing.T) {
		e := newEnv(t)
		old := e.create("alice", "75 1234567")
		res, err := e.svc.Handle(e.ctx, event("ev-x", ingest.DocumentIssued, issued("alice", "76 1234567", "70 0000000")))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := e.docs.GetDocument(e.ctx, "alice", old.ID); res.ReplacedID != "" || got.Status == registry.StatusArchived {
			t.Errorf("replaced %q, old status %s", res.ReplacedID, got.Status)
		}
	})
}

func TestRevoked(t *testing.T) {
	e := newEnv(t)
	v := e.issue("alice", "75 1234567")
	ev := event("ev-rv", ingest.DocumentRevoked, map[string]any{"citizenId": "alice", "agency": "mvd",
		"type": "foreign_passport", "number": "75 1234567", "reason": "Утрачен"})
	res, err := e.svc.Handle(e.ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != ingest.OutcomeApplied || res.DocumentID != v.ID {
		t.Fatalf("res = %+v", res)
	}
	got, _ := e.docs.GetDocument(e.ctx, "alice", v.ID)
	if got.Status != registry.StatusRevoked || got.RevokedReason != "Утрачен" || got.RevokedAt == nil || got.Reminder.NextAt != nil {
		t.Errorf("revoked document = %+v", got)
	}
	if p, _ := e.docs.ListDocuments(e.ctx, "alice", registry.ListFilter{Status: registry.StatusRevoked}); len(p.Items) != 1 {
		t.Errorf("status filter revoked: %d", len(p.Items))
	}
	if n := e.notifications("alice"); len(n) != 2 || n[0].Kind != ingest.KindDocumentRevoked { // newest first, after the issue's
		t.Errorf("notifications = %+v", n)
	}
	if again, err := e.svc.Handle(e.ctx, ev); err != nil || again.Outcome != ingest.OutcomeDuplicate {
		t.Errorf("replay = %+v, %v", again, err)
	}
	other := event("ev-rv2", ingest.DocumentRevoked, map[string]any{"citizenId": "alice", "agency": "mvd",
		"type": "foreign_passport", "number": "75 1234567", "reason": "again"})
	if res, err := e.svc.Handle(e.ctx, other); err != nil || res.Outcome != ingest.OutcomeUnchanged {
		t.Errorf("revoking a revoked document = %+v, %v", res, err)
	}
	missing := event("ev-rv3", ingest.DocumentRevoked, map[string]any{"citizenId": "alice", "agency": "mvd",
		"type": "foreign_passport", "number": "79 9999999", "reason": "x"})
	if _, err := e.svc.Handle(e.ctx, missing); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown document: %v", err)
	}
}

func TestMalformedEventsWriteNothing(t *testing.T) {
	e := newEnv(t)
	e.create("alice", "75 1234567")
	before := e.items("alice")
	doc := func(m map[string]any) map[string]any {
		d := issued("alice", "76 1234567", "")
		for k, v := range m {
			d["document"].(map[string]any)[k] = v
		}
		return d
	}
	good := issued("alice", "76 1234567", "")
	for _, tc := range []struct {
		name  string
		ev    ingest.Event
		field string
	}{
		{"no id", ingest.Event{Source: "gov.agency.mvd", DetailType: ingest.DocumentIssued, Detail: mustJSON(good)}, "id"},
		{"unknown detail-type", event("m1", "DocumentLost", good), "detail-type"},
		{"foreign source", ingest.Event{ID: "m2", Source: "com.example", DetailType: ingest.DocumentIssued, Detail: mustJSON(good)}, "source"},
		{"agency not the source's", event("m3", ingest.DocumentIssued, map[string]any{"citizenId": "alice", "agency": "fns", "document": good["document"]}), "detail.agency"},
		{"no citizen", event("m4", ingest.DocumentIssued, map[string]any{"agency": "mvd", "document": good["document"]}), "detail.citizenId"},
		{"no detail", ingest.Event{ID: "m5", Source: "gov.agency.mvd", DetailType: ingest.DocumentIssued}, "detail"},
		{"detail not an object", ingest.Event{ID: "m6", Source: "gov.agency.mvd", DetailType: ingest.DocumentIssued, Detail: json.RawMessage(`[1]`)}, "detail"},
		{"no document", event("m7", ingest.DocumentIssued, map[string]any{"citizenId": "alice", "agency": "mvd"}), "detail.document"},
		{"unknown type", event("m8", ingest.DocumentIssued, doc(map[string]any{"type": "spaceship"})), "detail.document.type"},
		{"bad number", event("m9", ingest.DocumentIssued, doc(map[string]any{"number": "12"})), "detail.document.number"},
		{"bad date", event("m10", ingest.DocumentIssued, doc(map[string]any{"issuedOn": "2026-02-30"})), "detail.document.issuedOn"},
		{"issued in the future", event("m11", ingest.DocumentIssued, doc(map[string]any{"issuedOn": "2027-01-01"})), "detail.document.issuedOn"},
		{"expiry before issue", event("m12", ingest.DocumentIssued, doc(map[string]any{"expiresOn": "2020-01-01"})), "detail.document.expiresOn"},
		{"revoked without reason", event("m13", ingest.DocumentRevoked, map[string]any{"citizenId": "alice", "agency": "mvd", "type": "foreign_passport", "number": "75 1234567"}), "detail.reason"},
		{"revoked of unknown type", event("m14", ingest.DocumentRevoked, map[string]any{"citizenId": "alice", "agency": "mvd", "type": "x", "number": "1", "reason": "r"}), "detail.type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.Handle(e.ctx, tc.ev)
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			if !strings.Contains(err.Error(), "["+tc.field+":") {
				t.Errorf("err = %v, want a field error on %s", err, tc.field)
			}
		})
	}
	if after := e.items("alice"); !reflect.DeepEqual(before, after) {
		t.Error("a refused event changed the table")
	}
}

func mustJSON(v any) json.RawMessage { b, _ := json.Marshal(v); return b }

// closer records the applications it was asked to close.
type closer struct{ calls []string }

func (c *closer) CloseApplication(_ context.Context, owner, app, doc string) error {
	c.calls = append(c.calls, owner+"/"+app+"/"+doc)
	return nil
}

func TestApplicationHook(t *testing.T) {
	e := newEnv(t)
	c := &closer{}
	e.svc.Applications = c
	d := issued("alice", "76 1234567", "")
	d["applicationId"] = "app-1"
	res, err := e.svc.Handle(e.ctx, event("ev-app", ingest.DocumentIssued, d))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Handle(e.ctx, event("ev-app", ingest.DocumentIssued, d)); err != nil {
		t.Fatal(err)
	}
	want := "alice/app-1/" + res.DocumentID
	if len(c.calls) != 2 || c.calls[0] != want || c.calls[1] != want {
		t.Errorf("calls = %v, want %s twice (a redelivery closes again)", c.calls, want)
	}
}
