// Package actions records which IAM actions the AWS SDK calls of a function
// need, so a test can hold them to what the function's entry of
// functions.All declares (functions.Function.Actions), from which the stack
// derives the function's role. The recorder is SDK middleware on the real
// clients talking to the emulators: what it sees is what the code calls,
// not what someone believes it calls.
//
// A call is attributed to a function by its context (WithFunction), so one
// client shared by every function (the local composition, shared/app) still
// tells the functions apart; a call without a function in its context (a
// test's own setup) is not recorded.
package actions

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/awsconf"
)

type fnKey struct{}

// WithFunction returns ctx attributing the SDK calls made with it to the
// function called name.
func WithFunction(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, fnKey{}, name)
}

// Function is the function ctx attributes its calls to ("" for none).
func Function(ctx context.Context) string { s, _ := ctx.Value(fnKey{}).(string); return s }

// Recorder collects, per function, the IAM actions its calls needed and the
// table indexes it queried. The zero value is ready; it is safe for
// concurrent use.
type Recorder struct {
	mu      sync.Mutex
	actions map[string]map[string]bool
	indexes map[string]map[string]bool
}

// Middleware is SDK middleware (for aws.Config.APIOptions or a client's
// options) recording each call attributed by its context.
func (r *Recorder) Middleware(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("kabinetActions",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if fn := Function(ctx); fn != "" {
				acts, index := Needed(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), in.Parameters)
				r.add(fn, acts, index)
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// Attribute returns SDK middleware that records every call as function
// name's, whatever its context: for a client only that function uses (a
// function's run in its own test).
func (r *Recorder) Attribute(name string) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("kabinetActionsOf",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				acts, index := Needed(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), in.Parameters)
				r.add(name, acts, index)
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	}
}

func (r *Recorder) add(fn string, acts []string, index string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.actions == nil {
		r.actions, r.indexes = map[string]map[string]bool{}, map[string]map[string]bool{}
	}
	if r.actions[fn] == nil {
		r.actions[fn], r.indexes[fn] = map[string]bool{}, map[string]bool{}
	}
	for _, a := range acts {
		r.actions[fn][a] = true
	}
	if index != "" {
		r.indexes[fn][index] = true
	}
}

// Actions are the actions recorded for function fn, sorted.
func (r *Recorder) Actions(fn string) []string { return r.sorted(fn, false) }

// Indexes are the table indexes function fn queried, sorted.
func (r *Recorder) Indexes(fn string) []string { return r.sorted(fn, true) }

// Functions are the functions with a recorded call, sorted.
func (r *Recorder) Functions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for fn := range r.actions {
		out = append(out, fn)
	}
	sort.Strings(out)
	return out
}

func (r *Recorder) sorted(fn string, indexes bool) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.actions[fn]
	if indexes {
		m = r.indexes[fn]
	}
	var out []string
	for a := range m {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Undeclared lists, per recorded function, each action it needed and each
// index it queried that its entry of functions.All does not declare, and
// any recorded function functions.All does not have. Empty means the
// declarations hold for everything recorded.
func (r *Recorder) Undeclared() []string {
	var out []string
	for _, name := range r.Functions() {
		f, ok := functions.Get(name)
		if !ok {
			out = append(out, fmt.Sprintf("%s: no such function in functions.All", name))
			continue
		}
		declared := f.Actions()
		for _, a := range r.Actions(name) {
			if !slices.Contains(declared, a) {
				out = append(out, fmt.Sprintf("%s calls %s, which its entry of functions.All does not declare", name, a))
			}
		}
		for _, ix := range r.Indexes(name) {
			if !slices.Contains(f.Needs.Table.Indexes, ix) {
				out = append(out, fmt.Sprintf("%s queries index %s, which its entry of functions.All does not declare", name, ix))
			}
		}
	}
	return out
}

// Unused lists, for function fn, each declared table action and index the
// recording never saw: a declaration broader than the code, worth removing
// once the recording covers all of fn's paths.
func (r *Recorder) Unused(fn string) []string {
	f, _ := functions.Get(fn)
	var out []string
	got := r.Actions(fn)
	for _, a := range f.Needs.Table.Actions {
		if !slices.Contains(got, a) {
			out = append(out, a)
		}
	}
	ix := r.Indexes(fn)
	for _, i := range f.Needs.Table.Indexes {
		if !slices.Contains(ix, i) {
			out = append(out, "index "+i)
		}
	}
	return out
}

// Check fails t with every undeclared action or index recorded.
func (r *Recorder) Check(t testing.TB) {
	t.Helper()
	for _, msg := range r.Undeclared() {
		t.Error(msg)
	}
}

// Needed is the IAM actions an SDK call of operation op on the service
// serviceID (the SDK's names: "DynamoDB", "SNS", ...) with input params
// needs, and the table index it reads ("" for none). IAM has no action for
// a DynamoDB transaction as such: each item of TransactWriteItems needs
// the action of its kind (PutItem, UpdateItem, DeleteItem,
// ConditionCheckItem) and TransactGetItems needs GetItem; SNS's
// PublishBatch is authorized by sns:Publish, SQS's batch calls by their
// single forms.
func Needed(serviceID, op string, params any) (acts []string, index string) {
	prefix := servicePrefix(serviceID)
	switch p := params.(type) {
	case *dynamodb.TransactWriteItemsInput:
		for _, it := range p.TransactItems {
			switch {
			case it.Put != nil:
				acts = append(acts, functions.PutItem)
			case it.Update != nil:
				acts = append(acts, functions.UpdateItem)
			case it.Delete != nil:
				acts = append(acts, functions.DeleteItem)
			case it.ConditionCheck != nil:
				acts = append(acts, functions.ConditionCheckItem)
			}
		}
		return acts, ""
	case *dynamodb.TransactGetItemsInput:
		return []string{functions.GetItem}, ""
	case *dynamodb.QueryInput:
		if p.IndexName != nil {
			index = *p.IndexName
		}
		return []string{functions.Query}, index
	case *dynamodb.ScanInput:
		if p.IndexName != nil {
			index = *p.IndexName
		}
	}
	switch prefix + ":" + op {
	case "sns:PublishBatch":
		op = "Publish"
	case "sqs:SendMessageBatch", "sqs:DeleteMessageBatch", "sqs:ChangeMessageVisibilityBatch":
		op = strings.TrimSuffix(op, "Batch")
	}
	return []string{prefix + ":" + op}, index
}

// servicePrefix is IAM's service prefix for the SDK's service id.
func servicePrefix(id string) string {
	switch id {
	case "Secrets Manager":
		return "secretsmanager"
	case "CloudWatch Logs":
		return "logs"
	}
	return strings.ToLower(strings.ReplaceAll(id, " ", ""))
}

// Recording returns ctx carrying the recorder's middleware for the clients a
// function's run makes from it (awsconf.WithAPIOptions), every call counted
// as function fn's, and checks the recording when t ends: a call fn's entry
// of functions.All does not declare fails t.
func Recording(t testing.TB, ctx context.Context, fn string) context.Context {
	t.Helper()
	if _, ok := functions.Get(fn); !ok {
		t.Fatalf("no function %q in functions.All", fn)
	}
	r := &Recorder{}
	t.Cleanup(func() {
		for _, msg := range r.Undeclared() {
			t.Error("least privilege: " + msg)
		}
	})
	return awsconf.WithAPIOptions(ctx, r.Attribute(fn))
}
