package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/queue"
)

// coldResult is one function's cold start.
type coldResult struct {
	Name       string
	Event      string
	Init       time.Duration // median exec → first GET .../invocation/next
	Invoke     time.Duration // median first event handed out → response posted
	InitRuns   []time.Duration
	Status     string // what the first invocation answered (HTTP status, or "ok")
	Binary     int64
	Zipped     int64
	Reference  bool // one of the references (hello, hello + SDK)
	InitRatio  float64
	TotalRatio float64
	// SDKRatio is Init ÷ the hello + SDK reference's init, and OwnInit
	// Init − that reference's init: the part of a function's init that is
	// Kabinet's own rather than the Go runtime's, aws-lambda-go's or the
	// AWS SDK's.
	SDKRatio float64
	OwnInit  time.Duration
	// Instr is the least count of instructions the process executed from
	// exec to its first GET .../invocation/next in any run (callgrind, see
	// coldInstructions; why the least: instrFloor), InstrRuns every count,
	// InstrRatio Instr ÷ the hello + SDK reference's, and GC whether a
	// garbage collection ran during that init (in that run). 0 when
	// valgrind is missing.
	Instr      int64
	InstrRuns  []int64
	InstrRatio float64
	GC         bool
}

// The cold-start references, built from cmd/bench/testdata. hello is the
// target's reference; helloSDK also loads the AWS configuration and builds the
// DynamoDB and SNS clients as every function does, so the table can tell the
// SDK's share of a function's init from Kabinet's.
const (
	helloName    = "hello (reference)"
	helloSDKName = "hello + SDK (reference)"
)

// coldRuns is N for the cold start medians. A start takes milliseconds, so
// many rounds cost seconds, and on a shared machine a function's median
// moved by ±10% between runs of 15 (the gap the 1.10× target measures).
func (b *bench) coldRuns() int {
	if b.o.Quick {
		return 1
	}
	return 41
}

