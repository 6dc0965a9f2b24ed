package lambdahttp_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/documents"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/filing"
	"github.com/kabinet/kabinet/shared/app/filing/shares"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// event builds an API Gateway HTTP API (payload v2) request as the JWT
// authorizer hands it over; claims nil means no authorizer context.
func event(method, path, query, body string, claims map[string]string) events.APIGatewayV2HTTPRequest {
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: method + " " + path, RawPath: path, RawQueryString: query, Body: body,
		Headers: map[string]string{"content-type": "application/json", "accept-language": "ru"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-123", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path},
		},
	}
	if claims != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	return ev
}

// TestLambdaDoor drives the documents function's handler with API Gateway
// events against DynamoDB Local: identity from the authorizer's claims,
// request id from API Gateway, problem+json on the way out.
func TestLambdaDoor(t *testing.T) {
	ctx := context.Background()
	cl, table := testenv.Table(t, "lambda")
	// composed as functions/documents composes it
	st := core.NewStore(core.Config{Table: table}, cl, time.Now)
	api := httpapi.API{Log: slog.New(slog.DiscardHandler), Auth: lambdahttp.Authenticate, Audit: st}
	docs := &registry.Service{Store: docstore.New(st), Now: time.Now, NewID: ids.New}
	fs := filing.FilesService(core.Config{Table: table}, cl, st, docs, nil, time.Now)
	dh, err := api.Handler(functions.Documents, documents.Handlers(docs, fs, shares.Service(st, docs, fs, time.Now)))
	if err != nil {
		t.Fatal(err)
	}
	h := lambdahttp.Handler(dh)
	claims := map[string]string{"sub": "alice", "cognito:groups": "[citizen staff]"}

	res, err := h(ctx, event("POST", "/documents", "", `{"type":"foreign_passport","issuedOn":"2020-01-15"}`, claims))
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("create: %v %d %s", err, res.StatusCode, res.Body)
	}
	var doc map[string]any
	_ = json.Unmarshal([]byte(res.Body), &doc)
	if doc["expiresOn"] != "2030-01-15" || res.Headers["Location"] != "/documents/"+doc["id"].(string) {
		t.Errorf("created %v headers %v", doc, res.Headers)
	}
	if res.Headers["X-Request-Id"] != "req-123" {
		t.Errorf("X-Request-Id = %q, want API Gateway's request id", res.Headers["X-Request-Id"])
	}

	res, _ = h(ctx, event("GET", "/documents", "limit=5&type=foreign_passport", "", claims))
	if res.StatusCode != 200 || !strings.Contains(res.Body, doc["id"].(string)) {
		t.Errorf("list: %d %s", res.StatusCode, res.Body)
	}
	res, _ = h(ctx, event("GET", "/documents/"+doc["id"].(string), "", "", map[string]string{"sub": "bob"}))
	if res.StatusCode != 404 {
		t.Errorf("bob reads alice's document: %d", res.StatusCode)
	}
	res, _ = h(ctx, event("GET", "/documents", "", "", nil))
	if res.StatusCode != 401 || res.Headers["Content-Type"] != "application/problem+json" {
		t.Errorf("no claims: %d %v", res.StatusCode, res.Headers)
	}
	res, _ = h(ctx, event("POST", "/documents", "", `{"type":"custom","issuedOn":"2026-02-30"}`, claims))
	if res.StatusCode != 422 || !strings.Contains(res.Body, "Запрос нарушает правила") {
		t.Errorf("bad input in Russian: %d %s", res.StatusCode, res.Body)
	}
	// a route of another function is not served here
	res, _ = h(ctx, event("GET", "/profile", "", "", claims))
	if res.StatusCode != 404 {
		t.Errorf("profile route on the documents function: %d", res.StatusCode)
	}
}

func TestGroupsClaimForms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"[citizen staff]", "citizen,staff"},
		{`["citizen","staff"]`, "citizen,staff"},
		{"citizen,staff", "citizen,staff"},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			ev := event("GET", "/documents", "", "", map[string]string{"sub": "a", "cognito:groups": tc.in})
			var got []string
			api := httpapi.API{Log: slog.New(slog.DiscardHandler), Auth: func(r *http.Request) (httpapi.Identity, error) {
				id, _ := lambdahttp.Authenticate(r)
				got = id.Groups
				return id, errs.E("test", errs.Forbidden)
			}}
			dh, err := api.Handler(functions.Documents, documents.Handlers(nil, nil, nil))
			if err != nil {
				t.Fatal(err)
			}
			h := lambdahttp.Handler(dh)
			if _, err := h(context.Background(), ev); err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("groups = %v, want %s", got, tc.want)
			}
		})
	}
}
