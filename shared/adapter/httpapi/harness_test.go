package httpapi_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/internal/devapi"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/streamfeed"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/objects"
	"github.com/kabinet/kabinet/shared/adapter/pades"
	"github.com/kabinet/kabinet/shared/adapter/signatures"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/directory"
)

// TestMain runs the package's tests and then holds every function to its
// declared table actions: each call the suites made through a route is
// recorded as its function's (functions.Routes) by the SDK middleware on
// the clients (recorded), and a call its entry of functions.All does not
// declare fails the run (the stack grants exactly what is declared, so
// that call would be refused in AWS).
func TestMain(m *testing.M) {
	emutest.MainThen(m, func() int {
		bad := recorded.Undeclared()
		for _, msg := range bad {
			fmt.Fprintln(os.Stderr, "FAIL: least privilege:", msg)
		}
		if os.Getenv("KABINET_ACTIONS_REPORT") == "1" {
			for _, fn := range recorded.Functions() {
				fmt.Fprintf(os.Stderr, "actions %s: %v indexes %v unused %v\n", fn, recorded.Actions(fn), recorded.Indexes(fn), recorded.Unused(fn))
			}
		}
		if len(bad) > 0 {
			return 1
		}
		return 0
	})
}

// recorded collects the IAM actions every function's calls needed, across
// the package's tests (see TestMain).
var recorded = &actions.Recorder{}

// byFunction attributes each request's SDK calls to the function serving
// its route, as in AWS, where each function has its own role.
func byFunction(h http.Handler) http.Handler {
	mux := http.NewServeMux()
	for _, r := range functions.Routes() {
		fn := r.Function
		mux.HandleFunc(r.Pattern, func(w http.ResponseWriter, req *http.Request) {
			h.ServeHTTP(w, req.WithContext(actions.WithFunction(req.Context(), fn)))
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if _, pattern := mux.Handler(req); pattern != "" {
			mux.ServeHTTP(w, req)
			return
		}
		h.ServeHTTP(w, req)
	})
}

// recording is cl with the recorder on its DynamoDB and SNS clients.
// More middleware (the round trips' waves) goes on the DynamoDB client after it.
func recording(cl core.Clients, more ...func(*middleware.Stack) error) core.Clients {
	cl.DynamoDB = dynamodb.NewFromConfig(cl.AWS, func(o *dynamodb.Options) {
		o.APIOptions = append(append(o.APIOptions, recorded.Middleware), more...)
	})
	cl.SNS = sns.NewFromConfig(cl.AWS, func(o *sns.Options) { o.APIOptions = append(o.APIOptions, recorded.Middleware) })
	return cl
}

// clock is a settable clock shared by the services and the token verifier.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// env is one API on its own fresh table in DynamoDB Local.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	clock  *clock
	issuer *devapi.TokenIssuer
	db     *dynamodb.Client
	table  string
	// bucket holds the env's files, on the S3 emulator.
	bucket string
	cl     core.Clients
	// waves counts the API's sequential DynamoDB round trips while on
	// (TestRoundTrips); off, it lets every call through.
	waves *waves
	topic string // the reminders topic, when newEnvWithTopic made one
	logs  *bytes.Buffer
	// ticketKey signs the booking routes' QR codes; ticketPub verifies them.
	ticketKey ed25519.PrivateKey
	ticketPub ed25519.PublicKey
	// feed reads the table's stream into the stats aggregator (aggregate).
	feed *streamfeed.Feed
}

// defaultNow is noon in Moscow on 2026-06-15.
var defaultNow = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWrapped(t, func(h http.Handler) http.Handler { return h })
}

// newEnvWrapped is newEnv with the API handler passed through wrap (a
// validator, a fault injector) before it is served.
func newEnvWrapped(t *testing.T, wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	return newEnvOpts(t, wrap, false)
}

// newEnvWithTopic is newEnv with a reminders topic of its own on fauxqs:
// contacts are subscribed and codes published as deployed (e.topic).
func newEnvWithTopic(t *testing.T) *env {
	t.Helper()
	return newEnvOpts(t, func(h http.Handler) http.Handler { return h }, true)
}

