package httpapi_test

import (
	"crypto/rand"
	"net/http"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/app/core"
)

// TestSealedIDsAndTheirReference: an application's id opens to its owner
// (one read less for staff), and the reference is still there for an id
// the key does not open: after the cursor key (from which the locator's is
// derived) rotates, or without any key, staff find the application all
// the same. Staff of another agency get 404 either way.
func TestSealedIDsAndTheirReference(t *testing.T) {
	e := newEnv(t)
	rotated := make([]byte, httpapi.CursorKeySize)
	_, _ = rand.Read(rotated)
	for _, tc := range []struct {
		name string
		own  bool   // e's own server, whose key sealed the id
		key  []byte // another server's cursor key (nil: none)
	}{
		{"the same key", true, nil},
		{"the key rotated", false, rotated},
		{"no key at all", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(parent *testing.T) { e.t = parent }(e.t)
			e.t = t
			id := e.mustDraft("alice", "certificate_request", certificateFields())["id"].(string)
			if !strings.Contains(id, "_") {
				t.Fatalf("application id %q carries no sealed owner", id)
			}
			e.mustSubmit("alice", id)
			other := e
			if !tc.own {
				other = e.servedBy(core.Config{CursorKey: tc.key}, nil)
			}
			if r := other.do(req{method: "POST", path: "/applications/" + id + "/transitions", token: other.agencyStaff("mvd"), body: map[string]any{"to": "processing"}}); r.status != http.StatusNotFound {
				t.Errorf("staff of another agency: %d %s, want 404", r.status, r.body)
			}
			if r := other.do(req{method: "POST", path: "/applications/" + id + "/transitions", token: other.agencyStaff("fns"), body: map[string]any{"to": "processing"}}); r.status != http.StatusOK {
				t.Errorf("the agency's staff: %d %s, want 200", r.status, r.body)
			}
		})
	}
}
