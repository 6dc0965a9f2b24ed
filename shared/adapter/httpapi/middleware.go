package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/metrics"
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
// It is also the request's metrics in the Embedded Metric Format
// (requestMetrics): CloudWatch Logs turns it into Requests, Latency and
// errors by kind, and whatever the handler counted (Count).
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
		stats := &requestStats{}
		ctx = context.WithValue(ctx, statsKey{}, stats)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-Id", rid)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				writeError(rec, r, errs.E("httpapi.recover", errs.Internal, fmt.Errorf("panic: %v", p)))
			}
			took := time.Since(start)
			args := []any{"method", r.Method, "route", r.Pattern, "status", rec.status, "ms", took.Milliseconds()}
			l.Info("request", append(args, stats.line(start.Add(took), r.Pattern, rec.status, took).Attrs()...)...)
		}()
		next.ServeHTTP(rec, r)
	})
}

// requestStats is what a request's handlers tell its access line: the kind
// of the error it was answered with, and the business counters (Count).
type requestStats struct {
	mu     sync.Mutex
	kind   string
	counts map[metrics.Name]float64
}

type statsKey struct{}

// Count adds 1 to metric name (one of the business counters of package
// metrics) in the current request's access line: a handler counts what it
// did (a booking made) once it has done it.
func Count(ctx context.Context, name metrics.Name) {
	s, _ := ctx.Value(statsKey{}).(*requestStats)
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = map[metrics.Name]float64{}
	}
	s.counts[name]++
}

func noteErrorKind(ctx context.Context, kind string) {
	if s, _ := ctx.Value(statsKey{}).(*requestStats); s != nil {
		s.mu.Lock()
		s.kind = kind
		s.mu.Unlock()
	}
}

// requestDirectives are the access line's metrics: every request's counts
// and latency in all and by route, errors by kind in all and by route, and
// the business counters in all.
var requestDirectives = []metrics.Directive{
	{Dimensions: [][]metrics.Dimension{{}, {metrics.Route}},
		Metrics: []metrics.Name{metrics.Requests, metrics.Latency, metrics.ServerErrors, metrics.ClientErrors}},
	{Dimensions: [][]metrics.Dimension{{metrics.ErrorKind}, {metrics.Route, metrics.ErrorKind}},
		Metrics: []metrics.Name{metrics.Errors}},
	{Dimensions: [][]metrics.Dimension{{}},
		Metrics: []metrics.Name{metrics.BookingsMade, metrics.BookingsCancelled, metrics.ApplicationsFiled}},
}

func (s *requestStats) line(at time.Time, route string, status int, took time.Duration) metrics.Line {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := map[metrics.Name]float64{metrics.Requests: 1, metrics.Latency: float64(took.Microseconds()) / 1000,
		metrics.ServerErrors: 0, metrics.ClientErrors: 0}
	switch {
	case status >= 500:
		v[metrics.ServerErrors] = 1
	case status >= 400:
		v[metrics.ClientErrors] = 1
	}
	dims := map[metrics.Dimension]string{metrics.Route: route}
	if s.kind != "" && status >= 400 {
		v[metrics.Errors] = 1
		dims[metrics.ErrorKind] = s.kind
	}
	for name, n := range s.counts {
		v[name] = n
	}
	return metrics.Line{At: at, Directives: requestDirectives, Values: v, Dims: dims}
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
