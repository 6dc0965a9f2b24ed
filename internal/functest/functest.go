// Package functest checks a function's run (functions/<name>/main.go): that
// it composes from exactly the environment its entry of functions.All gets
// from the stack, and, for an HTTP function, that each of its routes reaches
// a wired handler through the Lambda door. No emulator is needed: the AWS
// SDK is pointed at a port where nothing listens, so a handler that reaches
// its service answers 503 (dependency down) and one that was not given its
// service panics into a 500.
package functest

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi/lambdahttp"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/app/core"
)

// Env returns the variables the stack gives function fn (TABLE_NAME, and
// what its entry's Needs names), and points the AWS SDK's own variables (the
// process environment, which the SDK reads itself) at a dead endpoint for
// the rest of the test, but for Secrets Manager: the secrets fn's needs name
// (by ARN, as deployed) are served by a fake Secrets Manager endpoint
// (Secrets), which counts the reads. A variable fn does not get holds
// garbage (TICKET_SIGNING_SEED), so a run that read it would fail.
func Env(t *testing.T, fn string) func(string) string {
	t.Helper()
	f, ok := functions.Get(fn)
	if !ok {
		t.Fatalf("no function %q in functions.All", fn)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": dead, "AWS_ENDPOINT_URL_DYNAMODB": dead, "AWS_ENDPOINT_URL_SNS": dead, "AWS_ENDPOINT_URL_SQS": dead,
		"AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	env := map[string]string{"TABLE_NAME": "functest", "STAGE": "test", "TICKET_SIGNING_SEED": "not a seed"}
	if len(f.Needs.Publish) > 0 || len(f.Needs.Subscriptions) > 0 {
		env[notify.Reminders.Env] = "arn:aws:sns:eu-central-1:123456789012:kabinet-test-reminders"
	}
	if len(f.Needs.Subscriptions) > 0 {
		env["DELIVERY_DLQ_ARN"] = "arn:aws:sqs:eu-central-1:123456789012:kabinet-test-delivery-dlq"
	}
	sm := newFakeSecrets(t)
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", sm.srv.URL)
	if f.Needs.TicketSeed {
		seed := make([]byte, ed25519.SeedSize)
		seed[0] = 7
		env["TICKET_SIGNING_SEED"] = ""
		env[core.TicketSigningSecretEnv] = sm.add("ticket-signing-seed", base64.StdEncoding.EncodeToString(seed))
	}
	if f.Needs.CursorKey {
		// as the stack generates it: 43 characters of [A-Za-z0-9]
		env[core.CursorKeySecretEnv] = sm.add("cursor-key", strings.Repeat("Kabinet7", 6)[:43])
	}
	if len(f.Routes) > 0 {
		env[core.OriginSecretEnv] = sm.add("origin-verify", testOriginSecret)
	}
	secretsOf.Store(t, sm)
	if f.Needs.VideoLinks {
		env["VIDEO_BASE_URL"] = "https://video.example.test/room"
	}
	return func(k string) string { return env[k] }
}

// testOriginSecret is the origin secret Env's fake serves: Routes sends it
// in httpapi.OriginHeader, as CloudFront would.
const testOriginSecret = "CloudFrontOriginSecretForTests1234567890"

// callers are who calls every route: a citizen, and staff of an
// institution, an agency and an organisation (so staff routes reach their
// services too), as API Gateway's JWT authorizer passes their claims.
var callers = map[string]map[string]string{
	"citizen": {"sub": "alice", "cognito:groups": "[citizen]"},
	"staff": {"sub": "sam", "cognito:groups": "[staff orgadmin]", "custom:institution": "inst-1",
		"custom:agency": "mvd", "custom:org": "org-1"},
}

// Routes sends each route of HTTP function fn to h (the handler its run
// started) through lambdahttp.Handler, as API Gateway would, once per
// caller, and fails on a 5xx other than 503 (a 500 is a handler without its
// service), on an error that is not problem+json, and when no route reached
// its service at all.
func Routes(t *testing.T, fn string, h http.Handler) {
	t.Helper()
	f, ok := functions.Get(fn)
	if !ok || len(f.Routes) == 0 {
		t.Fatalf("%q is not an HTTP function of functions.All", fn)
	}
	if h == nil {
		t.Fatal("run started no handler")
	}
	door := lambdahttp.Handler(h)
	// Concurrently: each call to the dead endpoint waits out the SDK's
	// retries.
	var (
		wg      sync.WaitGroup
		reached atomic.Int32
	)
	for _, r := range f.Routes {
		path := r.Path()
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			path = path[:i] + "x1" + path[j+1:]
		}
		for who, claims := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ev := events.APIGatewayV2HTTPRequest{
					Version: "2.0", RouteKey: r.Method() + " " + r.Path(), RawPath: path, Body: "{}",
					Headers: map[string]string{"content-type": "application/json", "if-match": `"1"`,
						strings.ToLower(httpapi.OriginHeader): testOriginSecret},
					RequestContext: events.APIGatewayV2HTTPRequestContext{
						RequestID: "functest", HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.Method(), Path: path},
						Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
							JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims}},
					},
				}
				res, err := door(context.Background(), ev)
				switch {
				case err != nil:
					t.Errorf("%s as %s: %v", r.Pattern, who, err)
				case res.StatusCode >= 500 && res.StatusCode != http.StatusServiceUnavailable:
					t.Errorf("%s as %s: %d %s", r.Pattern, who, res.StatusCode, res.Body)
				case res.StatusCode >= 400 && res.Headers["Content-Type"] != "application/problem+json":
					t.Errorf("%s as %s: %d as %q, want problem+json", r.Pattern, who, res.StatusCode, res.Headers["Content-Type"])
				}
				if res.StatusCode == http.StatusServiceUnavailable || res.StatusCode < 300 {
					reached.Add(1)
				}
			}()
		}
	}
	wg.Wait()
	// Not through CloudFront (no origin header, or a wrong one): 403
	// before any handler.
	for _, origin := range []string{"", "CloudFrontOriginSecretForTests1234567891"} {
		r := f.Routes[0]
		path := strings.NewReplacer("{id}", "x1", "{orgId}", "x1").Replace(r.Path())
		hdr := map[string]string{}
		if origin != "" {
			hdr[strings.ToLower(httpapi.OriginHeader)] = origin
		}
		res, err := door(context.Background(), events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: r.Method() + " " + r.Path(), RawPath: path,
			Headers: hdr, RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "functest",
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.Method(), Path: path},
				Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
					JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: callers["citizen"]}}}})
		if err != nil || res.StatusCode != http.StatusForbidden || res.Headers["Content-Type"] != "application/problem+json" {
			t.Errorf("%s with origin header %q: %d %s %v, want 403 problem+json", r.Pattern, origin, res.StatusCode, res.Body, err)
		}
	}
	if reached.Load() == 0 {
		t.Errorf("no route of %s reached its service (every answer was a refusal)", fn)
	}
	// The secrets were read at start, once each, and never for a request.
	if sm, ok := secretsOf.Load(t); ok {
		for id, n := range sm.(*fakeSecrets).counts() {
			if n != 1 {
				t.Errorf("secret %s read %d times by run and %d requests, want once, at start", id, n, 2*len(f.Routes))
			}
		}
	}
}

