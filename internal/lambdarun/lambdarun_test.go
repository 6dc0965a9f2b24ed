package lambdarun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// testBinary builds the test functions under testdata once per test binary
// and returns the path of the one named.
func testBinary(t *testing.T, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "lambdarun-test-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", binDir+string(os.PathSeparator), "./testdata/echo", "./testdata/fail", "./testdata/panic")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build testdata: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, name)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

type echoReply struct {
	Event        json.RawMessage `json:"event"`
	RequestID    string          `json:"requestId"`
	FunctionARN  string          `json:"functionArn"`
	FunctionName string          `json:"functionName"`
	Memory       int             `json:"memory"`
	TraceID      string          `json:"traceId"`
	SecondsLeft  float64         `json:"secondsLeft"`
	Extra        string          `json:"extra"`
	PID          int             `json:"pid"`
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestInvokeEchoesEventWithLambdaContext(t *testing.T) {
	t.Parallel()
	bin := testBinary(t, "echo")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var logs bytes.Buffer
	out, err := Invocation{
		Binary: bin,
		Event:  []byte(`{"hello":"world","n":[1,2]}`),
		Env:    append(os.Environ(), "LAMBDARUN_TEST_EXTRA=from-env", "AWS_LAMBDA_FUNCTION_NAME=documents", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:1"),
		Logs:   &logs,
	}.Run(ctx)
	if err != nil {
		t.Fatalf("Run: %v\nlogs:\n%s", err, logs.String())
	}
	var r echoReply
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("response %q: %v", out, err)
	}
	if !jsonEqual(t, r.Event, []byte(`{"hello":"world","n":[1,2]}`)) {
		t.Errorf("event = %s", r.Event)
	}
	if !uuidRE.MatchString(r.RequestID) {
		t.Errorf("request id %q is not a v4 UUID", r.RequestID)
	}
	if want := "arn:aws:lambda:us-east-1:000000000000:function:documents"; r.FunctionARN != want {
		t.Errorf("function ARN = %q, want %q", r.FunctionARN, want)
	}
	if r.FunctionName != "documents" || r.Memory != 256 {
		t.Errorf("function name, memory = %q, %d; want documents, 256", r.FunctionName, r.Memory)
	}
	if !strings.HasPrefix(r.TraceID, "Root=1-") || !strings.Contains(r.TraceID, ";Parent=") {
		t.Errorf("trace id = %q", r.TraceID)
	}
	if r.SecondsLeft <= 15 || r.SecondsLeft > 20 {
		t.Errorf("time left = %.1fs, want the context's ~20s", r.SecondsLeft)
	}
	if r.Extra != "from-env" {
		t.Errorf("env var from Env = %q, want from-env", r.Extra)
	}
	if !strings.Contains(logs.String(), "echo: handling "+r.RequestID) {
		t.Errorf("logs lack the function's line:\n%s", logs.String())
	}
	assertGone(t, r.PID)
}

func TestInvokeWithoutEventSendsEmptyObject(t *testing.T) {
	t.Parallel()
	out, err := Invocation{Binary: testBinary(t, "echo"), Logs: io.Discard}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var r echoReply
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	if string(r.Event) != "{}" {
		t.Errorf("event = %s, want {}", r.Event)
	}
	if r.FunctionName != "echo" {
		t.Errorf("default function name = %q, want the binary's name", r.FunctionName)
	}
	if r.SecondsLeft < 14*60 {
		t.Errorf("time left without a ctx deadline = %.0fs, want Lambda's 15 minutes", r.SecondsLeft)
	}
}

func TestInvokeReturnsFunctionError(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	_, err := Invocation{Binary: testBinary(t, "fail"), Event: []byte(`{}`), Logs: &logs}.Run(context.Background())
	var fe *FunctionError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a *FunctionError", err)
	}
	if fe.Init || fe.Type != "errorString" || fe.Message != "document not found" {
		t.Errorf("FunctionError = %+v, want errorString: document not found", fe)
	}
	var doc map[string]any
	if json.Unmarshal(fe.Payload, &doc) != nil || doc["errorMessage"] != "document not found" {
		t.Errorf("payload = %s", fe.Payload)
	}
	if got := err.Error(); got != "function error: errorString: document not found" {
		t.Errorf("Error() = %q", got)
	}
}

func TestInvokeReportsPanic(t *testing.T) {
	t.Parallel()
	_, err := Invocation{Binary: testBinary(t, "panic"), Event: []byte(`{}`), Logs: io.Discard}.Run(context.Background())
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.Message != "boom" {
		t.Fatalf("err = %v, want a FunctionError with message boom", err)
	}
	if !strings.Contains(string(fe.Payload), "stackTrace") {
		t.Errorf("panic payload has no stack trace: %s", fe.Payload)
	}
}

