package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/shared/adapter/awsconf"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/app/core"
)

// fault makes one DynamoDB operation fail before it reaches DynamoDB
// Local, per attempt (the middleware runs after the SDK's retry middleware),
// the first `times` attempts (-1: every attempt), while on.
type fault struct {
	op    string
	err   func() error
	times int

	mu       sync.Mutex
	on       bool
	attempts int
}

func (f *fault) middleware() func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("kabinetFault",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if awsmiddleware.GetOperationName(ctx) == f.op {
					f.mu.Lock()
					fail := f.on && (f.times < 0 || f.attempts < f.times)
					if f.on {
						f.attempts++
					}
					f.mu.Unlock()
					if fail {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, f.err()
					}
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	}
}

func (f *fault) set(on bool) { f.mu.Lock(); f.on, f.attempts = on, 0; f.mu.Unlock() }
func (f *fault) seen() int   { f.mu.Lock(); defer f.mu.Unlock(); return f.attempts }

func apiError(code string) func() error {
	return func() error {
		return &smithy.GenericAPIError{Code: code, Message: "injected", Fault: smithy.FaultServer}
	}
}

func cancelled(reason string) func() error {
	return func() error {
		return &types.TransactionCanceledException{Message: aws.String("Transaction cancelled (injected)"),
			CancellationReasons: []types.CancellationReason{{Code: aws.String("None")}, {Code: aws.String(reason), Message: aws.String("injected")}}}
	}
}

// TestDynamoDBFaults injects the faults DynamoDB Local never produces —
// throttling and transaction conflicts — through an SDK middleware on a
// client whose other calls reach a real table: a fault that clears within
// the SDK's retries is invisible; one that persists is a 503 with
// Retry-After after exactly awsconf.MaxAttempts attempts; a cancelled
// transaction is a 503 that wrote nothing.
func TestDynamoDBFaults(t *testing.T) {
	e := newEnv(t) // starts the emulators and sets the AWS environment
	ctx := context.Background()
	verifier := &httpapi.TokenVerifier{Key: &e.issuer.Key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, Now: e.clock.Now}
	doc := map[string]any{"type": "custom", "title": "Pass", "expiresOn": "2027-01-01"}
	cases := []struct {
		name     string
		method   string
		path     string
		body     any
		op       string
		err      func() error
		times    int
		status   int
		attempts int
		// nothingWritten checks afterwards that the person has no items.
		nothingWritten bool
	}{
		{"write throttled twice then succeeds", "POST", "/documents", doc, "TransactWriteItems",
			apiError("ProvisionedThroughputExceededException"), 2, http.StatusCreated, 3, false},
		{"read throttled twice then succeeds", "GET", "/documents", nil, "Query",
			apiError("ThrottlingException"), 2, http.StatusOK, 3, false},
		{"write throttled always", "POST", "/documents", doc, "TransactWriteItems",
			apiError("ProvisionedThroughputExceededException"), -1, http.StatusServiceUnavailable, awsconf.MaxAttempts, true},
		{"read throttled always", "GET", "/documents", nil, "Query",
			apiError("ThrottlingException"), -1, http.StatusServiceUnavailable, awsconf.MaxAttempts, false},
		{"profile read throttled always", "GET", "/profile", nil, "GetItem",
			apiError("ThrottlingException"), -1, http.StatusServiceUnavailable, awsconf.MaxAttempts, false},
		{"transaction conflict always", "POST", "/documents", doc, "TransactWriteItems",
			cancelled("TransactionConflict"), -1, http.StatusServiceUnavailable, 1, true},
		{"transaction throttled always", "POST", "/documents", doc, "TransactWriteItems",
			cancelled("ThrottlingError"), -1, http.StatusServiceUnavailable, 1, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fault{op: c.op, err: c.err, times: c.times}
			cl, err := core.NewClients(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cl.DynamoDB = dynamodb.NewFromConfig(cl.AWS, func(o *dynamodb.Options) {
				o.APIOptions = append(o.APIOptions, f.middleware())
			})
			var b [4]byte
			_, _ = rand.Read(b[:])
			sub := "fault-" + hex.EncodeToString(b[:])
			srv := httptest.NewServer(apiHandler(t, core.Config{Table: e.table}, cl, nil, e.clock.Now, slog.New(slog.DiscardHandler), verifier.Authenticate))
			defer srv.Close()
			fe := &env{t: t, srv: srv, clock: e.clock, issuer: e.issuer, db: e.db, table: e.table, logs: e.logs}

			f.set(true)
			r := fe.do(req{method: c.method, path: c.path, token: fe.token(sub), body: c.body})
			attempts := f.seen()
			f.set(false)
			switch {
			case r.status != c.status:
				// not fatal: what was written is checked all the same
				t.Errorf("status = %d, want %d: %s", r.status, c.status, r.body)
			case c.status >= 400:
				assertProblem(t, r, c.status)
				if c.status == http.StatusServiceUnavailable && r.header.Get("Retry-After") == "" {
					t.Errorf("503 without Retry-After: %v", r.header)
				}
			}
			if attempts != c.attempts {
				t.Errorf("%s attempts = %d, want %d", c.op, attempts, c.attempts)
			}
			if c.nothingWritten {
				if items := fe.rawItems(sub); len(items) != 0 {
					t.Errorf("a failed write left %d items: %v", len(items), items)
				}
			}
			// the fault off, the same API works
			if r := fe.do(req{method: "GET", path: "/documents", token: fe.token(sub)}); r.status != http.StatusOK {
				t.Errorf("after the fault: %d %s", r.status, r.body)
			}
		})
	}
}
