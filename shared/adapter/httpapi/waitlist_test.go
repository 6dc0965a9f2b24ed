package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// waitFor puts sub on kgdTherapist's specialization's line at kgdPoly for
// one local date.
func (e *env) waitFor(sub, date string) map[string]any {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/waitlist", token: e.token(sub),
		body: map[string]any{"institutionId": kgdPoly, "specialization": "Терапевт", "from": date, "to": date}})
	if r.status != http.StatusCreated {
		e.t.Fatalf("join the waiting list: %d %s", r.status, r.body)
	}
	return r.json(e.t)
}

// waitEntry reads sub's entry id.
func (e *env) waitEntry(sub, id string) map[string]any {
	e.t.Helper()
	for _, it := range items(e.do(req{method: "GET", path: "/waitlist", token: e.token(sub)}).json(e.t)) {
		if it["id"] == id {
			return it
		}
	}
	e.t.Fatalf("%s has no entry %s", sub, id)
	return nil
}

// expireOffers runs the reminder pipeline's single loop at the env's clock,
// with the appointment book that expires offers, as the workers do; its
// SDK calls count as the reminder worker's (least privilege, TestMain:
// ending an offer and offering the slot to the next needs DeleteItem and
// gsi1, which the worker and the expiry scan declare).
func (e *env) expireOffers() reminders.Summary {
	e.t.Helper()
	st := allstore.New(e.db, e.table)
	now := e.clock.Now()
	places := &directory.Cache{Load: st.LoadDirectory, Now: e.clock.Now}
	book := &booking.Service{Store: st, Places: places, Profiles: st, Now: e.clock.Now, NewID: ids.New, Waits: st}
	sc := &reminders.Scanner{Store: st, Publisher: nopPublisher{}, NewID: ids.New, Shards: store.DueShards,
		Log: slog.New(slog.DiscardHandler), Offers: book, Clock: e.clock.Now}
	sum, err := sc.Run(actions.WithFunction(context.Background(), functions.ReminderWorker), now)
	if err != nil {
		e.t.Fatal(err)
	}
	return sum
}

// TestWaitlistOffersHoldsAndPassesOn: a freed slot is held for the first in
// line; nobody else books it; declined or expired (through the due index
// and the pipeline) it goes to the next; accepted, it is booked.
func TestWaitlistOffersHoldsAndPassesOn(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "10:00", nil, 30, 20, 1)) // two slots a day
	day := "2026-06-17"
	a := e.mustBook("holder-a", kgd(kgdTherapist, day+" 09:00"))
	e.mustBook("holder-b", kgd(kgdTherapist, day+" 09:30"))
	first := e.waitFor("first", day)
	e.clock.Set(bookingMonday.Add(time.Second))
	second := e.waitFor("second", day)
	if first["status"] != "waiting" || second["status"] != "waiting" {
		t.Fatalf("entries %v %v: want waiting (the day is full)", first, second)
	}
	// a cancellation frees 09:00: offered to the first in line
	e.clock.Set(bookingMonday.Add(time.Minute))
	if r := e.do(req{method: "POST", path: "/bookings/" + a["id"].(string) + "/cancel", token: e.token("holder-a"), body: map[string]any{}}); r.status != 200 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	got := e.waitEntry("first", first["id"].(string))
	offer, _ := got["offer"].(map[string]any)
	if got["status"] != "offered" || offer == nil || offer["id"] != kgd(kgdTherapist, day+" 09:00") {
		t.Fatalf("first in line: %v; want the 09:00 slot offered", got)
	}
	if e.waitEntry("second", second["id"].(string))["status"] != "waiting" {
		t.Errorf("the second in line was offered too")
	}
	if free := e.freeOn(kgdTherapist, day); len(free) != 0 {
		t.Errorf("a held slot is listed free: %v", free)
	}
	assertType(t, e.book("intruder", offer["id"].(string)), http.StatusConflict, "slot-taken")
	if r := e.do(req{method: "POST", path: "/waitlist/" + first["id"].(string) + "/accept", token: e.token("second"), body: map[string]any{"slotId": offer["id"]}}); r.status != http.StatusNotFound {
		t.Errorf("accepting someone else's offer: %d, want 404", r.status)
	}
	if n := e.notificationsOf("first")["waitlist_offer"]; n != 1 {
		t.Errorf("the first in line was told %d times", n)
	}

	// declined: the next in line gets it
	if r := e.do(req{method: "POST", path: "/waitlist/" + first["id"].(string) + "/decline", token: e.token("first"), body: map[string]any{}}); r.status != http.StatusOK {
		t.Fatalf("decline: %d %s", r.status, r.body)
	}
	got = e.waitEntry("second", second["id"].(string))
	if got["status"] != "offered" {
		t.Fatalf("after a decline the next in line: %v", got)
	}
	// the offer lapses: an accept after it is 404, and the pipeline frees the slot
	e.clock.Set(bookingMonday.Add(time.Minute + booking.HoldFor + time.Second))
	if r := e.do(req{method: "POST", path: "/waitlist/" + second["id"].(string) + "/accept", token: e.token("second"), body: map[string]any{"slotId": got["offer"].(map[string]any)["id"]}}); r.status != http.StatusNotFound {
		t.Errorf("accepting an expired offer: %d %s, want 404", r.status, r.body)
	}
	sum := e.expireOffers()
	if got := e.waitEntry("second", second["id"].(string)); got["status"] != "expired" {
		t.Errorf("after the pipeline: %v (summary %+v)", got, sum)
	}
	if free := e.freeOn(kgdTherapist, day); len(free) != 1 {
		t.Errorf("the lapsed hold's slot: free %v, want it free again", free)
	}

	// a new entry with a free slot is offered at once, and accepts
	third := e.waitFor("third", day)
	if third["status"] != "offered" {
		t.Fatalf("a new entry with a matching free slot: %v", third)
	}
	r := e.do(req{method: "POST", path: "/waitlist/" + third["id"].(string) + "/accept", token: e.token("third"),
		body: map[string]any{"slotId": third["offer"].(map[string]any)["id"], "mode": "in_person"}})
	if r.status != http.StatusCreated || r.json(t)["start"] != local(zoneKgd, day+" 09:00").Format(time.RFC3339) {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if got := e.waitEntry("third", third["id"].(string)); got["status"] != "booked" || got["bookingId"] == nil {
		t.Errorf("after accepting: %v", got)
	}
}