func TestInvokeFunctionExitingWithoutAnswer(t *testing.T) {
	t.Parallel()
	_, err := Invocation{Binary: testBinary(t, "panic"), Event: []byte(`{"exit":true}`), Logs: io.Discard}.Run(context.Background())
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.Type != "Runtime.ExitError" || !strings.Contains(fe.Message, "exit status 3") {
		t.Fatalf("err = %v, want Runtime.ExitError with exit status 3", err)
	}
}

func TestInvokeTimesOutAndKills(t *testing.T) {
	t.Parallel()
	bin := testBinary(t, "echo")
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	var logs syncBuffer
	start := time.Now()
	_, err := Invocation{Binary: bin, Event: []byte(`{"sleepMs":10000}`), Logs: &logs}.Run(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Run returned after %s, want about the 700ms timeout", elapsed)
	}
	// The function logged its pid-bearing line only if it got the event.
	if !strings.Contains(logs.String(), "echo: handling") {
		t.Errorf("function never handled the event; logs:\n%s", logs.String())
	}
}

func TestInvokeMissingBinary(t *testing.T) {
	_, err := Invoke(context.Background(), filepath.Join(t.TempDir(), "nope"), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "start") {
		t.Fatalf("err = %v, want a start error", err)
	}
}

// TestRuntimeAPI drives the server directly, as a runtime would.
func TestRuntimeAPI(t *testing.T) {
	deadline := time.Now().Add(time.Minute)
	api, err := newRuntimeAPI([]byte(`{"a":1}`), deadline, functionARN("fn"))
	if err != nil {
		t.Fatal(err)
	}
	defer api.close()
	base := "http://" + api.addr + apiPrefix

	resp, err := http.Get(base + "invocation/next")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != `{"a":1}` {
		t.Fatalf("next = %d %s", resp.StatusCode, body)
	}
	id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
	if id != api.requestID || !uuidRE.MatchString(id) {
		t.Errorf("request id header = %q", id)
	}
	if ms, _ := strconv.ParseInt(resp.Header.Get("Lambda-Runtime-Deadline-Ms"), 10, 64); ms != deadline.UnixMilli() {
		t.Errorf("deadline header = %d, want %d", ms, deadline.UnixMilli())
	}
	if got := resp.Header.Get("Lambda-Runtime-Invoked-Function-Arn"); got != functionARN("fn") {
		t.Errorf("function ARN header = %q", got)
	}
	if resp.Header.Get("Lambda-Runtime-Trace-Id") == "" {
		t.Error("no trace id header")
	}

	// A second /next waits until the API is closed.
	second := make(chan int, 1)
	go func() {
		resp, err := http.Get(base + "invocation/next")
		if err != nil {
			second <- -1
			return
		}
		resp.Body.Close()
		second <- resp.StatusCode
	}()
	select {
	case code := <-second:
		t.Fatalf("second next returned at once with %d, want it to wait", code)
	case <-time.After(200 * time.Millisecond):
	}

	if code := post(t, base+"invocation/not-the-id/response", "{}"); code != http.StatusBadRequest {
		t.Errorf("response for an unknown id = %d, want 400", code)
	}
	if code := post(t, base+"init/error", `{"errorMessage":"no config","errorType":"Runtime.InitError"}`); code != http.StatusAccepted {
		t.Errorf("init/error = %d, want 202", code)
	}
	if code := post(t, base+"invocation/"+id+"/response", `"late"`); code != http.StatusAccepted {
		t.Errorf("response = %d, want 202", code)
	}
	// Only the first result counts.
	r := <-api.result
	var fe *FunctionError
	if !errors.As(r.err, &fe) || !fe.Init || fe.Type != "Runtime.InitError" || fe.Message != "no config" {
		t.Errorf("result = %+v, want the init error", r)
	}
	if got := fe.Error(); got != "function init error: Runtime.InitError: no config" {
		t.Errorf("Error() = %q", got)
	}

	api.close()
	select {
	case <-second:
	case <-time.After(5 * time.Second):
		t.Error("second next still waiting after close")
	}
}

func TestEnvironment(t *testing.T) {
	env := Invocation{
		Binary: "/tmp/bootstrap",
		Env:    []string{"AWS_LAMBDA_RUNTIME_API=elsewhere:1", "_LAMBDA_SERVER_PORT=9", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1024", "X=y=z"},
	}.environment()
	for key, want := range map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        "bootstrap",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
		"_HANDLER":                        "bootstrap",
		"AWS_REGION":                      "us-east-1",
		"X":                               "y=z",
		"AWS_LAMBDA_RUNTIME_API":          "",
		"_LAMBDA_SERVER_PORT":             "",
	} {
		if got := lookupEnv(env, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
}

func post(t *testing.T, url, body string) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

// syncBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