// coldStart builds every function as `make build` does, for this machine's
// architecture, and times start-to-ready and the first invocation.
func (b *bench) coldStart(ctx context.Context, rep *report) error {
	fns := functions.Names()
	if b.o.Quick {
		fns = quickFunctions(fns)
	}
	dir, err := os.MkdirTemp("", "kabinet-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	table, done, err := b.table(ctx, "cold")
	if err != nil {
		return err
	}
	defer done()
	topic, err := b.cl.SNS.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bench-cold-reminders")})
	if err != nil {
		return err
	}
	// the reminder pipeline's job queues, for reminder-dispatch and reminder-worker
	queues, err := queue.Ensure(ctx, b.cl.AWS, "bench-cold-")
	if err != nil {
		return err
	}
	env := append(append([]string{}, b.o.Env...),
		"TABLE_NAME="+table,
		"REMINDERS_TOPIC_ARN="+aws.ToString(topic.TopicArn),
		"TICKET_SIGNING_SEED="+seed32(),
		"HOME="+dir, // no shared AWS config files, as in Lambda
		"PATH=/usr/bin:/bin",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_LOG_STREAM_NAME=bench",
		"_HANDLER=bootstrap",
	)
	for _, q := range queue.Queues {
		env = append(env, q.Env+"="+queues[q.Class])
	}

	// id names the build directory and AWS_LAMBDA_FUNCTION_NAME.
	type target struct {
		id, name, pkg, event string
		ref                  bool
	}
	targets := []target{
		{"hello", helloName, "./cmd/bench/testdata/hello", "scheduled-expiry-scan.json", true},
		{"hello-sdk", helloSDKName, "./cmd/bench/testdata/hellosdk", "scheduled-expiry-scan.json", true},
	}
	for _, fn := range fns {
		targets = append(targets, target{fn, fn, "./functions/" + fn, sampleEvent(b.o.Root, fn), false})
	}
	// Build everything first, then run the targets round robin: one start
	// of each per round. The machine is shared, and its load drifts over
	// the seconds a target's runs take; interleaved, every target sees the
	// same drift, so the ratios to the references stay fair.
	results := make([]coldResult, len(targets))
	bins, events := make([]string, len(targets)), make([][]byte, len(targets))
	invokes := make([][]time.Duration, len(targets))
	for i, t := range targets {
		out := filepath.Join(dir, t.id, "bootstrap")
		t0 := time.Now()
		if err := buildFunction(ctx, b.o.Root, t.pkg, out); err != nil {
			return err
		}
		b.logf("built %s in %s", t.name, time.Since(t0).Round(time.Millisecond))
		event, err := os.ReadFile(filepath.Join(b.o.Root, "events", t.event))
		if err != nil {
			return err
		}
		r := coldResult{Name: t.name, Event: t.event, Reference: t.ref}
		if fi, err := os.Stat(out); err == nil {
			r.Binary = fi.Size()
		}
		if r.Zipped, err = zippedSize(out); err != nil {
			return err
		}
		results[i], bins[i], events[i] = r, out, event
	}
	for run := range b.coldRuns() {
		for i, t := range targets {
			initD, invD, resp, err := coldRun(ctx, bins[i], events[i], append(env, "AWS_LAMBDA_FUNCTION_NAME="+t.id))
			if err != nil {
				return fmt.Errorf("%s run %d: %w", t.name, run+1, err)
			}
			results[i].InitRuns = append(results[i].InitRuns, initD)
			invokes[i] = append(invokes[i], invD)
			if run == 0 {
				results[i].Status = responseStatus(resp)
			}
		}
	}
	for i := range results {
		r := &results[i]
		r.Init, r.Invoke = median(r.InitRuns), median(invokes[i])
		b.logf("%s: init %s, first invocation %s (%s), binary %.1f MB, zip %.1f MB", r.Name, r.Init, r.Invoke, r.Status,
			float64(r.Binary)/1e6, float64(r.Zipped)/1e6)
	}
	// Instructions, where valgrind is installed: the target's measure (the
	// wall-clock medians above move with the shared machine's load).
	if vg, err := exec.LookPath("valgrind"); err == nil {
		gcs := make([][]bool, len(targets))
		for run := range b.instrRuns() {
			for i, t := range targets {
				n, gc, err := coldInstructions(ctx, vg, bins[i], append(env, "AWS_LAMBDA_FUNCTION_NAME="+t.id))
				if err != nil {
					return fmt.Errorf("%s instructions, run %d: %w", t.name, run+1, err)
				}
				results[i].InstrRuns = append(results[i].InstrRuns, n)
				gcs[i] = append(gcs[i], gc)
			}
		}
		for i := range results {
			results[i].Instr = instrFloor(results[i].InstrRuns)
			results[i].GC = gcs[i][slices.Index(results[i].InstrRuns, results[i].Instr)]
			b.logf("%s: init %.1f M instructions (runs %v), GC in init %v", results[i].Name, float64(results[i].Instr)/1e6,
				results[i].InstrRuns, results[i].GC)
		}
	} else {
		b.logf("valgrind not found: no instruction counts")
	}
	ref, sdk := results[0], results[1]
	for i := range results {
		if sdk.Instr > 0 {
			results[i].InstrRatio = float64(results[i].Instr) / float64(sdk.Instr)
		}
		results[i].InitRatio = ratio(results[i].Init, ref.Init)
		results[i].TotalRatio = ratio(results[i].Init+results[i].Invoke, ref.Init+ref.Invoke)
		results[i].SDKRatio = ratio(results[i].Init, sdk.Init)
		results[i].OwnInit = results[i].Init - sdk.Init
	}
	rep.Cold = results
	return nil
}

// instrRuns is how many times each start is counted (instrFloor takes the
// least). A start's low mode (the runtime's first heap spans without the
// extra growth) shows in about a third of runs: 5 runs missed it for a
// function on 4 December 2026 (applications 1.10× where its floor is
// 1.09×); 11 miss it with a chance under 1%.
func (b *bench) instrRuns() int {
	if b.o.Quick {
		return 1
	}
	return 11
}

// coldInstructions counts the instructions bin executes from exec until it
// first asks for work, under valgrind's callgrind (the machine has no
// hardware counters for perf stat). Wall-clock starts on a shared 2-core
// machine move by ±10% between runs — the size of the 1.10× gap the target
// measures — while the instructions a start executes do not depend on the
// load. The Runtime API address given is one nobody listens on: the first
// GET .../invocation/next is refused and aws-lambda-go exits, so the count
// ends where Init ends (plus the refused dial, a log line and the exit,
// the same for every target). GOMAXPROCS=1 and no asynchronous preemption
// keep the runtime's idle spinning and signals out of the count (callgrind
// also serialises threads); the GC stays as it is, and gctrace tells whether
// a collection ran. Errors: valgrind failing, or no count in its output.
func coldInstructions(ctx context.Context, valgrind, bin string, env []string) (int64, bool, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, false, err
	}
	addr := l.Addr().String()
	_ = l.Close()
	cmd := exec.CommandContext(ctx, valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", bin)
	cmd.Env = append(env, "AWS_LAMBDA_RUNTIME_API="+addr, "GOMAXPROCS=1", "GODEBUG=asyncpreemptoff=1,gctrace=1")
	cmd.Dir = filepath.Dir(bin)
	out, _ := cmd.CombinedOutput() // exit status 1: the refused GET /next
	const mark = "Collected : "
	i := bytes.Index(out, []byte(mark))
	if i < 0 {
		return 0, false, fmt.Errorf("no instruction count from callgrind:\n%s", out)
	}
	rest := out[i+len(mark):]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(rest)), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("callgrind count %q: %w", rest, err)
	}
	gc := bytes.HasPrefix(out, []byte("gc ")) || bytes.Contains(out, []byte("\ngc "))
	return n, gc, nil
}