// TestWaitlistHoldUnderA50WayRace: 50 people book a held slot while its
// holder accepts: the holder gets it, nobody else, and it is booked once.
func TestWaitlistHoldUnderA50WayRace(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "09:30", nil, 30, 20, 1)) // one slot a day
	day := "2026-06-18"
	held := e.mustBook("leaver", kgd(kgdTherapist, day+" 09:00"))
	entry := e.waitFor("patient", day)
	if r := e.do(req{method: "POST", path: "/bookings/" + held["id"].(string) + "/cancel", token: e.token("leaver"), body: map[string]any{}}); r.status != 200 {
		t.Fatalf("cancel: %d", r.status)
	}
	if e.waitEntry("patient", entry["id"].(string))["status"] != "offered" {
		t.Fatal("no offer")
	}
	reqs := []req{{method: "POST", path: "/waitlist/" + entry["id"].(string) + "/accept", token: e.token("patient"), body: map[string]any{"slotId": kgd(kgdTherapist, day+" 09:00")}}}
	for i := range 50 {
		reqs = append(reqs, req{method: "POST", path: "/bookings", token: e.token("racer-" + string(rune('a'+i%26)) + string(rune('a'+i/26))),
			body: bookBody(kgd(kgdTherapist, day+" 09:00"), "in_person")})
	}
	rs := e.sendAll(reqs)
	// The holder's transaction may meet a racer's in flight (DynamoDB's
	// TransactionConflict, a 503 to retry): the hold is still theirs, so
	// a retry after the race books it. Never lost means exactly that. A
	// 503 whose transaction had gone through (the answer lost under load)
	// makes the retry a replay: 200 with the booking, as the README says.
	retried := rs[0].status == http.StatusServiceUnavailable
	e.retryUnavailable(reqs[:1], rs[:1]) // the racers' answers stay as they came
	accept := rs[0]
	if !(accept.status == http.StatusCreated || retried && accept.status == http.StatusOK) || accept.json(t)["status"] != "confirmed" {
		t.Errorf("the holder's accept: %d %s", accept.status, accept.body)
	}
	for i, r := range rs[1:] {
		if r.status == http.StatusCreated {
			t.Errorf("racer %d booked the held slot", i)
		}
		if r.status != http.StatusConflict && r.status != http.StatusServiceUnavailable {
			t.Errorf("racer %d: %d %s", i, r.status, r.body)
		}
	}
	if got := e.rawBooked("SPEC#"+kgdTherapist, slotItemSK(local(zoneKgd, day+" 09:00"))); got != 1 {
		t.Errorf("the slot is booked %d times, want once", got)
	}
}

