package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestLogsCarryNoPersonalData runs a scenario full of personal data —
// profile, document numbers, refused input, someone else's ids — and then
// searches everything the API logged for each value it used.
func TestLogsCarryNoPersonalData(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	secrets := []string{"Алиса Секретова", "+79161234567", "alice.secret@example.test", "4510 987654", "112-233-445 95", "Тайный договор"}

	if r := e.do(req{method: "PUT", path: "/profile", token: alice, body: map[string]any{
		"name": secrets[0], "phone": secrets[1], "email": secrets[2], "birthDate": "1990-04-12"}}); r.status != 200 {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	pass := e.mustCreate("alice", map[string]any{"type": "internal_passport", "number": secrets[3], "issuedOn": "2010-05-01"})
	e.mustCreate("alice", map[string]any{"type": "snils", "number": secrets[4]})
	e.mustCreate("alice", map[string]any{"type": "contract", "title": secrets[5], "expiresOn": "2027-01-01"})
	// refused requests echo nothing into the logs either
	e.do(req{method: "POST", path: "/documents", token: alice, body: map[string]any{"type": "snils", "number": "112-233-445 00"}})
	e.do(req{method: "PUT", path: "/profile", token: alice, body: map[string]any{"phone": "+7 916 123-45-67 " + secrets[2]}})
	e.do(req{method: "PATCH", path: "/documents/" + pass["id"].(string), token: alice, body: map[string]any{"number": secrets[3] + "x"},
		header: map[string]string{"If-Match": `"9"`}})
	e.do(req{method: "GET", path: "/documents/" + pass["id"].(string), token: e.token("mallory")})
	e.do(req{method: "GET", path: "/documents?cursor=" + secrets[2], token: alice})
	if r := e.do(req{method: "GET", path: "/documents", token: alice}); r.status != http.StatusOK {
		t.Fatalf("list: %d", r.status)
	}

	logs := e.logs.String()
	if !strings.Contains(logs, `"route":"POST /documents"`) {
		t.Fatalf("the scenario logged nothing recognisable; the test would pass vacuously:\n%s", logs)
	}
	for _, s := range secrets {
		for _, variant := range []string{s, strings.ReplaceAll(s, " ", ""), strings.ReplaceAll(strings.ReplaceAll(s, "-", ""), " ", "")} {
			if strings.Contains(logs, variant) {
				t.Errorf("logs contain personal data %q", variant)
			}
		}
	}
}
