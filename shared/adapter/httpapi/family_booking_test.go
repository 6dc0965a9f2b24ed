package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// bookFor posts a booking for sub's patient (a dependent's id, or "" for
// sub).
func (e *env) bookFor(sub, patient, slotID string) resp {
	e.t.Helper()
	body := bookBody(slotID, "in_person")
	if patient != "" {
		body["patient"] = patient
	}
	return e.do(req{method: "POST", path: "/bookings", token: e.token(sub), body: body})
}

// TestBookingForADependent: a holder books the paediatrician for her
// child; the per-person rules (one booking a specialist a day, no
// overlap, MaxUpcoming places) count per patient, so mother and child
// each have their own; the paediatrician refuses an adult whose birth
// date is known; another holder's child is unknown_patient; the journal
// filters by patient; a child who has grown up is booked for no more.
func TestBookingForADependent(t *testing.T) {
	e := newBookingEnv(t) // Monday 2026-06-15, Kaliningrad
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 20, 2))
	e.setSchedule(kgdPoly, kgdPediatric, weekdaysPlan("09:00", "13:00", nil, 30, 20, 2))
	e.setSchedule(kgdHospital, kgdEyes, weekdaysPlan("09:00", "13:00", nil, 20, 20, 2))
	if r := e.do(req{method: "PUT", path: "/profile", token: e.token("olga"),
		body: map[string]any{"name": "Ольга", "birthDate": "1988-05-05", "timeZone": zoneKgd}}); r.status != http.StatusOK {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	kid := e.mustAddPerson("olga", map[string]any{"name": "Маша", "birthDate": "2016-09-01", "relation": "child"})["id"].(string)
	// one of the mother's own, so that the child's rules are seen to be the child's
	e.mustBook("olga", kgd(kgdTherapist, "2026-06-16 10:00"))

	for _, tc := range []struct {
		name, patient, slot string
		status              int
		typ                 string
	}{
		{"the paediatrician for the child, at the mother's time", kid, kgd(kgdPediatric, "2026-06-16 10:00"), 201, ""},
		{"the child again with the paediatrician that day", kid, kgd(kgdPediatric, "2026-06-16 11:00"), 409, "one-per-day"},
		{"the child at an overlapping time elsewhere", kid, kgd(kgdEyes, "2026-06-16 10:20"), 409, "overlapping-booking"},
		{"the paediatrician for the mother (37)", "", kgd(kgdPediatric, "2026-06-17 10:00"), 409, "age-not-accepted"},
		{"the paediatrician for someone else's child", "not-hers", kgd(kgdPediatric, "2026-06-17 10:00"), 422, "validation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.bookFor("olga", tc.patient, tc.slot)
			if tc.typ != "" {
				assertType(t, r, tc.status, tc.typ)
				return
			}
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			b := r.json(t)
			if p, _ := b["patient"].(map[string]any); p["id"] != kid || p["name"] != "Маша" {
				t.Errorf("the booking's patient: %v", b["patient"])
			}
		})
	}
	// another holder's dependent id is unknown, exactly as a missing one
	other := e.mustAddPerson("petr", map[string]any{"name": "Ваня", "birthDate": "2018-01-10", "relation": "child"})["id"].(string)
	assertType(t, e.bookFor("olga", other, kgd(kgdPediatric, "2026-06-18 10:00")), 422, "validation", "patient:unknown_patient")

	// MaxUpcoming (5) places per patient: the child fills hers while the
	// mother, with one, may still book.
	for _, d := range []string{"17", "18", "19", "22"} {
		if r := e.bookFor("olga", kid, kgd(kgdPediatric, "2026-06-"+d+" 09:00")); r.status != http.StatusCreated {
			t.Fatalf("the child's booking on %s: %d %s", d, r.status, r.body)
		}
	}
	assertType(t, e.bookFor("olga", kid, kgd(kgdPediatric, "2026-06-23 09:00")), 409, "too-many-bookings")
	if r := e.bookFor("olga", "", kgd(kgdTherapist, "2026-06-17 12:00")); r.status != http.StatusCreated {
		t.Errorf("the mother's second booking beside the child's five: %d %s", r.status, r.body)
	}

	count := func(query string) int {
		return len(items(e.do(req{method: "GET", path: "/bookings?" + query, token: e.token("olga")}).json(t)))
	}
	if all, kids, own := count("limit=100"), count("patient="+kid), count("patient=self"); all != 7 || kids != 5 || own != 2 {
		t.Errorf("journal: %d in all, %d the child's, %d the mother's; want 7, 5, 2", all, kids, own)
	}
	// another holder sees none of it
	if n := len(items(e.do(req{method: "GET", path: "/bookings?patient=" + kid, token: e.token("petr")}).json(t))); n != 0 {
		t.Errorf("another holder lists %d of the child's bookings", n)
	}
	// the confirmation in the mother's cabinet says whose appointment it is
	named := 0
	for _, n := range items(e.do(req{method: "GET", path: "/notifications?limit=100", token: e.token("olga")}).json(t)) {
		if strings.Contains(fmt.Sprint(n["body"]), "Пациент: Маша.") {
			named++
		}
	}
	if named != 5 {
		t.Errorf("%d confirmations name the child, want 5 (her bookings)", named)
	}
}

