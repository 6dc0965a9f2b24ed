package httpapi_test

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// routeDocItem is the stored document item of sub with id, as DynamoDB holds it.
func routeDocItem(t *testing.T, e *env, sub, id string) map[string]types.AttributeValue {
	t.Helper()
	for _, it := range e.rawItems(sub) {
		if sk, ok := it["sk"].(*types.AttributeValueMemberS); ok && sk.Value == "DOC#"+id {
			return it
		}
	}
	t.Fatalf("no stored item for document %s of %s", id, sub)
	return nil
}

// routeAttr is a string attribute of an item, "" when absent.
func routeAttr(it map[string]types.AttributeValue, name string) string {
	if s, ok := it[name].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

// routeActions lists a document's history actions, newest first.
func routeActions(t *testing.T, e *env, sub, id string) []string {
	t.Helper()
	r := e.do(req{method: "GET", path: "/documents/" + id + "/history", token: e.token(sub)})
	if r.status != http.StatusOK {
		t.Fatalf("history: %d %s", r.status, r.body)
	}
	var out []string
	for _, it := range r.json(t)["items"].([]any) {
		out = append(out, it.(map[string]any)["action"].(string))
	}
	return out
}

func TestAckReminderRoute(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	id := e.mustCreate("alice", map[string]any{"type": "custom", "title": "Договор", "expiresOn": "2026-12-31"})["id"].(string)
	before := e.rawItems("alice")
	for _, tc := range []struct {
		name, token, id string
		status          int
		typ             string
	}{
		{"a fresh document has nothing to acknowledge", alice, id, http.StatusConflict, httpapi.ProblemBase + "nothing-to-ack"},
		{"unknown document", alice, "0190a6b2-0000-7000-8000-000000000000", http.StatusNotFound, httpapi.ProblemBase + "not-found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := assertProblem(t, e.do(req{method: "POST", path: "/documents/" + tc.id + "/reminders/ack", token: tc.token}), tc.status)
			if tc.typ != "" && p["type"] != tc.typ {
				t.Errorf("type = %v, want %s", p["type"], tc.typ)
			}
			if after := e.rawItems("alice"); !reflect.DeepEqual(after, before) {
				t.Error("a refused ack changed alice's items")
			}
		})
	}
}