// instrFloor is the least of a start's instruction counts. A start does
// the same work every run; what varies is the Go runtime growing its heap
// (callgrind puts the difference under mcentral.grow → mheap.alloc), about
// 70 K instructions more in some runs than in others, in the references as
// much as in the functions. The least count is the start's work without
// that; a median of a few runs
// lands a function and its reference in either mode by chance (booking,
// 3 December 2026: 1.096× hello + SDK in the same mode, 1.105× across).
func instrFloor(xs []int64) int64 { return slices.Min(xs) }

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// quickFunctions keeps one HTTP function and the scan for -quick.
func quickFunctions(fns []string) []string {
	var out []string
	for _, f := range fns {
		if f == "documents" || f == "expiry-scan" {
			out = append(out, f)
		}
	}
	if len(out) == 0 && len(fns) > 0 {
		out = fns[:1]
	}
	return out
}

// sampleEvent picks the event a function is invoked with, by its trigger in
// functions.All: the list of documents for an HTTP function (lambdahttp), an
// agency event for a bus-driven one, the scheduled event for a scheduled
// one, an SQS delivery report for an SQS consumer.
func sampleEvent(root, fn string) string {
	f, _ := functions.Get(fn)
	src, _ := os.ReadFile(filepath.Join(root, "functions", fn, "main.go"))
	switch {
	case len(f.Routes) > 0:
		return "apigw-list-documents.json"
	case f.Events != nil && fileExists(filepath.Join(root, "events", "agency-document-issued.json")):
		return "agency-document-issued.json"
	case f.Schedule == nil && strings.Contains(string(src), "SQSEvent"):
		return "sqs-reminder-delivered.json"
	}
	return "scheduled-expiry-scan.json"
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// buildFunction builds pkg exactly as `make build` does, but for the host.
func buildFunction(ctx context.Context, root, pkg, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// zippedSize is the size of a deployment zip holding the binary as bootstrap.
func zippedSize(bin string) (int64, error) {
	f, err := os.Open(bin)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	cw := &countWriter{}
	zw := zip.NewWriter(cw)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "bootstrap", Method: zip.Deflate})
	if err != nil {
		return 0, err
	}
	if _, err := io.Copy(w, f); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return cw.n, nil
}

