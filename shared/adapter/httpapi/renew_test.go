package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/shared/adapter/store/storetest"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/applications/renewal"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

// TestRenewalFromDraftToIssuedDocument follows a renewal end to end: the
// expiring passport starts a linked draft, the person submits it, the
// agency issues the new passport, and the application is approved while the
// old passport is archived with a link to the new one.
func TestRenewalFromDraftToIssuedDocument(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	if r := e.do(req{method: "PUT", path: "/profile", token: alice, body: map[string]any{"name": "Алиса Тестова", "birthDate": "1990-04-12",
		"email": "alice@example.test", "phone": "+79990000001"}}); r.status != 200 {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	old := e.mustCreate("alice", map[string]any{"type": "foreign_passport", "number": "75 1234567", "issuedOn": "2016-08-01"})
	docID := old["id"].(string)

	key := map[string]string{"Idempotency-Key": "renew-1"}
	r := e.do(req{method: "POST", path: "/documents/" + docID + "/renew", token: alice, header: key})
	if r.status != http.StatusCreated {
		t.Fatalf("renew: %d %s", r.status, r.body)
	}
	draft := r.json(t)
	if draft["serviceCode"] != "foreign_passport" || draft["status"] != "draft" || draft["documentId"] != docID {
		t.Errorf("draft %v", draft)
	}
	doc := e.do(req{method: "GET", path: "/documents/" + docID, token: alice}).json(t)
	if doc["renewalApplicationId"] != draft["id"] {
		t.Errorf("document not linked to its renewal: %v", doc)
	}

	t.Run("refused", func(t *testing.T) {
		snils := e.mustCreate("alice", map[string]any{"type": "snils", "number": "112-233-445 95"})
		assertProblem(t, e.do(req{method: "POST", path: "/documents/" + snils["id"].(string) + "/renew", token: alice}), http.StatusConflict)
		assertProblem(t, e.do(req{method: "POST", path: "/documents/" + docID + "/renew", token: e.token("mallory")}), http.StatusNotFound)
		assertProblem(t, e.do(req{method: "POST", path: "/documents/" + docID + "/renew"}), http.StatusUnauthorized)
	})

	// fill what the draft needs and submit; the agency takes it from there
	appID := draft["id"].(string)
	// draft values that are already valid stay; submit tells what is missing
	sub := e.do(req{method: "POST", path: "/applications/" + appID + "/submit", token: alice})
	if sub.status != http.StatusOK {
		// complete the required fields the service asks for, from its catalogue
		patch := map[string]any{}
		for _, fe := range sub.json(t)["errors"].([]any) {
			f := strings.TrimPrefix(fe.(map[string]any)["field"].(string), "fields.")
			patch[f] = sampleValue(f)
		}
		cur := e.do(req{method: "GET", path: "/applications/" + appID, token: alice})
		if r := e.do(req{method: "PATCH", path: "/applications/" + appID, token: alice, body: map[string]any{"fields": patch},
			header: map[string]string{"If-Match": cur.header.Get("ETag")}}); r.status != 200 {
			t.Fatalf("patch draft: %d %s", r.status, r.body)
		}
		if sub = e.do(req{method: "POST", path: "/applications/" + appID + "/submit", token: alice}); sub.status != http.StatusOK {
			t.Fatalf("submit: %d %s", sub.status, sub.body)
		}
	}

	cl, err := core.NewClients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// ingest's calls count as its own (least privilege, TestMain): this is
	// the path where an issued document closes an application.
	// The application's status message is an outbox entry, as in AWS: ingest
	// publishes nothing.
	ing := app.Ingest(core.Config{Table: e.table}, recording(cl), e.clock.Now, slog.New(slog.DiscardHandler))
	ingestCtx := actions.WithFunction(context.Background(), functions.Ingest)
	detail, _ := json.Marshal(map[string]any{"citizenId": "alice", "agency": "mvd",
		"document":       map[string]any{"type": "foreign_passport", "number": "76 7654321", "issuedOn": "2026-06-10"},
		"replacesNumber": "75 1234567", "applicationId": appID})
	res, err := ing.Handle(ingestCtx, ingest.Event{ID: "ev-renew-1", Source: "gov.agency.mvd", DetailType: "DocumentIssued",
		Time: e.clock.Now(), Detail: detail})
	if err != nil || res.Outcome != ingest.OutcomeApplied {
		t.Fatalf("ingest: %+v %v", res, err)
	}
	got := e.do(req{method: "GET", path: "/applications/" + appID, token: alice}).json(t)
	if got["status"] != "approved" {
		t.Errorf("application after the document was issued: %v", got["status"])
	}
	// the approval is a translated note, never "document <id> issued"
	tl, _ := got["timeline"].([]any)
	if len(tl) == 0 {
		t.Fatal("no timeline")
	}
	last, _ := tl[len(tl)-1].(map[string]any)
	text, _ := last["noteText"].(map[string]any)
	if last["note"] != "document_issued" || last["comment"] != nil || text["ru"] != "Ведомство выдало документ." {
		t.Errorf("approval entry %v", last)
	}
	if st := e.do(req{method: "GET", path: "/documents/" + docID, token: alice}).json(t)["status"]; st != "archived" {
		t.Errorf("old passport status %v, want archived", st)
	}
	// the same event again changes nothing, the application stays approved
	if res, err := ing.Handle(ingestCtx, ingest.Event{ID: "ev-renew-1", Source: "gov.agency.mvd", DetailType: "DocumentIssued",
		Time: e.clock.Now(), Detail: detail}); err != nil || res.Outcome != ingest.OutcomeDuplicate {
		t.Errorf("replayed event: %+v %v", res, err)
	}
}

// sampleValue gives a valid value for the fields a foreign passport
// application may ask for.
func sampleValue(field string) string {
	switch field {
	case "birthDate":
		return "1990-04-12"
	case "phone":
		return "+79990000001"
	case "snils":
		return "112-233-445 95"
	case "inn":
		return "500100732259"
	case "postalCode":
		return "101000"
	case "internalPassport", "passport":
		return "4510 123456"
	case "passportKind":
		return "biometric_10y"
	}
	return "Москва, ул. Тверская, 1"
}

// TestDocumentTypesNameTheirRenewal: GET /document-types says which service
// renews each type, exactly the types POST /documents/{id}/renew accepts.
func TestDocumentTypesNameTheirRenewal(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{method: "GET", path: "/document-types", token: e.token("alice")})
	if r.status != 200 {
		t.Fatalf("GET /document-types: %d %s", r.status, r.body)
	}
	got := map[string]string{}
	for _, it := range r.json(t)["items"].([]any) {
		m := it.(map[string]any)
		if s, ok := m["renewalService"]; ok {
			got[m["type"].(string)] = s.(string)
		}
	}
	want := map[string]string{}
	for typ, svc := range renewal.Services {
		want[string(typ)] = svc
	}
	if !reflect.DeepEqual(got, want) || len(got) == 0 {
		t.Errorf("renewal services %v, want %v", got, want)
	}
}

