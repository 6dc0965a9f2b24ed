package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/internal/devapi"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/adapter/store/storetest"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/csvsafe"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

func (e *env) admin(sub, org string) string {
	e.t.Helper()
	tok, err := e.issuer.Issue(httpapi.Identity{Sub: sub, Groups: []string{httpapi.GroupOrgAdmin}, Org: org})
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func (e *env) consent(sub, org string, types ...string) string {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/consents", token: e.token(sub), body: map[string]any{"organizationId": org, "documentTypes": types}})
	if r.status != http.StatusCreated {
		e.t.Fatalf("consent: %d %s", r.status, r.body)
	}
	return r.json(e.t)["id"].(string)
}

func (e *env) orgDocs(token, org, query string) resp {
	e.t.Helper()
	return e.do(req{method: "GET", path: "/organizations/" + org + "/documents" + query, token: token})
}

func orgItems(t *testing.T, r resp) []map[string]any {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var out []map[string]any
	for _, x := range r.json(t)["items"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

func TestConsentRoutes(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	assertProblem(t, e.do(req{method: "POST", path: "/consents", token: alice, body: map[string]any{"organizationId": "acme", "documentTypes": []string{"spaceship"}}}),
		422, "documentTypes:unknown_type")
	assertProblem(t, e.do(req{method: "POST", path: "/consents", token: alice, body: map[string]any{"organizationId": "", "documentTypes": []string{}}}),
		422, "documentTypes:required", "organizationId:required")
	assertProblem(t, e.do(req{method: "POST", path: "/consents", token: alice, body: map[string]any{"organizationId": "acme", "documentTypes": []string{"osago", "osago"}}}),
		422, "documentTypes:duplicate")
	id := e.consent("alice", "acme", "osago")
	assertProblem(t, e.do(req{method: "POST", path: "/consents", token: alice, body: map[string]any{"organizationId": "acme", "documentTypes": []string{"snils"}}}), 409)
	list := orgItems(t, e.do(req{method: "GET", path: "/consents", token: alice}))
	if len(list) != 1 || list[0]["id"] != id || list[0]["organizationId"] != "acme" {
		t.Errorf("consents = %v", list)
	}
	if l := orgItems(t, e.do(req{method: "GET", path: "/consents", token: e.token("mallory")})); len(l) != 0 {
		t.Errorf("mallory sees %v", l)
	}
	assertProblem(t, e.do(req{method: "DELETE", path: "/consents/" + id, token: e.token("mallory")}), 404)
	if r := e.do(req{method: "DELETE", path: "/consents/" + id, token: alice}); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	assertProblem(t, e.do(req{method: "DELETE", path: "/consents/" + id, token: alice}), 404)
	e.consent("alice", "acme", "snils") // withdrawn, the organisation can be consented to again
}

// TestOrganisationSeesOnlyWhatWasConsented walks the consent matrix: no
// consent, a consent for another type, a withdrawn consent, another
// organisation's administrator, a citizen's token.
func TestOrganisationSeesOnlyWhatWasConsented(t *testing.T) {
	e := newEnv(t)
	for sub, name := range map[string]string{"bob": "Боб Иванов", "carol": "=HYPERLINK(\"x\")", "dave": "Dave"} {
		if r := e.do(req{method: "PUT", path: "/profile", token: e.token(sub), body: map[string]any{"name": name}}); r.status != 200 {
			t.Fatalf("profile: %d %s", r.status, r.body)
		}
	}
	e.mustCreate("bob", map[string]any{"type": "medical_certificate_086u", "number": "A-1", "issuedOn": "2025-12-20"})   // expires 2026-06-20: expiring
	e.mustCreate("bob", map[string]any{"type": "custom", "title": "Secret", "expiresOn": "2026-06-01"})                  // not consented
	e.mustCreate("carol", map[string]any{"type": "medical_certificate_086u", "number": "B-2", "issuedOn": "2025-10-01"}) // expired
	e.mustCreate("carol", map[string]any{"type": "osago", "number": "XXX 0123456789", "issuedOn": "2026-01-10"})         // valid, consented to other type only
	e.mustCreate("dave", map[string]any{"type": "medical_certificate_086u", "number": "C-3", "issuedOn": "2025-10-01"})  // no consent

	boss := e.admin("boss", "acme")
	if l := orgItems(t, e.orgDocs(boss, "acme", "")); len(l) != 0 {
		t.Errorf("no consent yet, but the organisation sees %v", l)
	}
	e.consent("bob", "acme", "medical_certificate_086u")
	carol := e.consent("carol", "acme", "medical_certificate_086u")
	e.consent("dave", "other", "medical_certificate_086u")

	all := orgItems(t, e.orgDocs(boss, "acme", ""))
	if len(all) != 2 {
		t.Fatalf("items = %v", all)
	}
	for _, it := range all {
		if it["type"] != "medical_certificate_086u" || it["number"] != nil || it["title"] != nil {
			t.Errorf("item = %v", it)
		}
	}
	if strings.Contains(string(e.orgDocs(boss, "acme", "").body), "A-1") {
		t.Error("a document number leaked")
	}
	exp := orgItems(t, e.orgDocs(boss, "acme", "?status=expired"))
	if len(exp) != 1 || exp[0]["employeeId"] != "carol" || exp[0]["status"] != "expired" || exp[0]["expiresOn"] != "2026-04-01" {
		t.Errorf("expired = %v", exp)
	}
	soon := orgItems(t, e.orgDocs(boss, "acme", "?status=expiring"))
	if len(soon) != 1 || soon[0]["employeeName"] != "Боб Иванов" || soon[0]["daysLeft"] != 5.0 {
		t.Errorf("expiring = %v", soon)
	}
	assertProblem(t, e.orgDocs(boss, "acme", "?status=valid"), 422, "status:unknown_status")

	// paging by employee
	p1 := e.orgDocs(boss, "acme", "?limit=1")
	cur, _ := p1.json(t)["nextCursor"].(string)
	if len(orgItems(t, p1)) != 1 || cur == "" {
		t.Fatalf("page 1: %s", p1.body)
	}
	if p2 := orgItems(t, e.orgDocs(boss, "acme", "?limit=1&cursor="+cur)); len(p2) != 1 || p2[0]["employeeId"] == orgItems(t, p1)[0]["employeeId"] {
		t.Errorf("page 2 = %v", p2)
	}

	t.Run("CSV", func(t *testing.T) {
		r := e.do(req{method: "GET", path: "/organizations/acme/documents.csv", token: boss, header: map[string]string{"Accept-Language": "ru"}})
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%d %v", r.status, r.header)
		}
		if !bytes.HasPrefix(r.body, []byte("\xEF\xBB\xBF")) {
			t.Error("no BOM")
		}
		recs, err := csv.NewReader(bytes.NewReader(r.body[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 3 || recs[0][0] != "Сотрудник" {
			t.Fatalf("records = %v", recs)
		}
		body := string(r.body)
		if !strings.Contains(body, `'=HYPERLINK(""x"")`) || !strings.Contains(body, "Боб Иванов") || !strings.Contains(body, "истёк") {
			t.Errorf("csv = %s", body)
		}
		if strings.Contains(body, "A-1") || strings.Contains(body, "B-2") {
			t.Error("a number leaked into the CSV")
		}
	})

	t.Run("who may not look", func(t *testing.T) {
		for _, c := range []struct {
			name, token string
			status      int
		}{
			{"another organisation's admin", e.admin("rival", "other"), 403},
			{"a citizen", e.token("bob"), 403},
			{"an admin without an org claim", e.admin("boss2", ""), 403},
			{"no token", "", 401},
		} {
			for _, path := range []string{"/organizations/acme/documents", "/organizations/acme/documents.csv"} {
				assertProblem(t, e.do(req{method: "GET", path: path, token: c.token}), c.status)
			}
		}
	})

	// Withdrawing hides at once, though the organisation's index (as
	// DynamoDB's may, DynamoDB Local's never does) still lists the consent.
	index := &storetest.FrozenIndex{}
	lagging := e.servedBy(core.Config{}, index.Middleware)
	if l := orgItems(t, lagging.orgDocs(boss, "acme", "")); len(l) != 2 {
		t.Fatalf("before carol withdrew: %v", l)
	}
	index.Freeze()
	if r := e.do(req{method: "DELETE", path: "/consents/" + carol, token: e.token("carol")}); r.status != 204 {
		t.Fatalf("withdraw: %d", r.status)
	}
	for name, e := range map[string]*env{"index up to date": e, "index lagging": lagging} {
		if l := orgItems(t, e.orgDocs(boss, "acme", "")); len(l) != 1 || l[0]["employeeId"] != "bob" {
			t.Errorf("%s: after carol withdrew: %v", name, l)
		}
		r := e.do(req{method: "GET", path: "/organizations/acme/documents.csv", token: boss})
		if r.status != 200 || strings.Contains(string(r.body), "HYPERLINK") {
			t.Errorf("%s: after carol withdrew, the CSV: %d %s", name, r.status, r.body)
		}
	}
}

// TestDevEventsRunsTheIngest: POST /dev/events hands the EventBridge
// envelope, as Lambda would decode it, to the ingest.
func TestDevEventsRunsTheIngest(t *testing.T) {
	raw, err := os.ReadFile("../../../events/agency-document-issued.json")
	if err != nil {
		t.Fatal(err)
	}
	var got events.EventBridgeEvent
	mux := http.NewServeMux()
	devapi.Mount(mux, devapi.Deps{Ingest: func(_ context.Context, ev events.EventBridgeEvent) (any, error) {
		got = ev
		if ev.DetailType != "DocumentIssued" {
			return nil, &errs.Error{Kind: errs.Invalid, Fields: []errs.FieldError{{Field: "detail-type", Code: "unknown_detail_type"}}}
		}
		return map[string]string{"outcome": "applied"}, nil
	}})
	srv := httptest.NewServer(httpapi.Wrap(slog.New(slog.DiscardHandler), mux))
	t.Cleanup(srv.Close)
	post := func(body string) resp {
		res, err := http.Post(srv.URL+"/dev/events", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return resp{status: res.StatusCode, header: res.Header, body: b}
	}
	if r := post(string(raw)); r.status != 200 || !strings.Contains(string(r.body), "applied") {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if got.ID != "6a7e8feb-b491-4cf7-a9f1-bf3703467718" || got.Source != "gov.agency.mvd" || !strings.Contains(string(got.Detail), "citizenId") {
		t.Errorf("event = %+v", got)
	}
	assertProblem(t, post(`{"detail-type":"Nope","detail":{}}`), 422, "detail-type:unknown_detail_type")
	assertProblem(t, post(`not json`), 400)
}

// TestOrganisationCSVHasNoLiveFormula (issue 15, point 5): an employee's
// name with a formula after a separator Excel may split on (";" in ru-RU,
// ",", tab, "|") is no live formula in the organisation's export, in
// either language.
func TestOrganisationCSVHasNoLiveFormula(t *testing.T) {
	e := newEnv(t)
	for sub, name := range map[string]string{"bob": "Петров;=1+2", "carol": "Сидорова,@SUM(A1:A9)", "dave": "Иванов| -2+3;+cmd"} {
		if r := e.do(req{method: "PUT", path: "/profile", token: e.token(sub), body: map[string]any{"name": name}}); r.status != 200 {
			t.Fatalf("profile: %d %s", r.status, r.body)
		}
		e.mustCreate(sub, map[string]any{"type": "medical_certificate_086u", "number": "A-1", "issuedOn": "2025-10-01"})
		e.consent(sub, "acme", "medical_certificate_086u")
	}
	boss := e.admin("boss", "acme")
	for _, lang := range []string{"ru", "en"} {
		r := e.do(req{method: "GET", path: "/organizations/acme/documents.csv", token: boss, header: map[string]string{"Accept-Language": lang}})
		if r.status != 200 {
			t.Fatalf("%s: %d %s", lang, r.status, r.body)
		}
		if live := csvsafe.Live(string(r.body)); len(live) != 0 {
			t.Errorf("%s: live formulas %q in\n%s", lang, live, r.body)
		}
		if !strings.Contains(string(r.body), "Петров;'=1+2") {
			t.Errorf("%s: the name is not kept as text: %s", lang, r.body)
		}
	}
}
