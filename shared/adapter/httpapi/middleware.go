package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Authenticator establishes who is calling, or fails with an Unauthorized
// error. Locally it verifies a development JWT; in Lambda it reads the
// claims API Gateway's JWT authorizer already verified.
type Authenticator func(*http.Request) (Identity, error)

// HandlerFunc is a handler that returns its error for one place to render.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP runs h and answers its error as problem+json.
func (h HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h(w, r); err != nil {
		writeError(w, r, err)
	}
}

// statusRecorder remembers the status for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// observe gives every request an id and a logger, recovers panics into a
// 500 problem, and writes one access-log line. The line holds the route
// pattern, never the path's values or any body: no personal data in logs.
func observe(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rid := RequestID(r.Context())
		if rid == "" {
			rid = newRequestID()
		}
		l := log.With("requestId", rid)
		ctx := WithRequestID(r.Context(), rid)
		ctx = contextWithLogger(ctx, l)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-Id", rid)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				writeError(rec, r, errs.E("httpapi.recover", errs.Internal, fmt.Errorf("panic: %v", p)))
			}
			l.Info("request", "method", r.Method, "route", r.Pattern, "status", rec.status,
				"ms", time.Since(start).Milliseconds())
		}()
		next.ServeHTTP(rec, r)
	})
}

// authenticate runs auth and puts the identity into the context.
func authenticate(auth Authenticator, next http.Handler) http.Handler {
	return HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, err := auth(r)
		if err != nil {
			if errs.KindOf(err) == errs.Internal {
				err = errs.E("httpapi.authenticate", errs.Unauthorized, ReasonInvalidToken, err)
			}
			return err
		}
		next.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), id)))
		return nil
	})
}

// Authed is a handler of an authenticated route, given the caller's
// identity so no handler reads it on its own.
func Authed(f func(w http.ResponseWriter, r *http.Request, id Identity) error) http.Handler {
	return HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, err := Caller(r)
		if err != nil {
			return err
		}
		return f(w, r, id)
	})
}

// Caller returns the authenticated identity; routes behind authenticate
// always have one, so a missing one is a wiring bug.
func Caller(r *http.Request) (Identity, error) {
	id, ok := IdentityFrom(r.Context())
	if !ok {
		return Identity{}, errs.E("httpapi.caller", errs.Unauthorized, ReasonInvalidToken)
	}
	return id, nil
}
