// Package lambdarun runs a compiled Lambda function binary once on one event,
// the way `sam local invoke` does but without Docker: it serves the part of
// the AWS Lambda Runtime API that a custom-runtime binary (aws-lambda-go's
// lambda.Start) talks to, on a loopback port, starts the binary pointed at it,
// hands it the event and returns what it answers.
//
// The function runs as a plain host process with the caller's environment,
// so it reaches local emulators through AWS_ENDPOINT_URL_* variables.
package lambdarun

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Region and Account make up the function ARN handed to the function; they
// match the local emulator stack's.
const (
	Region  = "us-east-1"
	Account = "000000000000"
)

// maxDuration is Lambda's own limit, used as the deadline when ctx has none.
const maxDuration = 15 * time.Minute

// Invoke runs the function binary at binaryPath on event and returns its
// response payload. env is the function's environment on top of the Lambda
// runtime's variables (pass os.Environ() to inherit this process's); it may
// set AWS_LAMBDA_FUNCTION_NAME and friends to override the defaults, but not
// AWS_LAMBDA_RUNTIME_API. The function's output goes to os.Stderr.
//
// The invocation's deadline is ctx's (Lambda's 15 minutes without one). When
// the function reports an error the result is a *FunctionError; when ctx
// ends first the error wraps ctx.Err(). The process is killed before Invoke
// returns in every case.
func Invoke(ctx context.Context, binaryPath string, event []byte, env []string) (response []byte, err error) {
	return Invocation{Binary: binaryPath, Event: event, Env: env}.Run(ctx)
}

// Invocation is one run of a function binary, for callers that need more
// control than Invoke gives, such as capturing the function's logs.
type Invocation struct {
	Binary string    // path of the compiled function (a lambda.Start main)
	Event  []byte    // the event payload, normally JSON; empty is sent as {}
	Env    []string  // as for Invoke
	Logs   io.Writer // the function's stdout and stderr; nil = os.Stderr
}

// FunctionError is the error a function reported through the Runtime API:
// a handler error or panic (POST .../invocation/{id}/error), or a failed
// initialisation (POST .../init/error).
type FunctionError struct {
	Init bool // reported as an initialisation error

	Type    string // errorType, e.g. "errorString" or "Runtime.ExitError"
	Message string // errorMessage

	// Payload is the error document as the function sent it, the JSON that
	// Lambda would return to a synchronous caller.
	Payload []byte
}

// Error describes the failure the way the invoke tool prints it:
// "function error: <type>: <message>".
func (e *FunctionError) Error() string {
	kind := "function error"
	if e.Init {
		kind = "function init error"
	}
	if e.Type == "" {
		return kind + ": " + e.Message
	}
	return kind + ": " + e.Type + ": " + e.Message
}

// Run runs the invocation; see Invoke.
func (inv Invocation) Run(ctx context.Context) ([]byte, error) {
	if inv.Logs == nil {
		inv.Logs = os.Stderr
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(maxDuration)
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	bin, err := filepath.Abs(inv.Binary)
	if err != nil {
		return nil, fmt.Errorf("lambdarun: %w", err)
	}
	env := inv.environment()
	event := inv.Event
	if len(event) == 0 {
		event = []byte("{}")
	}

	api, err := newRuntimeAPI(event, deadline, functionARN(lookupEnv(env, "AWS_LAMBDA_FUNCTION_NAME")))
	if err != nil {
		return nil, err
	}
	defer api.close()

	cmd := exec.Command(bin)
	cmd.Env = append(env, "AWS_LAMBDA_RUNTIME_API="+api.addr)
	cmd.Dir = filepath.Dir(bin)
	cmd.Stdout = inv.Logs
	cmd.Stderr = inv.Logs
	cmd.SysProcAttr = sysProcAttr()
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("lambdarun: start %s: %w", inv.Binary, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		killGroup(cmd.Process)
		<-exited
	}()

	select {
	case r := <-api.result:
		return r.response, r.err
	case err := <-exited:
		exited <- err // for the deferred wait
		// A result posted just before the exit wins over the exit.
		select {
		case r := <-api.result:
			return r.response, r.err
		default:
		}
		return nil, &FunctionError{
			Type:    "Runtime.ExitError",
			Message: fmt.Sprintf("%s exited before answering: %v", filepath.Base(inv.Binary), exitReason(err)),
		}
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("lambdarun: function timed out after %s: %w",
				deadline.Sub(api.started).Round(time.Millisecond), ctx.Err())
		}
		return nil, fmt.Errorf("lambdarun: invocation cancelled: %w", ctx.Err())
	}
}

