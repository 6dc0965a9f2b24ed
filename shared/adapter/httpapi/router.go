package httpapi

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Mux is what a function's routes are mounted on (API.Mount) and what
// problemFallback asks which route a request is for: a Router in each
// Lambda, the tests and the benchmark; http.ServeMux in the local runner,
// which adds patterns of its own (the web cabinet's "GET /{$}" and
// "GET /assets/").
type Mux interface {
	http.Handler
	Handle(pattern string, h http.Handler)
	Handler(r *http.Request) (h http.Handler, pattern string)
}

// Router routes the requests of the API's patterns ("METHOD /seg/{name}/…",
// functions.Route: a method, literal segments and {name} wildcards of a
// whole segment) exactly as http.ServeMux routes them — a literal segment
// wins over a wildcard, a GET pattern also serves HEAD, a path without a
// pattern of the request's method but with one of another is a 405 with
// Allow — and sets the request's Pattern and path values as ServeMux does,
// so handlers read r.PathValue either way (TestRouterAgreesWithServeMux).
//
// Why not ServeMux: registering a pattern there checks it against every
// pattern already registered and records the caller's file and line
// (runtime.Caller), which cost a function's cold start 0.2–0.37 M
// instructions (3–6% of a start) for its 20–30 routes; a Router builds its
// segment tree in about 3 K a route. A Router is built before it serves and
// is not changed after: Handle is not safe to call while it serves.
type Router struct {
	root routerNode
}

// routerNode is one path segment of the tree: its literal children, its
// wildcard child, and the routes that end here, one per method. Slices,
// not maps: a node has a few children and routes, and making a map costs
// a start more than searching a short slice costs a request.
type routerNode struct {
	literal []routerEdge
	wild    *routerNode
	routes  []*routerRoute
}

type routerEdge struct {
	segment string
	node    *routerNode
}

type routerRoute struct {
	method, pattern string
	names           []string // the wildcards' names, in path order
	handler         http.Handler
}

// child is n's literal child for segment, or nil.
func (n *routerNode) child(segment string) *routerNode {
	for _, e := range n.literal {
		if e.segment == segment {
			return e.node
		}
	}
	return nil
}

// route is n's route for method, or nil.
func (n *routerNode) route(method string) *routerRoute {
	for _, r := range n.routes {
		if r.method == method {
			return r
		}
	}
	return nil
}

// NewRouter returns an empty Router.
func NewRouter() *Router { return &Router{} }

// Handle registers h for pattern. It panics, as http.ServeMux.Handle does,
// on a pattern that is not "METHOD /path" with whole-segment wildcards
// (no "{name...}", no "{$}", no trailing "/"), on a nil handler, and on a
// pattern already registered (one differing only in its wildcards' names
// is the same pattern).
func (m *Router) Handle(pattern string, h http.Handler) {
	if err := m.handle(pattern, h); err != nil {
		panic("httpapi.Router: " + err.Error())
	}
}

func (m *Router) handle(pattern string, h http.Handler) error {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || strings.ToUpper(method) != method || h == nil {
		return fmt.Errorf("pattern %q: want \"METHOD /path\" and a handler", pattern)
	}
	if path == "/" || !strings.HasPrefix(path, "/") || strings.HasSuffix(path, "/") {
		return fmt.Errorf("pattern %q: a path of whole segments, without a trailing /", pattern)
	}
	n, route := &m.root, &routerRoute{method: method, pattern: pattern, handler: h}
	for rest := path[1:]; rest != ""; {
		var seg string
		seg, rest, _ = strings.Cut(rest, "/")
		switch {
		case seg == "":
			return fmt.Errorf("pattern %q: an empty segment", pattern)
		case seg[0] == '{':
			name, isWild := strings.CutSuffix(seg[1:], "}")
			if !isWild || name == "" || strings.ContainsAny(name, "{}.$") {
				return fmt.Errorf("pattern %q: wildcard %q is not a {name} of a whole segment", pattern, seg)
			}
			if slices.Contains(route.names, name) {
				return fmt.Errorf("pattern %q: wildcard %q twice", pattern, name)
			}
			route.names = append(route.names, name)
			if n.wild == nil {
				n.wild = &routerNode{}
			}
			n = n.wild
		case strings.ContainsAny(seg, "{}"):
			return fmt.Errorf("pattern %q: segment %q mixes a wildcard with text", pattern, seg)
		default:
			lit := seg
			if strings.IndexByte(seg, '%') >= 0 {
				var err error
				if lit, err = url.PathUnescape(seg); err != nil {
					return fmt.Errorf("pattern %q: %w", pattern, err)
				}
			}
			next := n.child(lit)
			if next == nil {
				next = &routerNode{}
				n.literal = append(n.literal, routerEdge{lit, next})
			}
			n = next
		}
	}
	if old := n.route(method); old != nil {
		return fmt.Errorf("pattern %q: %q is registered already", pattern, old.pattern)
	}
	n.routes = append(n.routes, route)
	return nil
}

