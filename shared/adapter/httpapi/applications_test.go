package httpapi_test

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

var receiptRe = regexp.MustCompile(`^KB-2026-\d{8}$`)

func (e *env) agencyStaff(agency string) string {
	return e.tokenFor(httpapi.Identity{Sub: "officer@" + agency, Groups: []string{"staff"}, Agency: agency})
}

// agencyLead is a lead clerk of agency (claim agencyRole=lead).
func (e *env) agencyLead(agency string) string {
	return e.tokenFor(httpapi.Identity{Sub: "lead@" + agency, Groups: []string{"staff"}, Agency: agency, AgencyRole: "lead"})
}

// certificateFields is a complete certificate_request.
func certificateFields() map[string]any {
	return map[string]any{"fullName": "Иванов Иван Иванович", "inn": "7707083893", "certificateType": "no_tax_debt",
		"ogrn": "1027700132195", "snils": "112-233-445 95", "postalCode": "101000", "email": "ivan@example.test"}
}

func (e *env) mustDraft(sub, service string, fields map[string]any) map[string]any {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/applications", token: e.token(sub), body: map[string]any{"serviceCode": service, "fields": fields}})
	if r.status != http.StatusCreated {
		e.t.Fatalf("draft %s: %d %s", service, r.status, r.body)
	}
	return r.json(e.t)
}

func (e *env) mustSubmit(sub, id string) map[string]any {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/applications/" + id + "/submit", token: e.token(sub)})
	if r.status != http.StatusOK {
		e.t.Fatalf("submit %s: %d %s", id, r.status, r.body)
	}
	return r.json(e.t)
}

func (e *env) move(token, id, to, comment string) resp {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/applications/" + id + "/transitions", token: token, body: map[string]any{"to": to, "comment": comment}})
}

