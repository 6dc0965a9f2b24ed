package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/objects"
)

// TestSignatureWithoutTrustAnchors: the trust anchors' bundle is read from
// the files bucket on the first signature check; when it cannot be read
// (here: not there) adding a signature answers 503 with Retry-After, and
// nothing is recorded on the file.
func TestSignatureWithoutTrustAnchors(t *testing.T) {
	e := newEnv(t)
	if err := objects.New(e.cl.AWS, e.bucket, true, time.Now).Delete(context.Background(), functions.TrustAnchorsKey); err != nil {
		t.Fatal(err)
	}
	doc, file, _ := strings.Cut(e.mustFile("alice"), "/")
	path := "/documents/" + doc + "/files/" + file
	r := e.do(req{method: "POST", path: path + "/signatures", token: e.token("alice"),
		body: "\x30\x03\x02\x01\x01", header: map[string]string{"Content-Type": "application/pkcs7-signature"}})
	assertProblem(t, r, http.StatusServiceUnavailable)
	if r.header.Get("Retry-After") == "" {
		t.Errorf("no Retry-After: %v", r.header)
	}
	got := e.do(req{method: "GET", path: path, token: e.token("alice")}).json(t)
	if sigs, _ := got["signatures"].([]any); len(sigs) != 0 {
		t.Errorf("signatures recorded: %v", sigs)
	}
}
