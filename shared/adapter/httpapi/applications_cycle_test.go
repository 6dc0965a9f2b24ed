package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestInvitationAndPickup: the agency refuses at acceptance, invites to an
// office of the electronic registry (the application then carries the
// cabinet's booking path for it) and gives the document out, each with what
// it needs, and refuses a transition without it.
func TestInvitationAndPickup(t *testing.T) {
	e := newBookingEnv(t)
	fns := e.agencyStaff("fns")
	submitted := func() string {
		id := e.mustDraft("alice", "certificate_request", certificateFields())["id"].(string)
		e.mustSubmit("alice", id)
		return id
	}
	// refusal at acceptance: from received, with a reason
	refused := submitted()
	assertProblem(t, e.move(fns, refused, "rejected", ""), 422, "comment:required")
	if r := e.move(fns, refused, "rejected", "Заявление подано в другое ведомство"); r.status != http.StatusOK {
		t.Fatalf("refusal at acceptance: %d %s", r.status, r.body)
	}

	id := submitted()
	if r := e.move(fns, id, "processing", ""); r.status != http.StatusOK {
		t.Fatal(r.status)
	}
	at := e.clock.Now().Add(48 * 1e9 * 3600).UTC().Format("2006-01-02T15:04:05Z")
	past := e.clock.Now().Add(-3600 * 1e9).UTC().Format("2006-01-02T15:04:05Z")
	transit := func(body map[string]any) resp {
		return e.do(req{method: "POST", path: "/applications/" + id + "/transitions", token: fns, body: body})
	}
	assertProblem(t, transit(map[string]any{"to": "invited"}), 422, "invitation:required")
	assertProblem(t, transit(map[string]any{"to": "invited", "invitation": map[string]any{"at": past, "place": "Окно 3"}}), 422, "invitation.at:out_of_range")
	assertProblem(t, transit(map[string]any{"to": "invited", "invitation": map[string]any{"at": at, "place": "Окно 3", "institutionId": "inst-nowhere"}}),
		422, "invitation.institutionId:unknown_institution")
	assertProblem(t, transit(map[string]any{"to": "needs_info", "comment": "x", "pickup": map[string]any{"place": "x", "until": "2027-01-01"}}), 422, "pickup:unknown_field")
	r := transit(map[string]any{"to": "invited", "comment": "Нужен оригинал паспорта",
		"invitation": map[string]any{"at": at, "place": "Калининград, ул. Примерная, 1, окно 3", "institutionId": kgdPoly}})
	if r.status != http.StatusOK {
		t.Fatalf("invite: %d %s", r.status, r.body)
	}
	inv, _ := r.json(t)["invitation"].(map[string]any)
	if inv["bookingPath"] != "/appointments/institutions/"+kgdPoly || inv["place"] == "" {
		t.Errorf("invitation %v", inv)
	}
	// the applicant's inbox says when and where, and how to book
	notes := e.do(req{method: "GET", path: "/notifications", token: e.token("alice")})
	if !strings.Contains(string(notes.body), "/appointments/institutions/"+kgdPoly) {
		t.Errorf("no booking link in the notifications: %s", notes.body)
	}
	assertProblem(t, transit(map[string]any{"to": "ready_for_pickup"}), 422, "pickup:required")
	r = transit(map[string]any{"to": "ready_for_pickup", "pickup": map[string]any{"place": "МФЦ, окно 5", "until": "2027-03-01"}})
	if r.status != http.StatusOK {
		t.Fatalf("pickup: %d %s", r.status, r.body)
	}
	got := r.json(t)
	if p, _ := got["pickup"].(map[string]any); got["status"] != "ready_for_pickup" || p["until"] != "2027-03-01" || got["invitation"] != nil {
		t.Errorf("ready for pickup: %v", got)
	}
}
