package httpapi_test

import (
	"github.com/kabinet/kabinet/functions"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// TestEveryRouteRefusesIdsOutsideTheKeyLimits (issue 15, point 3): every
// route of the table, with each path parameter a long id (over DynamoDB's
// 1,024- and 2,048-byte key limits), an odd one or an empty one, answers
// 404 or 400 problem+json — never 5xx — for a citizen and for staff holding
// every role; and a long or odd cursor is 400 on every GET route.
func TestEveryRouteRefusesIdsOutsideTheKeyLimits(t *testing.T) {
	e := newBookingEnv(t)
	tokens := map[string]string{
		"citizen": e.token("alice"),
		"staff": e.tokenFor(httpapi.Identity{Sub: "sam", Groups: []string{"citizen", "staff", httpapi.GroupOrgAdmin},
			Institution: kgdPoly, Agency: "fns", Org: "acme"}),
	}
	ids := map[string]string{
		"1,100 characters": strings.Repeat("a", 1100),
		"3,000 characters": strings.Repeat("7", 3000),
		"a space":          "a b",
		"a NUL":            "a\x00b",
		"Cyrillic":         "жж",
		"a quote":          `a"b`,
		"a hash":           "USER#bob",
		"empty":            "",
	}
	bodies := `{"title":"x","reason":"x","comment":"x","outcome":"completed","to":"processing","slotId":"x","until":"2026-07-01"}`
	for _, rt := range functions.Routes() {
		path := rt.Path()
		if !strings.Contains(path, "{") {
			continue
		}
		for idName, id := range ids {
			p := fillPathParams(path, func(string) string { return url.PathEscape(id) })
			for who, tok := range tokens {
				var body any
				if rt.Method() != http.MethodGet && rt.Method() != http.MethodDelete {
					body = bodies
				}
				r := e.do(req{method: rt.Method(), path: p, token: tok, body: body, header: map[string]string{"If-Match": `"1"`}})
				ok := r.status == http.StatusNotFound || r.status == http.StatusBadRequest
				if idName == "empty" { // the path no longer matches the route: another route or none
					ok = r.status < 500
				}
				if !ok || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("%s, id %s, as %s: %d %s", rt.Pattern, idName, who, r.status, r.body)
				}
			}
		}
	}
	for _, rt := range functions.Routes() {
		if rt.Method() != http.MethodGet {
			continue
		}
		p := fillPathParams(rt.Path(), func(name string) string {
			if name == "orgId" {
				return "acme" // the staff token's organisation, so the route gets as far as reading the cursor
			}
			return "x"
		})
		for _, c := range []string{strings.Repeat("A", 1100), "a%20b", "pk%3AUSER%23bob"} {
			r := e.do(req{method: "GET", path: p + "?cursor=" + c, token: tokens["staff"]})
			if r.status != http.StatusBadRequest {
				t.Errorf("%s with cursor %.20s…: %d %s", rt.Pattern, c, r.status, r.body)
			}
		}
	}
}

// fillPathParams replaces every path parameter of a route's path ({id},
// {fileId}, {shareId}, ...) by value(name), so a suite that walks the route
// table reaches each route's handler and not a 404 for a literal "{fileId}".
func fillPathParams(path string, value func(name string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(path, '{')
		if i < 0 {
			b.WriteString(path)
			return b.String()
		}
		j := strings.IndexByte(path[i:], '}') + i
		b.WriteString(path[:i])
		b.WriteString(value(path[i+1 : j]))
		path = path[j+1:]
	}
}