// doAll sends every request at once, headers included, and returns the
// answers in order.
func (e *env) doAll(reqs []req) []resp {
	e.t.Helper()
	out := make([]resp, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = e.do(r)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

func timeline(m map[string]any) []string {
	var out []string
	list, _ := m["timeline"].([]any)
	for _, x := range list {
		e := x.(map[string]any)
		out = append(out, fmt.Sprintf("%s>%s", e["from"], e["to"]))
	}
	return out
}

func TestApplicationFlow(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	if r := e.do(req{method: "PUT", path: "/profile", token: alice, body: map[string]any{"name": "Алиса Петрова", "birthDate": "1981-04-12",
		"timeZone": "Asia/Vladivostok", "language": "ru", "email": "alice@example.test", "phone": "+79990000001"}}); r.status != 200 {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	e.mustCreate("alice", map[string]any{"type": "internal_passport", "number": "4501 000001", "issuedOn": "2001-05-10", "expiresOn": "2026-04-12"})
	e.mustCreate("alice", map[string]any{"type": "internal_passport", "number": "4510 123456", "issuedOn": "2026-04-20"})

	// the catalogue
	r := e.do(req{method: "GET", path: "/services", token: alice})
	services := items(r.json(t))
	if r.status != 200 || len(services) < 6 {
		t.Fatalf("services: %d %s", r.status, r.body)
	}
	var passport map[string]any
	for _, s := range services {
		if s["code"] == "passport_replacement" {
			passport = s
		}
	}
	if passport == nil || passport["agency"] != "mvd" || passport["decisionDays"] != 10.0 {
		t.Fatalf("passport_replacement = %v", passport)
	}
	snils := false
	for _, f := range passport["fields"].([]any) {
		m := f.(map[string]any)
		if m["name"] == "snils" {
			snils = m["checksum"] == "snils" && m["type"] == "string" && m["pattern"] != ""
		}
	}
	if !snils {
		t.Errorf("passport_replacement's snils field has no checksum rule: %v", passport["fields"])
	}

	// validation without saving
	r = e.do(req{method: "POST", path: "/applications/validate", token: alice,
		body: map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{"inn": "7707083893", "ogrn": "1027700132196"}}})
	v := r.json(t)
	if r.status != 200 || v["valid"] != false {
		t.Fatalf("validate: %d %s", r.status, r.body)
	}
	var got []string
	for _, x := range v["errors"].([]any) {
		m := x.(map[string]any)
		got = append(got, m["field"].(string)+":"+m["code"].(string))
	}
	if want := []string{"fields.certificateType:required", "fields.fullName:required", "fields.ogrn:invalid_ogrn", "fields.postalCode:required"}; !reflect.DeepEqual(got, want) {
		t.Errorf("validate errors = %v, want %v", got, want)
	}
	r = e.do(req{method: "POST", path: "/applications/validate", token: alice, body: map[string]any{"serviceCode": "certificate_request", "fields": certificateFields()}})
	if v := r.json(t); r.status != 200 || v["valid"] != true || len(v["errors"].([]any)) != 0 {
		t.Errorf("validate a complete application: %s", r.body)
	}
	if n := len(e.rawItems("alice")); n != 1+2+2 { // profile, two documents and their history
		t.Errorf("validate stored something: %d items", n)
	}

	// a draft, prefilled from the profile and the current passport
	d := e.mustDraft("alice", "passport_replacement", map[string]any{"birthPlace": "г. Москва"})
	id := d["id"].(string)
	want := map[string]any{"fullName": "Алиса Петрова", "birthDate": "1981-04-12", "phone": "+79990000001", "email": "alice@example.test",
		"internalPassport": "4510 123456", "birthPlace": "г. Москва"}
	if !reflect.DeepEqual(d["fields"], want) || d["status"] != "draft" || d["version"] != 1.0 || d["receiptNumber"] != nil {
		t.Errorf("draft = %v\nwant fields %v", d, want)
	}
	// incomplete: submit refuses with the missing fields
	assertProblem(t, e.do(req{method: "POST", path: "/applications/" + id + "/submit", token: alice}), 422,
		"fields.address:required", "fields.postalCode:required", "fields.reason:required")
	r = e.do(req{method: "PATCH", path: "/applications/" + id, token: alice, header: map[string]string{"If-Match": `"1"`},
		body: map[string]any{"fields": map[string]any{"reason": "age_45", "postalCode": "101000", "address": "Москва, ул. Тверская, 1",
			"snils": "11223344595", "email": nil}}})
	p := r.json(t)
	if r.status != 200 || p["version"] != 2.0 || r.header.Get("ETag") != `"2"` {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	if f := p["fields"].(map[string]any); f["snils"] != "112-233-445 95" || f["email"] != nil || f["fullName"] != "Алиса Петрова" {
		t.Errorf("patched fields = %v", f)
	}

	// bob submits first: the queue is oldest first
	bd := e.mustDraft("bob", "passport_replacement", map[string]any{"fullName": "Боб", "birthDate": "1980-01-01", "birthPlace": "Казань",
		"internalPassport": "9200 654321", "reason": "age_45", "phone": "+79990000002", "postalCode": "420000", "address": "Казань"})
	bob := e.mustSubmit("bob", bd["id"].(string))
	e.clock.Set(defaultNow.Add(14 * time.Hour)) // 2026-06-16 09:00 in Vladivostok
	alice = e.token("alice")
	s := e.mustSubmit("alice", id)
	if !receiptRe.MatchString(s["receiptNumber"].(string)) || s["status"] != "received" || s["receiptNumber"] == bob["receiptNumber"] {
		t.Errorf("submitted = %v", s)
	}
	// the applicant's zone: 16 June in Vladivostok + 10 days
	if s["expectedDecisionDate"] != "2026-06-26" || bob["expectedDecisionDate"] != "2026-06-25" {
		t.Errorf("expected decision dates %v (alice, Vladivostok) and %v (bob, Moscow)", s["expectedDecisionDate"], bob["expectedDecisionDate"])
	}
	if tl := timeline(s); !reflect.DeepEqual(tl, []string{"draft>received"}) {
		t.Errorf("timeline = %v", tl)
	}
	assertType(t, e.do(req{method: "PATCH", path: "/applications/" + id, token: alice, header: map[string]string{"If-Match": `"3"`},
		body: map[string]any{"fields": map[string]any{"address": "x"}}}), 409, "not-draft")
	assertType(t, e.do(req{method: "DELETE", path: "/applications/" + id, token: alice}), 409, "not-draft")
	assertType(t, e.do(req{method: "POST", path: "/applications/" + id + "/submit", token: alice}), 409, "invalid-transition")

	mvd := e.agencyStaff("mvd")
	r = e.do(req{method: "GET", path: "/agency/applications?status=received", token: mvd})
	if got := idsOf(items(r.json(t))); r.status != 200 || !reflect.DeepEqual(got, []string{bob["id"].(string), id}) {
		t.Fatalf("queue = %v (%d %s)", got, r.status, r.body)
	}
	if r := e.do(req{method: "GET", path: "/agency/applications?status=received", token: e.agencyStaff("fns")}); len(items(r.json(t))) != 0 {
		t.Errorf("another agency's queue shows: %s", r.body)
	}

	// staff move it through the machine
	for _, step := range []struct{ to, comment string }{
		{"processing", ""}, {"needs_info", "Приложите фотографию"}, {"processing", "Фото получено"}, {"approved", ""},
	} {
		if r := e.move(mvd, id, step.to, step.comment); r.status != 200 || r.json(t)["status"] != step.to {
			t.Fatalf("→ %s: %d %s", step.to, r.status, r.body)
		}
	}
	r = e.do(req{method: "GET", path: "/applications/" + id, token: alice})
	a := r.json(t)
	if tl := timeline(a); !reflect.DeepEqual(tl, []string{"draft>received", "received>processing", "processing>needs_info", "needs_info>processing", "processing>approved"}) {
		t.Errorf("timeline = %v", tl)
	}
	entry := a["timeline"].([]any)[2].(map[string]any)
	if entry["actor"] != "officer@mvd" || entry["role"] != "staff" || entry["comment"] != "Приложите фотографию" || entry["at"] == "" {
		t.Errorf("timeline entry = %v", entry)
	}
	if r := e.do(req{method: "GET", path: "/agency/applications?status=received", token: mvd}); !reflect.DeepEqual(idsOf(items(r.json(t))), []string{bob["id"].(string)}) {
		t.Errorf("received queue after the moves: %s", r.body)
	}
	if r := e.do(req{method: "GET", path: "/agency/applications?status=approved", token: mvd}); !reflect.DeepEqual(idsOf(items(r.json(t))), []string{id}) {
		t.Errorf("approved queue: %s", r.body)
	}
	// an inbox notification per transition, in the applicant's language
	r = e.do(req{method: "GET", path: "/notifications", token: alice})
	var kinds []string
	for _, n := range items(r.json(t)) {
		if n["kind"] == "application_status" {
			kinds = append(kinds, n["title"].(string))
		}
	}
	if len(kinds) != 5 || !strings.HasPrefix(kinds[0], "Заявление "+s["receiptNumber"].(string)+": одобрено") {
		t.Errorf("notifications = %v", kinds)
	}
	// decided: nothing more
	assertType(t, e.do(req{method: "POST", path: "/applications/" + id + "/withdraw", token: alice}), 409, "invalid-transition")
	assertType(t, e.move(mvd, id, "processing", ""), 409, "invalid-transition")

	// the list and its filters
	for q, want := range map[string][]string{
		"":                                  {id},
		"?status=approved":                  {id},
		"?status=draft":                     {},
		"?serviceCode=passport_replacement": {id},
		"?serviceCode=foreign_passport":     {},
		"?from=2026-06-15&to=2026-06-15":    {id},
		"?from=2026-06-16":                  {},
	} {
		r := e.do(req{method: "GET", path: "/applications" + q, token: alice})
		if got := idsOf(items(r.json(t))); r.status != 200 || !reflect.DeepEqual(got, want) {
			t.Errorf("GET /applications%s = %v, want %v (%s)", q, got, want, r.body)
		}
	}
	assertProblem(t, e.do(req{method: "GET", path: "/applications?status=lost&from=2026-02-30", token: alice}), 422, "from:invalid_date", "status:unknown_status")
}

func TestApplicationWithdrawAndStaffRules(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	fns, mvd := e.agencyStaff("fns"), e.agencyStaff("mvd")
	draft := e.mustDraft("alice", "certificate_request", certificateFields())
	id := draft["id"].(string)
	assertType(t, e.do(req{method: "POST", path: "/applications/" + id + "/withdraw", token: alice}), 409, "invalid-transition")
	e.mustSubmit("alice", id)

	// a citizen is not staff; staff of another agency may not touch it, nor
	// learn that it exists
	assertType(t, e.move(alice, id, "processing", ""), 403, "staff-only")
	assertType(t, e.do(req{method: "GET", path: "/agency/applications", token: alice}), 403, "staff-only")
	assertType(t, e.move(mvd, id, "processing", ""), 404, "not-found")
	// staff cannot withdraw, nor skip processing
	assertType(t, e.move(fns, id, "withdrawn", ""), 403, "applicant-only")
	assertType(t, e.move(fns, id, "approved", ""), 409, "invalid-transition")
	assertType(t, e.move(fns, id, "draft", ""), 409, "invalid-transition")
	assertProblem(t, e.move(fns, id, "lost", ""), 422, "to:unknown_status")
	assertProblem(t, e.move(fns, id, "rejected", ""), 422, "comment:required")
	assertProblem(t, e.do(req{method: "POST", path: "/applications/" + id + "/transitions", token: fns, body: map[string]any{"to": "processing", "status": "approved"}}), 400, "status:unknown_field")
	if r := e.move(fns, id, "processing", ""); r.status != 200 {
		t.Fatalf("processing: %d %s", r.status, r.body)
	}
	r := e.do(req{method: "POST", path: "/applications/" + id + "/withdraw", token: alice, body: map[string]any{"comment": "Передумал"}})
	if got := r.json(t); r.status != 200 || got["status"] != "withdrawn" {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	assertType(t, e.do(req{method: "POST", path: "/applications/" + id + "/withdraw", token: alice}), 409, "invalid-transition")
	assertType(t, e.move(fns, id, "processing", ""), 409, "invalid-transition")
	if r := e.do(req{method: "GET", path: "/agency/applications?status=processing", token: fns}); len(items(r.json(t))) != 0 {
		t.Errorf("processing queue still shows the withdrawn application: %s", r.body)
	}
	if r := e.do(req{method: "GET", path: "/agency/applications?status=withdrawn", token: fns}); !reflect.DeepEqual(idsOf(items(r.json(t))), []string{id}) {
		t.Errorf("withdrawn queue: %s", r.body)
	}
	// withdrawn from received and from needs_info too
	for _, via := range [][]string{{}, {"processing", "needs_info"}} {
		d := e.mustDraft("alice", "certificate_request", certificateFields())
		e.mustSubmit("alice", d["id"].(string))
		for _, to := range via {
			if r := e.move(fns, d["id"].(string), to, "x"); r.status != 200 {
				t.Fatalf("→ %s: %d %s", to, r.status, r.body)
			}
		}
		if r := e.do(req{method: "POST", path: "/applications/" + d["id"].(string) + "/withdraw", token: alice}); r.status != 200 {
			t.Errorf("withdraw after %v: %d %s", via, r.status, r.body)
		}
	}
}

func TestApplicationBadInput(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	cases := []struct {
		name   string
		body   any
		status int
		fields []string
	}{
		{"unknown service", map[string]any{"serviceCode": "nope", "fields": map[string]any{}}, 422, []string{"serviceCode:unknown_service"}},
		{"no service", map[string]any{"fields": map[string]any{}}, 422, []string{"serviceCode:required"}},
		{"field failing its rule", map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{"inn": "7707083894"}}, 422, []string{"fields.inn:invalid_inn"}},
		{"bad ogrn", map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{"ogrn": "1027700132196"}}, 422, []string{"fields.ogrn:invalid_ogrn"}},
		{"bad date", map[string]any{"serviceCode": "medical_certificate", "fields": map[string]any{"birthDate": "1990-02-30"}}, 422, []string{"fields.birthDate:invalid_date"}},
		{"unknown option", map[string]any{"serviceCode": "medical_certificate", "fields": map[string]any{"certificateType": "x"}}, 422, []string{"fields.certificateType:unknown_option"}},
		{"field of no such name", map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{"colour": "red"}}, 422, []string{"fields.colour:unknown_field"}},
		{"status is not a client field", map[string]any{"serviceCode": "certificate_request", "status": "approved"}, 400, []string{"status:unknown_field"}},
		{"owner is not a client field", map[string]any{"serviceCode": "certificate_request", "owner": "bob"}, 400, []string{"owner:unknown_field"}},
		{"receipt is not a client field", map[string]any{"serviceCode": "certificate_request", "receiptNumber": "KB-2026-00000001"}, 400, []string{"receiptNumber:unknown_field"}},
		{"number as a field value", map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{"inn": 7707083893}}, 400, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertProblem(t, e.do(req{method: "POST", path: "/applications", token: alice, body: c.body}), c.status, c.fields...)
		})
	}
	if n := len(e.rawItems("alice")); n != 0 {
		t.Errorf("refused requests stored %d items", n)
	}
	assertProblem(t, e.do(req{method: "POST", path: "/applications/validate", token: alice, body: map[string]any{"serviceCode": "nope"}}), 422, "serviceCode:unknown_service")

	d := e.mustDraft("alice", "certificate_request", map[string]any{"inn": "7707083893"})
	id := d["id"].(string)
	path := "/applications/" + id
	assertProblem(t, e.do(req{method: "PATCH", path: path, token: alice, body: map[string]any{"fields": map[string]any{"inn": "1"}}}), 428)
	assertProblem(t, e.do(req{method: "PATCH", path: path, token: alice, header: map[string]string{"If-Match": `"9"`}, body: map[string]any{"fields": map[string]any{}}}), 412)
	assertProblem(t, e.do(req{method: "PATCH", path: path, token: alice, header: map[string]string{"If-Match": `"1"`}, body: map[string]any{"fields": map[string]any{"inn": "1"}}}), 422, "fields.inn:invalid_inn")
	assertProblem(t, e.do(req{method: "PATCH", path: path, token: alice, header: map[string]string{"If-Match": `"1"`}, body: map[string]any{"serviceCode": "foreign_passport"}}), 400, "serviceCode:unknown_field")
	if r := e.do(req{method: "DELETE", path: path, token: alice}); r.status != 204 {
		t.Fatalf("delete draft: %d %s", r.status, r.body)
	}
	assertProblem(t, e.do(req{method: "GET", path: path, token: alice}), 404)
	if n := len(e.rawItems("alice")); n != 0 {
		t.Errorf("a deleted draft left %d items", n)
	}
	// patch of a submitted application
	s := e.mustDraft("alice", "certificate_request", certificateFields())
	e.mustSubmit("alice", s["id"].(string))
	assertType(t, e.do(req{method: "PATCH", path: "/applications/" + s["id"].(string), token: alice, header: map[string]string{"If-Match": `"2"`},
		body: map[string]any{"fields": map[string]any{"inn": "500100732259"}}}), 409, "not-draft")
}

