package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/app/core"
)

// waves groups a client's DynamoDB calls into sequential round trips
// without depending on timing: while on, every call is held in an SDK
// middleware until as many calls as the current wave expects are held
// together, then all of them go on. Calls a request makes at once all
// arrive while the first are held, so they form one wave; a call that
// waits for another's answer can arrive only after the wave is released,
// and opens the next one. Should fewer calls come than expected (the
// request made them one after another), the wave goes on after a second,
// short, and the test fails on its size: the timeout only ends a failure.
type waves struct {
	mu      sync.Mutex
	on      bool
	expect  []int      // calls per wave, in order
	got     [][]string // operation (and audit) per call, per wave
	held    int
	release chan struct{}
}

func (w *waves) start(expect ...int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.on, w.expect, w.got, w.held, w.release = true, expect, nil, 0, make(chan struct{})
}

func (w *waves) stop() [][]string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.on = false
	return w.got
}

func (w *waves) middleware(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("kabinetWaves",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			w.mu.Lock()
			if !w.on {
				w.mu.Unlock()
				return next.HandleInitialize(ctx, in)
			}
			if w.held == 0 {
				w.got = append(w.got, nil)
			}
			wave := len(w.got) - 1
			w.got[wave] = append(w.got[wave], callName(ctx, in.Parameters))
			w.held++
			release := w.release
			if wave >= len(w.expect) || w.held >= w.expect[wave] {
				close(w.release)
				w.held, w.release = 0, make(chan struct{})
			}
			w.mu.Unlock()
			select {
			case <-release:
			case <-time.After(time.Second):
				w.mu.Lock()
				if w.release == release { // the wave came short: let it go
					close(w.release)
					w.held, w.release = 0, make(chan struct{})
				}
				w.mu.Unlock()
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// callName is the operation, marked when it writes the audit trail.
func callName(ctx context.Context, params any) string {
	op := awsmiddleware.GetOperationName(ctx)
	if p, ok := params.(*dynamodb.PutItemInput); ok {
		if pk, ok := p.Item["pk"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(pk.Value, "AUDIT#") {
			return op + " (audit)"
		}
	}
	if p, ok := params.(*dynamodb.UpdateItemInput); ok {
		if pk, ok := p.Key["pk"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(pk.Value, "AUDIT#") {
			return op + " (audit status)"
		}
	}
	return op
}

// TestRoundTrips holds the request routes to their DynamoDB round trips on
// DynamoDB Local: a read route reads in one round trip (what it needs, all
// at once), a write reads in one and writes in one. The audit entry is
// written in the change's transaction with its final status (the route's
// success status, httpapi.auditing), so it costs no trip of its own: no
// call after the answer completes it.
func TestRoundTrips(t *testing.T) {
	e := newBookingEnv(t)
	ctx := context.Background()
	w := &waves{}
	cl, err := core.NewClients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cl.DynamoDB = dynamodb.NewFromConfig(cl.AWS, func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, w.middleware) })
	verifier := &httpapi.TokenVerifier{Key: &e.issuer.Key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, Now: e.clock.Now}
	srv := httptest.NewServer(apiHandler(t, core.Config{Table: e.table}, cl, e.ticketKey, e.clock.Now, slog.New(slog.DiscardHandler), verifier.Authenticate))
	defer srv.Close()
	c := &env{t: t, srv: srv, clock: e.clock, issuer: e.issuer, db: e.db, table: e.table, logs: e.logs}

	// Fixtures, and the directory cache loaded (it reads once, then keeps).
	doc := c.mustCreate("rt-alice", map[string]any{"type": "custom", "title": "Pass", "expiresOn": "2027-01-01"})
	c.setSchedule(kgdPoly, kgdPediatric, weekdaysPlan("09:00", "13:00", nil, 30, 20, 1))
	slots := c.freeOn(kgdPediatric, "2026-06-16")
	if len(slots) < 3 {
		t.Fatalf("free slots: %v", slots)
	}

	for _, tc := range []struct {
		name   string
		r      req
		status int
		want   [][]string // operations per round trip, sorted within a trip
	}{
		{"GET /documents/{id}: the document and the profile at once",
			req{method: "GET", path: "/documents/" + doc["id"].(string), token: c.token("rt-alice")}, http.StatusOK,
			[][]string{{"GetItem", "GetItem"}}},
		{"GET /documents: the profile and the first page at once",
			req{method: "GET", path: "/documents", token: c.token("rt-alice")}, http.StatusOK,
			[][]string{{"GetItem", "Query"}}},
		{"GET /specialists/{id}/slots: slots, schedule and day counts at once",
			req{method: "GET", path: "/specialists/" + kgdPediatric + "/slots", token: c.token("rt-alice")}, http.StatusOK,
			[][]string{{"GetItem", "Query", "Query"}}},
		{"POST /documents: the profile (the expiry rule and the zone need it) and the active documents' count (the cap) at once; one transaction with the audit entry",
			req{method: "POST", path: "/documents", token: c.token("rt-alice"), body: map[string]any{"type": "custom", "title": "Card"},
				header: map[string]string{"Idempotency-Key": "rt-doc-1"}}, http.StatusCreated,
			[][]string{{"GetItem", "Query"}, {"TransactWriteItems"}}},
		{"PATCH /documents/{id}: the document and the profile at once; one transaction with the audit entry",
			req{method: "PATCH", path: "/documents/" + doc["id"].(string), token: c.token("rt-alice"), body: map[string]any{"title": "Pass 2"},
				header: map[string]string{"If-Match": `"1"`}}, http.StatusOK,
			[][]string{{"GetItem", "GetItem"}, {"TransactWriteItems"}}},
		{"POST /documents/{id}/archive: the document and the profile at once; one transaction with the audit entry",
			req{method: "POST", path: "/documents/" + doc["id"].(string) + "/archive", token: c.token("rt-alice")}, http.StatusOK,
			[][]string{{"GetItem", "GetItem"}, {"TransactWriteItems"}}},
		{"GET /documents/{id}/history: the document and the page at once",
			req{method: "GET", path: "/documents/" + doc["id"].(string) + "/history", token: c.token("rt-alice")}, http.StatusOK,
			[][]string{{"GetItem", "Query"}}},
		{"GET /notifications: one query",
			req{method: "GET", path: "/notifications", token: c.token("rt-alice")}, http.StatusOK,
			[][]string{{"Query"}}},
		// The request names no language, so the booking's checklist is
		// written in the profile's; the booking's reminders are timed in
		// the profile's zone. Both read it with the booking's own reads
		// (twice: the HTTP layer for the language, the domain for the zone).
		{"POST /bookings: the claim, slot, schedule, bookings and the profile (language, zone) at once; one transaction with the audit entry",
			req{method: "POST", path: "/bookings", token: c.token("rt-bob"), body: bookBody(slots[0], "in_person"),
				header: map[string]string{"Idempotency-Key": "rt-1"}}, http.StatusCreated,
			[][]string{{"GetItem", "GetItem", "GetItem", "GetItem", "GetItem", "Query"}, {"TransactWriteItems"}}},
		{"POST /bookings without a key: slot, schedule, bookings and the profile at once; one transaction with the audit entry",
			req{method: "POST", path: "/bookings", token: c.token("rt-carol"), body: bookBody(slots[1], "in_person")}, http.StatusCreated,
			[][]string{{"GetItem", "GetItem", "GetItem", "GetItem", "Query"}, {"TransactWriteItems"}}},
		{"POST /bookings in a named language: the profile for the zone only",
			req{method: "POST", path: "/bookings", token: c.token("rt-dan"), body: bookBody(slots[2], "in_person"),
				header: map[string]string{"Accept-Language": "en"}}, http.StatusCreated,
			[][]string{{"GetItem", "GetItem", "GetItem", "Query"}, {"TransactWriteItems"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var expect []int
			for _, wave := range tc.want {
				expect = append(expect, len(wave))
			}
			w.start(expect...)
			r := c.do(tc.r)
			got := w.stop()
			if r.status != tc.status {
				t.Fatalf("status = %d, want %d: %s", r.status, tc.status, r.body)
			}
			for _, wave := range got {
				slices.Sort(wave)
			}
			if !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("round trips = %q, want %q", got, tc.want)
			}
			for _, wave := range got {
				if slices.ContainsFunc(wave, func(c string) bool { return strings.Contains(c, "(audit status)") }) {
					t.Errorf("the audit entry took a write of its own after the change: %q", got)
				}
			}
			target := 1
			if tc.r.method != "GET" {
				target = 2
			}
			if len(got) > target {
				t.Errorf("%d round trips, want at most %d", len(got), target)
			}
		})
	}
}