// TestOneOpenRenewal: renewing a document twice returns the first draft,
// prefilled with the old document's number; deleting that draft takes the
// link off the document, and the next renewal is a new draft.
func TestOneOpenRenewal(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	old := e.mustCreate("alice", map[string]any{"type": "foreign_passport", "number": "75 1234567", "issuedOn": "2016-08-01"})
	docID := old["id"].(string)
	renew := func() map[string]any {
		t.Helper()
		r := e.do(req{method: "POST", path: "/documents/" + docID + "/renew", token: alice})
		if r.status != http.StatusCreated {
			t.Fatalf("renew: %d %s", r.status, r.body)
		}
		return r.json(t)
	}
	first := renew()
	if f, _ := first["fields"].(map[string]any); f["previousPassport"] != "75 1234567" {
		t.Errorf("renewal draft fields %v, want the old number in previousPassport", first["fields"])
	}
	if second := renew(); second["id"] != first["id"] {
		t.Errorf("a second renewal %v, want the open one %v", second["id"], first["id"])
	}
	if n := e.countItems("alice", "/applications?limit=100"); n != 1 {
		t.Errorf("%d applications, want 1", n)
	}
	if r := e.do(req{method: "DELETE", path: "/applications/" + first["id"].(string), token: alice}); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if doc := e.do(req{method: "GET", path: "/documents/" + docID, token: alice}).json(t); doc["renewalApplicationId"] != nil {
		t.Errorf("the document still links the deleted draft: %v", doc["renewalApplicationId"])
	}
	if third := renew(); third["id"] == first["id"] {
		t.Error("the deleted draft came back")
	}
}