// TestWaitlistRefusesBadInput: the entry's rules.
func TestWaitlistRefusesBadInput(t *testing.T) {
	e := newBookingEnv(t)
	for _, tc := range []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"an empty range", map[string]any{"institutionId": kgdPoly, "specialization": "Терапевт", "from": "2026-06-20", "to": "2026-06-19"}, []string{"to:before_from"}},
		{"beyond 60 days", map[string]any{"institutionId": kgdPoly, "specialization": "Терапевт", "from": "2026-06-20", "to": "2026-08-20"}, []string{"to:too_far"}},
		{"no institution", map[string]any{"specialization": "Терапевт", "from": "2026-06-20", "to": "2026-06-21"}, []string{"institutionId:required"}},
		{"an unknown specialization", map[string]any{"institutionId": kgdPoly, "specialization": "Астролог", "from": "2026-06-20", "to": "2026-06-21"}, []string{"specialization:unknown_specialization"}},
		{"an unknown specialist", map[string]any{"specialistId": "spec-nowhere", "from": "2026-06-20", "to": "2026-06-21"}, []string{"specialistId:unknown_specialist"}},
		{"a bad part of day", map[string]any{"institutionId": kgdPoly, "specialization": "Терапевт", "from": "2026-06-20", "to": "2026-06-21", "partOfDay": "night"}, []string{"partOfDay:unknown_part_of_day"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertType(t, e.do(req{method: "POST", path: "/waitlist", token: e.token("w"), body: tc.body}), 422, "validation", tc.fields...)
		})
	}
	t.Run("a cap per person", func(t *testing.T) {
		for i := range booking.MaxWaitEntries {
			e.waitFor("capped", "2026-06-2"+string(rune('2'+i)))
		}
		r := e.do(req{method: "POST", path: "/waitlist", token: e.token("capped"),
			body: map[string]any{"institutionId": kgdPoly, "specialization": "Терапевт", "from": "2026-06-29", "to": "2026-06-29"}})
		assertType(t, r, http.StatusConflict, "too-many-waits")
		list := items(e.do(req{method: "GET", path: "/waitlist", token: e.token("capped")}).json(t))
		if r := e.do(req{method: "DELETE", path: "/waitlist/" + list[0]["id"].(string), token: e.token("capped")}); r.status != http.StatusNoContent {
			t.Fatalf("leave: %d", r.status)
		}
		e.waitFor("capped", "2026-06-29")
	})
}

// TestWaitlistMatchesWhatFrees: each change that frees or adds a slot
// offers it to the first matching entry; a slot an absence closed is never
// offered, and an entry for another part of the day is passed over.
func TestWaitlistMatchesWhatFrees(t *testing.T) {
	const day = "2026-06-17"
	for _, tc := range []struct {
		name string
		// change frees or adds a 09:00 slot on day, or closes it; holder
		// holds the 09:00 booking
		change    func(e *env, holder map[string]any)
		partOfDay string
		want      string
	}{
		{"a cancellation", func(e *env, h map[string]any) {
			e.cancel("holder", h["id"].(string))
		}, "", "offered"},
		{"a reschedule frees the old slot", func(e *env, h map[string]any) {
			r := e.do(req{method: "POST", path: "/bookings/" + h["id"].(string) + "/reschedule", token: e.token("holder"),
				body: map[string]any{"slotId": kgd(kgdTherapist, "2026-06-18 09:00")}})
			if r.status != http.StatusOK {
				e.t.Fatalf("reschedule: %d %s", r.status, r.body)
			}
		}, "", "offered"},
		{"new schedule slots", func(e *env, _ map[string]any) {
			e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "11:00", nil, 30, 20, 1)) // 10:00 and 10:30 appear
		}, "", "offered"},
		{"an entry for another part of the day", func(e *env, h map[string]any) {
			e.cancel("holder", h["id"].(string))
		}, "afternoon", "waiting"},
		{"an absence closes the slots it frees", func(e *env, _ map[string]any) {
			e.absence(kgdPoly, kgdTherapist, day, day)
		}, "", "waiting"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newBookingEnv(t)
			e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "10:00", nil, 30, 20, 1)) // 09:00 and 09:30
			h := e.mustBook("holder", kgd(kgdTherapist, day+" 09:00"))
			e.mustBook("other", kgd(kgdTherapist, day+" 09:30"))
			r := e.do(req{method: "POST", path: "/waitlist", token: e.token("waiter"),
				body: map[string]any{"institutionId": kgdPoly, "specialization": "Терапевт", "from": day, "to": day, "partOfDay": tc.partOfDay}})
			if r.status != http.StatusCreated || r.json(t)["status"] != "waiting" {
				t.Fatalf("join: %d %s", r.status, r.body)
			}
			id := r.json(t)["id"].(string)
			tc.change(e, h)
			got := e.waitEntry("waiter", id)
			if got["status"] != tc.want {
				t.Fatalf("after %s: %v, want %s", tc.name, got, tc.want)
			}
			offered := e.notificationsOf("waiter")["waitlist_offer"]
			if tc.want == "waiting" {
				if offered != 0 {
					t.Errorf("told of %d offers, want none", offered)
				}
				return
			}
			if offered != 1 {
				t.Errorf("told of %d offers, want 1", offered)
			}
			slot := got["offer"].(map[string]any)["id"].(string)
			if free := e.freeOn(kgdTherapist, day); slices.Contains(free, slot) {
				t.Errorf("the held slot %s is listed free: %v", slot, free)
			}
		})
	}
}

