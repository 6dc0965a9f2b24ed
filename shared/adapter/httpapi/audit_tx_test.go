package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/app/core"
)

// auditWatch sees every DynamoDB write of the API's client: whether a
// transaction carries an audit entry (an AUDIT# put), and, while failing,
// cancels each one that does, as DynamoDB cancels a whole transaction when
// one of its items fails (here: throttled).
type auditWatch struct {
	mu      sync.Mutex
	failing bool
	writes  []string // "tx+audit", "tx", "single", "audit" (the entry's completion)
}

func carriesAudit(items []types.TransactWriteItem) (int, bool) {
	for i, it := range items {
		if it.Put != nil {
			if pk, ok := it.Put.Item["pk"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(pk.Value, "AUDIT#") {
				return i, true
			}
		}
	}
	return 0, false
}

func (w *auditWatch) middleware(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("kabinetAuditWatch",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			kind := ""
			switch p := in.Parameters.(type) {
			case *dynamodb.TransactWriteItemsInput:
				kind = "tx"
				if i, ok := carriesAudit(p.TransactItems); ok {
					kind = "tx+audit"
					w.mu.Lock()
					failing := w.failing
					w.mu.Unlock()
					if failing {
						reasons := make([]types.CancellationReason, len(p.TransactItems))
						for j := range reasons {
							reasons[j].Code = aws.String("None")
						}
						reasons[i].Code = aws.String("ThrottlingError")
						w.record("tx+audit (failed)")
						return middleware.InitializeOutput{}, middleware.Metadata{}, &types.TransactionCanceledException{
							Message: aws.String("Transaction cancelled (injected on the audit item)"), CancellationReasons: reasons}
					}
				}
			case *dynamodb.PutItemInput:
				kind = "single"
				if pk, ok := p.Item["pk"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(pk.Value, "AUDIT#") {
					kind = "audit"
				}
			case *dynamodb.UpdateItemInput:
				kind = "single"
				pk, _ := p.Key["pk"].(*types.AttributeValueMemberS)
				sk, _ := p.Key["sk"].(*types.AttributeValueMemberS)
				switch {
				case pk != nil && strings.HasPrefix(pk.Value, "AUDIT#"):
					kind = "audit"
				case pk != nil && strings.HasPrefix(pk.Value, "RECEIPT#"), sk != nil && strings.HasPrefix(sk.Value, "CAP#"):
					return next.HandleInitialize(ctx, in) // a counter, not the change: not recorded
				}
			case *dynamodb.DeleteItemInput, *dynamodb.BatchWriteItemInput:
				kind = "single"
			}
			if kind != "" && awsmiddleware.GetOperationName(ctx) != "" {
				w.record(kind)
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}

func (w *auditWatch) record(k string) { w.mu.Lock(); w.writes = append(w.writes, k); w.mu.Unlock() }
func (w *auditWatch) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.writes
	w.writes = nil
	return out
}
func (w *auditWatch) fail(on bool) { w.mu.Lock(); w.failing = on; w.mu.Unlock() }

// TestAuditEntryIsInTheChangesTransaction (issue 15, point 9): the audit
// entry of a change is written in the change's own transaction, never in a
// separate call after it. With the audit item failing, every change is
// refused (503) and nothing of it is stored, nor any entry; with it
// working, each change's first write carries its entry, and the trail has
// one entry per change with the status answered. (Counters a change takes
// first — the receipt sequence, the daily cap — are not the change.)
func TestAuditEntryIsInTheChangesTransaction(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	w := &auditWatch{}
	cl, err := core.NewClients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cl.DynamoDB = dynamodb.NewFromConfig(cl.AWS, func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, w.middleware) })
	verifier := &httpapi.TokenVerifier{Key: &e.issuer.Key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, Now: e.clock.Now}
	srv := httptest.NewServer(apiHandler(t, core.Config{Table: e.table}, cl, nil, e.clock.Now, slog.New(slog.DiscardHandler), verifier.Authenticate))
	defer srv.Close()
	ae := &env{t: t, srv: srv, clock: e.clock, issuer: e.issuer, db: e.db, table: e.table, logs: e.logs}

	// What each step changes exists first (made without the watch failing).
	docID := ae.mustCreate("ann", map[string]any{"type": "custom", "title": "Пропуск"})["id"].(string)
	appID := ae.mustDraft("ann", "certificate_request", certificateFields())["id"].(string)
	w.take()
	steps := []struct {
		name string
		r    req
	}{
		{"create a document", req{method: "POST", path: "/documents", body: map[string]any{"type": "custom", "title": "Ещё"}}},
		{"change a document", req{method: "PATCH", path: "/documents/" + docID, body: map[string]any{"title": "Другое"}, header: map[string]string{"If-Match": `"1"`}}},
		{"archive it", req{method: "POST", path: "/documents/" + docID + "/archive"}},
		{"put the profile", req{method: "PUT", path: "/profile", body: map[string]any{"name": "Анна"}}},
		{"change a draft (a single write)", req{method: "PATCH", path: "/applications/" + appID, body: map[string]any{"fields": map[string]any{"postalCode": "101001"}}, header: map[string]string{"If-Match": `"1"`}}},
		{"submit it", req{method: "POST", path: "/applications/" + appID + "/submit"}},
		{"consent", req{method: "POST", path: "/consents", body: map[string]any{"organizationId": "acme", "documentTypes": []string{"custom"}}}},
	}
	items := func(pk string) []map[string]types.AttributeValue {
		out, err := e.db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(e.table), KeyConditionExpression: aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}}, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Items
	}

	t.Run("the audit item failing fails the change", func(t *testing.T) {
		w.fail(true)
		defer w.fail(false)
		before, trail := items("USER#ann"), len(items("AUDIT#ann"))
		for _, s := range steps {
			s.r.token = ae.token("ann")
			r := ae.do(s.r)
			if r.status != http.StatusServiceUnavailable {
				t.Errorf("%s: %d %s, want 503", s.name, r.status, r.body)
			}
			if got := w.take(); len(got) == 0 || got[0] != "tx+audit (failed)" {
				t.Errorf("%s: writes %v, want the change and its entry in one failed transaction first", s.name, got)
			}
		}
		if after := items("USER#ann"); !reflect.DeepEqual(before, after) {
			t.Error("a change was stored without its audit entry")
		}
		if got := len(items("AUDIT#ann")); got != trail {
			t.Errorf("audit trail %d → %d entries for refused changes", trail, got)
		}
	})
	t.Run("each change carries its entry, final", func(t *testing.T) {
		trail := len(items("AUDIT#ann"))
		var answered []string
		for _, s := range steps {
			s.r.token = ae.token("ann")
			r := ae.do(s.r)
			if r.status < 200 || r.status > 299 {
				t.Fatalf("%s: %d %s", s.name, r.status, r.body)
			}
			answered = append(answered, strconv.Itoa(r.status))
			got := w.take()
			if len(got) == 0 || got[0] != "tx+audit" || slices.Contains(got, "audit") {
				t.Errorf("%s: writes %v, want its entry in the first transaction and no write of its own", s.name, got)
			}
		}
		entries := items("AUDIT#ann")
		if got, want := len(entries)-trail, len(steps); got != want {
			t.Errorf("%d new entries, want %d", got, want)
		}
		var recorded []string
		for _, it := range entries[trail:] {
			st, _ := it["status"].(*types.AttributeValueMemberN)
			if st == nil {
				t.Errorf("entry without its status: %v", it)
				continue
			}
			recorded = append(recorded, st.Value)
		}
		slices.Sort(answered)
		slices.Sort(recorded)
		if !slices.Equal(recorded, answered) {
			t.Errorf("entries' statuses %v, want the statuses answered %v", recorded, answered)
		}
	})
}
