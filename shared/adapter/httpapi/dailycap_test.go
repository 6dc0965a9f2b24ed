package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/dailycap"
)

// TestDailySMSCap (issue 15, point 2, the domain's side): a person reached
// by SMS may take dailycap.SMSActionsPerDay actions a day that send them
// one (submitting or withdrawing an application); the next is 409
// daily_limit and changes nothing; the next day counts afresh. Someone
// without a phone is not counted.
func TestDailySMSCap(t *testing.T) {
	e := newEnv(t)
	if r := e.do(req{method: "PUT", path: "/profile", token: e.token("alice"), body: map[string]any{"name": "Алиса", "phone": "+79990000001"}}); r.status != 200 {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	testenv.Verified(t, store.New(e.db, e.table), "alice") // reached by SMS once the phone is proved
	submit := func(sub string) resp {
		id := e.mustDraft(sub, "certificate_request", certificateFields())["id"].(string)
		return e.do(req{method: "POST", path: "/applications/" + id + "/submit", token: e.token(sub)})
	}
	first := e.mustDraft("alice", "certificate_request", certificateFields())["id"].(string)
	e.mustSubmit("alice", first)
	if r := e.do(req{method: "POST", path: "/applications/" + first + "/withdraw", token: e.token("alice")}); r.status != 200 {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	for i := 2; i < dailycap.SMSActionsPerDay; i++ { // two taken above
		if r := submit("alice"); r.status != 200 {
			t.Fatalf("submission %d: %d %s", i+1, r.status, r.body)
		}
	}
	id := e.mustDraft("alice", "certificate_request", certificateFields())["id"].(string)
	assertType(t, e.do(req{method: "POST", path: "/applications/" + id + "/submit", token: e.token("alice")}), http.StatusConflict, "daily-limit")
	if r := e.do(req{method: "GET", path: "/applications/" + id, token: e.token("alice")}); r.json(t)["status"] != "draft" {
		t.Errorf("the refused submission changed the draft: %s", r.body)
	}

	t.Run("no phone, no count", func(t *testing.T) {
		for i := 0; i <= dailycap.SMSActionsPerDay; i++ {
			if r := submit("bob"); r.status != 200 {
				t.Fatalf("bob's submission %d: %d %s", i+1, r.status, r.body)
			}
		}
	})
	t.Run("the next day counts afresh", func(t *testing.T) {
		e.clock.Set(defaultNow.Add(24 * time.Hour))
		if r := e.do(req{method: "POST", path: "/applications/" + id + "/submit", token: e.token("alice")}); r.status != 200 {
			t.Errorf("next day: %d %s", r.status, r.body)
		}
	})
}
