// Package emulators starts the local stand-ins for AWS that Kabinet runs against
// without Docker: Amazon's DynamoDB Local (java), the fauxqs SNS/SQS emulator
// (node) and the s3rver S3 server (node).
//
// Both are installed by tools/install.sh (`make tools`) under .local/tools and
// run as child processes in their own process groups, so Stop (or the death of
// the Go process, on Linux) takes them down with everything they started.
package emulators

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Region is the AWS region the local stack pretends to be in. Everything Env
// hands to clients uses it, so ARNs and queue URLs agree across processes.
const Region = "us-east-1"

// startTimeout bounds how long Start waits for both emulators to answer. A
// cold JVM takes 2–4 s on the 2-core machines this project runs on; the
// margin is for a loaded CI box.
const startTimeout = 3 * time.Minute

// Options configures Start. The zero value runs both emulators in memory on
// free loopback ports with the tools found by ToolsDir.
type Options struct {
	ToolsDir     string    // default: ToolsDir()
	DataDir      string    // "" = DynamoDB Local in memory; else -dbPath DataDir -sharedDb (persistent)
	DynamoDBPort int       // 0 = a free loopback port
	FauxqsPort   int       // 0 = a free loopback port
	S3Port       int       // 0 = a free loopback port
	Log          io.Writer // emulator stdout/stderr; nil = discard
}

// Stack is a running pair of emulators. Its endpoints are what AWS SDK
// clients are pointed at, directly or through Env.
type Stack struct {
	// DynamoDBEndpoint is DynamoDB Local's URL, http://127.0.0.1:port.
	DynamoDBEndpoint string
	// SNSEndpoint is fauxqs's URL, http://127.0.0.1:port.
	SNSEndpoint string
	// SQSEndpoint is the same fauxqs endpoint as SNSEndpoint: one server
	// speaks both protocols, and SNS fans out into its own SQS queues.
	SQSEndpoint string
	// S3Endpoint is s3rver's URL, http://127.0.0.1:port. Clients must use
	// path-style addressing (bucket in the path) against it.
	S3Endpoint string

	procs    []*process
	tempDir  string // removed by Stop
	stopOnce sync.Once
	stopErr  error
}

// Start starts DynamoDB Local, fauxqs and s3rver and returns once each has answered a
// real API call (DynamoDB ListTables, SNS ListTopics, an S3 GET /), so callers can use the
// endpoints at once. It gives up after about a minute, or when ctx ends, or as
// soon as an emulator exits; then it stops whatever it had started and returns
// an error that includes the tail of the emulator's log.
//
// ctx bounds only the start: the processes live until Stop.
func Start(ctx context.Context, opt Options) (*Stack, error) {
	for attempt := 1; ; attempt++ {
		s, err := start(ctx, opt)
		// A port found free can be taken by another process (a parallel
		// test package, say) before the emulator binds it: then try again
		// on new ports, when both ports were ours to choose.
		ours := opt.DynamoDBPort == 0 && opt.FauxqsPort == 0 && opt.S3Port == 0
		if err == nil || !ours || !portTaken(err) || attempt == portAttempts {
			return s, err
		}
	}
}

// portAttempts bounds Start's tries on fresh ports.
const portAttempts = 3

// portTaken reports a start that failed because an emulator's port was in
// use (Java's BindException, Node's EADDRINUSE, as the error's log tail
// shows them).
func portTaken(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Address already in use") || strings.Contains(msg, "EADDRINUSE")
}

