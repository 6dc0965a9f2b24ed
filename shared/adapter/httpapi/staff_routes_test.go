package httpapi_test

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/booking"
)

// staffRole is who a staff route is for.
type staffRole string

const (
	roleInstitutionStaff staffRole = "staff of the specialist's institution"
	roleAgencyStaff      staffRole = "staff of the application's agency"
	roleAgencyLead       staffRole = "lead clerk of the application's agency"
	roleOrgAdmin         staffRole = "administrator of the organisation"
	roleAgencyManager    staffRole = "manager of the agency"
	roleInstManager      staffRole = "manager of the institution"
	roleOrgManager       staffRole = "manager of the organisation"
)

// staffRoute is one route reserved to staff, org admins or admins: who may
// call it, what a member of staff of another institution, agency or
// organisation gets (403, or 404 where the object must not be revealed, or
// 200 where the route only ever shows the caller's own scope), and what to send.
type staffRoute struct {
	role staffRole
	// other is the status for the right role of another institution, agency or org.
	other int
	// otherSlug is the problem type of that answer ("" for a 2xx).
	otherSlug string
	why       string
	body      any
}

// staffRoutes is every route of functions.Routes a citizen is refused with
// 403. A route added to that set without a row here fails
// TestStaffRoutesAuthorization, as does a row whose route is gone.
var staffRoutes = map[string]staffRoute{
	"PUT /specialists/{id}/schedule": {role: roleInstitutionStaff, other: 403, otherSlug: "other-institution",
		why:  "specialists are public directory entries: refusing reveals nothing",
		body: map[string]any{"slotMinutes": 60, "maxPerDay": 3, "weekly": []any{map[string]any{"weekday": "monday", "start": "14:00", "end": "15:00"}}}},
	"GET /specialists/{id}/bookings": {role: roleInstitutionStaff, other: 403, otherSlug: "other-institution",
		why: "specialists are public directory entries: refusing reveals nothing"},
	"POST /specialists/{id}/absences": {role: roleInstitutionStaff, other: 403, otherSlug: "other-institution",
		why:  "specialists are public directory entries: refusing reveals nothing (an absence over another institution's bookings is 403)",
		body: map[string]any{"from": "2026-06-26", "to": "2026-06-26", "reason": "Врач заболел"}},
	"POST /bookings/{id}/visit": {role: roleInstitutionStaff, other: 404, otherSlug: "not-found",
		why:  "a booking id is a person's: another institution learns nothing, not even that it exists",
		body: map[string]any{"outcome": "completed", "comment": "x"}},
	"GET /agency/payments": {role: roleAgencyStaff, other: 200,
		why: "the list is the caller's own agency's (from the token): another agency sees its own"},
	"GET /agency/applications": {role: roleAgencyStaff, other: 200,
		why: "the queue is the caller's own agency's (from the token): another agency sees its own queue, without this application"},
	"POST /applications/{id}/transitions": {role: roleAgencyStaff, other: 404, otherSlug: "not-found",
		why:  "an application id is a person's: another agency learns nothing, not even that it exists",
		body: map[string]any{"to": "processing"}},
	"GET /applications/{id}/files/{fileId}": {role: roleAgencyStaff, other: 404, otherSlug: "not-found",
		why: "as transitions: another agency learns nothing of the application nor its files"},
	"POST /applications/{id}/assign": {role: roleAgencyLead, other: 404, otherSlug: "not-found",
		why:  "as transitions: another agency's lead learns nothing, not even that it exists",
		body: map[string]any{"clerk": "lead@fns"}},
	"GET /organizations/{orgId}/documents": {role: roleOrgAdmin, other: 403, otherSlug: "other-organization",
		why: "organisation ids are not secret"},
	"GET /organizations/{orgId}/documents.csv": {role: roleOrgAdmin, other: 403, otherSlug: "other-organization",
		why: "organisation ids are not secret"},
	"GET /institutions/{id}/shared-documents/{shareId}": {role: roleInstitutionStaff, other: 403, otherSlug: "other-institution",
		why: "institutions are public directory entries: refusing reveals nothing, and the share is looked up only for its own staff"},
	"GET /institutions/{id}/shared-documents": {role: roleInstitutionStaff, other: 403, otherSlug: "other-institution",
		why: "institutions are public directory entries: refusing reveals nothing"},
	"GET /agency/stats": {role: roleAgencyManager, other: 200,
		why: "the dashboard is the caller's own agency's (from the token): another agency's manager sees its own, counts only"},
	"GET /institutions/{id}/stats": {role: roleInstManager, other: 403, otherSlug: "manager-only",
		why: "institutions are public directory entries: refusing reveals nothing"},
	"GET /organizations/{orgId}/stats": {role: roleOrgManager, other: 403, otherSlug: "manager-only",
		why: "organisation ids are not secret"},
}

