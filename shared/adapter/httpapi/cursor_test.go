package httpapi_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
)

// TestCursorsAreSealed (issue 15, point 4): a cursor tells the client
// nothing (no storage key, no id, not even the domain's own form), works
// for its caller and query only, and any change to it — a flipped byte,
// another caller, another query, a storage key made up to look like the
// agency queue's — is 400 cursor:invalid_cursor, never a 500.
func TestCursorsAreSealed(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for _, title := range []string{"Пропуск 1", "Пропуск 2", "Пропуск 3"} {
		ids = append(ids, e.mustCreate("alice", map[string]any{"type": "custom", "title": title})["id"].(string))
	}
	alice, bob := e.token("alice"), e.token("bob")
	first := e.do(req{method: "GET", path: "/documents?limit=1", token: alice})
	cur, _ := first.json(t)["nextCursor"].(string)
	if first.status != 200 || cur == "" {
		t.Fatalf("page 1: %d %s", first.status, first.body)
	}
	raw, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil {
		t.Fatalf("cursor %q is not base64url: %v", cur, err)
	}
	for _, secret := range append([]string{"USER#", "DOC#", "alice", "v1:"}, ids...) {
		if strings.Contains(string(raw), secret) || strings.Contains(cur, secret) {
			t.Errorf("the cursor reveals %q", secret)
		}
	}
	if r := e.do(req{method: "GET", path: "/documents?limit=1&cursor=" + cur, token: alice}); r.status != 200 {
		t.Errorf("page 2: %d %s", r.status, r.body)
	}
	if r := e.do(req{method: "GET", path: "/documents?limit=2&cursor=" + cur, token: alice}); r.status != 200 {
		t.Errorf("page 2 with another page size: %d %s", r.status, r.body)
	}
	flipped := []byte(cur)
	flipped[len(flipped)/2] ^= 1
	if flipped[len(flipped)/2] == '-'^1 || flipped[len(flipped)/2] == '_'^1 {
		flipped[len(flipped)/2] = 'A'
	}
	forgedQueue := base64.RawURLEncoding.EncodeToString([]byte(`{"gsi1pk":"AGENCY#fns#received","gsi1sk":"x","pk":"USER#bob","sk":"APP#x"}`))
	for _, tc := range []struct{ name, token, path string }{
		{"a flipped byte", alice, "/documents?limit=1&cursor=" + string(flipped)},
		{"another caller", bob, "/documents?limit=1&cursor=" + cur},
		{"another query", alice, "/documents?limit=1&status=expired&cursor=" + cur},
		{"another route", alice, "/notifications?limit=1&cursor=" + cur},
		{"a truncated cursor", alice, "/documents?limit=1&cursor=" + cur[:len(cur)-4]},
		{"the domain's own form", alice, "/documents?limit=1&cursor=" + base64.RawURLEncoding.EncodeToString([]byte("v1:"+ids[0]))},
		{"a storage key for the agency queue", e.agencyStaff("fns"), "/agency/applications?cursor=" + forgedQueue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertProblem(t, e.do(req{method: "GET", path: tc.path, token: tc.token}), http.StatusBadRequest, "cursor:invalid_cursor")
		})
	}
}
