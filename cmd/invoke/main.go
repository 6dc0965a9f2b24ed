// Command invoke runs one Kabinet Lambda function on a sample event, as
// `sam local invoke` does, without Docker:
//
//	go run ./cmd/invoke -fn documents -event events/x.json [-env .local/stack.env] [-timeout 30s]
//
// It builds ./functions/<fn> for this machine, serves the Lambda Runtime API
// to it on a loopback port (see internal/lambdarun), hands it the event and
// prints its response, indented, on stdout. The function's logs go to
// stderr. The function gets this process's environment plus the KEY=VALUE
// lines of the -env file, which `make run` writes with the local emulator
// endpoints and TABLE_NAME; a missing file is skipped.
//
// Exit status: 0 when the function answered, 1 when it reported an error,
// crashed or timed out (its error document, if any, is printed on stdout as
// Lambda would return it), 2 for a usage error or a failed build.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/kabinet/kabinet/internal/emulators"
	"github.com/kabinet/kabinet/internal/lambdarun"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK       = 0
	exitFunction = 1 // the function failed, crashed or timed out
	exitUsage    = 2 // bad flags or input, or the function did not build
)

// run is the whole command, with its streams passed in so tests can drive it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("invoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fn := fs.String("fn", "", "function to run: the directory name under functions/ (required)")
	eventPath := fs.String("event", "", "event JSON file; - reads stdin; empty sends {}")
	envPath := fs.String("env", "", "KEY=VALUE file added to the function's environment, skipped if missing (default <repo>/.local/stack.env)")
	timeout := fs.Duration("timeout", 30*time.Second, "the function's timeout")
	pkg := fs.String("pkg", "", "Go package to build instead of ./functions/<fn>, relative to the repository root")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./cmd/invoke -fn NAME [-event FILE] [-env FILE] [-timeout 30s]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *fn == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	if *timeout <= 0 {
		fmt.Fprintln(stderr, "invoke: -timeout must be positive")
		return exitUsage
	}

	root, err := emulators.RepoRoot()
	if err != nil {
		fmt.Fprintf(stderr, "invoke: %v\n", err)
		return exitUsage
	}
	if *pkg == "" {
		if *pkg, err = functionPackage(root, *fn); err != nil {
			fmt.Fprintf(stderr, "invoke: %v\n", err)
			return exitUsage
		}
	}
	event, err := readEvent(*eventPath, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "invoke: %v\n", err)
		return exitUsage
	}
	envGiven := *envPath != ""
	if !envGiven {
		*envPath = filepath.Join(root, ".local", "stack.env")
	}
	extra, err := readEnvFile(*envPath)
	if err != nil {
		fmt.Fprintf(stderr, "invoke: %v\n", err)
		return exitUsage
	}
	if extra == nil && envGiven {
		fmt.Fprintf(stderr, "invoke: note: %s not found; running with the current environment only\n", *envPath)
	}

	tmp, err := os.MkdirTemp("", "kabinet-invoke-")
	if err != nil {
		fmt.Fprintf(stderr, "invoke: %v\n", err)
		return exitUsage
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bootstrap")
	if err := build(ctx, root, *pkg, bin, stderr); err != nil {
		fmt.Fprintf(stderr, "invoke: %v\n", err)
		return exitUsage
	}

	env := append(os.Environ(),
		"AWS_LAMBDA_FUNCTION_NAME="+*fn,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"_HANDLER=bootstrap",
	)
	env = append(env, extra...)

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	start := time.Now()
	resp, err := lambdarun.Invocation{Binary: bin, Event: event, Env: env, Logs: stderr}.Run(ctx)
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		var fe *lambdarun.FunctionError
		if errors.As(err, &fe) && len(fe.Payload) > 0 {
			writeJSON(stdout, fe.Payload)
		}
		fmt.Fprintf(stderr, "invoke: %s failed after %s: %v\n", *fn, took, err)
		return exitFunction
	}
	writeJSON(stdout, resp)
	fmt.Fprintf(stderr, "invoke: %s answered in %s\n", *fn, took)
	return exitOK
}

// functionPackage returns ./functions/<fn> after checking that fn names one
// directory there, listing the functions that exist when it does not.
func functionPackage(root, fn string) (string, error) {
	if fn != filepath.Base(fn) || fn == "." || fn == ".." || strings.ContainsAny(fn, `/\`) {
		return "", fmt.Errorf("-fn %q: want the name of a directory under functions/", fn)
	}
	dir := filepath.Join(root, "functions")
	if st, err := os.Stat(filepath.Join(dir, fn)); err == nil && st.IsDir() {
		return "./functions/" + fn, nil
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return "", fmt.Errorf("no function %q: %s has no function directories", fn, dir)
	}
	return "", fmt.Errorf("no function %q in %s; there are: %s", fn, dir, strings.Join(names, ", "))
}

// readEvent reads the event from path ("-" = stdin, "" = {}) and checks that
// it is JSON, as Lambda requires of an event.
func readEvent(path string, stdin io.Reader) ([]byte, error) {
	var data []byte
	var err error
	switch path {
	case "":
		return []byte("{}"), nil
	case "-":
		data, err = io.ReadAll(stdin)
		path = "stdin"
	default:
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read event: %w", err)
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("event %s is not valid JSON", path)
	}
	return data, nil
}

// readEnvFile parses KEY=VALUE lines; blank lines and # comments are skipped,
// an "export " prefix and quotes around the value are allowed, so the file
// can also be sourced by a shell. A missing file yields nothing.
func readEnvFile(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read env file: %w", err)
	}
	return parseEnv(path, data)
}

func parseEnv(name string, data []byte) ([]string, error) {
	var env []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			return nil, fmt.Errorf("%s:%d: want KEY=VALUE, got %q", name, n, line)
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			value = value[1 : len(value)-1]
		}
		env = append(env, key+"="+value)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return env, nil
}

// build compiles pkg for this machine (whatever GOOS/GOARCH the shell has
// for deployment builds) with Lambda's lambda.norpc tag.
func build(ctx context.Context, root, pkg, out string, stderr io.Writer) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	cmd.Stdout = stderr
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	return nil
}

// writeJSON prints a payload indented when it is JSON, as it is otherwise.
func writeJSON(w io.Writer, payload []byte) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, payload, "", "  "); err == nil {
		payload = buf.Bytes()
	}
	_, _ = w.Write(payload)
	if len(payload) == 0 || payload[len(payload)-1] != '\n' {
		_, _ = io.WriteString(w, "\n")
	}
}