func newEnvOpts(t *testing.T, wrap func(http.Handler) http.Handler, withTopic bool) *env {
	t.Helper()
	cl, table := testenv.Table(t, "test")
	w := &waves{}
	cl = recording(cl, w.middleware)
	var topic string
	if withTopic {
		topic = testenv.Topic(t, cl, table)
	}
	key := sharedTestKey(t)
	ticketPub, ticketKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: defaultNow}
	e := &env{t: t, clock: clk, db: cl.DynamoDB, table: table, logs: &bytes.Buffer{}, ticketKey: ticketKey, ticketPub: ticketPub,
		cl: cl, topic: topic, waves: w,
		issuer: &devapi.TokenIssuer{Key: key, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, TTL: time.Hour, Now: clk.Now}}
	verifier := &httpapi.TokenVerifier{Key: &key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, Now: clk.Now}
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// Every test runs with sealed cursors, as the deployed API does.
	cursorKey := make([]byte, httpapi.CursorKeySize)
	_, _ = rand.Read(cursorKey)
	e.bucket, e.cl = testenv.Bucket(t, cl, "test"), cl
	anchors, err := signatures.LocalCA(t.TempDir(), defaultNow)
	if err != nil {
		t.Fatal(err)
	}
	pdfDir := t.TempDir()
	if _, err := pades.LocalKey(pdfDir, defaultNow); err != nil {
		t.Fatal(err)
	}
	pdfCert, _ := os.ReadFile(filepath.Join(pdfDir, "cert.pem"))
	pdfKey, _ := os.ReadFile(filepath.Join(pdfDir, "key.pem"))
	// the trust anchors where the stack and make run put them
	if err := objects.New(cl.AWS, e.bucket, true, time.Now).Put(context.Background(), functions.TrustAnchorsKey, "application/x-pem-file", anchors); err != nil {
		t.Fatal(err)
	}
	cfg := core.Config{Table: table, FilesBucket: e.bucket, PathStyle: true, TrustAnchorsKey: functions.TrustAnchorsKey,
		PDFSigningCert: pdfCert, PDFSigningKey: pdfKey, CursorKey: cursorKey, Reminders: topic}
	e.srv = httptest.NewServer(wrap(byFunction(apiHandler(t, cfg, cl, ticketKey, clk.Now, log, verifier.Authenticate))))
	t.Cleanup(e.srv.Close)
	return e
}

// apiHandler is every route of the API on c's table, composed as the local
// server composes it (app.Handler).
func apiHandler(t *testing.T, c core.Config, cl core.Clients, ticketKey ed25519.PrivateKey, now func() time.Time,
	log *slog.Logger, auth httpapi.Authenticator) http.Handler {
	t.Helper()
	h, _, err := app.Handler(c, cl, ticketKey, now, log, auth)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// seedDirectory writes the demo directory (directory.Demo) to the env's
// table. Call it before the first booking request: the directory cache loads
// once and keeps what it found for minutes.
func (e *env) seedDirectory() {
	e.t.Helper()
	insts, specs := directory.Demo()
	if err := allstore.New(e.db, e.table).PutDirectory(context.Background(), insts, specs); err != nil {
		e.t.Fatal(err)
	}
}

// testIssuer signs tokens its verifier accepts, for tests that need no table.
type testIssuer struct {
	*devapi.TokenIssuer
	verifier *httpapi.TokenVerifier
}

func newEnvIssuer(t *testing.T) testIssuer {
	t.Helper()
	key := sharedTestKey(t)
	now := func() time.Time { return defaultNow }
	return testIssuer{
		TokenIssuer: &devapi.TokenIssuer{Key: key, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, TTL: time.Hour, Now: now},
		verifier:    &httpapi.TokenVerifier{Key: &key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, Now: now},
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (e *env) token(sub string) string {
	e.t.Helper()
	tok, err := e.issuer.Issue(httpapi.Identity{Sub: sub, Groups: []string{"citizen"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// resp is a response read whole.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object (%d): %s", r.status, r.body)
	}
	return m
}

// req describes a request; body may be a string (sent as is) or any value (sent as JSON).
type req struct {
	method, path string
	token        string
	body         any
	header       map[string]string
}

func (e *env) do(r req) resp {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	hr, err := http.NewRequest(r.method, e.srv.URL+r.path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// mustCreate creates a document for sub and returns its JSON.
func (e *env) mustCreate(sub string, doc map[string]any) map[string]any {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/documents", token: e.token(sub), body: doc})
	if r.status != http.StatusCreated {
		e.t.Fatalf("create %v: status %d: %s", doc, r.status, r.body)
	}
	return r.json(e.t)
}

// rawItems returns every stored item of sub, as DynamoDB holds it, to prove
// a refused request changed nothing.
func (e *env) rawItems(sub string) []map[string]types.AttributeValue {
	e.t.Helper()
	out, err := e.db.Query(context.Background(), &dynamodb.QueryInput{
		TableName:              aws.String(e.table),
		KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: "USER#" + sub},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Items
}

// assertProblem checks a problem+json answer with the given status and,
// when fields are given, exactly those field errors (field:code).
func assertProblem(t *testing.T, r resp, status int, fields ...string) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	p := r.json(t)
	if typ, _ := p["type"].(string); !strings.HasPrefix(typ, httpapi.ProblemBase) {
		t.Errorf("type = %q, want a %s URI", typ, httpapi.ProblemBase)
	}
	if p["title"] == "" || p["title"] == nil {
		t.Errorf("problem without a title: %s", r.body)
	}
	if int(p["status"].(float64)) != status {
		t.Errorf("problem status = %v, want %d", p["status"], status)
	}
	if strings.Contains(string(r.body), "goroutine") || strings.Contains(string(r.body), ".go:") {
		t.Errorf("problem leaks internals: %s", r.body)
	}
	if len(fields) > 0 {
		var got []string
		list, _ := p["errors"].([]any)
		for _, x := range list {
			m := x.(map[string]any)
			got = append(got, m["field"].(string)+":"+m["code"].(string))
			if m["message"] == "" {
				t.Errorf("field error without message: %v", m)
			}
		}
		if strings.Join(got, ",") != strings.Join(fields, ",") {
			t.Errorf("field errors = %v, want %v", got, fields)
		}
	}
	return p
}
