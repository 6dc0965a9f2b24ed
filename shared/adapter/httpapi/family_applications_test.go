package httpapi_test

import (
	"net/http"
	"testing"
)

// TestApplicationForADependent: a holder files her daughter's foreign
// passport: the draft carries the child's name, birth date and SNILS
// (never the mother's, nor the mother's internal passport), the contacts
// stay the mother's, and at 9 the internal passport is not required, so
// it submits. A service that is not filed for others refuses a subject;
// another holder's child is unknown, exactly as a missing one; the
// mother's own application is still hers.
func TestApplicationForADependent(t *testing.T) {
	e := newEnv(t) // 2026-06-15
	if r := e.do(req{method: "PUT", path: "/profile", token: e.token("anna"), body: map[string]any{"name": "Анна Петрова", "birthDate": "1988-05-05",
		"email": "anna@example.test", "phone": "+79990000001"}}); r.status != http.StatusOK {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	e.mustCreate("anna", map[string]any{"type": "internal_passport", "number": "4510 123456", "issuedOn": "2008-05-20"})
	kid := e.mustAddPerson("anna", map[string]any{"name": "Петрова Мария", "birthDate": "2016-09-01", "relation": "child",
		"snils": "112-233-445 95"})["id"].(string)

	fields := map[string]any{"passportKind": "biometric_10y", "postalCode": "101000", "address": "Москва, ул. Тверская, 1"}

	// under 14 the birth certificate is the identity document: required, prefilled from the registry
	younger := e.mustAddPerson("anna", map[string]any{"name": "Петров Илья", "birthDate": "2019-01-10", "relation": "child"})["id"].(string)
	r := e.do(req{method: "POST", path: "/applications", token: e.token("anna"),
		body: map[string]any{"serviceCode": "foreign_passport", "subject": younger, "fields": fields}})
	if r.status != http.StatusCreated {
		t.Fatalf("the younger child's draft: %d %s", r.status, r.body)
	}
	assertType(t, e.do(req{method: "POST", path: "/applications/" + r.json(t)["id"].(string) + "/submit", token: e.token("anna")}),
		http.StatusUnprocessableEntity, "validation", "fields.birthCertificate:required")
	e.mustCreate("anna", map[string]any{"type": "birth_certificate", "number": "iv-мю 123456", "issuedOn": "2016-09-10", "subject": kid})

	r = e.do(req{method: "POST", path: "/applications", token: e.token("anna"),
		body: map[string]any{"serviceCode": "foreign_passport", "subject": kid, "fields": fields}})
	if r.status != http.StatusCreated {
		t.Fatalf("the child's draft: %d %s", r.status, r.body)
	}
	a := r.json(t)
	got := a["fields"].(map[string]any)
	if a["subject"] != kid || a["subjectName"] != "Петрова Мария" || got["fullName"] != "Петрова Мария" || got["birthDate"] != "2016-09-01" ||
		got["snils"] != "112-233-445 95" || got["phone"] != "+79990000001" || got["internalPassport"] != nil ||
		got["birthCertificate"] != "IV-МЮ 123456" {
		t.Errorf("the child's draft: %v", a)
	}
	if s := e.mustSubmit("anna", a["id"].(string)); s["status"] == "draft" {
		t.Errorf("submitted without an internal passport at 9: %v", s)
	}

	own := e.mustDraft("anna", "foreign_passport", fields)
	if f := own["fields"].(map[string]any); own["subject"] != nil || f["fullName"] != "Анна Петрова" || f["internalPassport"] != "4510 123456" ||
		f["birthCertificate"] != nil {
		t.Errorf("the mother's own draft: %v", own)
	}
	assertType(t, e.do(req{method: "POST", path: "/applications", token: e.token("anna"),
		body: map[string]any{"serviceCode": "foreign_passport", "subject": younger, "fields": map[string]any{"birthCertificate": "МЮ 12"}}}),
		http.StatusUnprocessableEntity, "validation", "fields.birthCertificate:invalid_birth_certificate")

	// one person's applications
	for _, tc := range []struct{ subject, want string }{{kid, "Петрова Мария"}, {younger, "Петров Илья"}, {"self", ""}} {
		l := e.do(req{method: "GET", path: "/applications?subject=" + tc.subject, token: e.token("anna")}).json(t)
		items := l["items"].([]any)
		if len(items) != 1 {
			t.Errorf("?subject=%s: %d applications, want 1", tc.subject, len(items))
			continue
		}
		if name, _ := items[0].(map[string]any)["subjectName"].(string); name != tc.want {
			t.Errorf("?subject=%s: the application of %q", tc.subject, name)
		}
	}
	assertType(t, e.do(req{method: "POST", path: "/applications", token: e.token("anna"),
		body: map[string]any{"serviceCode": "passport_replacement", "subject": kid, "fields": map[string]any{}}}),
		http.StatusUnprocessableEntity, "validation", "subject:not_for_dependents")
	assertType(t, e.do(req{method: "POST", path: "/applications", token: e.token("boris"),
		body: map[string]any{"serviceCode": "foreign_passport", "subject": kid, "fields": fields}}),
		http.StatusUnprocessableEntity, "validation", "subject:unknown_subject")
}