// txFault cancels, for a conflict, the transactions writing an item whose
// sort key starts with prefix, the first times of them, while on.
type txFault struct {
	prefix string
	times  int

	mu     sync.Mutex
	on     bool
	failed int
}

func (f *txFault) middleware(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("kabinetTxFault",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if tw, ok := in.Parameters.(*dynamodb.TransactWriteItemsInput); ok && slices.ContainsFunc(tw.TransactItems, func(it types.TransactWriteItem) bool {
				return storetest.KeyOf(it, "sk", f.prefix)
			}) {
				f.mu.Lock()
				fail := f.on && f.failed < f.times
				if fail {
					f.failed++
				}
				f.mu.Unlock()
				if fail {
					return middleware.InitializeOutput{}, middleware.Metadata{}, cancelled("TransactionConflict")()
				}
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}

// TestRenewalWritesFailing: the draft and the document's link are written
// at once, so either may fail alone. A draft that could not be written
// leaves no link behind (503; the retry starts it); a link that could not
// be written is made again on a fresh read, and the answer is the draft,
// linked.
func TestRenewalWritesFailing(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name   string
		prefix string // the failing transaction writes an item under it
		status int
	}{
		{"the draft's write fails", "APP#", http.StatusServiceUnavailable},
		{"the link's write fails", "DOC#", http.StatusCreated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(parent *testing.T) { e.t = parent }(e.t)
			e.t = t
			f := &txFault{prefix: tc.prefix, times: 1}
			fe := e.servedBy(core.Config{}, f.middleware)
			sub := "renew-" + strings.ReplaceAll(strings.ToLower(tc.prefix), "#", "")
			docID := fe.mustCreate(sub, map[string]any{"type": "foreign_passport", "number": "75 1234567", "issuedOn": "2016-08-01"})["id"].(string)

			f.mu.Lock()
			f.on = true
			f.mu.Unlock()
			r := fe.do(req{method: "POST", path: "/documents/" + docID + "/renew", token: fe.token(sub)})
			if r.status != tc.status {
				t.Fatalf("renew: %d %s, want %d", r.status, r.body, tc.status)
			}
			if f.failed != 1 {
				t.Fatalf("%d transactions failed, want the one under %s", f.failed, tc.prefix)
			}
			doc := fe.do(req{method: "GET", path: "/documents/" + docID, token: fe.token(sub)}).json(t)
			apps := fe.countItems(sub, "/applications?limit=100")
			switch {
			case tc.status != http.StatusCreated && (doc["renewalApplicationId"] != nil || apps != 0):
				t.Errorf("after a failed draft: the document links %v, %d applications; want neither", doc["renewalApplicationId"], apps)
			case tc.status == http.StatusCreated && (doc["renewalApplicationId"] != r.json(t)["id"] || apps != 1):
				t.Errorf("after a failed link: the document links %v, %d applications; want the draft %v, one", doc["renewalApplicationId"], apps, r.json(t)["id"])
			}
			if r := fe.do(req{method: "POST", path: "/documents/" + docID + "/renew", token: fe.token(sub)}); r.status != http.StatusCreated {
				t.Errorf("renew again: %d %s", r.status, r.body)
			}
		})
	}
}
