// Package httpapi is Kabinet's HTTP surface: the route table, the handlers,
// problem+json errors, request decoding and identity. The same handlers are
// served by each Lambda (through an API Gateway adapter) and, all together,
// by the local server.
package httpapi

import (
	"log/slog"
	"net/http"
	"path"
	"strings"

	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/audit"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/orgs"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Function names: one Lambda each, functions/<name>.
const (
	FnDocuments     = "documents"
	FnProfile       = "profile"
	FnNotifications = "notifications"
	FnBooking       = "booking"
	FnApplications  = "applications"
	FnOrgs          = "orgs"
)

// Route is one entry of the API: which function serves it, its method and
// path pattern (Go ServeMux syntax, which API Gateway shares for {param}),
// whether it is public, and its handler. The CDK stack reads Function and
// Pattern from the same table, so a route exists in one place only.
type Route struct {
	Function string
	Pattern  string
	Public   bool
	Handler  http.Handler
}

// Method is the HTTP method of the route.
func (r Route) Method() string { m, _, _ := strings.Cut(r.Pattern, " "); return m }

// Path is the path pattern of the route.
func (r Route) Path() string { _, p, _ := strings.Cut(r.Pattern, " "); return p }

// Deps are what the handlers need. A zero Deps is enough to list routes
// (the CDK stack does that); handlers only touch their services when called.
type Deps struct {
	Documents *registry.Service
	Inbox     *inbox.Service
	Booking   BookingDeps
	// Applications is applications for services and their status.
	Applications *applications.Service
	// Orgs is consents and organisations' views of their employees' documents.
	Orgs *orgs.Service
	Log  *slog.Logger
	Auth Authenticator
	// Audit keeps a record of every state change; nil keeps none.
	Audit audit.Log
}

// Routes is the whole API surface.
func Routes(d Deps) []Route {
	docs := d.Documents
	return []Route{
		{Function: FnDocuments, Pattern: "GET /document-types", Handler: handleDocumentTypes(docs)},
		{Function: FnDocuments, Pattern: "POST /documents", Handler: handleCreateDocument(docs)},
		{Function: FnDocuments, Pattern: "GET /documents", Handler: handleListDocuments(docs)},
		{Function: FnDocuments, Pattern: "GET /documents/{id}", Handler: handleGetDocument(docs)},
		{Function: FnDocuments, Pattern: "PATCH /documents/{id}", Handler: handleUpdateDocument(docs)},
		{Function: FnDocuments, Pattern: "DELETE /documents/{id}", Handler: handleDeleteDocument(docs)},
		{Function: FnDocuments, Pattern: "POST /documents/{id}/archive", Handler: handleArchive(docs, true)},
		{Function: FnDocuments, Pattern: "POST /documents/{id}/unarchive", Handler: handleArchive(docs, false)},
		{Function: FnDocuments, Pattern: "GET /documents/{id}/history", Handler: handleHistory(docs)},
		{Function: FnDocuments, Pattern: "POST /documents/{id}/reminders/ack", Handler: handleAckReminder(docs)},
		{Function: FnDocuments, Pattern: "POST /documents/{id}/reminders/snooze", Handler: handleSnoozeReminder(docs)},
		{Function: FnNotifications, Pattern: "GET /notifications", Handler: handleListNotifications(d.Inbox)},
		{Function: FnNotifications, Pattern: "POST /notifications/{id}/read", Handler: handleReadNotification(d.Inbox)},
		{Function: FnBooking, Pattern: "GET /institutions", Handler: handleSearchInstitutions(d.Booking)},
		{Function: FnBooking, Pattern: "GET /institutions/{id}", Handler: handleGetInstitution(d.Booking)},
		{Function: FnBooking, Pattern: "GET /institutions/{id}/specialists", Handler: handleInstitutionSpecialists(d.Booking)},
		{Function: FnBooking, Pattern: "GET /specialists/{id}", Handler: handleGetSpecialist(d.Booking)},
		{Function: FnBooking, Pattern: "GET /specialists/{id}/slots", Handler: handleSlots(d.Booking)},
		{Function: FnBooking, Pattern: "PUT /specialists/{id}/schedule", Handler: handleSetSchedule(d.Booking)},
		{Function: FnBooking, Pattern: "GET /specialists/{id}/bookings", Handler: handleSpecialistBookings(d.Booking)},
		{Function: FnBooking, Pattern: "POST /bookings", Handler: handleBook(d.Booking)},
		{Function: FnBooking, Pattern: "GET /bookings", Handler: handleJournal(d.Booking)},
		{Function: FnBooking, Pattern: "GET /bookings/export.csv", Handler: handleJournalCSV(d.Booking)},
		{Function: FnBooking, Pattern: "GET /bookings/{id}", Handler: handleGetBooking(d.Booking)},
		{Function: FnBooking, Pattern: "GET /bookings/{id}/qr.png", Handler: handleBookingFile(d.Booking, "qr")},
		{Function: FnBooking, Pattern: "GET /bookings/{id}/confirmation.pdf", Handler: handleBookingFile(d.Booking, "pdf")},
		{Function: FnBooking, Pattern: "GET /bookings/{id}/calendar.ics", Handler: handleBookingFile(d.Booking, "ics")},
		{Function: FnBooking, Pattern: "POST /bookings/{id}/reschedule", Handler: handleReschedule(d.Booking)},
		{Function: FnBooking, Pattern: "POST /bookings/{id}/cancel", Handler: handleCancel(d.Booking)},
		{Function: FnBooking, Pattern: "POST /bookings/{id}/visit", Handler: handleVisit(d.Booking)},
		{Function: FnProfile, Pattern: "GET /profile", Handler: handleGetProfile(docs)},
		{Function: FnProfile, Pattern: "PUT /profile", Handler: handlePutProfile(docs)},
		{Function: FnApplications, Pattern: "POST /documents/{id}/renew", Handler: handleRenewDocument(d.Applications)},
		{Function: FnApplications, Pattern: "GET /services", Handler: handleServices(d.Applications)},
		{Function: FnApplications, Pattern: "POST /applications/validate", Handler: handleValidateApplication(d.Applications)},
		{Function: FnApplications, Pattern: "POST /applications", Handler: handleCreateApplication(d.Applications)},
		{Function: FnApplications, Pattern: "GET /applications", Handler: handleListApplications(d.Applications)},
		{Function: FnApplications, Pattern: "GET /applications/{id}", Handler: handleGetApplication(d.Applications)},
		{Function: FnApplications, Pattern: "PATCH /applications/{id}", Handler: handleUpdateApplication(d.Applications)},
		{Function: FnApplications, Pattern: "DELETE /applications/{id}", Handler: handleDeleteApplication(d.Applications)},
		{Function: FnApplications, Pattern: "POST /applications/{id}/submit", Handler: handleSubmitApplication(d.Applications)},
		{Function: FnApplications, Pattern: "POST /applications/{id}/withdraw", Handler: handleWithdrawApplication(d.Applications)},
		{Function: FnApplications, Pattern: "POST /applications/{id}/transitions", Handler: handleApplicationTransition(d.Applications)},
		{Function: FnApplications, Pattern: "GET /agency/applications", Handler: handleAgencyQueue(d.Applications)},
		{Function: FnOrgs, Pattern: "POST /consents", Handler: handleGrantConsent(d.Orgs)},
		{Function: FnOrgs, Pattern: "GET /consents", Handler: handleListConsents(d.Orgs)},
		{Function: FnOrgs, Pattern: "DELETE /consents/{id}", Handler: handleRevokeConsent(d.Orgs)},
		{Function: FnOrgs, Pattern: "GET /organizations/{orgId}/documents", Handler: handleOrgDocuments(d.Orgs)},
		{Function: FnOrgs, Pattern: "GET /organizations/{orgId}/documents.csv", Handler: handleOrgDocumentsCSV(d.Orgs)},
	}
}

// Functions lists the function names in the route table, in order of first appearance.
func Functions() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range Routes(Deps{}) {
		if !seen[r.Function] {
			seen[r.Function] = true
			out = append(out, r.Function)
		}
	}
	return out
}