func TestSnoozeReminderRoute(t *testing.T) {
	e := newEnv(t) // today is 2026-06-15, noon in Moscow
	alice := e.token("alice")
	valid := e.mustCreate("alice", map[string]any{"type": "custom", "title": "Договор", "expiresOn": "2026-12-31"})["id"].(string)
	expired := e.mustCreate("alice", map[string]any{"type": "custom", "title": "Старый", "expiresOn": "2026-06-01"})["id"].(string)
	indefinite := e.mustCreate("alice", map[string]any{"type": "snils", "number": "112-233-445 95"})["id"].(string)

	t.Run("refused", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			id     string
			body   any
			status int
			fields []string
			typ    string
		}{
			{"a past date", valid, map[string]any{"until": "2026-06-01"}, 422, []string{"until:in_past"}, ""},
			{"today, whose 09:00 has passed", valid, map[string]any{"until": "2026-06-15"}, 422, []string{"until:in_past"}, ""},
			{"beyond the expiry", valid, map[string]any{"until": "2027-01-15"}, 422, []string{"until:after_expiry"}, ""},
			{"not a time", valid, map[string]any{"until": "next week"}, 422, []string{"until:invalid_time"}, ""},
			{"missing until", valid, map[string]any{}, 422, []string{"until:required"}, ""},
			{"more than 30 days for an expired document", expired, map[string]any{"until": "2026-08-01"}, 422, []string{"until:too_far"}, ""},
			{"unknown field", valid, map[string]any{"until": "2026-07-01", "colour": "red"}, 400, []string{"colour:unknown_field"}, ""},
			{"until of the wrong type", valid, map[string]any{"until": 20260701}, 400, []string{"until:wrong_type"}, ""},
			{"malformed json", valid, `{"until":`, 400, []string{"body:invalid_json"}, ""},
			{"no body", valid, nil, 400, []string{"body:required"}, ""},
			{"an indefinite document has nothing scheduled", indefinite, map[string]any{"until": "2026-07-01"}, 409, nil, httpapi.ProblemBase + "nothing-due"},
			{"unknown document", "0190a6b2-0000-7000-8000-000000000000", map[string]any{"until": "2026-07-01"}, 404, nil, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.rawItems("alice")
				p := assertProblem(t, e.do(req{method: "POST", path: "/documents/" + tc.id + "/reminders/snooze", token: alice, body: tc.body}), tc.status, tc.fields...)
				if tc.typ != "" && p["type"] != tc.typ {
					t.Errorf("type = %v, want %s", p["type"], tc.typ)
				}
				if after := e.rawItems("alice"); !reflect.DeepEqual(after, before) {
					t.Error("a refused snooze changed alice's items")
				}
			})
		}
	})

	t.Run("a date before the next step", func(t *testing.T) {
		r := e.do(req{method: "POST", path: "/documents/" + valid + "/reminders/snooze", token: alice, body: map[string]any{"until": "2026-07-01"}})
		if r.status != http.StatusOK {
			t.Fatalf("snooze: %d %s", r.status, r.body)
		}
		got := r.json(t)
		if got["id"] != valid || got["version"] != 2.0 || r.header.Get("ETag") != `"2"` || got["status"] != "valid" {
			t.Errorf("snoozed document: %v, ETag %q; want version 2", got, r.header.Get("ETag"))
		}
		if acts := routeActions(t, e, "alice", valid); len(acts) == 0 || acts[0] != "reminder_snoozed" {
			t.Errorf("history = %v, want reminder_snoozed first", acts)
		}
		it := routeDocItem(t, e, "alice", valid)
		// 09:00 Moscow on the date; the 30-day step (2026-12-01) is later still, so it stays next.
		if got, want := routeAttr(it, "snoozedUntil"), "2026-07-01T06:00:00Z"; got != want {
			t.Errorf("snoozedUntil = %q, want %q", got, want)
		}
		if got, want := routeAttr(it, "nextRemindAt"), "2026-12-01T06:00:00Z"; got != want {
			t.Errorf("nextRemindAt = %q, want %q", got, want)
		}
	})

	t.Run("a due reminder moves to the snooze", func(t *testing.T) {
		// expiring in 20 days: the 30-day step is due at once
		id := e.mustCreate("alice", map[string]any{"type": "custom", "title": "Скоро", "expiresOn": "2026-07-05"})["id"].(string)
		if got := routeAttr(routeDocItem(t, e, "alice", id), "nextRemindAt"); got != "2026-06-05T06:00:00Z" {
			t.Fatalf("nextRemindAt before the snooze = %q, want the passed 30-day step", got)
		}
		r := e.do(req{method: "POST", path: "/documents/" + id + "/reminders/snooze", token: alice, body: map[string]any{"until": "2026-06-20T23:30:00+03:00"}})
		if r.status != http.StatusOK {
			t.Fatalf("snooze: %d %s", r.status, r.body)
		}
		// 23:30 is in the quiet hours: 09:00 the next day
		if got, want := routeAttr(routeDocItem(t, e, "alice", id), "nextRemindAt"), "2026-06-21T06:00:00Z"; got != want {
			t.Errorf("nextRemindAt = %q, want %q", got, want)
		}
	})

	t.Run("an expired document within 30 days", func(t *testing.T) {
		r := e.do(req{method: "POST", path: "/documents/" + expired + "/reminders/snooze", token: alice, body: map[string]any{"until": "2026-07-10"}})
		if r.status != http.StatusOK {
			t.Fatalf("snooze: %d %s", r.status, r.body)
		}
		if got := r.json(t)["status"]; got != "expired" {
			t.Errorf("status = %v, want expired", got)
		}
		if got, want := routeAttr(routeDocItem(t, e, "alice", expired), "nextRemindAt"), "2026-07-10T06:00:00Z"; got != want {
			t.Errorf("nextRemindAt = %q, want %q", got, want)
		}
	})
}

