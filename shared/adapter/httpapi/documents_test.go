package httpapi_test

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDocumentLifecycle(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")

	// GIVEN a foreign passport without an expiry date
	created := e.mustCreate("alice", map[string]any{"type": "foreign_passport", "number": "71 2345678", "issuedOn": "2017-06-20"})
	id := created["id"].(string)
	// THEN the rule computes it, and the status follows from today (2026-06-15)
	for k, want := range map[string]any{"expiresOn": "2027-06-20", "expiresOnSource": "rule", "status": "valid", "daysLeft": 370.0, "version": 1.0, "source": "user"} {
		if got := created[k]; got != want {
			t.Errorf("created %s = %v, want %v", k, got, want)
		}
	}
	for _, internal := range []string{"pk", "sk", "owner", "kind"} {
		if _, ok := created[internal]; ok {
			t.Errorf("response leaks %q", internal)
		}
	}

	r := e.do(req{method: "GET", path: "/documents/" + id, token: alice})
	if r.status != 200 || r.header.Get("ETag") != `"1"` {
		t.Fatalf("get: %d etag %q", r.status, r.header.Get("ETag"))
	}

	// WHEN the expiry is set by hand within the window
	patch := map[string]any{"expiresOn": "2026-08-01", "title": "Загранпаспорт"}
	assertProblem(t, e.do(req{method: "PATCH", path: "/documents/" + id, token: alice, body: patch}), http.StatusPreconditionRequired)
	assertProblem(t, e.do(req{method: "PATCH", path: "/documents/" + id, token: alice, body: patch, header: map[string]string{"If-Match": `"7"`}}), http.StatusPreconditionFailed)
	r = e.do(req{method: "PATCH", path: "/documents/" + id, token: alice, body: patch, header: map[string]string{"If-Match": `"1"`}})
	if r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	got := r.json(t)
	if got["status"] != "expiring" || got["expiresOnSource"] != "user" || got["version"] != 2.0 || got["daysLeft"] != 47.0 {
		t.Errorf("after patch: %v", got)
	}
	// a second writer holding version 1 loses
	assertProblem(t, e.do(req{method: "PATCH", path: "/documents/" + id, token: alice, body: map[string]any{"title": "x"}, header: map[string]string{"If-Match": `"1"`}}), http.StatusPreconditionFailed)

	// archive, archive again, unarchive
	if r := e.do(req{method: "POST", path: "/documents/" + id + "/archive", token: alice}); r.status != 200 || r.json(t)["status"] != "archived" {
		t.Fatalf("archive: %d %s", r.status, r.body)
	}
	assertProblem(t, e.do(req{method: "POST", path: "/documents/" + id + "/archive", token: alice}), http.StatusConflict)
	assertProblem(t, e.do(req{method: "PATCH", path: "/documents/" + id, token: alice, body: map[string]any{"title": "y"}, header: map[string]string{"If-Match": `"3"`}}), http.StatusConflict)
	if r := e.do(req{method: "POST", path: "/documents/" + id + "/unarchive", token: alice}); r.status != 200 || r.json(t)["status"] != "expiring" {
		t.Fatalf("unarchive: %d %s", r.status, r.body)
	}

	// history, newest first, with the changed fields of the update
	r = e.do(req{method: "GET", path: "/documents/" + id + "/history", token: alice})
	var actions []string
	for _, it := range r.json(t)["items"].([]any) {
		m := it.(map[string]any)
		actions = append(actions, m["action"].(string))
		if m["action"] == "updated" {
			if f := fmt.Sprint(m["fields"]); f != "[title expiresOn]" {
				t.Errorf("updated fields = %s", f)
			}
		}
		if m["actor"] != "alice" {
			t.Errorf("actor = %v", m["actor"])
		}
	}
	if want := []string{"unarchived", "archived", "updated", "created"}; !reflect.DeepEqual(actions, want) {
		t.Errorf("history = %v, want %v", actions, want)
	}

	// erase: the document and its history go
	if r := e.do(req{method: "DELETE", path: "/documents/" + id, token: alice}); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	assertProblem(t, e.do(req{method: "GET", path: "/documents/" + id, token: alice}), 404)
	assertProblem(t, e.do(req{method: "DELETE", path: "/documents/" + id, token: alice}), 404)
	if items := e.rawItems("alice"); len(items) != 0 {
		t.Errorf("after delete %d items remain: %v", len(items), items)
	}
}

func TestCreateRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	for _, tc := range []struct {
		name   string
		body   any
		header map[string]string
		status int
		fields []string
	}{
		{"malformed json", `{"type":`, nil, 400, []string{"body:invalid_json"}},
		{"empty body", ``, nil, 400, []string{"body:required"}},
		{"two values", `{"type":"snils"} {}`, nil, 400, []string{"body:invalid_json"}},
		{"unknown field", map[string]any{"type": "custom", "title": "x", "colour": "red"}, nil, 400, []string{"colour:unknown_field"}},
		{"owner is not assignable", map[string]any{"type": "custom", "title": "x", "owner": "bob"}, nil, 400, []string{"owner:unknown_field"}},
		{"status is not assignable", map[string]any{"type": "custom", "title": "x", "status": "valid"}, nil, 400, []string{"status:unknown_field"}},
		{"version is not assignable", map[string]any{"type": "custom", "title": "x", "version": 9}, nil, 400, []string{"version:unknown_field"}},
		{"wrong type", map[string]any{"type": 5}, nil, 400, []string{"type:wrong_type"}},
		{"wrong type in list", map[string]any{"type": "custom", "title": "x", "remindDays": []any{"soon"}}, nil, 400, []string{"remindDays:wrong_type"}},
		{"impossible date", map[string]any{"type": "custom", "title": "x", "issuedOn": "2026-02-30"}, nil, 422, []string{"issuedOn:invalid_date"}},
		{"expiry before issue", map[string]any{"type": "custom", "title": "x", "issuedOn": "2026-01-10", "expiresOn": "2025-01-10"}, nil, 422, []string{"expiresOn:before_issued"}},
		{"issued in the future", map[string]any{"type": "custom", "title": "x", "issuedOn": "2026-06-16"}, nil, 422, []string{"issuedOn:in_future"}},
		{"unknown type", map[string]any{"type": "passport_of_mars"}, nil, 422, []string{"type:unknown_type"}},
		{"missing type", map[string]any{"title": "x"}, nil, 422, []string{"type:required"}},
		{"custom needs a title", map[string]any{"type": "custom"}, nil, 422, []string{"title:required"}},
		{"bad snils checksum", map[string]any{"type": "snils", "number": "112-233-445 00"}, nil, 422, []string{"number:invalid_number"}},
		{"rule needs the issue date", map[string]any{"type": "drivers_licence"}, nil, 422, []string{"issuedOn:required_for_rule"}},
		{"passport rule needs a birth date", map[string]any{"type": "internal_passport", "issuedOn": "2020-01-01"}, nil, 422, []string{"expiresOn:birth_date_required"}},
		{"remind days out of range", map[string]any{"type": "custom", "title": "x", "remindDays": []int{0, 30}}, nil, 422, []string{"remindDays:out_of_range"}},
		{"remind days duplicated", map[string]any{"type": "custom", "title": "x", "remindDays": []int{30, 30}}, nil, 422, []string{"remindDays:duplicate"}},
		{"several errors at once", map[string]any{"type": "custom", "issuedOn": "2026-13-01", "expiresOn": "x"}, nil, 422, []string{"expiresOn:invalid_date", "issuedOn:invalid_date", "title:required"}},
		{"body over 64 KiB", `{"type":"custom","title":"` + strings.Repeat("a", 70<<10) + `"}`, nil, 413, nil},
		{"not json", "type=custom", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, nil},
		{"bad idempotency key", map[string]any{"type": "snils"}, map[string]string{"Idempotency-Key": "has space"}, 400, []string{"Idempotency-Key:invalid_header"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertProblem(t, e.do(req{method: "POST", path: "/documents", token: alice, body: tc.body, header: tc.header}), tc.status, tc.fields...)
			if n := len(e.rawItems("alice")); n != 0 {
				t.Errorf("a refused create wrote %d items", n)
			}
		})
	}
}

func TestProblemSpeaksTheClientsLanguage(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ lang, title, message string }{
		{"ru-RU,ru;q=0.9,en;q=0.8", "Запрос нарушает правила", "должна быть датой в формате ГГГГ-ММ-ДД"},
		{"en-GB,ru;q=0.5", "The request breaks a rule", "must be a calendar date YYYY-MM-DD"},
		{"", "The request breaks a rule", "must be a calendar date YYYY-MM-DD"},
		{"de-DE", "The request breaks a rule", "must be a calendar date YYYY-MM-DD"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			r := e.do(req{method: "POST", path: "/documents", token: e.token("alice"),
				body: map[string]any{"type": "custom", "title": "x", "issuedOn": "2026-02-30"}, header: map[string]string{"Accept-Language": tc.lang}})
			p := assertProblem(t, r, 422, "issuedOn:invalid_date")
			if p["title"] != tc.title {
				t.Errorf("title = %v, want %q", p["title"], tc.title)
			}
			if m := p["errors"].([]any)[0].(map[string]any)["message"]; m != tc.message {
				t.Errorf("message = %v, want %q", m, tc.message)
			}
		})
	}
}