// cancel cancels sub's booking id.
func (e *env) cancel(sub, id string) {
	e.t.Helper()
	if r := e.do(req{method: "POST", path: "/bookings/" + id + "/cancel", token: e.token(sub), body: map[string]any{}}); r.status != http.StatusOK {
		e.t.Fatalf("cancel: %d %s", r.status, r.body)
	}
}

// TestWaitlistExpiryHandsOverToTheNext: on the injected clock, an offer
// nobody answers lapses when the pipeline runs after HoldFor: the entry
// expires, the slot is held for the next in line, who is told once and
// books it; the lapsed holder cannot.
func TestWaitlistExpiryHandsOverToTheNext(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "09:30", nil, 30, 20, 1)) // one slot a day
	const day = "2026-06-18"
	h := e.mustBook("holder", kgd(kgdTherapist, day+" 09:00"))
	first := e.waitFor("first", day)["id"].(string)
	e.clock.Set(bookingMonday.Add(time.Second))
	second := e.waitFor("second", day)["id"].(string)
	e.clock.Set(bookingMonday.Add(time.Minute))
	e.cancel("holder", h["id"].(string))
	if got := e.waitEntry("first", first); got["status"] != "offered" {
		t.Fatalf("first: %v", got)
	}
	// a run before the hold ends changes nothing
	e.clock.Set(bookingMonday.Add(time.Minute + booking.HoldFor - time.Second))
	e.expireOffers()
	if got := e.waitEntry("first", first); got["status"] != "offered" {
		t.Fatalf("first before the hold ends: %v", got)
	}
	if got := e.waitEntry("second", second); got["status"] != "waiting" {
		t.Fatalf("second before the hold ends: %v", got)
	}
	e.clock.Set(bookingMonday.Add(time.Minute + booking.HoldFor))
	e.expireOffers()
	if got := e.waitEntry("first", first); got["status"] != "expired" {
		t.Errorf("first after the hold: %v", got)
	}
	got := e.waitEntry("second", second)
	if got["status"] != "offered" || got["offer"].(map[string]any)["id"] != kgd(kgdTherapist, day+" 09:00") {
		t.Fatalf("second after the first's hold: %v", got)
	}
	e.expireOffers() // a second run hands nothing over twice
	if n := e.notificationsOf("second")["waitlist_offer"]; n != 1 {
		t.Errorf("second told %d times", n)
	}
	assertType(t, e.do(req{method: "POST", path: "/waitlist/" + first + "/accept", token: e.token("first"), body: map[string]any{"slotId": kgd(kgdTherapist, day+" 09:00")}}), http.StatusNotFound, "not-found")
	assertType(t, e.book("first", kgd(kgdTherapist, day+" 09:00")), http.StatusConflict, "slot-taken")
	if r := e.do(req{method: "POST", path: "/waitlist/" + second + "/accept", token: e.token("second"), body: map[string]any{"slotId": kgd(kgdTherapist, day+" 09:00")}}); r.status != http.StatusCreated {
		t.Fatalf("second accepts: %d %s", r.status, r.body)
	}
	if got := e.rawBooked("SPEC#"+kgdTherapist, slotItemSK(local(zoneKgd, day+" 09:00"))); got != 1 {
		t.Errorf("booked %d times", got)
	}
}