func start(ctx context.Context, opt Options) (*Stack, error) {
	tools := opt.ToolsDir
	if tools == "" {
		var err error
		if tools, err = ToolsDir(); err != nil {
			return nil, err
		}
	} else if err := checkTools(tools); err != nil {
		return nil, err
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	ddbPort, err := portOrFree(opt.DynamoDBPort)
	if err != nil {
		return nil, fmt.Errorf("emulators: DynamoDB Local port: %w", err)
	}
	fqPort, err := portOrFree(opt.FauxqsPort)
	if err != nil {
		return nil, fmt.Errorf("emulators: fauxqs port: %w", err)
	}
	s3Port, err := portOrFree(opt.S3Port)
	if err != nil {
		return nil, fmt.Errorf("emulators: s3rver port: %w", err)
	}
	var s3Dir, s3Temp string
	if opt.DataDir != "" {
		if err := os.MkdirAll(opt.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("emulators: DynamoDB Local data dir: %w", err)
		}
		s3Dir = filepath.Join(opt.DataDir, "s3")
		if abs, err := filepath.Abs(s3Dir); err == nil {
			s3Dir = abs
		}
		if err := os.MkdirAll(s3Dir, 0o755); err != nil {
			return nil, fmt.Errorf("emulators: s3rver data dir: %w", err)
		}
	} else {
		// In memory for DynamoDB; s3rver keeps files, so in a directory
		// of its own that Stop removes.
		if s3Temp, err = os.MkdirTemp("", "kabinet-s3-"); err != nil {
			return nil, fmt.Errorf("emulators: s3rver data dir: %w", err)
		}
		s3Dir = s3Temp
	}

	s := &Stack{
		DynamoDBEndpoint: "http://127.0.0.1:" + strconv.Itoa(ddbPort),
		SNSEndpoint:      "http://127.0.0.1:" + strconv.Itoa(fqPort),
	}
	s.SQSEndpoint = s.SNSEndpoint
	s.S3Endpoint = "http://127.0.0.1:" + strconv.Itoa(s3Port)
	s.tempDir = s3Temp

	ddb, err := startProcess("dynamodb-local", dynamoDBCommand(tools, ddbPort, opt.DataDir), javaMainDied, opt.Log)
	if err != nil {
		return nil, err
	}
	s.procs = append(s.procs, ddb)
	fq, err := startProcess("fauxqs", fauxqsCommand(tools, fqPort), "", opt.Log)
	if err != nil {
		_ = s.Stop()
		return nil, err
	}
	s.procs = append(s.procs, fq)
	s3, err := startProcess("s3rver", s3rverCommand(tools, s3Port, s3Dir), "", opt.Log)
	if err != nil {
		_ = s.Stop()
		return nil, err
	}
	s.procs = append(s.procs, s3)

	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	errs := make(chan error, 3)
	go func() { errs <- ddb.waitReady(ctx, pingDynamoDB(s.DynamoDBEndpoint)) }()
	go func() { errs <- fq.waitReady(ctx, pingSNS(s.SNSEndpoint)) }()
	go func() { errs <- s3.waitReady(ctx, pingS3(s.S3Endpoint)) }()
	// The first failure is the one to report; the other waits are cut short.
	for pending := 3; pending > 0; pending-- {
		if err := <-errs; err != nil {
			cancel()
			for pending--; pending > 0; pending-- {
				<-errs
			}
			_ = s.Stop()
			return nil, err
		}
	}
	return s, nil
}

// Stop terminates the emulators and everything they started: SIGTERM to each
// process group, SIGKILL to whatever is left after 5 s. It waits for the
// processes to exit, so no port or file is still held when it returns. It is
// safe to call more than once; later calls return the first call's result.
func (s *Stack) Stop() error {
	s.stopOnce.Do(func() {
		errs := make(chan error, len(s.procs))
		for _, p := range s.procs {
			go func() { errs <- p.stop(5 * time.Second) }()
		}
		var all []error
		for range s.procs {
			all = append(all, <-errs)
		}
		if s.tempDir != "" {
			all = append(all, os.RemoveAll(s.tempDir))
		}
		s.stopErr = errors.Join(all...)
	})
	return s.stopErr
}

// Env returns the environment that points the AWS SDK (config.LoadDefaultConfig)
// and the AWS CLI at this stack, as KEY=VALUE strings for exec.Cmd.Env or for
// a .env file. The credentials are dummies: the emulators accept any.
// AWS_EC2_METADATA_DISABLED keeps the SDK from ever probing the instance
// metadata address, which is not on this machine.
func (s *Stack) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL_DYNAMODB=" + s.DynamoDBEndpoint,
		// DynamoDB Local serves the table's stream on its own endpoint.
		"AWS_ENDPOINT_URL_DYNAMODB_STREAMS=" + s.DynamoDBEndpoint,
		"AWS_ENDPOINT_URL_SNS=" + s.SNSEndpoint,
		"AWS_ENDPOINT_URL_SQS=" + s.SQSEndpoint,
		"AWS_ENDPOINT_URL_S3=" + s.S3Endpoint,
		"AWS_REGION=" + Region,
		"AWS_ACCESS_KEY_ID=local",
		"AWS_SECRET_ACCESS_KEY=local",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// Setenv applies Env to this process, so code under test that builds its own
// SDK clients from the environment talks to the emulators.
func (s *Stack) Setenv() error {
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		if err := os.Setenv(k, v); err != nil {
			return fmt.Errorf("emulators: setenv %s: %w", k, err)
		}
	}
	return nil
}

