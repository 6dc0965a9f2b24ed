package httpapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/functions"
)

// TestRouterAgreesWithServeMux registers the routes of functions.All on a
// Router and on an http.ServeMux — each function's alone, as its Lambda
// mounts them, and every function's at once, as the tests and the local
// runner do — and sends both the same requests: every pattern's path with
// each wildcard given a value and, in turn, every literal another pattern
// has at that position (precedence), one segment fewer and one more, an
// escaped slash inside a value, an unknown literal, each with every method.
// Both must serve the same pattern with the same path values, or answer
// the same status with the same Allow.
func TestRouterAgreesWithServeMux(t *testing.T) {
	sets := map[string][]functions.FunctionRoute{"all": functions.Routes()}
	for _, r := range functions.Routes() {
		sets[r.Function] = append(sets[r.Function], r)
	}
	methods := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
	for name, routes := range sets {
		t.Run(name, func(t *testing.T) {
			router, mux := NewRouter(), http.NewServeMux()
			for _, r := range routes {
				h := echoRoute(r.Pattern)
				router.Handle(r.Pattern, h)
				mux.Handle(r.Pattern, h)
			}
			paths := routerPaths(routes)
			if len(paths) < 3*len(routes) {
				t.Fatalf("%d paths for %d routes: the generator lost its cases", len(paths), len(routes))
			}
			served := map[string]bool{}
			for _, p := range paths {
				for _, m := range methods {
					want, got := serve(mux, m, p), serve(router, m, p)
					if got != want {
						t.Errorf("%s %s: router %q, ServeMux %q", m, p, got, want)
					}
					if pattern, ok := strings.CutPrefix(want, "200 "); ok {
						served[strings.Fields(pattern)[0]+" "+strings.Fields(pattern)[1]] = true
					}
				}
			}
			for _, r := range routes {
				if !served[r.Pattern] {
					t.Errorf("no request reached %s: the comparison did not cover it", r.Pattern)
				}
			}
		})
	}
}

// echoRoute answers its pattern and the values of its wildcards.
func echoRoute(pattern string) http.Handler {
	names := paramNames(pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		vals := make([]string, len(names))
		for i, n := range names {
			vals[i] = n + "=" + r.PathValue(n)
		}
		fmt.Fprintf(w, "%s %v", r.Pattern, vals)
	})
}

// serve is what h answers method path: the status, then the body of a 200
// (the route's echo) or the Allow header.
func serve(h http.Handler, method, path string) string {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, "http://kabinet.test"+path, nil))
	if rec.Code == http.StatusOK {
		return "200 " + rec.Body.String()
	}
	return fmt.Sprintf("%d allow=%q", rec.Code, rec.Header().Get("Allow"))
}

// routerPaths are the request paths TestRouterAgreesWithServeMux sends.
func routerPaths(routes []functions.FunctionRoute) []string {
	literals := map[int][]string{} // every literal at each segment position
	for _, r := range routes {
		for i, s := range strings.Split(r.Path()[1:], "/") {
			if !strings.HasPrefix(s, "{") && !slices.Contains(literals[i], s) {
				literals[i] = append(literals[i], s)
			}
		}
	}
	var paths []string
	add := func(segs []string) {
		p := "/" + strings.Join(segs, "/")
		if !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	for _, r := range routes {
		segs := strings.Split(r.Path()[1:], "/")
		base := slices.Clone(segs)
		for i, s := range base {
			if strings.HasPrefix(s, "{") {
				base[i] = fmt.Sprintf("v%d", i)
			}
		}
		add(base)
		add(base[:len(base)-1])
		add(append(slices.Clone(base), "more"))
		for i, s := range segs {
			alt := slices.Clone(base)
			if !strings.HasPrefix(s, "{") {
				alt[i] = "unknown"
				add(alt)
				continue
			}
			alt[i] = "a%2Fb"
			add(alt)
			for _, lit := range literals[i] {
				alt := slices.Clone(base)
				alt[i] = lit
				add(alt)
			}
		}
	}
	return paths
}

// TestRouterRefuses: Handle panics, as ServeMux's does, on what the API's
// patterns never are and on a pattern registered twice.
func TestRouterRefuses(t *testing.T) {
	ok := http.NotFoundHandler()
	for _, tc := range []struct {
		name     string
		patterns []string
		handler  http.Handler
	}{
		{"no method", []string{"/documents"}, ok},
		{"lower-case method", []string{"get /documents"}, ok},
		{"no leading slash", []string{"GET documents"}, ok},
		{"the root", []string{"GET /"}, ok},
		{"a trailing slash", []string{"GET /documents/"}, ok},
		{"an empty segment", []string{"GET /documents//files"}, ok},
		{"a rest wildcard", []string{"GET /files/{path...}"}, ok},
		{"an end anchor", []string{"GET /documents/{$}"}, ok},
		{"a wildcard inside a segment", []string{"GET /documents/doc-{id}"}, ok},
		{"a wildcard twice", []string{"GET /documents/{id}/files/{id}"}, ok},
		{"no handler", []string{"GET /documents"}, nil},
		{"registered twice", []string{"GET /documents/{id}", "GET /documents/{docId}"}, ok},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Handle(%q) did not panic", tc.patterns)
				}
			}()
			r := NewRouter()
			for _, p := range tc.patterns {
				r.Handle(p, tc.handler)
			}
		})
	}
	r := NewRouter()
	r.Handle("GET /documents/{id}", ok)
	r.Handle("DELETE /documents/{id}", ok) // another method of the same path is another route
	r.Handle("GET /documents/expiring", ok)
}
