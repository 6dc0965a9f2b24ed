package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// eventsDir holds sample Lambda events for local invokes and fuzz seeds.
const eventsDir = "../../../events"

// apiEventFiles lists the API Gateway sample events: events/apigw-*.json
// (the others, scheduled-*, sqs-*, agency-*, have other shapes).
func apiEventFiles(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(eventsDir)
	if err != nil {
		t.Fatalf("read %s: %v", eventsDir, err)
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") || !strings.HasPrefix(name, "apigw-") {
			continue
		}
		out = append(out, filepath.Join(eventsDir, name))
	}
	if len(out) == 0 {
		t.Fatalf("no apigw-*.json events in %s", eventsDir)
	}
	return out
}

// TestSampleEventsAreAPIGatewayV2 checks that each sample event is exactly
// what API Gateway's HTTP API sends a Lambda (payload format 2.0): it
// decodes into events.APIGatewayV2HTTPRequest with no unknown fields.
func TestSampleEventsAreAPIGatewayV2(t *testing.T) {
	files := apiEventFiles(t)
	if len(files) == 0 {
		t.Fatalf("no API sample events in %s", eventsDir)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			var ev events.APIGatewayV2HTTPRequest
			if err := dec.Decode(&ev); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if _, err := dec.Token(); err != io.EOF {
				t.Errorf("trailing data after the event (err %v)", err)
			}
			if ev.Version != "2.0" {
				t.Errorf("version = %q, want 2.0", ev.Version)
			}
			method, path, _ := strings.Cut(ev.RouteKey, " ")
			if method != ev.RequestContext.HTTP.Method || ev.RequestContext.RouteKey != ev.RouteKey ||
				(!strings.Contains(path, "{") && path != ev.RawPath) {
				t.Errorf("routeKey %q, requestContext.routeKey %q, method %q, rawPath %q disagree",
					ev.RouteKey, ev.RequestContext.RouteKey, ev.RequestContext.HTTP.Method, ev.RawPath)
			}
			if ev.RequestContext.HTTP.Path != ev.RawPath {
				t.Errorf("requestContext.http.path %q, rawPath %q disagree", ev.RequestContext.HTTP.Path, ev.RawPath)
			}
			if a := ev.RequestContext.Authorizer; a != nil && a.JWT != nil && a.JWT.Claims["sub"] == "" {
				t.Errorf("JWT authorizer claims without a sub")
			}
			if ev.Body != "" {
				if ev.IsBase64Encoded {
					t.Skip("base64 body: not checked as JSON")
				}
				if !json.Valid([]byte(ev.Body)) {
					t.Errorf("body is not JSON: %s", ev.Body)
				}
				if ct := ev.Headers["content-type"]; ct != "application/json" {
					t.Errorf("content-type = %q for a JSON body", ct)
				}
			}
		})
	}
}