// SecretsDown checks that run, given function fn's environment with Secrets
// Manager failing (it answers every read with a 500), refuses to start, with
// an error naming the secret's variable and never a secret's value. Only for
// a function whose needs name a secret.
func SecretsDown(t *testing.T, fn string, run Run) {
	t.Helper()
	env := Env(t, fn)
	sm, _ := secretsOf.Load(t)
	fake := sm.(*fakeSecrets)
	if len(fake.counts()) == 0 {
		t.Fatalf("%s's needs name no secret", fn)
	}
	fake.fail.Store(true)
	err := run(context.Background(), env, func(http.Handler) { t.Error("started with Secrets Manager down") })
	if err == nil {
		t.Fatal("run with Secrets Manager down succeeded")
	}
	if !strings.Contains(err.Error(), "_SECRET_ARN") {
		t.Errorf("error %q does not name the secret's variable", err)
	}
	for _, v := range fake.values() {
		if strings.Contains(err.Error(), v) {
			t.Errorf("error %q carries a secret's value", err)
		}
	}
}

// Run is an HTTP function's run: it composes the function from getenv and
// hands its handler to start.
type Run func(ctx context.Context, getenv func(string) string, start func(http.Handler)) error

// RefusesWithoutTable checks that run, given function fn's environment
// without TABLE_NAME, refuses to start: it returns an error and never calls
// start.
func RefusesWithoutTable(t *testing.T, fn string, run Run) {
	t.Helper()
	env := Env(t, fn)
	err := run(context.Background(), func(k string) string {
		if k == "TABLE_NAME" {
			return ""
		}
		return env(k)
	}, func(http.Handler) { t.Error("started") })
	if err == nil {
		t.Error("run without TABLE_NAME succeeded")
	}
}