// Handler serves the routes of function fn (all routes when fn is ""),
// each behind authentication unless public, with request ids, access logs
// and problem+json for unknown routes and methods.
func Handler(d Deps, fn string) http.Handler {
	mux := http.NewServeMux()
	Mount(mux, d, fn)
	return observe(logger(d), problemFallback(mux))
}

// Mount registers fn's routes (all when fn is "") on mux without the outer
// middleware, for a server that adds routes of its own.
func Mount(mux *http.ServeMux, d Deps, fn string) {
	for _, r := range Routes(d) {
		if fn != "" && r.Function != fn {
			continue
		}
		h := auditing(d.Audit, r.Pattern, r.Handler)
		if !r.Public {
			h = authenticate(d.Auth, h)
		}
		mux.Handle(r.Pattern, h)
	}
}

// Wrap adds the outer middleware (request id, access log, panic recovery,
// problem+json for unknown routes) to a mux.
func Wrap(log *slog.Logger, mux *http.ServeMux) http.Handler {
	return observe(log, problemFallback(mux))
}

func logger(d Deps) *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}

// problemFallback answers unknown routes (404) and wrong methods (405) with
// problem+json instead of ServeMux's plain text.
func problemFallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; p == "" || p[0] != '/' || path.Clean(p) != p {
			// ServeMux would redirect "..", "." and "//" to the clean path
			// with an HTML body; no route of ours has such a path.
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

// probeWriter learns what ServeMux would answer without sending it.
type probeWriter struct {
	header http.Header
	code   int
}

func (p *probeWriter) Header() http.Header         { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) { return len(b), nil }
func (p *probeWriter) WriteHeader(code int)        { p.code = code }
