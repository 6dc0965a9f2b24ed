package httpapi

import (
	"context"
	"net/http"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/domain/audit"
)

// auditing records every state change of route. A changing request (any
// method but GET, HEAD, OPTIONS, by a known caller) opens an entry and
// carries it in its context; the store writes it in the same transaction
// as the request's first write, so a change is never stored without its
// entry, and a failure to write the entry fails the change (503). The
// entry is opened with the route's success status (functions.Route's
// Success): a committed write means the service succeeded, and a success
// answers that status, so the entry is written final, in the change's own
// transaction, and a change costs no round trip of its own for the audit.
// Only when the answer then differs (a write went through and a later step
// failed) does the entry get the status answered afterwards; a success that
// wrote nothing of its own (a replay) gets its entry then. A failure of
// that last step is logged with the request id; the client's answer
// stands, and the entry, written with the change, keeps the success status.
func auditing(log audit.Log, route functions.Route, next http.Handler) http.Handler {
	if log == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		id, ok := IdentityFrom(r.Context())
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		p := log.OpenAudit(audit.Entry{Actor: id.Sub, Route: route.Pattern, Path: r.URL.Path, Status: route.Success(),
			RequestID: RequestID(r.Context())})
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(audit.With(r.Context(), p)))
		if success := rec.status >= 200 && rec.status <= 299; !success && !p.Written() {
			return
		}
		if p.Written() && rec.status == p.Status {
			return // the change's transaction wrote the entry as it stands
		}
		if err := log.FinishAudit(context.WithoutCancel(r.Context()), p, rec.status); err != nil {
			Logger(r.Context()).Error("audit entry not completed", "route", route.Pattern, "err", err.Error())
		}
	})
}