// TestWaitlistAcceptNamesTheSlot: an accept naming the slot the person
// was offered books that slot; naming another one is told as a lapsed offer
// (404) and leaves the offer held; a slot id that is no slot's is 422 before
// anything is read; accepting again, naming it, answers the booking (200).
func TestWaitlistAcceptNamesTheSlot(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "10:00", nil, 30, 20, 1))
	day := "2026-06-16"
	offer := e.waitFor("named", day)
	if offer["status"] != "offered" {
		t.Fatalf("a free slot that day: %v", offer)
	}
	held := offer["offer"].(map[string]any)["id"].(string)
	other := kgd(kgdTherapist, day+" 09:30")
	if other == held {
		other = kgd(kgdTherapist, day+" 09:00")
	}
	path := "/waitlist/" + offer["id"].(string) + "/accept"
	accept := func(slot string) resp {
		return e.do(req{method: "POST", path: path, token: e.token("named"), body: map[string]any{"slotId": slot, "mode": "in_person"}})
	}
	for _, tc := range []struct {
		name, slot string
		status     int
		typ        string
	}{
		{"another slot than the one held", other, http.StatusNotFound, "not-found"},
		{"no slot's id", "nonsense", http.StatusUnprocessableEntity, "validation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertType(t, accept(tc.slot), tc.status, tc.typ)
			if got := e.waitEntry("named", offer["id"].(string)); got["status"] != "offered" || got["offer"].(map[string]any)["id"] != held {
				t.Errorf("the offer after it: %v", got)
			}
		})
	}
	first := accept(held)
	if first.status != http.StatusCreated {
		t.Fatalf("accept the slot held: %d %s", first.status, first.body)
	}
	b := first.json(t)
	if got := offer["offer"].(map[string]any)["start"]; b["start"] != got {
		t.Errorf("booked %v, want the slot held, at %v", b["start"], got)
	}
	again := accept(held)
	if again.status != http.StatusOK || again.json(t)["id"] != b["id"] {
		t.Errorf("accept again: %d %s, want 200 with %v", again.status, again.body, b["id"])
	}
	if n := e.bookingItems("named"); n != 1 {
		t.Errorf("%d bookings, want 1", n)
	}
}

// TestWaitlistEndsWhenTheLapsedHoldWasBooked: an offer lapses and someone
// else books its slot before the pipeline ends the entry; the end, whose
// release of the hold no longer holds, is written without it: the entry
// expires, and the booking keeps its slot.
func TestWaitlistEndsWhenTheLapsedHoldWasBooked(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "09:30", nil, 30, 20, 1)) // one slot a day
	day := "2026-06-16"
	offer := e.waitFor("late", day)
	if offer["status"] != "offered" {
		t.Fatalf("the day's slot offered: %v", offer)
	}
	slot := offer["offer"].(map[string]any)["id"].(string)
	e.clock.Set(bookingMonday.Add(time.Minute + booking.HoldFor + time.Second))
	b := e.mustBook("quick", slot)
	e.expireOffers()
	stored := ""
	for _, it := range e.rawItems("late") {
		if store.AttrS(it, "sk") == "WAIT#"+offer["id"].(string) {
			stored = store.AttrS(it, "status")
		}
	}
	if stored != "expired" { // as stored: the view tells a lapsed offer expired already
		t.Errorf("the lapsed entry after the pipeline is stored %q, want expired", stored)
	}
	if r := e.do(req{method: "GET", path: "/bookings/" + b["id"].(string), token: e.token("quick")}); r.status != http.StatusOK || r.json(t)["status"] != "confirmed" {
		t.Errorf("the booking of the lapsed hold's slot: %d %s", r.status, r.body)
	}
	if free := e.freeOn(kgdTherapist, day); len(free) != 0 {
		t.Errorf("the booked slot is listed free: %v", free)
	}
}