func TestProfileRoutes(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")

	t.Run("a new person gets the defaults", func(t *testing.T) {
		r := e.do(req{method: "GET", path: "/profile", token: e.token("newcomer")})
		if r.status != http.StatusOK {
			t.Fatalf("get: %d %s", r.status, r.body)
		}
		got := r.json(t)
		want := map[string]any{
			"timeZone": "Europe/Moscow", "language": "ru", "birthDate": nil, "version": 0.0,
			"channels": map[string]any{"sms": true, "email": true},
			"contacts": []any{},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("profile = %v,\nwant %v", got, want)
		}
		if r.header.Get("ETag") != `"0"` {
			t.Errorf("ETag = %q, want \"0\"", r.header.Get("ETag"))
		}
	})

	t.Run("channels round-trip", func(t *testing.T) {
		body := map[string]any{"timeZone": "Asia/Vladivostok", "email": "a@example.ru",
			"channels": map[string]any{"sms": false, "email": true}}
		r := e.do(req{method: "PUT", path: "/profile", token: alice, body: body})
		if r.status != http.StatusOK {
			t.Fatalf("put: %d %s", r.status, r.body)
		}
		put := r.json(t)
		r = e.do(req{method: "GET", path: "/profile", token: alice})
		if r.status != http.StatusOK {
			t.Fatalf("get: %d %s", r.status, r.body)
		}
		got := r.json(t)
		if !reflect.DeepEqual(got, put) {
			t.Errorf("GET %v\n!= PUT %v", got, put)
		}
		if want := map[string]any{"sms": false, "email": true}; !reflect.DeepEqual(got["channels"], want) {
			t.Errorf("channels = %v, want %v", got["channels"], want)
		}
		// without a reminders topic nothing subscribes the address: it is
		// listed, pending (not proved by a code), unsubscribed
		if want := []any{map[string]any{"channel": "email", "address": "a@example.ru", "state": "pending", "subscription": "none",
			"owner": false, "resendAt": defaultNow.Format(time.RFC3339)}}; !reflect.DeepEqual(got["contacts"], want) {
			t.Errorf("contacts = %v, want %v", got["contacts"], want)
		}
		if got["version"] != 1.0 || got["timeZone"] != "Asia/Vladivostok" {
			t.Errorf("version %v timeZone %v, want 1 Asia/Vladivostok", got["version"], got["timeZone"])
		}
	})

	t.Run("omitted channels fall back to the defaults", func(t *testing.T) {
		r := e.do(req{method: "PUT", path: "/profile", token: e.token("dora"), body: map[string]any{"name": "Дора"}})
		if r.status != http.StatusOK {
			t.Fatalf("put: %d %s", r.status, r.body)
		}
		if got, want := r.json(t)["channels"], (map[string]any{"sms": true, "email": true}); !reflect.DeepEqual(got, want) {
			t.Errorf("channels = %v, want %v", got, want)
		}
	})

	for _, tc := range []struct {
		name   string
		body   any
		fields []string
	}{
		{"channels of the wrong type", map[string]any{"channels": "sms"}, []string{"channels:wrong_type"}},
		{"channels as a list", map[string]any{"channels": []string{"sms"}}, []string{"channels:wrong_type"}},
		{"a channel that is not a boolean", map[string]any{"channels": map[string]any{"sms": "no"}}, nil},
		{"an unknown channel", map[string]any{"channels": map[string]any{"fax": true}}, []string{"fax:unknown_field"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.rawItems("erin")
			assertProblem(t, e.do(req{method: "PUT", path: "/profile", token: e.token("erin"), body: tc.body}), http.StatusBadRequest, tc.fields...)
			if after := e.rawItems("erin"); !reflect.DeepEqual(after, before) {
				t.Error("a refused put changed the profile")
			}
		})
	}
}
