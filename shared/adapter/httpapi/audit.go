package httpapi

import (
	"context"
	"net/http"

	"github.com/kabinet/kabinet/shared/domain/audit"
)

// audit records every successful state change of route after it is made.
// The entry is written after the change and not in its transaction: a
// failure to write it is logged (with the request id) for operators, and
// the client's answer stands.
func auditing(log audit.Log, route string, next http.Handler) http.Handler {
	if log == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return
		}
		id, ok := IdentityFrom(r.Context())
		if !ok || rec.status < 200 || rec.status > 299 {
			return
		}
		e := audit.Entry{Actor: id.Sub, Route: route, Path: r.URL.Path, Status: rec.status, RequestID: RequestID(r.Context())}
		if err := log.RecordAudit(context.WithoutCancel(r.Context()), e); err != nil {
			Logger(r.Context()).Error("audit entry not written", "route", route, "err", err.Error())
		}
	})
}
