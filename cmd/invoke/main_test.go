package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// invoke runs the command with args and returns its exit status and output.
func invoke(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestInvokeEchoWithEnvFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envFile := filepath.Join(dir, "stack.env")
	if err := os.WriteFile(envFile, []byte("# local stack\n\nexport LAMBDARUN_TEST_EXTRA=\"from file\"\nTABLE_NAME=kabinet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	event := filepath.Join(dir, "event.json")
	if err := os.WriteFile(event, []byte(`{"path":"/documents","n":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := invoke(t, "", "-fn", "documents", "-pkg", "./internal/lambdarun/testdata/echo", "-event", event, "-env", envFile)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "\n  \"event\": {") {
		t.Errorf("response is not indented:\n%s", stdout)
	}
	var r struct {
		Event        map[string]any `json:"event"`
		FunctionName string         `json:"functionName"`
		FunctionARN  string         `json:"functionArn"`
		Extra        string         `json:"extra"`
		SecondsLeft  float64        `json:"secondsLeft"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("stdout is not the response JSON: %v\n%s", err, stdout)
	}
	if r.Event["path"] != "/documents" {
		t.Errorf("event = %v", r.Event)
	}
	if r.FunctionName != "documents" || !strings.HasSuffix(r.FunctionARN, ":function:documents") {
		t.Errorf("function name %q, ARN %q; want documents", r.FunctionName, r.FunctionARN)
	}
	if r.Extra != "from file" {
		t.Errorf("variable from the env file = %q, want %q", r.Extra, "from file")
	}
	if r.SecondsLeft > 30 || r.SecondsLeft < 20 {
		t.Errorf("time left = %.1fs, want the default 30s timeout", r.SecondsLeft)
	}
	if !strings.Contains(stderr, "echo: handling") || !strings.Contains(stderr, "documents answered") {
		t.Errorf("stderr lacks the function's log or the summary:\n%s", stderr)
	}
}

func TestInvokeEventFromStdin(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := invoke(t, `{"from":"stdin"}`, "-fn", "echo", "-pkg", "./internal/lambdarun/testdata/echo", "-event", "-", "-env", filepath.Join(t.TempDir(), "none.env"))
	if code != exitOK || !strings.Contains(stdout, `"from": "stdin"`) {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "not found") {
		t.Errorf("no note about the missing -env file:\n%s", stderr)
	}
}

func TestInvokeFunctionErrorExits1(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := invoke(t, "", "-fn", "fail", "-pkg", "./internal/lambdarun/testdata/fail")
	if code != exitFunction {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFunction, stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || doc["errorMessage"] != "document not found" || doc["errorType"] != "errorString" {
		t.Errorf("stdout = %q, want the error document", stdout)
	}
	if !strings.Contains(stderr, "function error: errorString: document not found") {
		t.Errorf("stderr lacks the error:\n%s", stderr)
	}
}

func TestInvokeTimeoutExits1(t *testing.T) {
	t.Parallel()
	code, _, stderr := invoke(t, `{"sleepMs":10000}`, "-fn", "echo", "-pkg", "./internal/lambdarun/testdata/echo", "-event", "-", "-timeout", "1s")
	if code != exitFunction || !strings.Contains(stderr, "timed out") {
		t.Fatalf("exit %d, stderr:\n%s; want 1 and a timeout", code, stderr)
	}
}

func TestInvokeUsageErrors(t *testing.T) {
	t.Parallel()
	badEvent := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(badEvent, []byte(`{"unterminated":`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no fn", nil, "usage:"},
		{"path in fn", []string{"-fn", "../cmd"}, "want the name of a directory"},
		{"unknown fn", []string{"-fn", "no-such-function"}, `no function "no-such-function"`},
		{"bad event", []string{"-fn", "x", "-pkg", "./internal/lambdarun/testdata/echo", "-event", badEvent}, "not valid JSON"},
		{"bad timeout", []string{"-fn", "x", "-timeout", "0s"}, "-timeout must be positive"},
		{"build failure", []string{"-fn", "x", "-pkg", "./no/such/package"}, "go build ./no/such/package"},
	} {
		code, stdout, stderr := invoke(t, "", tc.args...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr:\n%s\nwant exit 2 and %q", tc.name, code, stdout, stderr, tc.stderr)
		}
	}
}

func TestFunctionPackageListsFunctions(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"functions/documents", "functions/users"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if pkg, err := functionPackage(root, "users"); err != nil || pkg != "./functions/users" {
		t.Errorf("functionPackage(users) = %q, %v", pkg, err)
	}
	_, err := functionPackage(root, "nope")
	if err == nil || !strings.Contains(err.Error(), "there are: documents, users") {
		t.Errorf("functionPackage(nope) error = %v, want the list of functions", err)
	}
}

func TestParseEnv(t *testing.T) {
	got, err := parseEnv("f", []byte("# comment\n\n  A=1\nexport B = two words \nC='q'\nD=\"x=y\"\nE=\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"A=1", "B=two words", "C=q", "D=x=y", "E="}
	if !slices.Equal(got, want) {
		t.Errorf("parseEnv = %q, want %q", got, want)
	}
	if _, err := parseEnv("f", []byte("A=1\nnot a pair\n")); err == nil || !strings.Contains(err.Error(), "f:2:") {
		t.Errorf("bad line: err = %v, want one naming f:2", err)
	}
}
