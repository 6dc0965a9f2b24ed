// Package httpapi is the core of Kabinet's HTTP surface: serving a
// function's routes (functions.All) with their handlers, problem+json
// errors, request decoding and encoding, identity, middleware and the
// development token verifier. The handlers live in a package per function
// (httpapi/documents, httpapi/booking, ...), so each Lambda links only its
// own; each Lambda serves its function's routes (through the API Gateway
// adapter, httpapi/lambdahttp) and the local server mounts them all.
package httpapi

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"slices"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/domain/audit"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Handlers are one function's handlers by route pattern
// (functions.Route.Pattern): what a handler package (httpapi/documents,
// httpapi/booking, ...) returns for its function's routes.
type Handlers map[string]http.Handler

// API is what serves every route, whichever function's: the log, who is
// calling and the audit trail. Each Lambda serves its own function's routes
// through it (Handler); the local runner and the tests mount every
// function's on one mux (Mount, then Wrap).
type API struct {
	Log  *slog.Logger
	Auth Authenticator
	// Audit keeps a record of every state change; nil keeps none.
	Audit audit.Log
	// CursorKey (CursorKeySize bytes) seals the cursors clients get (see
	// cursor.go); nil leaves them as the domain makes them.
	CursorKey []byte
	// OriginSecret, if set, is the value CloudFront puts in OriginHeader
	// of every request it forwards: a request without it did not pass
	// CloudFront and its WAF (per-caller limits, managed rules), and is
	// refused 403 before routing, authentication or any store call. The
	// deployed functions read it at start (ORIGIN_SECRET_ARN); locally
	// there is no CloudFront and it is empty.
	OriginSecret string
}

// OriginHeader is the header carrying API.OriginSecret from CloudFront.
const OriginHeader = "X-Kabinet-Origin"

// Handler serves the routes of function fn (functions.All), each by its
// handler in h, behind authentication unless public, with request ids,
// access logs and problem+json for unknown routes and methods, and only
// for requests carrying the origin secret when there is one.
// Errors: as Mount.
func (a API) Handler(fn string, h Handlers) (http.Handler, error) {
	mux := NewRouter()
	if err := a.Mount(mux, fn, h); err != nil {
		return nil, err
	}
	if a.OriginSecret == "" {
		return Wrap(a.logger(), mux), nil
	}
	return observe(a.logger(), throughOrigin(a.OriginSecret, problemFallback(mux))), nil
}

// throughOrigin refuses (403 problem+json) a request whose OriginHeader is
// not secret, compared in constant time.
func throughOrigin(secret string, next http.Handler) http.Handler {
	want := []byte(secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(OriginHeader)), want) != 1 {
			writeError(w, r, errs.E("httpapi.origin", errs.Forbidden, nil))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Mount registers function fn's routes on mux, each served by h[pattern]
// behind auditing and, unless public, authentication, without the outer
// middleware (Wrap adds it), for a server that mounts several functions or
// routes of its own. Errors: fn is not an HTTP function of functions.All, a
// route of fn has no handler in h, or h has a handler for no route of fn.
func (a API) Mount(mux Mux, fn string, h Handlers) error {
	f, ok := functions.Get(fn)
	if !ok || len(f.Routes) == 0 {
		return fmt.Errorf("httpapi: %q is not an HTTP function of functions.All", fn)
	}
	for _, r := range f.Routes {
		if h[r.Pattern] == nil {
			return fmt.Errorf("httpapi: function %s has no handler for %q", fn, r.Pattern)
		}
	}
	for pattern := range h {
		if !slices.ContainsFunc(f.Routes, func(r functions.Route) bool { return r.Pattern == pattern }) {
			return fmt.Errorf("httpapi: function %s has a handler for %q, which is not one of its routes", fn, pattern)
		}
	}
	var sealer *cursorSealer
	if a.CursorKey != nil {
		var err error
		if sealer, err = newCursorSealer(a.CursorKey); err != nil {
			return fmt.Errorf("httpapi: %w", err)
		}
	}
	for _, r := range f.Routes {
		handler := checkInput(r.Pattern, sealer, auditing(a.Audit, r, h[r.Pattern]))
		if !r.Public {
			handler = authenticate(a.Auth, handler)
		}
		mux.Handle(r.Pattern, handler)
	}
	return nil
}

// Wrap adds the outer middleware (request id, access log, panic recovery,
// problem+json for unknown routes) to a mux.
func Wrap(log *slog.Logger, mux Mux) http.Handler {
	return observe(log, problemFallback(mux))
}

func (a API) logger() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

// problemFallback answers unknown routes (404) and wrong methods (405) with
// problem+json instead of the mux's plain text.
func problemFallback(mux Mux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; p == "" || p[0] != '/' || path.Clean(p) != p {
			// ServeMux would redirect "..", "." and "//" to the clean path
			// with an HTML body (the local runner's mux is one); no route
			// of ours has such a path.
			writeError(w, r, errs.E("httpapi.route", errs.NotFound, ReasonRouteNotFound))
			return
		}
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &probeWriter{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.code == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.header.Get("Allow"))
			writeError(w, r, errs.E("httpapi.route", KindMethodNotAllowed, nil))
			return
		}
		writeError(w, r, errs.E("httpapi.route", errs.NotFound, ReasonRouteNotFound))
	})
}

// probeWriter learns what the mux would answer without sending it.
type probeWriter struct {
	header http.Header
	code   int
}

func (p *probeWriter) Header() http.Header         { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) { return len(b), nil }
func (p *probeWriter) WriteHeader(code int)        { p.code = code }