// TestStaffRoutesAuthorization proves function-level authorization (OWASP
// API5) for every staff route of the route table: a citizen is refused, staff
// of another institution, agency or organisation is refused (or told
// nothing), and the right role passes authorization.
func TestStaffRoutesAuthorization(t *testing.T) {
	all := map[string]functions.FunctionRoute{}
	for _, rt := range functions.Routes() {
		all[rt.Pattern] = rt
	}
	for p := range staffRoutes {
		if _, ok := all[p]; !ok {
			t.Errorf("staffRoutes has %q, which is not in the route table any more", p)
		}
	}

	e := newBookingEnv(t)
	const (
		spec      = kgdTherapist
		inst      = kgdPoly
		otherInst = kgdHospital
		agency    = "fns" // certificate_request's agency
		other     = "mvd"
		org       = "acme"
		otherOrg  = "globex"
		noFile    = "0190a6b2-0000-7000-8000-000000000001"
	)
	// seed: a schedule (through the staff route), a booking, a submitted
	// application, a consent with a document behind it
	e.setSchedule(inst, spec, weekdaysPlan("09:00", "13:00", nil, 30, 10, 1))
	bookingID := e.mustBook("alice", booking.SlotID(spec, local(zoneKgd, "2026-06-16 10:00")))["id"].(string)
	appID := e.mustDraft("alice", "certificate_request", certificateFields())["id"].(string)
	e.mustSubmit("alice", appID)
	e.mustCreate("alice", map[string]any{"type": "medical_certificate_086u", "number": "A-1", "issuedOn": "2025-12-20"})
	e.consent("alice", org, "medical_certificate_086u")
	// the walk below has a citizen of its own, with objects of its own
	walkerApp := e.mustDraft("walker", "certificate_request", certificateFields())["id"].(string)
	e.mustSubmit("walker", walkerApp)
	walkerBooking := e.mustBook("walker", booking.SlotID(spec, local(zoneKgd, "2026-06-17 10:00")))["id"].(string)
	walkerDoc := e.mustCreate("walker", map[string]any{"type": "custom", "title": "Pass"})["id"].(string)
	walker := e.token("walker")

	paths := func(pattern string) string {
		p := all[pattern].Path()
		switch {
		case strings.HasPrefix(p, "/specialists/{id}"):
			p = strings.Replace(p, "{id}", spec, 1)
		case strings.HasPrefix(p, "/institutions/{id}"):
			p = strings.Replace(p, "{id}", inst, 1)
		case strings.HasPrefix(p, "/bookings/{id}"):
			p = strings.Replace(p, "{id}", bookingID, 1)
		case strings.HasPrefix(p, "/applications/{id}"):
			p = strings.Replace(p, "{id}", appID, 1)
		}
		p = strings.Replace(p, "{orgId}", org, 1)
		p = strings.Replace(p, "{fileId}", noFile, 1) // a well-formed id: the check comes before the file is looked up
		p = strings.Replace(p, "{shareId}", noFile, 1)
		if pattern == "GET /specialists/{id}/bookings" {
			p += "?date=2026-06-16"
		}
		return p
	}
	tokens := map[staffRole][2]string{ // the right one, one of another scope
		roleInstitutionStaff: {e.staff(inst), e.staff(otherInst)},
		roleAgencyStaff:      {e.agencyStaff(agency), e.agencyStaff(other)},
		roleAgencyLead:       {e.agencyLead(agency), e.agencyLead(other)},
		roleOrgAdmin:         {e.admin("boss", org), e.admin("boss2", otherOrg)},
		roleAgencyManager:    {e.manager(httpapi.Identity{Agency: agency}), e.manager(httpapi.Identity{Agency: other})},
		roleInstManager:      {e.manager(httpapi.Identity{Institution: inst}), e.manager(httpapi.Identity{Institution: otherInst})},
		roleOrgManager:       {e.manager(httpapi.Identity{Org: org}), e.manager(httpapi.Identity{Org: otherOrg})},
	}
	citizen := e.token("alice") // the booking's and the application's owner, and the consenting employee

	patterns := make([]string, 0, len(staffRoutes))
	for p := range staffRoutes {
		patterns = append(patterns, p)
	}
	slices.Sort(patterns)
	for _, pattern := range patterns {
		row := staffRoutes[pattern]
		if _, ok := all[pattern]; !ok {
			continue
		}
		method := all[pattern].Method()
		path := paths(pattern)
		t.Run(pattern, func(t *testing.T) {
			t.Run("citizen", func(t *testing.T) {
				assertProblem(t, e.do(req{method: method, path: path, token: citizen, body: row.body}), http.StatusForbidden)
			})
			t.Run("citizen claiming the scope", func(t *testing.T) {
				// the owner of the booking and the application, with staff claims but not the group
				tok := e.tokenFor(httpapi.Identity{Sub: "alice", Groups: []string{"citizen"}, Institution: inst, Agency: agency, Org: org})
				assertProblem(t, e.do(req{method: method, path: path, token: tok, body: row.body}), http.StatusForbidden)
			})
			t.Run("another scope", func(t *testing.T) {
				r := e.do(req{method: method, path: path, token: tokens[row.role][1], body: row.body})
				if row.other == http.StatusNotFound {
					// exactly the answer for an id that does not exist
					missing := strings.NewReplacer(appID, "0190a6b2-0000-7000-8000-00000000dead", bookingID, "0190a6b2-0000-7000-8000-00000000dead").Replace(path)
					m := e.do(req{method: method, path: missing, token: tokens[row.role][1], body: row.body})
					got, want := r.json(t), m.json(t)
					for _, k := range []string{"type", "title", "status", "detail", "errors"} {
						if !reflect.DeepEqual(got[k], want[k]) {
							t.Errorf("%s = %v, for a missing id %v", k, got[k], want[k])
						}
					}
				}
				if row.other >= 400 {
					assertType(t, r, row.other, row.otherSlug)
					return
				}
				if r.status != row.other {
					t.Fatalf("status = %d, want %d (%s): %s", r.status, row.other, row.why, r.body)
				}
				for _, secret := range []string{appID, bookingID, "alice"} {
					if strings.Contains(string(r.body), secret) {
						t.Errorf("another scope sees %q: %s", secret, r.body)
					}
				}
			})
			t.Run("no token", func(t *testing.T) {
				assertProblem(t, e.do(req{method: method, path: path, body: row.body}), http.StatusUnauthorized)
			})
			t.Run(string(row.role), func(t *testing.T) {
				r := e.do(req{method: method, path: path, token: tokens[row.role][0], body: row.body})
				if r.status == http.StatusUnauthorized || r.status == http.StatusForbidden || r.status >= 500 {
					t.Fatalf("the right role got %d: %s", r.status, r.body)
				}
			})
		})
	}

	// Every route answering 403 to a citizen must be in the table. The walk
	// uses a citizen of its own with objects of its own, so that routes which
	// answer 404 for other people's ids reach their authorization check.
	t.Run("every route refusing a citizen is in the table", func(t *testing.T) {
		bodies := map[string]any{
			"POST /documents":                       map[string]any{"type": "custom", "title": "x"},
			"PATCH /documents/{id}":                 map[string]any{"title": "y"},
			"PUT /profile":                          map[string]any{"timeZone": "Europe/Moscow"},
			"POST /documents/{id}/reminders/snooze": map[string]any{"until": "2026-07-01"},
			"POST /bookings":                        bookBody(booking.SlotID(spec, local(zoneKgd, "2026-06-18 10:00")), "in_person"),
			"POST /bookings/{id}/reschedule":        map[string]any{"slotId": booking.SlotID(spec, local(zoneKgd, "2026-06-19 10:00"))},
			"POST /bookings/{id}/cancel":            map[string]any{"reason": "x"},
			"POST /applications/validate":           map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{}},
			"POST /applications":                    map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{}},
			"PATCH /applications/{id}":              map[string]any{"fields": map[string]any{"inn": "7707083893"}},
			"POST /consents":                        map[string]any{"organizationId": org, "documentTypes": []string{"osago"}},
		}
		var refused []string
		for _, rt := range functions.Routes() {
			if rt.Public {
				continue
			}
			body := bodies[rt.Pattern]
			if row, ok := staffRoutes[rt.Pattern]; ok {
				body = row.body
			}
			p := rt.Path()
			switch {
			case strings.HasPrefix(p, "/documents/{id}"):
				p = strings.Replace(p, "{id}", walkerDoc, 1)
			case strings.HasPrefix(p, "/bookings/{id}"):
				p = strings.Replace(p, "{id}", walkerBooking, 1)
			case strings.HasPrefix(p, "/applications/{id}"):
				p = strings.Replace(p, "{id}", walkerApp, 1)
			case strings.HasPrefix(p, "/specialists/{id}"):
				p = strings.Replace(p, "{id}", spec, 1)
			case strings.HasPrefix(p, "/institutions/{id}"):
				p = strings.Replace(p, "{id}", inst, 1)
			}
			p = strings.Replace(p, "{id}", "0190a6b2-0000-7000-8000-000000000000", 1)
			p = strings.Replace(p, "{orgId}", org, 1)
			p = strings.Replace(p, "{fileId}", noFile, 1)
			p = strings.Replace(p, "{shareId}", noFile, 1)
			if rt.Method() == "GET" && strings.HasPrefix(rt.Path(), "/specialists/{id}/") {
				p += "?date=2026-06-16"
			}
			r := e.do(req{method: rt.Method(), path: p, token: walker, body: body, header: map[string]string{"If-Match": `"1"`}})
			if r.status >= 500 {
				t.Errorf("%s: a citizen got %d: %s", rt.Pattern, r.status, r.body)
			}
			if r.status == http.StatusForbidden {
				refused = append(refused, rt.Pattern)
			}
		}
		for _, p := range refused {
			if _, ok := staffRoutes[p]; !ok {
				t.Errorf("%s answers 403 to a citizen but has no row in staffRoutes", p)
			}
		}
		for p := range staffRoutes {
			if _, ok := all[p]; ok && !slices.Contains(refused, p) {
				t.Errorf("%s is in staffRoutes but did not refuse a citizen", p)
			}
		}
	})
}