// TestReceiptNumbersAreUnique submits twenty applications at once.
func TestReceiptNumbersAreUnique(t *testing.T) {
	e := newEnv(t)
	const n = 20
	reqs := make([]req, n)
	for i := range reqs {
		sub := fmt.Sprintf("citizen-%02d", i)
		id := e.mustDraft(sub, "certificate_request", certificateFields())["id"].(string)
		reqs[i] = req{method: "POST", path: "/applications/" + id + "/submit", token: e.token(sub)}
	}
	var receipts []string
	for _, r := range e.sendAll(reqs) {
		if r.status != 200 {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		n := r.json(t)["receiptNumber"].(string)
		if !receiptRe.MatchString(n) {
			t.Errorf("receipt %q", n)
		}
		receipts = append(receipts, n)
	}
	slices.Sort(receipts)
	if len(slices.Compact(receipts)) != n {
		t.Errorf("receipts not unique: %v", receipts)
	}
	r := e.do(req{method: "GET", path: "/agency/applications?limit=7", token: e.agencyStaff("fns")})
	page := r.json(t)
	if len(items(page)) != 7 || page["nextCursor"] == nil {
		t.Fatalf("queue page: %s", r.body)
	}
	seen := len(items(page))
	for cur := page["nextCursor"]; cur != nil; {
		r := e.do(req{method: "GET", path: "/agency/applications?limit=7&cursor=" + cur.(string), token: e.agencyStaff("fns")})
		p := r.json(t)
		seen += len(items(p))
		cur = p["nextCursor"]
	}
	if seen != n {
		t.Errorf("queue pages hold %d applications, want %d", seen, n)
	}
	assertProblem(t, e.do(req{method: "GET", path: "/agency/applications?cursor=zzz", token: e.agencyStaff("fns")}), 400, "cursor:invalid_cursor")
}