func TestListPagesAndFilters(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	// 5 valid custom documents, 1 expired, 1 expiring OSAGO
	for i := range 5 {
		e.mustCreate("alice", map[string]any{"type": "custom", "title": fmt.Sprintf("doc %d", i)})
	}
	e.mustCreate("alice", map[string]any{"type": "custom", "title": "old", "expiresOn": "2026-01-01"})
	e.mustCreate("alice", map[string]any{"type": "osago", "issuedOn": "2025-07-01"}) // ends 2026-06-30: 15 days left
	e.mustCreate("bob", map[string]any{"type": "custom", "title": "bob's"})

	seen := map[string]bool{}
	cursor, pages := "", 0
	for {
		r := e.do(req{method: "GET", path: "/documents?limit=3&cursor=" + cursor, token: alice})
		if r.status != 200 {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		m := r.json(t)
		items := m["items"].([]any)
		if len(items) > 3 {
			t.Fatalf("page of %d items with limit 3", len(items))
		}
		for _, it := range items {
			id := it.(map[string]any)["id"].(string)
			if seen[id] {
				t.Errorf("document %s on two pages", id)
			}
			seen[id] = true
		}
		pages++
		c, _ := m["nextCursor"].(string)
		if c == "" || pages > 10 {
			break
		}
		cursor = c
	}
	if len(seen) != 7 {
		t.Errorf("paged through %d documents, want 7 (and none of bob's)", len(seen))
	}

	for _, tc := range []struct {
		query string
		want  int
	}{
		{"status=expired", 1},
		{"status=expiring", 1},
		{"status=valid", 5},
		{"type=osago", 1},
		{"type=custom&status=valid&limit=2", 2},
		{"limit=100000", 7},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := e.do(req{method: "GET", path: "/documents?" + tc.query, token: alice})
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if n := len(r.json(t)["items"].([]any)); n != tc.want {
				t.Errorf("got %d items, want %d", n, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		query  string
		status int
		field  string
	}{
		{"limit=abc", 400, "limit:not_integer"},
		{"limit=0", 400, "limit:out_of_range"},
		{"limit=-5", 400, "limit:out_of_range"},
		{"cursor=not-a-cursor", 400, "cursor:invalid_cursor"},
		{"status=lost", 422, "status:unknown_status"},
		{"type=scroll", 422, "type:unknown_type"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			assertProblem(t, e.do(req{method: "GET", path: "/documents?" + tc.query, token: alice}), tc.status, tc.field)
		})
	}
}

func TestStatusFollowsTheOwnersTimeZone(t *testing.T) {
	e := newEnv(t)
	// 20:30 UTC on the expiry day is already the next day in Vladivostok.
	e.clock.Set(time.Date(2026, 1, 10, 20, 30, 0, 0, time.UTC))
	for _, tc := range []struct {
		sub, zone, status string
		daysLeft          float64
	}{
		{"vlad", "Asia/Vladivostok", "expired", -1},
		{"kgd", "Europe/Kaliningrad", "expiring", 0},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			if r := e.do(req{method: "PUT", path: "/profile", token: e.token(tc.sub), body: map[string]any{"timeZone": tc.zone}}); r.status != 200 {
				t.Fatalf("put profile: %d %s", r.status, r.body)
			}
			d := e.mustCreate(tc.sub, map[string]any{"type": "custom", "title": "x", "expiresOn": "2026-01-10"})
			if d["status"] != tc.status || d["daysLeft"] != tc.daysLeft {
				t.Errorf("status %v daysLeft %v, want %s %v", d["status"], d["daysLeft"], tc.status, tc.daysLeft)
			}
		})
	}
}

func TestInternalPassportFollowsTheBirthDate(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	if r := e.do(req{method: "PUT", path: "/profile", token: alice, body: map[string]any{"birthDate": "2006-05-01"}}); r.status != 200 {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	// issued at 14; replace on the 20th birthday, 2026-05-01; today 2026-06-15 is within the 90-day grace
	d := e.mustCreate("alice", map[string]any{"type": "internal_passport", "number": "4510 123456", "issuedOn": "2020-05-10"})
	if d["expiresOn"] != "2026-05-01" || d["status"] != "replacement_required" || d["number"] != "4510 123456" {
		t.Errorf("passport: %v", d)
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	e := newEnv(t)
	assertProblem(t, e.do(req{method: "GET", path: "/nowhere", token: e.token("alice")}), 404)
	r := e.do(req{method: "PUT", path: "/documents", token: e.token("alice")})
	assertProblem(t, r, 405)
	if !strings.Contains(r.header.Get("Allow"), "GET") {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
}
