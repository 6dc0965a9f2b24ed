package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/apidocs"
	"github.com/kabinet/kabinet/internal/devapi"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/applications"
)

// loadSpec loads and validates the embedded OpenAPI document.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(httpapi.OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid: %v", err)
	}
	return doc
}

func TestOpenAPISpecValid(t *testing.T) {
	doc := loadSpec(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	if _, ok := doc.Components.SecuritySchemes["bearerAuth"]; !ok || len(doc.Security) == 0 {
		t.Error("bearerAuth must be defined and applied globally")
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Summary == "" || len(op.Tags) != 1 || op.OperationID == "" {
				t.Errorf("%s %s: needs a summary, one tag and an operationId", method, path)
			}
			if op.Responses.Default() == nil {
				t.Errorf("%s %s: no default (problem) response", method, path)
			}
			if op.RequestBody != nil {
				for ct, mt := range op.RequestBody.Value.Content {
					if mt.Example == nil && len(mt.Examples) == 0 {
						t.Errorf("%s %s: %s body has no example", method, path, ct)
					}
				}
			}
		}
	}
}

// TestOpenAPISpecMatchesRoutes checks the route table and the spec both ways.
func TestOpenAPISpecMatchesRoutes(t *testing.T) {
	doc := loadSpec(t)
	inTable := map[string]bool{}
	for _, r := range functions.Routes() {
		key := r.Method() + " " + r.Path()
		inTable[key] = true
		item := doc.Paths.Value(r.Path())
		if item == nil || item.GetOperation(r.Method()) == nil {
			t.Errorf("route %s is not in openapi.yaml", key)
			continue
		}
		if tag := item.GetOperation(r.Method()).Tags; len(tag) != 1 || tag[0] != r.Function {
			t.Errorf("%s: tags %v, want [%s]", key, tag, r.Function)
		}
		// The audit entry written with a change carries the route's
		// success status: it must be one the document answers.
		if op := item.GetOperation(r.Method()); op.Responses.Status(r.Success()) == nil {
			t.Errorf("%s: the route table's success status %d is not among its responses", key, r.Success())
		}
	}
	n := 0
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			n++
			if !inTable[method+" "+path] {
				t.Errorf("openapi.yaml has %s %s, which is not in the route table", method, path)
			}
		}
	}
	if n != len(inTable) {
		t.Errorf("spec has %d operations, route table %d routes", n, len(inTable))
	}
}

// TestOpenAPIDevRoutes checks the local server's spec and docs page.
func TestOpenAPIDevRoutes(t *testing.T) {
	mux := http.NewServeMux()
	devapi.Mount(mux, devapi.Deps{Docs: apidocs.Page})
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d: %s", path, w.Code, w.Body)
		}
		return w
	}
	w := get("/openapi.yaml")
	if ct := w.Header().Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("openapi.yaml Content-Type = %q", ct)
	}
	if !bytes.Equal(w.Body.Bytes(), httpapi.OpenAPI) {
		t.Error("GET /openapi.yaml is not the embedded spec")
	}
	w = get("/docs")
	page := w.Body.String()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("docs Content-Type = %q", ct)
	}
	if !strings.Contains(page, `<html lang="en">`) || strings.Contains(page, "<script") || strings.Contains(page, "http://") {
		t.Error("docs page must be self-contained html lang=en, without scripts")
	}
	for _, r := range functions.Routes() {
		if !strings.Contains(page, r.Method()+"</span> <code>"+strings.ReplaceAll(r.Path(), "&", "&amp;")+"</code>") {
			t.Errorf("docs page lacks %s", r.Pattern)
		}
	}
	for _, s := range []string{"If-Match", "Idempotency-Key", "422", "application/problem+json", "Add a document"} {
		if !strings.Contains(page, s) {
			t.Errorf("docs page lacks %q", s)
		}
	}
}

// contractRecorder collects what the validator found.
type contractRecorder struct {
	mu       sync.Mutex
	problems []string
	seen     []string
}