// PIDs returns the process ids of the emulators (DynamoDB Local, fauxqs, s3rver), each
// also the id of its process group. It is there so tests and tools can check
// that Stop left nothing behind.
func (s *Stack) PIDs() []int {
	pids := make([]int, 0, len(s.procs))
	for _, p := range s.procs {
		pids = append(pids, p.cmd.Process.Pid)
	}
	return pids
}

// ToolsDir returns where tools/install.sh put the emulators: $KABINET_TOOLS if
// set, else <repo root>/.local/tools, the repo root being the nearest
// directory at or above the working directory whose go.mod declares this
// module. It fails, telling the reader to run `make tools`, when DynamoDB
// Local or fauxqs is missing there, so tests can skip with a useful reason.
func ToolsDir() (string, error) {
	dir := os.Getenv("KABINET_TOOLS")
	if dir == "" {
		root, err := RepoRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, ".local", "tools")
	}
	if err := checkTools(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// modulePath identifies the repository root among the go.mod files above the
// working directory (a nested module, such as a CDK app, may have its own).
const modulePath = "github.com/kabinet/kabinet"

// RepoRoot returns the nearest directory at or above the working directory
// whose go.mod declares module github.com/kabinet/kabinet. Tools that keep
// state under .local/ use it so they work from any package directory.
func RepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("emulators: working directory: %w", err)
	}
	for dir := wd; ; {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && declaresModule(data, modulePath) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("emulators: no go.mod for %s at or above %s; set KABINET_TOOLS or run from the repository", modulePath, wd)
		}
		dir = parent
	}
}

// declaresModule reports whether a go.mod file's module directive names path.
func declaresModule(gomod []byte, path string) bool {
	for line := range strings.Lines(string(gomod)) {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "module" {
			name := f[1]
			if unq, err := strconv.Unquote(name); err == nil {
				name = unq
			}
			return name == path
		}
	}
	return false
}

// Paths of the installed tools, relative to the tools directory.
var (
	dynamoDBJar = filepath.Join("dynamodb-local", "DynamoDBLocal.jar")
	dynamoDBLib = filepath.Join("dynamodb-local", "DynamoDBLocal_lib")
	fauxqsDist  = filepath.Join("node", "node_modules", "fauxqs", "dist")
	s3rverDir   = filepath.Join("node", "node_modules", "s3rver")
)

// checkTools verifies that tools/install.sh has run into dir.
func checkTools(dir string) error {
	for _, rel := range []string{dynamoDBJar, filepath.Join(fauxqsDist, "app.js"), filepath.Join(s3rverDir, "lib", "s3rver.js")} {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
			return fmt.Errorf("emulators: %s not found in %s; run `make tools` (bash tools/install.sh)", filepath.ToSlash(rel), dir)
		}
	}
	return nil
}

// portOrFree returns port, or when it is 0 a port that was free on
// 127.0.0.1 a moment ago. The emulators bind it themselves; the window in
// which another process could take it is short enough for a dev machine.
func portOrFree(port int) (int, error) {
	if port != 0 {
		return port, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