// TestWaitlistRetries: joining the same list again, accepting or declining
// again, each answers what the first did (200) and takes nothing more.
func TestWaitlistRetries(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "10:00", nil, 30, 20, 1))
	join := func(sub, day string) resp {
		return e.do(req{method: "POST", path: "/waitlist", token: e.token(sub),
			body: map[string]any{"institutionId": kgdPoly, "specialization": "Терапевт", "from": day, "to": day}})
	}
	first, again := join("w", "2026-06-20"), join("w", "2026-06-20")
	if first.status != http.StatusCreated || again.status != http.StatusOK || first.json(t)["id"] != again.json(t)["id"] {
		t.Fatalf("the same list twice: %d %s, then %d %s", first.status, first.body, again.status, again.body)
	}
	if n := len(items(e.do(req{method: "GET", path: "/waitlist", token: e.token("w")}).json(t))); n != 1 {
		t.Errorf("%d entries, want 1", n)
	}
	offer := join("w", "2026-06-16").json(t) // a free slot that day: offered at once
	if offer["status"] != "offered" {
		t.Fatalf("offer: %v", offer)
	}
	path := "/waitlist/" + offer["id"].(string) + "/accept"
	slot := map[string]any{"slotId": offer["offer"].(map[string]any)["id"]}
	a1 := e.do(req{method: "POST", path: path, token: e.token("w"), body: slot})
	a2 := e.do(req{method: "POST", path: path, token: e.token("w"), body: slot})
	if a1.status != http.StatusCreated || a2.status != http.StatusOK || a1.json(t)["id"] != a2.json(t)["id"] {
		t.Fatalf("accept twice: %d %s, then %d %s", a1.status, a1.body, a2.status, a2.body)
	}
	if n := e.bookingItems("w"); n != 1 {
		t.Errorf("%d bookings, want 1", n)
	}
	decl := join("v", "2026-06-17").json(t)
	path = "/waitlist/" + decl["id"].(string) + "/decline"
	d1 := e.do(req{method: "POST", path: path, token: e.token("v"), body: map[string]any{}})
	d2 := e.do(req{method: "POST", path: path, token: e.token("v"), body: map[string]any{}})
	if d1.status != http.StatusOK || d2.status != http.StatusOK || d2.json(t)["status"] != "declined" {
		t.Fatalf("decline twice: %d %s, then %d %s", d1.status, d1.body, d2.status, d2.body)
	}
	// leaving: gone from the list, a second time 404
	del := "/waitlist/" + first.json(t)["id"].(string)
	if r := e.do(req{method: "DELETE", path: del, token: e.token("w")}); r.status != http.StatusNoContent {
		t.Fatalf("leave: %d %s", r.status, r.body)
	}
	assertType(t, e.do(req{method: "DELETE", path: del, token: e.token("w")}), http.StatusNotFound, "not-found")
	for _, it := range items(e.do(req{method: "GET", path: "/waitlist", token: e.token("w")}).json(t)) {
		if it["id"] == first.json(t)["id"] {
			t.Errorf("a left entry is listed: %v", it)
		}
	}
}

// TestWaitlistOffersBeyondTheFirstPage: thirty people wait for a full day
// and one, behind them, for another; a slot frees on the other day. The
// line is paged through (25 entries a page) until the entry it matches:
// the one behind the thirty is offered it.
func TestWaitlistOffersBeyondTheFirstPage(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "10:00", nil, 30, 20, 1)) // two slots a day
	full, freed := "2026-06-17", "2026-06-18"
	e.mustBook("holder-a", kgd(kgdTherapist, full+" 09:00"))
	e.mustBook("holder-b", kgd(kgdTherapist, full+" 09:30"))
	leaving := e.mustBook("holder-c", kgd(kgdTherapist, freed+" 09:00"))
	e.mustBook("holder-d", kgd(kgdTherapist, freed+" 09:30"))
	for i := range 30 {
		e.clock.Set(bookingMonday.Add(time.Duration(i+1) * time.Second)) // the line's order
		e.waitFor(fmt.Sprintf("early-%02d", i), full)
	}
	e.clock.Set(bookingMonday.Add(time.Minute))
	late := e.waitFor("late", freed)
	e.clock.Set(bookingMonday.Add(2 * time.Minute))
	if r := e.do(req{method: "POST", path: "/bookings/" + leaving["id"].(string) + "/cancel", token: e.token("holder-c"), body: map[string]any{}}); r.status != 200 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	got := e.waitEntry("late", late["id"].(string))
	if offer, _ := got["offer"].(map[string]any); got["status"] != "offered" || offer == nil || offer["id"] != kgd(kgdTherapist, freed+" 09:00") {
		t.Errorf("the 31st in line, the only one waiting for %s: %v; want its 09:00 offered", freed, got)
	}
}