func (c *contractRecorder) add(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// contractValidator checks every request and response against the spec.
func contractValidator(t *testing.T, rec *contractRecorder, next http.Handler) http.Handler {
	doc := loadSpec(t)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, ct := range []string{"image/png", "application/pdf", "text/calendar", "text/csv"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
	accept := func(context.Context, *openapi3filter.AuthenticationInput) error { return nil }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		name := r.Method + " " + r.URL.RequestURI()
		var route *routers.Route
		var params map[string]string
		route, params, err := router.FindRoute(r)
		if err != nil {
			rec.add("%s: no operation in the spec: %v", name, err)
			next.ServeHTTP(w, r)
			return
		}
		in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: accept, MultiError: true}}
		if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
			rec.add("%s: request: %v", name, err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		out := httptest.NewRecorder()
		next.ServeHTTP(out, r)
		res := out.Result()
		rb := out.Body.Bytes()
		if err := openapi3filter.ValidateResponse(r.Context(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in, Status: res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(rb)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}); err != nil {
			rec.add("%s → %d: response: %v\n%s", name, res.StatusCode, err, rb)
		}
		rec.mu.Lock()
		rec.seen = append(rec.seen, fmt.Sprintf("%s %s → %d", r.Method, route.Path, res.StatusCode))
		rec.mu.Unlock()
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write(rb)
	})
}

// newContractEnv is newEnv with the API behind the contract validator.
func newContractEnv(t *testing.T, rec *contractRecorder) *env {
	t.Helper()
	return newEnvWrapped(t, func(h http.Handler) http.Handler { return contractValidator(t, rec, h) })
}

