package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func (e *env) mustAddPerson(sub string, body map[string]any) map[string]any {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/family", token: e.token(sub), body: body})
	if r.status != http.StatusCreated {
		e.t.Fatalf("add %v: %d %s", body, r.status, r.body)
	}
	return r.json(e.t)
}

// TestFamily: a holder adds a child, sees and changes them; another
// holder gets 404 for the id, exactly like a missing one; a document for
// the child follows the child's birth date and is listed by subject; the
// child cannot be removed while a document names them.
func TestFamily(t *testing.T) {
	e := newEnv(t) // 2026-06-15
	if r := e.do(req{method: "PUT", path: "/profile", token: e.token("anna"), body: map[string]any{"name": "Анна", "birthDate": "1990-04-12"}}); r.status != 200 {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	masha := e.mustAddPerson("anna", map[string]any{"name": "Маша", "birthDate": "2012-02-29", "relation": "child", "snils": "112-233-445 95"})
	id := masha["id"].(string)
	if masha["status"] != "active" || masha["adultOn"] != "2030-03-01" || masha["snils"] != "112-233-445 95" {
		t.Errorf("the child: %v", masha)
	}
	assertType(t, e.do(req{method: "POST", path: "/family", token: e.token("anna"),
		body: map[string]any{"name": "Пётр", "birthDate": "2008-06-15", "relation": "child"}}), http.StatusUnprocessableEntity, "validation", "birthDate:not_a_minor")
	list := e.do(req{method: "GET", path: "/family", token: e.token("anna")}).json(t)
	if n := len(list["items"].([]any)); n != 1 {
		t.Errorf("family lists %d, want 1", n)
	}
	for _, r := range []req{
		{method: "GET", path: "/family/" + id, token: e.token("boris")},
		{method: "PATCH", path: "/family/" + id, token: e.token("boris"), body: map[string]any{"name": "Моя"}},
		{method: "DELETE", path: "/family/" + id, token: e.token("boris")},
	} {
		assertType(t, e.do(r), http.StatusNotFound, "not-found")
	}
	if n := len(e.do(req{method: "GET", path: "/family", token: e.token("boris")}).json(t)["items"].([]any)); n != 0 {
		t.Errorf("another holder lists %d people", n)
	}
	r := e.do(req{method: "PATCH", path: "/family/" + id, token: e.token("anna"), body: map[string]any{"name": "Мария"}})
	if r.status != 200 || r.json(t)["name"] != "Мария" {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}

	// The child's internal passport: valid to her 20th birthday (hers, not anna's).
	pass := e.mustCreate("anna", map[string]any{"type": "internal_passport", "subject": id, "number": "45 10 123456", "issuedOn": "2026-03-10"})
	if pass["subject"] != id || pass["subjectName"] != "Мария" || pass["expiresOn"] != "2032-02-29" {
		t.Errorf("the child's passport: %v", pass)
	}
	// Her birth certificate: the first passport at 14 comes from her birth date.
	cert := e.mustCreate("anna", map[string]any{"type": "birth_certificate", "subject": id, "issuedOn": "2012-03-10"})
	if cert["holderBirthDate"] != "2012-02-29" {
		t.Errorf("the birth certificate: %v", cert)
	}
	own := e.mustCreate("anna", map[string]any{"type": "custom", "title": "Пропуск", "expiresOn": "2030-01-01"})
	ids := func(path string) []string {
		var out []string
		for _, it := range items(e.do(req{method: "GET", path: path, token: e.token("anna")}).json(t)) {
			out = append(out, it["id"].(string))
		}
		return out
	}
	if got := ids("/documents?subject=" + id); len(got) != 2 {
		t.Errorf("her documents: %v", got)
	}
	if got := ids("/documents?subject=self"); len(got) != 1 || got[0] != own["id"] {
		t.Errorf("anna's own: %v", got)
	}
	if got := ids("/documents"); len(got) != 3 {
		t.Errorf("everyone's: %v", got)
	}
	// Someone else's dependent as a subject: a field error, as an unknown one.
	assertType(t, e.do(req{method: "POST", path: "/documents", token: e.token("boris"), body: map[string]any{"type": "custom", "title": "x", "subject": id}}),
		http.StatusUnprocessableEntity, "validation", "subject:unknown_subject")
	assertType(t, e.do(req{method: "DELETE", path: "/family/" + id, token: e.token("anna")}), http.StatusConflict, "dependent-in-use")
	for _, d := range []any{pass["id"], cert["id"]} {
		if r := e.do(req{method: "DELETE", path: "/documents/" + d.(string), token: e.token("anna")}); r.status != http.StatusNoContent {
			t.Fatalf("delete document: %d %s", r.status, r.body)
		}
	}
	if r := e.do(req{method: "DELETE", path: "/family/" + id, token: e.token("anna")}); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
}

// TestFamilyGrowingUp: born on 29 February 2008, a child is a dependent
// through 28 February 2026 and grown up on 1 March (a common year: the
// first day the full 18 years have passed), at midnight in the holder's
// zone: from then the holder adds no document for her. Time is the API's
// clock.
func TestFamilyGrowingUp(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 2, 28, 12, 0, 0, 0, time.UTC)) // 15:00 on 28 February in Moscow
	id := e.mustAddPerson("anna", map[string]any{"name": "Вера", "birthDate": "2008-02-29", "relation": "child"})["id"].(string)
	e.mustCreate("anna", map[string]any{"type": "custom", "title": "Пропуск", "expiresOn": "2030-01-01", "subject": id})
	e.clock.Set(time.Date(2026, 2, 28, 21, 0, 0, 0, time.UTC)) // 00:00 on 1 March in Moscow
	p := e.do(req{method: "GET", path: "/family/" + id, token: e.token("anna")}).json(t)
	if p["status"] != "grown_up" || p["adultOn"] != "2026-03-01" {
		t.Errorf("at midnight of 1 March in Moscow: %v", p)
	}
	assertType(t, e.do(req{method: "POST", path: "/documents", token: e.token("anna"),
		body: map[string]any{"type": "custom", "title": "Ещё", "expiresOn": "2030-01-01", "subject": id}}), http.StatusConflict, "dependent-not-active")
	if !strings.Contains(string(e.do(req{method: "GET", path: "/documents?subject=" + id, token: e.token("anna")}).body), "Пропуск") {
		t.Error("her documents are no longer listed for the holder")
	}
}