// TestBookingForAGrownUpChild: a child born on 20 June 2008 is booked for
// while 17; from midnight of her 18th birthday in the holder's zone she is
// booked for no more (her own account books), and what was booked stays
// in the holder's journal.
func TestBookingForAGrownUpChild(t *testing.T) {
	e := newBookingEnv(t) // 2026-06-15
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 20, 2))
	if r := e.do(req{method: "PUT", path: "/profile", token: e.token("olga"), body: map[string]any{"timeZone": zoneKgd}}); r.status != http.StatusOK {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	vera := e.mustAddPerson("olga", map[string]any{"name": "Вера", "birthDate": "2008-06-20", "relation": "child"})["id"].(string)
	if r := e.bookFor("olga", vera, kgd(kgdTherapist, "2026-06-22 10:00")); r.status != http.StatusCreated {
		t.Fatalf("booking for her at 17: %d %s", r.status, r.body)
	}
	e.clock.Set(local(zoneKgd, "2026-06-19 23:59"))
	if r := e.bookFor("olga", vera, kgd(kgdTherapist, "2026-06-23 10:00")); r.status != http.StatusCreated {
		t.Fatalf("a minute before midnight of her birthday: %d %s", r.status, r.body)
	}
	e.clock.Set(local(zoneKgd, "2026-06-20 00:00"))
	assertType(t, e.bookFor("olga", vera, kgd(kgdTherapist, "2026-06-24 10:00")), http.StatusConflict, "dependent-not-active")
	if n := len(items(e.do(req{method: "GET", path: "/bookings?patient=" + vera, token: e.token("olga")}).json(t))); n != 2 {
		t.Errorf("her bookings in the holder's journal: %d, want 2", n)
	}
}

// TestDependentsBookingMovedAndRebooked: moving a child's booking and
// rebooking one its institution cancelled judge the child's own upcoming
// bookings, not the holder's, though both requests read the holder's
// sequence at once with the booking (the child's is read once the booking
// names her): the child's appointment elsewhere refuses the time, the
// mother's at that time does not.
func TestDependentsBookingMovedAndRebooked(t *testing.T) {
	e := newBookingEnv(t) // Monday 2026-06-15, Kaliningrad
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 20, 2))
	e.setSchedule(kgdPoly, kgdPediatric, weekdaysPlan("09:00", "13:00", nil, 30, 20, 2))
	e.setSchedule(kgdHospital, kgdEyes, weekdaysPlan("09:00", "13:00", nil, 20, 20, 2))
	kid := e.mustAddPerson("irina", map[string]any{"name": "Соня", "birthDate": "2017-04-02", "relation": "child"})["id"].(string)
	mustBookFor := func(patient, slot string) string {
		t.Helper()
		r := e.bookFor("irina", patient, slot)
		if r.status != http.StatusCreated {
			t.Fatalf("book %s for %q: %d %s", slot, patient, r.status, r.body)
		}
		return r.json(t)["id"].(string)
	}
	moved := mustBookFor(kid, kgd(kgdPediatric, "2026-06-16 10:00"))
	mustBookFor(kid, kgd(kgdEyes, "2026-06-17 10:00"))     // 10:00–10:20, the child's
	mustBookFor("", kgd(kgdTherapist, "2026-06-17 11:00")) // 11:00–11:30, the mother's
	cancelled := mustBookFor(kid, kgd(kgdPediatric, "2026-06-18 10:00"))
	mustBookFor(kid, kgd(kgdEyes, "2026-06-19 11:00"))     // the child's
	mustBookFor("", kgd(kgdTherapist, "2026-06-19 10:00")) // the mother's
	e.absence(kgdPoly, kgdPediatric, "2026-06-18", "2026-06-18")

	post := func(path, slot string) resp {
		return e.do(req{method: "POST", path: path, token: e.token("irina"), body: map[string]any{"slotId": slot}})
	}
	reschedule, rebook := "/bookings/"+moved+"/reschedule", "/bookings/"+cancelled+"/rebook"
	assertType(t, post(reschedule, kgd(kgdPediatric, "2026-06-17 10:00")), http.StatusConflict, "overlapping-booking")
	if r := post(reschedule, kgd(kgdPediatric, "2026-06-17 11:00")); r.status != http.StatusOK {
		t.Errorf("moving the child's booking to the mother's time: %d %s", r.status, r.body)
	}
	assertType(t, post(rebook, kgd(kgdPediatric, "2026-06-19 11:00")), http.StatusConflict, "overlapping-booking")
	r := post(rebook, kgd(kgdPediatric, "2026-06-19 10:00"))
	if r.status != http.StatusCreated {
		t.Fatalf("rebooking the child at the mother's time: %d %s", r.status, r.body)
	}
	if p, _ := r.json(t)["patient"].(map[string]any); p["id"] != kid {
		t.Errorf("the rebooking's patient: %v, want the child", p)
	}
}