// TestOpenAPIContract drives a realistic session through the validator:
// every request and every response must match openapi.yaml.
func TestOpenAPIContract(t *testing.T) {
	rec := &contractRecorder{}
	e := newContractEnv(t, rec)
	e.seedDirectory()
	e.clock.Set(bookingMonday)
	const sub = "contract-anna"
	tok := e.token(sub)
	want := func(r resp, status int, what string) map[string]any {
		t.Helper()
		if r.status != status {
			t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, r.body)
		}
		if len(r.body) == 0 || r.body[0] != '{' {
			return nil
		}
		return r.json(t)
	}
	// oneOf is for calls whose outcome depends on the clock or the data;
	// the validator still checks whichever answer comes back.
	oneOf := func(r resp, what string, statuses ...int) {
		t.Helper()
		if !slices.Contains(statuses, r.status) {
			t.Errorf("%s: status %d, want one of %v: %s", what, r.status, statuses, r.body)
		}
	}

	// Profile.
	want(e.do(req{method: "PUT", path: "/profile", token: tok, body: map[string]any{"name": "Анна Иванова", "birthDate": "1990-04-12",
		"timeZone": "Europe/Moscow", "language": "en", "email": "anna@example.test", "phone": "8 916 123-45-67",
		"channels": map[string]bool{"sms": true, "email": true}}}), 200, "put profile")
	want(e.do(req{method: "GET", path: "/profile", token: tok}), 200, "get profile")
	want(e.do(req{method: "GET", path: "/document-types", token: tok}), 200, "document types")

	// Documents.
	doc := want(e.do(req{method: "POST", path: "/documents", token: tok, header: map[string]string{"Idempotency-Key": "contract-doc-1"},
		body: map[string]any{"type": "osago", "title": "ОСАГО", "issuedOn": "2025-07-01", "remindDays": []int{30, 7}}}), 201, "create document")
	id := doc["id"].(string)
	want(e.do(req{method: "POST", path: "/documents", token: tok, body: map[string]any{"type": "snils", "number": "112-233-445 95"}}), 201, "create snils")
	want(e.do(req{method: "POST", path: "/documents", token: tok, body: map[string]any{"type": "drivers_licence", "number": "99 12 345678",
		"issuedOn": "2014-07-15"}}), 201, "create an extended licence")
	want(e.do(req{method: "POST", path: "/documents", token: tok, body: map[string]any{"type": "birth_certificate", "number": "IV-МЮ 123456",
		"issuedOn": "2013-02-20", "holderBirthDate": "2013-02-10"}}), 201, "create a birth certificate")
	std := want(e.do(req{method: "POST", path: "/documents", token: tok, body: map[string]any{"type": "foreign_passport", "variant": "standard_5y",
		"issuedOn": "2022-09-01"}}), 201, "create a standard foreign passport")
	got0 := e.do(req{method: "GET", path: "/documents/" + std["id"].(string), token: tok})
	want(e.do(req{method: "PATCH", path: "/documents/" + std["id"].(string), token: tok, header: map[string]string{"If-Match": got0.header.Get("ETag")},
		body: map[string]any{"variant": nil}}), 200, "patch a variant")
	want(e.do(req{method: "GET", path: "/documents?status=expiring&limit=10", token: tok}), 200, "list documents")
	want(e.do(req{method: "GET", path: "/documents", token: tok}), 200, "list documents")
	got := e.do(req{method: "GET", path: "/documents/" + id, token: tok})
	want(got, 200, "get document")
	want(e.do(req{method: "PATCH", path: "/documents/" + id, token: tok, header: map[string]string{"If-Match": got.header.Get("ETag")},
		body: map[string]any{"title": "OSAGO policy", "number": nil, "remindDays": []int{14}}}), 200, "patch document")
	want(e.do(req{method: "POST", path: "/documents/" + id + "/archive", token: tok}), 200, "archive")
	want(e.do(req{method: "POST", path: "/documents/" + id + "/archive", token: tok}), 409, "archive twice")
	want(e.do(req{method: "POST", path: "/documents/" + id + "/unarchive", token: tok}), 200, "unarchive")
	want(e.do(req{method: "GET", path: "/documents/" + id + "/history?limit=5", token: tok}), 200, "history")
	want(e.do(req{method: "GET", path: "/documents/nope", token: tok}), 404, "missing document")
	p := want(e.do(req{method: "POST", path: "/documents", token: tok,
		body: map[string]any{"type": "contract", "title": "Lease", "issuedOn": "2027-01-01", "expiresOn": "2028-01-01"}}), 422, "document in the future")
	if errs, _ := p["errors"].([]any); len(errs) == 0 {
		t.Errorf("422 without field errors: %v", p)
	}

	oneOf(e.do(req{method: "POST", path: "/documents/" + id + "/reminders/snooze", token: tok, body: map[string]any{"until": "2026-06-20"}}),
		"snooze", 200, 409, 422)
	oneOf(e.do(req{method: "POST", path: "/documents/" + id + "/reminders/ack", token: tok}), "ack", 200, 409)
	fp := want(e.do(req{method: "POST", path: "/documents", token: tok, body: map[string]any{"type": "foreign_passport", "issuedOn": "2016-09-01"}}),
		201, "create foreign passport")
	oneOf(e.do(req{method: "POST", path: "/documents/" + fp["id"].(string) + "/renew", token: tok,
		header: map[string]string{"Idempotency-Key": "contract-renew-1"}}), "renew", 201, 409)

	// Notifications.
	want(e.do(req{method: "GET", path: "/notifications?unread=true&limit=20", token: tok}), 200, "notifications")
	want(e.do(req{method: "POST", path: "/notifications/nope/read", token: tok}), 404, "read missing notification")

	// Directory and booking.
	insts := want(e.do(req{method: "GET", path: "/institutions?near=54.71,20.51&radiusKm=50&limit=5", token: tok}), 200, "search")
	if len(items(insts)) == 0 {
		t.Fatalf("no institutions near Kaliningrad: %v", insts)
	}
	want(e.do(req{method: "GET", path: "/institutions?q=%D0%BF%D0%BE%D0%BB%D0%B8", token: tok}), 200, "search text")
	want(e.do(req{method: "GET", path: "/institutions/" + kgdPoly, token: tok}), 200, "institution")
	want(e.do(req{method: "GET", path: "/institutions/" + kgdPoly + "/specialists", token: tok}), 200, "specialists")
	want(e.do(req{method: "GET", path: "/specialists/" + kgdTherapist, token: tok}), 200, "specialist")
	want(e.do(req{method: "PUT", path: "/specialists/" + kgdTherapist + "/schedule", token: e.staff(kgdPoly),
		body: weekdaysPlan("09:00", "13:00", []map[string]string{{"start": "11:00", "end": "11:30"}}, 30, 10, 1)}), 200, "schedule")
	slots := want(e.do(req{method: "GET", path: "/specialists/" + kgdTherapist + "/slots?from=2026-06-16&to=2026-06-19&partOfDay=morning&minDuration=30",
		token: tok}), 200, "slots")
	list := items(slots)
	if len(list) < 2 {
		t.Fatalf("slots: %v", slots)
	}
	bk := want(e.do(req{method: "POST", path: "/bookings", token: tok, header: map[string]string{"Idempotency-Key": "contract-book-1"},
		body: map[string]any{"slotId": list[0]["id"], "mode": "video", "contactPhone": "+79161234567"}}), 201, "book")
	bid := bk["id"].(string)
	want(e.do(req{method: "GET", path: "/bookings/" + bid, token: tok}), 200, "get booking")
	want(e.do(req{method: "POST", path: "/bookings/" + bid + "/reschedule", token: tok, body: map[string]any{"slotId": list[1]["id"]}}), 200, "reschedule")
	want(e.do(req{method: "GET", path: "/bookings?status=upcoming", token: tok}), 200, "journal")
	want(e.do(req{method: "GET", path: "/bookings/" + bid + "/qr.png", token: tok}), 200, "qr")
	want(e.do(req{method: "GET", path: "/bookings/" + bid + "/calendar.ics", token: tok}), 200, "ics")
	want(e.do(req{method: "GET", path: "/bookings/" + bid + "/confirmation.pdf", token: tok}), 200, "pdf")
	want(e.do(req{method: "GET", path: "/bookings/export.csv", token: tok}), 200, "csv")
	want(e.do(req{method: "GET", path: "/specialists/" + kgdTherapist + "/bookings?date=2026-06-16", token: e.staff(kgdPoly)}), 200, "day list")
	want(e.do(req{method: "POST", path: "/bookings/" + bid + "/cancel", token: tok, body: map[string]any{"reason": "Plans changed"}}), 200, "cancel")
	oneOf(e.do(req{method: "POST", path: "/bookings/" + bid + "/visit", token: e.staff(kgdPoly), body: map[string]any{"outcome": "completed"}}),
		"visit", 200, 409)
	want(e.do(req{method: "GET", path: "/bookings?status=cancelled&from=2026-06-01&to=2026-06-30", token: tok}), 200, "journal")

	// Applications.
	want(e.do(req{method: "GET", path: "/services", token: tok}), 200, "services")
	want(e.do(req{method: "POST", path: "/applications/validate", token: tok,
		body: map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{"inn": "7707083894"}}}), 200, "validate")
	app := want(e.do(req{method: "POST", path: "/applications", token: tok, header: map[string]string{"Idempotency-Key": "contract-app-1"},
		body: map[string]any{"serviceCode": "certificate_request", "fields": certificateFields()}}), 201, "draft")
	aid := app["id"].(string)
	got = e.do(req{method: "GET", path: "/applications/" + aid, token: tok})
	want(got, 200, "get application")
	want(e.do(req{method: "PATCH", path: "/applications/" + aid, token: tok, header: map[string]string{"If-Match": got.header.Get("ETag")},
		body: map[string]any{"fields": map[string]any{"postalCode": "101001"}}}), 200, "patch application")
	want(e.do(req{method: "POST", path: "/applications/" + aid + "/submit", token: tok, header: map[string]string{"Idempotency-Key": "contract-submit-1"}}), 200, "submit")
	want(e.do(req{method: "GET", path: "/applications/" + aid, token: tok}), 200, "get submitted")
	want(e.do(req{method: "GET", path: "/applications?status=received", token: tok}), 200, "list applications")
	officer := e.agencyStaff(applications.AgencyFNS)
	want(e.do(req{method: "GET", path: "/agency/applications?status=received&limit=10", token: officer}), 200, "agency queue")
	want(e.do(req{method: "POST", path: "/applications/" + aid + "/transitions", token: officer,
		body: map[string]any{"to": "processing", "comment": "Checking"}}), 200, "transition")
	want(e.do(req{method: "POST", path: "/applications/" + aid + "/transitions", token: officer,
		body: map[string]any{"to": "needs_info", "comment": "Нужен СНИЛС"}}), 200, "ask for information")
	want(e.do(req{method: "POST", path: "/applications/" + aid + "/respond", token: tok,
		body: map[string]any{"fields": map[string]any{"snils": "112-233-445 95"}, "comment": "Добавил"}}), 200, "respond")
	want(e.do(req{method: "POST", path: "/applications/" + aid + "/respond", token: tok, body: map[string]any{"comment": "again"}}), 409, "respond again")
	want(e.do(req{method: "GET", path: "/agency/applications?status=processing&assignee=me", token: officer}), 200, "my queue")
	want(e.do(req{method: "POST", path: "/applications/" + aid + "/assign", token: e.agencyLead(applications.AgencyFNS),
		body: map[string]any{"clerk": "officer@fns"}}), 200, "assign")
	want(e.do(req{method: "POST", path: "/applications/" + aid + "/withdraw", token: tok, body: map[string]any{"comment": "Not needed"}}), 200, "withdraw")
	draft := want(e.do(req{method: "POST", path: "/applications", token: tok,
		body: map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{}}}), 201, "second draft")
	want(e.do(req{method: "DELETE", path: "/applications/" + draft["id"].(string), token: tok}), 204, "delete draft")

	// Consents.
	c := want(e.do(req{method: "POST", path: "/consents", token: tok,
		body: map[string]any{"organizationId": "org-acme", "documentTypes": []string{"osago"}}}), 201, "consent")
	want(e.do(req{method: "GET", path: "/consents", token: tok}), 200, "consents")
	hr := e.admin("hr-contract", "org-acme")
	want(e.do(req{method: "GET", path: "/organizations/org-acme/documents?status=expiring&limit=10", token: hr}), 200, "org documents")
	want(e.do(req{method: "GET", path: "/organizations/org-acme/documents.csv", token: hr}), 200, "org csv")
	want(e.do(req{method: "DELETE", path: "/consents/" + c["id"].(string), token: tok}), 204, "revoke")

	// Files and shares of a document.
	fileRef := strings.SplitN(e.mustFile(sub), "/", 2)
	fdoc, fid := fileRef[0], fileRef[1]
	want(e.do(req{method: "GET", path: "/documents/" + fdoc + "/files", token: tok}), 200, "list files")
	if f := want(e.do(req{method: "GET", path: "/documents/" + fdoc + "/files/" + fid, token: tok}), 200, "get file"); f["downloadUrl"] == nil {
		t.Errorf("completed file without downloadUrl: %v", f)
	}
	want(e.do(req{method: "POST", path: "/documents/" + fdoc + "/files/" + fid + "/complete", token: tok}), 409, "complete twice")
	want(e.do(req{method: "POST", path: "/documents/" + fdoc + "/files", token: tok,
		body: map[string]any{"name": "a.gif", "contentType": "image/gif", "size": 10, "sha256": "x"}}), 422, "declare a gif")
	up := want(e.do(req{method: "POST", path: "/documents/" + fdoc + "/files", token: tok,
		body: map[string]any{"name": "b.png", "contentType": "image/png", "size": 10, "sha256": strings.Repeat("0", 64)}}), 201, "declare a file")
	want(e.do(req{method: "POST", path: "/documents/" + fdoc + "/files/" + up["id"].(string) + "/complete", token: tok}), 409, "complete before upload")
	want(e.do(req{method: "DELETE", path: "/documents/" + fdoc + "/files/" + up["id"].(string), token: tok}), 204, "delete file")
	want(e.do(req{method: "POST", path: "/documents/" + fdoc + "/files/" + fid + "/signatures", token: tok, body: "not a signature",
		header: map[string]string{"Content-Type": "application/pkcs7-signature"}}), 200, "signature that is not CMS")
	share := want(e.do(req{method: "POST", path: "/documents/" + fdoc + "/shares", token: tok,
		body: map[string]any{"institutionId": kgdPoly, "until": bookingMonday.Add(24 * time.Hour).Format(time.RFC3339)}}), 201, "share")
	want(e.do(req{method: "POST", path: "/documents/" + fdoc + "/shares", token: tok,
		body: map[string]any{"institutionId": kgdPoly, "until": bookingMonday.Add(100 * 24 * time.Hour).Format(time.RFC3339)}}), 422, "share for 100 days")
	want(e.do(req{method: "GET", path: "/institutions/" + kgdPoly + "/shared-documents", token: e.staff(kgdPoly)}), 200, "shared documents")
	want(e.do(req{method: "GET", path: "/documents/" + fdoc + "/shares", token: tok}), 200, "shares with reads")
	want(e.do(req{method: "DELETE", path: "/documents/" + fdoc + "/shares/" + share["id"].(string), token: tok}), 204, "revoke share")

	// Errors: unauthenticated, unknown field.
	want(e.do(req{method: "GET", path: "/documents"}), 401, "no token")
	want(e.do(req{method: "DELETE", path: "/documents/" + id, token: tok}), 204, "delete")

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.seen) == 0 {
		t.Fatal("the validator saw no traffic")
	}
	ops := map[string]bool{}
	for _, s := range rec.seen {
		op, _, _ := strings.Cut(s, " →")
		ops[op] = true
	}
	keys := make([]string, 0, len(ops))
	for k := range ops {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	t.Logf("%d exchanges, %d operations validated: %s", len(rec.seen), len(ops), strings.Join(keys, ", "))
	for _, p := range rec.problems {
		t.Errorf("contract: %s", p)
	}
}