// environment is the function's environment: Lambda's defaults, then the
// caller's, with any inherited Runtime API address dropped (the caller's
// cannot be served here, and _LAMBDA_SERVER_PORT would select the retired
// RPC mode).
func (inv Invocation) environment() []string {
	name := strings.TrimSuffix(filepath.Base(inv.Binary), filepath.Ext(inv.Binary))
	env := []string{
		"AWS_LAMBDA_FUNCTION_NAME=" + name,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + name,
		"AWS_LAMBDA_LOG_STREAM_NAME=local",
		"AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region,
		"_HANDLER=bootstrap",
	}
	for _, kv := range inv.Env {
		k, _, _ := strings.Cut(kv, "=")
		if k == "AWS_LAMBDA_RUNTIME_API" || k == "_LAMBDA_SERVER_PORT" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// lookupEnv returns the last value of key in env, as exec.Cmd would use it.
func lookupEnv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

func functionARN(name string) string {
	return "arn:aws:lambda:" + Region + ":" + Account + ":function:" + name
}

func exitReason(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// result is what the function posted back.
type result struct {
	response []byte
	err      error
}

// runtimeAPI serves one invocation of the Lambda Runtime API.
type runtimeAPI struct {
	addr      string
	requestID string
	event     []byte
	deadline  time.Time
	arn       string
	traceID   string
	started   time.Time

	srv       *http.Server
	stop      chan struct{} // closed by close: releases /next calls that wait
	closeOnce sync.Once

	mu     sync.Mutex
	served bool        // the event has been handed out
	result chan result // gets the first result only
}

const apiPrefix = "/2018-06-01/runtime/"

func newRuntimeAPI(event []byte, deadline time.Time, arn string) (*runtimeAPI, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("lambdarun: listen for the Runtime API: %w", err)
	}
	a := &runtimeAPI{
		addr:      l.Addr().String(),
		requestID: newUUID(),
		event:     event,
		deadline:  deadline,
		arn:       arn,
		traceID:   "Root=1-" + strconv.FormatInt(time.Now().Unix(), 16) + "-" + randomHex(12) + ";Parent=" + randomHex(8) + ";Sampled=0",
		started:   time.Now(),
		stop:      make(chan struct{}),
		result:    make(chan result, 1),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+apiPrefix+"invocation/next", a.next)
	mux.HandleFunc("POST "+apiPrefix+"invocation/{id}/response", a.response)
	mux.HandleFunc("POST "+apiPrefix+"invocation/{id}/error", a.invocationError)
	mux.HandleFunc("POST "+apiPrefix+"init/error", a.initError)
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = a.srv.Serve(l) }()
	return a, nil
}

// close stops the server and releases waiting /next calls; it is idempotent.
func (a *runtimeAPI) close() {
	a.closeOnce.Do(func() {
		close(a.stop)
		_ = a.srv.Close()
	})
}

// next hands out the event once; later calls, which the runtime makes to
// report that it is ready for more, wait until the invocation is over.
func (a *runtimeAPI) next(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	first := !a.served
	a.served = true
	a.mu.Unlock()
	if !first {
		select {
		case <-a.stop:
		case <-r.Context().Done():
		}
		http.Error(w, "runtime is shutting down", http.StatusGone)
		return
	}
	h := w.Header()
	h.Set("Lambda-Runtime-Aws-Request-Id", a.requestID)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(a.deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", a.arn)
	h.Set("Lambda-Runtime-Trace-Id", a.traceID)
	h.Set("Content-Type", "application/json")
	_, _ = w.Write(a.event)
}

// response takes the function's result. A response streamed with an error
// in its trailers (aws-lambda-go does this when reading the handler's
// io.Reader fails) counts as a function error.
func (a *runtimeAPI) response(w http.ResponseWriter, r *http.Request) {
	if !a.checkID(w, r) {
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		a.reply(w, http.StatusBadRequest, "InvalidRequest", "reading the response: "+err.Error())
		a.deliver(result{err: fmt.Errorf("lambdarun: reading the function's response: %w", err)})
		return
	}
	if typ := r.Trailer.Get("Lambda-Runtime-Function-Error-Type"); typ != "" {
		payload, _ := base64.StdEncoding.DecodeString(r.Trailer.Get("Lambda-Runtime-Function-Error-Body"))
		a.deliver(result{err: parseFunctionError(payload, typ, false)})
	} else {
		a.deliver(result{response: body})
	}
	a.reply(w, http.StatusAccepted, "", "")
}

func (a *runtimeAPI) invocationError(w http.ResponseWriter, r *http.Request) {
	if !a.checkID(w, r) {
		return
	}
	a.takeError(w, r, false)
}

func (a *runtimeAPI) initError(w http.ResponseWriter, r *http.Request) {
	a.takeError(w, r, true)
}

func (a *runtimeAPI) takeError(w http.ResponseWriter, r *http.Request, init bool) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		a.reply(w, http.StatusBadRequest, "InvalidRequest", "reading the error: "+err.Error())
		a.deliver(result{err: fmt.Errorf("lambdarun: reading the function's error: %w", err)})
		return
	}
	a.deliver(result{err: parseFunctionError(body, r.Header.Get("Lambda-Runtime-Function-Error-Type"), init)})
	a.reply(w, http.StatusAccepted, "", "")
}

func (a *runtimeAPI) checkID(w http.ResponseWriter, r *http.Request) bool {
	if id := r.PathValue("id"); id != a.requestID {
		a.reply(w, http.StatusBadRequest, "InvalidRequestID", "unknown request id "+strconv.Quote(id))
		return false
	}
	return true
}

// deliver records the first result; the Runtime API accepts one per
// invocation and so does Run.
func (a *runtimeAPI) deliver(r result) {
	select {
	case a.result <- r:
	default:
	}
}

// reply answers as the Runtime API does: {"status":"OK"} on success, an
// error document otherwise.
func (a *runtimeAPI) reply(w http.ResponseWriter, code int, errType, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if errType == "" {
		_, _ = io.WriteString(w, `{"status":"OK"}`)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"errorType": errType, "errorMessage": msg})
}

// parseFunctionError reads an error document ({"errorMessage","errorType",
// "stackTrace"}); typ, from a header or trailer, names the type when the
// document does not.
func parseFunctionError(payload []byte, typ string, init bool) *FunctionError {
	fe := &FunctionError{Init: init, Type: typ, Payload: payload}
	var doc struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	if err := json.Unmarshal(payload, &doc); err == nil {
		fe.Message = doc.Message
		if doc.Type != "" {
			fe.Type = doc.Type
		}
	} else {
		fe.Message = strings.TrimSpace(string(payload))
	}
	if fe.Type == "" && fe.Message == "" {
		fe.Type = "Unknown"
	}
	return fe
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// newUUID returns a random (version 4) UUID, the shape of Lambda request ids.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
