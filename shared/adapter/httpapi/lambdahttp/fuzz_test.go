package lambdahttp_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/app/core"
)

// deadClients are AWS clients pointed at a closed port with one attempt
// each: everything that reaches storage answers 503 at once, with no
// emulator running.
// everyRoute is every route of the API (app.Handler) behind the Lambda
// door's authenticator, on a table called fuzz.
func everyRoute(t testing.TB, cl core.Clients, now func() time.Time) http.Handler {
	t.Helper()
	h, _, err := app.Handler(core.Config{Table: "fuzz"}, cl, nil, now, slog.New(slog.DiscardHandler), lambdahttp.Authenticate)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func deadClients(t testing.TB) core.Clients {
	t.Helper()
	dead := emutest.DeadEndpoint(t)
	cfg := aws.Config{Region: "eu-central-1", Credentials: credentials.NewStaticCredentialsProvider("fuzz", "fuzz", ""),
		Retryer: func() aws.Retryer { return retry.AddWithMaxAttempts(retry.NewStandard(), 1) }}
	return core.Clients{AWS: cfg,
		DynamoDB: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(dead) }),
		SNS:      sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(dead) })}
}

// FuzzAPIGatewayEvent feeds arbitrary API Gateway (payload v2) events to the
// Lambda door of the whole API: it never panics, never returns an error to
// Lambda, never answers 500, and every non-2xx answer is problem+json.
func FuzzAPIGatewayEvent(f *testing.F) {
	seeds, _ := filepath.Glob("../../../../events/apigw-*.json")
	if len(seeds) == 0 {
		f.Fatal("no events/apigw-*.json seeds")
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"rawPath":"/documents/x/../../profile","requestContext":{"http":{"method":"GET"},"authorizer":{"jwt":{"claims":{"sub":"a","cognito:groups":"[staff orgadmin]","custom:org":"acme"}}}}}`))
	f.Add([]byte(`{"rawPath":"/organizations/acme/documents.csv","requestContext":{"http":{"method":"GET"},"authorizer":{"jwt":{"claims":{"sub":"a","cognito:groups":"orgadmin","custom:org":"acme"}}}}}`))
	f.Add([]byte(`{"rawPath":"/documents","body":"eyJ0eXBlIjoxfQ==","isBase64Encoded":true,"headers":{"content-type":"application/json"},"requestContext":{"http":{"method":"POST"},"authorizer":{"jwt":{"claims":{"sub":"a"}}}}}`))
	f.Add([]byte(`{"rawPath":"%zz","rawQueryString":"limit=%zz&&=","requestContext":{"http":{"method":"GET"}}}`))
	f.Add([]byte(`{}`))

	cl := deadClients(f)
	h := lambdahttp.Handler(everyRoute(f, cl, func() time.Time { return time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC) }))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := h(ctx, ev)
		if err != nil {
			// the adapter refuses what it cannot turn into a request (a bad
			// escape in the path, bad base64) before Kabinet's code runs:
			// see TestUnconvertibleEventIsAProblem; keep fuzzing past it
			if strings.HasPrefix(err.Error(), "Could not convert proxy event to request") {
				return
			}
			t.Fatalf("handler error: %v", err)
		}
		if res.StatusCode >= 500 && res.StatusCode != 503 {
			t.Fatalf("status %d: %s", res.StatusCode, res.Body)
		}
		if res.StatusCode >= 300 && res.StatusCode < 400 {
			// http.StatusTemporaryRedirect from ServeMux to a path's clean
			// form: see TestDotSegmentsAnswerProblemJSON. It must stay on
			// this site.
			loc := res.Headers["Location"]
			if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
				t.Fatalf("redirect off site: %d Location %q", res.StatusCode, loc)
			}
			return
		}
		if res.StatusCode < 200 || res.StatusCode > 299 {
			ct := res.Headers["Content-Type"]
			if ct == "" && len(res.MultiValueHeaders["Content-Type"]) > 0 {
				ct = res.MultiValueHeaders["Content-Type"][0]
			}
			if ct != "application/problem+json" {
				t.Fatalf("status %d with Content-Type %q: %s", res.StatusCode, ct, res.Body)
			}
		}
	})
}

// TestDotSegmentsAnswerProblemJSON: a path with dot segments or double
// slashes is redirected by http.ServeMux to its clean form with a 307 and a
// text/html body, past problemFallback, which means to answer every route
// it does not serve with problem+json.
func TestDotSegmentsAnswerProblemJSON(t *testing.T) {
	h := lambdahttp.Handler(everyRoute(t, deadClients(t), time.Now))
	for _, path := range []string{"/documents/x/../../profile", "/documents//x"} {
		ev := events.APIGatewayV2HTTPRequest{RawPath: path, RequestContext: events.APIGatewayV2HTTPRequestContext{
			HTTP:       events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"sub": "alice"}}}}}
		res, err := h(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		if res.Headers["Content-Type"] != "application/problem+json" {
			t.Errorf("%s: %d %q %q", path, res.StatusCode, res.Headers["Content-Type"], strings.TrimSpace(res.Body))
		}
	}
}

// TestUnconvertibleEventIsAProblem: an event the API Gateway adapter cannot
// turn into an http.Request (an invalid escape in the path or query, a body
// flagged base64 that is not) makes the Lambda handler return an error and a
// 504, so the client gets API Gateway's own error instead of a 400
// problem+json.
func TestUnconvertibleEventIsAProblem(t *testing.T) {
	h := lambdahttp.Handler(everyRoute(t, deadClients(t), time.Now))
	claims := &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"sub": "alice"}}}
	for name, ev := range map[string]events.APIGatewayV2HTTPRequest{
		"bad escape": {RawPath: "/documents/%zz", RequestContext: events.APIGatewayV2HTTPRequestContext{Authorizer: claims,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/documents/%zz"}}},
		"bad base64": {RawPath: "/documents", Body: "not base64!", IsBase64Encoded: true, RequestContext: events.APIGatewayV2HTTPRequestContext{Authorizer: claims,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: "/documents"}}},
	} {
		res, err := h(context.Background(), ev)
		if err != nil || res.StatusCode != 400 || res.Headers["Content-Type"] != "application/problem+json" {
			t.Errorf("%s: status %d, Content-Type %q, err %v; want 400 problem+json and no error", name, res.StatusCode, res.Headers["Content-Type"], err)
		}
	}
}
