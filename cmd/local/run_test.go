package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/emulators"
)

// TestRunServesTheWholeSystem is `make run` end to end: emulators, table,
// topic, demo data, the API and the local contract, then a clean stop.
func TestRunServesTheWholeSystem(t *testing.T) {
	base, dir, stop := startLocal(t, true) // as make run: the data on disk

	call := func(method, path, token, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return res.StatusCode, m
	}

	if code, _ := call("GET", "/healthz", "", ""); code != 200 {
		t.Fatalf("healthz = %d", code)
	}
	if code, _ := call("GET", "/documents", "", ""); code != 401 {
		t.Errorf("no token: %d, want 401", code)
	}
	code, tok := call("POST", "/dev/token", "", `{"sub":"alice","groups":["citizen"]}`)
	if code != 200 || tok["token"] == nil {
		t.Fatalf("dev token: %d %v", code, tok)
	}
	alice := tok["token"].(string)
	code, list := call("GET", "/documents", alice, "")
	if code != 200 || len(list["items"].([]any)) != 6 {
		t.Fatalf("seeded documents: %d %v", code, list)
	}
	statuses := map[string]bool{}
	for _, it := range list["items"].([]any) {
		statuses[it.(map[string]any)["status"].(string)] = true
	}
	for _, s := range []string{"valid", "expiring", "expired"} {
		if !statuses[s] {
			t.Errorf("demo data has no %s document: %v", s, statuses)
		}
	}
	if code, d := call("POST", "/documents", alice, `{"type":"foreign_passport","issuedOn":"2017-06-20"}`); code != 201 || d["expiresOn"] != "2027-06-20" {
		t.Errorf("create: %d %v", code, d)
	}
	// the demo's expiring and expired documents are due: a scan at the next
	// 10:00 in Moscow (outside the quiet hours) sends them to the outbox
	msk, _ := time.LoadLocation("Europe/Moscow")
	at := time.Now().In(msk).Truncate(time.Hour)
	for at.Hour() != 10 || !at.After(time.Now()) {
		at = at.Add(time.Hour)
	}
	code, sum := call("POST", "/dev/expiry-scan", "", `{"time":"`+at.UTC().Format(time.RFC3339)+`"}`)
	if code != 200 || sum["sent"] == nil || sum["sent"].(float64) < 2 {
		t.Errorf("expiry-scan: %d %v", code, sum)
	}
	var outbox map[string]any
	for range 50 {
		if _, outbox = call("GET", "/dev/outbox", "", ""); len(outbox["items"].([]any)) > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if items := outbox["items"].([]any); len(items) == 0 {
		t.Errorf("outbox empty after a scan that sent %v", sum["sent"])
	} else if a := items[0].(map[string]any)["attributes"].(map[string]any); a["userId"] != "alice" || a["kind"] == "" {
		t.Errorf("outbox message attributes: %v", a)
	}
	if code, n := call("GET", "/notifications?unread=true", alice, ""); code != 200 || len(n["items"].([]any)) < 2 {
		t.Errorf("inbox after the scan: %d %v", code, n)
	}
	if code, o := call("GET", "/dev/outbox", "", ""); code != 200 || o["items"] == nil {
		t.Errorf("outbox: %d %v", code, o)
	}
	// an account's erasure, run by the local workers' code as in AWS: the
	// pipeline at once here, rather than waiting for the next minute
	code, tok = call("POST", "/dev/token", "", `{"sub":"erin","groups":["citizen"]}`)
	if code != 200 {
		t.Fatalf("dev token: %d %v", code, tok)
	}
	erin := tok["token"].(string)
	if code, d := call("POST", "/documents", erin, `{"type":"foreign_passport","issuedOn":"2017-06-20"}`); code != 201 {
		t.Fatalf("create: %d %v", code, d)
	}
	if code, e := call("POST", "/profile/erasure", erin, `{"confirm":"DELETE"}`); code != 202 {
		t.Fatalf("erasure: %d %v", code, e)
	}
	if code, sum := call("POST", "/dev/expiry-scan", "", `{"time":"`+time.Now().UTC().Add(time.Second).Format(time.RFC3339)+`"}`); code != 200 {
		t.Fatalf("expiry-scan: %d %v", code, sum)
	}
	if code, e := call("GET", "/profile/erasure", erin, ""); code != 200 || e["state"] != "done" {
		t.Errorf("erasure after the pipeline: %d %v, want done", code, e)
	}
	if code, l := call("GET", "/documents", erin, ""); code != 200 || len(l["items"].([]any)) != 0 {
		t.Errorf("documents after the erasure: %d %v, want none", code, l)
	}
	if _, err := os.Stat(filepath.Join(dir, "signing-ca", "ca.pem")); err != nil {
		t.Errorf("the development CA, which make run puts in the files bucket, was not made: %v", err)
	}
	envFile, err := os.ReadFile(filepath.Join(dir, "stack.env"))
	if err != nil || !strings.Contains(string(envFile), "AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:") || !strings.Contains(string(envFile), "TABLE_NAME=kabinet-local") {
		t.Errorf("stack.env: %v\n%s", err, envFile)
	}
	if _, err := os.Stat(filepath.Join(dir, "keys", "dev-signing-key.pem")); err != nil {
		t.Errorf("signing key not generated: %v", err)
	}

	if err := stop(); err != nil {
		t.Fatalf("run returned %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after stop")
	}
	if _, err := os.Stat(filepath.Join(dir, "stack.env")); !os.IsNotExist(err) {
		t.Errorf("stack.env left behind: %v", err)
	}
}

// readyWithin bounds the wait for the local system's start (emulators up,
// demo data seeded): a guard against a hang, not a speed target. Seeding
// about 9,000 slots into DynamoDB Local takes seconds on an idle machine
// and, as measured, over two minutes on a loaded one.
const readyWithin = 8 * time.Minute

// startLocal starts what `make run` starts, on a free port with its data in
// a temporary folder (DynamoDB Local's in memory unless onDisk: seeding is
// six times faster so), and returns the server's base URL, that folder and a
// stop function that waits for a clean stop.
func startLocal(t *testing.T, onDisk bool) (base, dir string, stop func() error) {
	t.Helper()
	if _, err := emulators.ToolsDir(); err != nil {
		if os.Getenv("KABINET_REQUIRE_EMULATORS") == "1" {
			t.Fatal(err)
		}
		t.Skipf("emulators not installed: %v; run make tools", err)
	}
	dir = t.TempDir()
	memory := "1"
	if onDisk {
		memory = ""
	}
	env := map[string]string{"PORT": "0", "KABINET_LOCAL_DIR": dir, "KABINET_LOCAL_MEMORY": memory}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() { done <- run(ctx, func(k string) string { return env[k] }, &lockedBuffer{b: &out}, ready) }()
	select {
	case base = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("run ended before ready: %v", err)
	case <-time.After(readyWithin):
		cancel()
		t.Fatalf("not ready after %s", readyWithin)
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return errors.New("run did not stop within 30 s")
		}
	}
	t.Cleanup(func() { _ = stop() })
	return base, dir, stop
}

type lockedBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