// ServeHTTP serves r by its route's handler, with r.Pattern and the path
// values set; a request no route matches is answered as Handler says.
func (m *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, values := m.match(r)
	if route == nil {
		m.miss(r).ServeHTTP(w, r)
		return
	}
	r.Pattern = route.pattern
	for i, name := range route.names {
		r.SetPathValue(name, values[i])
	}
	route.handler.ServeHTTP(w, r)
}

// Handler returns the handler of r's route and its pattern; for a request
// no route matches, pattern is "" and the handler answers as ServeMux's
// would: 405 with Allow (the methods of the routes matching r's path,
// sorted, HEAD with GET) or 404.
func (m *Router) Handler(r *http.Request) (http.Handler, string) {
	if route, _ := m.match(r); route != nil {
		return route.handler, route.pattern
	}
	return m.miss(r), ""
}

// miss is the answer to r, which no route matches: 405 with Allow when a
// route of another method matches its path, else 404.
func (m *Router) miss(r *http.Request) http.Handler {
	segs, ok := segments(r)
	if !ok {
		return http.NotFoundHandler()
	}
	allowed := map[string]bool{}
	m.root.methods(segs, allowed)
	if len(allowed) == 0 {
		return http.NotFoundHandler()
	}
	if allowed[http.MethodGet] {
		allowed[http.MethodHead] = true
	}
	allow := strings.Join(slices.Sorted(maps.Keys(allowed)), ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", allow)
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	})
}

// match finds r's route and its wildcards' values, in path order.
func (m *Router) match(r *http.Request) (*routerRoute, []string) {
	segs, ok := segments(r)
	if !ok {
		return nil, nil
	}
	values := make([]string, 0, len(segs))
	if route, values := m.root.match(r.Method, segs, values); route != nil {
		return route, values
	}
	if r.Method == http.MethodHead {
		return m.root.match(http.MethodGet, segs, values[:0])
	}
	return nil, nil
}

// segments splits r's escaped path into its unescaped segments, as
// ServeMux matches them ("/a%2Fb" is the one segment "a/b").
func segments(r *http.Request) ([]string, bool) {
	p := r.URL.EscapedPath()
	if len(p) < 2 || p[0] != '/' {
		return nil, false
	}
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		if strings.IndexByte(s, '%') < 0 {
			continue
		}
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, false
		}
		segs[i] = u
	}
	return segs, true
}

// match is the route for method at the end of segs below n, a literal
// segment tried before the wildcard (ServeMux's "most specific wins" for
// patterns that do not conflict), with the values the wildcards took
// appended to values.
func (n *routerNode) match(method string, segs, values []string) (*routerRoute, []string) {
	if len(segs) == 0 {
		return n.route(method), values
	}
	if next := n.child(segs[0]); next != nil {
		if route, v := next.match(method, segs[1:], values); route != nil {
			return route, v
		}
	}
	if n.wild != nil && segs[0] != "" {
		return n.wild.match(method, segs[1:], append(values, segs[0]))
	}
	return nil, values
}

// methods adds to set the methods of every route whose path matches segs.
func (n *routerNode) methods(segs []string, set map[string]bool) {
	if len(segs) == 0 {
		for _, r := range n.routes {
			set[r.method] = true
		}
		return
	}
	if next := n.child(segs[0]); next != nil {
		next.methods(segs[1:], set)
	}
	if n.wild != nil && segs[0] != "" {
		n.wild.methods(segs[1:], set)
	}
}
