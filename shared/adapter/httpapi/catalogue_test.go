package httpapi_test

import (
	"slices"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/registry"
)

// TestDocumentTypesListTheCatalogue: GET /document-types names every type
// of the catalogue with ru/en titles, the rule's source and its variants,
// and the OpenAPI enum of type codes is the same list.
func TestDocumentTypesListTheCatalogue(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{method: "GET", path: "/document-types", token: e.token("alice")})
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	got := map[string]map[string]any{}
	var order []string
	for _, it := range items(r.json(t)) {
		code := it["type"].(string)
		got[code] = it
		order = append(order, code)
	}
	var want []string
	for _, ti := range registry.Catalogue() {
		want = append(want, string(ti.Type))
	}
	if !slices.Equal(order, want) {
		t.Errorf("types %v, want the catalogue %v", order, want)
	}
	for _, code := range []string{"birth_certificate", "military_id", "vehicle_registration", "vehicle_passport", "diagnostic_card",
		"drivers_medical_certificate", "residence_permit", "temporary_residence_permit", "work_patent", "vhi_policy",
		"medical_book", "weapon_permit", "hunting_licence"} {
		it := got[code]
		title, _ := it["title"].(map[string]any)
		source, _ := it["source"].(map[string]any)
		if title["ru"] == nil || title["en"] == nil || source["ru"] == nil || source["en"] == nil {
			t.Errorf("%s: title %v, source %v; want both languages", code, title, source)
		}
	}
	fp := got["foreign_passport"]
	var variants []string
	for _, v := range fp["variants"].([]any) {
		variants = append(variants, v.(map[string]any)["value"].(string))
	}
	if !slices.Equal(variants, []string{"biometric_10y", "standard_5y"}) || fp["defaultVariant"] != "biometric_10y" {
		t.Errorf("foreign passport variants %v, default %v", variants, fp["defaultVariant"])
	}

	spec := loadSpec(t)
	var enum []string
	for _, v := range spec.Components.Schemas["DocTypeCode"].Value.Enum {
		enum = append(enum, v.(string))
	}
	if !slices.Equal(enum, want) {
		t.Errorf("openapi DocTypeCode enum %v, want the catalogue %v", enum, want)
	}
}

// TestExtendedLicenceOverHTTP is the case: a licence issued on
// 2014-07-15, seen on 2026-12-01, is valid until 2027-07-15 by decree No.
// 353, and says so.
func TestExtendedLicenceOverHTTP(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	doc := e.mustCreate("alice", map[string]any{"type": "drivers_licence", "number": "99 12 345678", "issuedOn": "2014-07-15"})
	for k, want := range map[string]any{"expiresOn": "2024-07-15", "status": "valid", "daysLeft": 226.0} {
		if got := doc[k]; got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	ext, _ := doc["extension"].(map[string]any)
	note, _ := ext["note"].(map[string]any)
	if ext["until"] != "2027-07-15" || ext["reason"] != "pp353" || note["ru"] != "продлено на 3 года по ПП № 353, действует в России" || note["en"] == nil {
		t.Errorf("extension = %v", ext)
	}
	// A licence outside the decree's dates has no extension.
	doc = e.mustCreate("alice", map[string]any{"type": "drivers_licence", "issuedOn": "2016-01-01"})
	if _, ok := doc["extension"]; ok || doc["expiresOn"] != "2026-01-01" || doc["status"] != "expired" {
		t.Errorf("a licence expired on 2026-01-01: %v", doc)
	}
}

// TestBirthCertificateMilestoneOverHTTP: a child's birth certificate does
// not expire but shows when the first passport is due.
func TestBirthCertificateMilestoneOverHTTP(t *testing.T) {
	e := newEnv(t)
	doc := e.mustCreate("alice", map[string]any{"type": "birth_certificate", "number": "iv-mю 123456",
		"issuedOn": "2013-02-20", "holderBirthDate": "2013-02-10"})
	m, _ := doc["milestone"].(map[string]any)
	if doc["number"] != "IV-МЮ 123456" || doc["status"] != "valid" || doc["expiresOn"] != nil || doc["holderBirthDate"] != "2013-02-10" ||
		m["kind"] != "first_passport" || m["date"] != "2027-02-10" {
		t.Errorf("birth certificate = %v", doc)
	}
	r := e.do(req{method: "POST", path: "/documents", token: e.token("alice"),
		body: map[string]any{"type": "diagnostic_card", "issuedOn": "2026-01-10"}})
	if r.status != 422 || !hasFieldError(r.json(t), "variant", "variant_required") {
		t.Errorf("diagnostic card without a variant: %d %s", r.status, r.body)
	}
}

// hasFieldError reports whether problem p names field with code.
func hasFieldError(p map[string]any, field, code string) bool {
	list, _ := p["errors"].([]any)
	for _, x := range list {
		fe, _ := x.(map[string]any)
		if fe["field"] == field && fe["code"] == code {
			return true
		}
	}
	return false
}

// TestProfilePhoneTheDomesticWay: a Russian number written 8 and ten
// digits, with spaces and dashes, is kept and shown as +7 and ten digits.
func TestProfilePhoneTheDomesticWay(t *testing.T) {
	e := newEnv(t)
	tok := e.token("alice")
	r := e.do(req{method: "PUT", path: "/profile", token: tok, body: map[string]any{"phone": "8 (916) 123-45-67"}})
	if r.status != 200 {
		t.Fatalf("put profile: %d %s", r.status, r.body)
	}
	if got := e.do(req{method: "GET", path: "/profile", token: tok}).json(t)["phone"]; got != "+79161234567" {
		t.Errorf("phone = %v, want +79161234567", got)
	}
}