func responseStatus(resp []byte) string {
	var r struct {
		StatusCode int `json:"statusCode"`
	}
	if string(resp) == `{"functionError":true}` {
		return "function error"
	}
	if json.Unmarshal(resp, &r) == nil && r.StatusCode != 0 {
		return fmt.Sprintf("HTTP %d", r.StatusCode)
	}
	return "ok"
}

// coldAPI is the least of the Lambda Runtime API a cold start needs: it
// notes when the runtime first asks for work, hands out one event and takes
// its answer. Later /next calls wait until the run is over.
type coldAPI struct {
	event  []byte
	ready  chan time.Time // the first GET /next
	result chan []byte
	failed chan string
	once   sync.Once
	done   chan struct{}
}

func (a *coldAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const prefix = "/2018-06-01/runtime/"
	p := strings.TrimPrefix(r.URL.Path, prefix)
	switch {
	case r.Method == http.MethodGet && p == "invocation/next":
		first := false
		a.once.Do(func() { first = true; a.ready <- time.Now() })
		if !first {
			<-a.done
			http.Error(w, "gone", http.StatusGone)
			return
		}
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", "bench-request-1")
		h.Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(5*time.Minute).UnixMilli()))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:bench")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
		h.Set("Content-Type", "application/json")
		_, _ = w.Write(a.event)
	case r.Method == http.MethodPost && strings.HasSuffix(p, "/response"):
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		select {
		case a.result <- body:
		default:
		}
	case r.Method == http.MethodPost && (strings.HasSuffix(p, "/error")):
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		select {
		case a.failed <- p + ": " + string(body):
		default:
		}
	default:
		http.NotFound(w, r)
	}
}

// coldRun starts bin once and returns exec→ready, the first invocation's
// duration and its response. The process is killed before it returns.
func coldRun(ctx context.Context, bin string, event []byte, env []string) (time.Duration, time.Duration, []byte, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, nil, err
	}
	api := &coldAPI{event: event, ready: make(chan time.Time, 1), result: make(chan []byte, 1), failed: make(chan string, 1), done: make(chan struct{})}
	srv := &http.Server{Handler: api}
	go func() { _ = srv.Serve(l) }()
	defer func() { close(api.done); _ = srv.Close() }()

	var logs bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Env = append(env, "AWS_LAMBDA_RUNTIME_API="+l.Addr().String())
	cmd.Dir = filepath.Dir(bin)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.WaitDelay = time.Second
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited
	}()
	timeout := time.NewTimer(60 * time.Second)
	defer timeout.Stop()
	var readyAt time.Time
	select {
	case readyAt = <-api.ready:
	case err := <-exited:
		exited <- err
		return 0, 0, nil, fmt.Errorf("exited before asking for work: %v\n%s", err, logs.String())
	case <-timeout.C:
		return 0, 0, nil, errors.New("no GET /invocation/next within 60 s")
	case <-ctx.Done():
		return 0, 0, nil, ctx.Err()
	}
	select {
	case resp := <-api.result:
		return readyAt.Sub(t0), time.Since(readyAt), resp, nil
	case msg := <-api.failed:
		if strings.HasPrefix(msg, "init/") {
			return 0, 0, nil, fmt.Errorf("init error %s\n%s", msg, logs.String())
		}
		// The function started and handled the event; its answer is an error.
		return readyAt.Sub(t0), time.Since(readyAt), []byte(`{"functionError":true}`), nil
	case err := <-exited:
		exited <- err
		return 0, 0, nil, fmt.Errorf("exited during the invocation: %v\n%s", err, logs.String())
	case <-timeout.C:
		return 0, 0, nil, errors.New("no response within 60 s")
	case <-ctx.Done():
		return 0, 0, nil, ctx.Err()
	}
}
