package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/app/core"
)

// crashAfter lets `after` TransactWriteItems calls through, then fails
// every later attempt as an unreachable DynamoDB does: a run that dies
// midway.
type crashAfter struct {
	mu    sync.Mutex
	after int
	calls int
}

func (c *crashAfter) middleware(st *middleware.Stack) error {
	return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("kabinetCrash",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if awsmiddleware.GetOperationName(ctx) == "TransactWriteItems" {
				c.mu.Lock()
				c.calls++
				dead := c.calls > c.after
				c.mu.Unlock()
				if dead {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("injected: the function died")
				}
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}

// dyingAfter is e's API on the same table and clock, served by a function
// whose DynamoDB dies after `after` transactions (crashAfter); its server
// stops with the test.
func (e *env) dyingAfter(after int) *env {
	return e.servedBy(core.Config{}, (&crashAfter{after: after}).middleware)
}

// servedBy is e's API on the same table, clock and token issuer, composed
// from c (its Table e's) on a DynamoDB client with middleware added (nil:
// none); its server stops with the test.
func (e *env) servedBy(c core.Config, middleware func(*middleware.Stack) error) *env {
	e.t.Helper()
	cl, err := core.NewClients(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	if middleware != nil {
		cl.DynamoDB = dynamodb.NewFromConfig(cl.AWS, func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, middleware) })
	}
	c.Table = e.table
	verifier := &httpapi.TokenVerifier{Key: &e.issuer.Key.PublicKey, Issuer: httpapi.LocalIssuer, Audience: httpapi.TokenAudience, Now: e.clock.Now}
	srv := httptest.NewServer(apiHandler(e.t, c, cl, nil, e.clock.Now, slog.New(slog.DiscardHandler), verifier.Authenticate))
	e.t.Cleanup(srv.Close)
	return &env{t: e.t, srv: srv, clock: e.clock, issuer: e.issuer, db: e.db, table: e.table, logs: e.logs}
}

// notificationsOf counts sub's inbox notifications by kind.
func (e *env) notificationsOf(sub string) map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, it := range e.rawItems(sub) {
		if sk, ok := it["sk"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(sk.Value, "NOTIF#") {
			out[it["type"].(*types.AttributeValueMemberS).Value]++
		}
	}
	return out
}

// TestAbsenceCancelsADayResumably: 200 bookings on a specialist's day; the
// absence's run dies after a quarter of its transactions; declaring the
// same day again finishes it. Every booking ends cancelled by the
// institution with offers, its slot closed, and every person told exactly
// once; nothing is half-cancelled.
func TestAbsenceCancelsADayResumably(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("03:00", "20:00", nil, 5, 200, 2))
	const n = 200
	type booked struct{ sub, id string }
	var all []booked
	free := e.freeOn(kgdTherapist, "2026-06-16")
	if len(free) < n {
		t.Fatalf("%d free slots, want %d", len(free), n)
	}
	for i := range n { // one after another: at once they would contend for the specialist's day
		sub := fmt.Sprintf("sick-%03d", i)
		all = append(all, booked{sub, e.mustBook(sub, free[i])["id"].(string)})
	}
	body := map[string]any{"from": "2026-06-16", "to": "2026-06-16", "reason": "Врач заболел"}

	// the first run dies midway
	dying := e.dyingAfter(n / 4)
	r := dying.do(req{method: "POST", path: "/specialists/" + kgdTherapist + "/absences", token: e.staff(kgdPoly), body: body})
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("the dying run: %d %s, want 503", r.status, r.body)
	}
	cancelled := 0
	for _, b := range all {
		g := e.do(req{method: "GET", path: "/bookings/" + b.id, token: e.token(b.sub)}).json(t)
		if g["status"] == "cancelled" {
			cancelled++
		}
	}
	if cancelled == 0 || cancelled == n {
		t.Fatalf("the dying run cancelled %d of %d: the crash is not midway", cancelled, n)
	}

	// the same period again: the run is finished, not started twice
	r = e.do(req{method: "POST", path: "/specialists/" + kgdTherapist + "/absences", token: e.staff(kgdPoly), body: body})
	if r.status != http.StatusOK {
		t.Fatalf("the resumed run: %d %s, want 200", r.status, r.body)
	}
	if a := r.json(t); a["status"] != "done" || a["cancelled"].(float64) != n {
		t.Errorf("absence %v: want done with %d cancelled", a, n)
	}
	for _, b := range all {
		g := e.do(req{method: "GET", path: "/bookings/" + b.id, token: e.token(b.sub)}).json(t)
		offers, _ := g["offeredSlots"].([]any)
		if g["status"] != "cancelled" || g["cancelledBy"] != "institution" || len(offers) == 0 {
			t.Fatalf("booking of %s: %v; want cancelled by the institution with offers", b.sub, g)
		}
		for _, o := range offers {
			if strings.HasPrefix(o.(map[string]any)["start"].(string), "2026-06-16") {
				t.Errorf("an offer in the absence: %v", o)
			}
		}
		if got := e.notificationsOf(b.sub); got["booking_cancelled"] != 1 || got["booking_confirmed"] != 1 {
			t.Fatalf("%s was told %v; want one confirmation and one cancellation", b.sub, got)
		}
	}
	if free := e.freeOn(kgdTherapist, "2026-06-16"); len(free) != 0 {
		t.Errorf("the absent day still offers %d free slots", len(free))
	}
	if got := e.rawBooked("SPEC#"+kgdTherapist, "DAY#2026-06-16"); got != 0 {
		t.Errorf("the day counts %d bookings, want 0", got)
	}
	// a third time: nothing more
	r = e.do(req{method: "POST", path: "/specialists/" + kgdTherapist + "/absences", token: e.staff(kgdPoly), body: body})
	if r.status != http.StatusOK || e.notificationsOf(all[0].sub)["booking_cancelled"] != 1 {
		t.Errorf("declared again: %d %s", r.status, r.body)
	}
	// a schedule set again does not reopen the absent day
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("03:00", "20:00", nil, 10, 200, 2))
	if free := e.freeOn(kgdTherapist, "2026-06-16"); len(free) != 0 {
		t.Errorf("a new schedule reopened %d slots of the absent day", len(free))
	}
}

// TestAbsenceRulesAndRebook: who may declare an absence, what it refuses,
// and the rebooking it offers.
func TestAbsenceRulesAndRebook(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 20, 2))
	e.setSchedule(kgdPoly, kgdPediatric, weekdaysPlan("09:00", "13:00", nil, 30, 20, 2))
	e.setSchedule(kgdHospital, kgdEyes, weekdaysPlan("09:00", "13:00", nil, 30, 20, 2))
	mine := e.mustBook("rebooker", kgd(kgdTherapist, "2026-06-17 10:00"))
	kept := e.mustBook("rebooker", kgd(kgdTherapist, "2026-06-18 10:00"))
	path := "/specialists/" + kgdTherapist + "/absences"
	for _, tc := range []struct {
		name   string
		token  string
		body   map[string]any
		status int
		slug   string
		fields []string
	}{
		{"a citizen", e.token("rebooker"), map[string]any{"from": "2026-06-17", "to": "2026-06-17", "reason": "x"}, 403, "staff-only", nil},
		{"another institution's staff", e.staff(kgdHospital), map[string]any{"from": "2026-06-17", "to": "2026-06-17", "reason": "x"}, 403, "other-institution", nil},
		{"no reason", e.staff(kgdPoly), map[string]any{"from": "2026-06-17", "to": "2026-06-17", "reason": " "}, 422, "validation", []string{"reason:required"}},
		{"to before from", e.staff(kgdPoly), map[string]any{"from": "2026-06-17", "to": "2026-06-16", "reason": "x"}, 422, "validation", []string{"to:before_from"}},
		{"longer than 92 days", e.staff(kgdPoly), map[string]any{"from": "2026-06-17", "to": "2026-12-17", "reason": "x"}, 422, "validation", []string{"to:range_too_long"}},
		{"in the past", e.staff(kgdPoly), map[string]any{"from": "2026-06-01", "to": "2026-06-02", "reason": "x"}, 422, "validation", []string{"to:in_past"}},
		{"not a date", e.staff(kgdPoly), map[string]any{"from": "2026-06-31", "to": "tomorrow", "reason": "x"}, 422, "validation", []string{"from:invalid_date", "to:invalid_date"}},
		{"an unknown field", e.staff(kgdPoly), map[string]any{"from": "2026-06-17", "to": "2026-06-17", "reason": "x", "status": "done"}, 400, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.rawItems("rebooker")
			r := e.do(req{method: "POST", path: path, token: tc.token, body: tc.body})
			assertType(t, r, tc.status, tc.slug, tc.fields...)
			if after := e.rawItems("rebooker"); len(after) != len(before) {
				t.Errorf("a refused absence changed the person's items")
			}
		})
	}
	// instants: 09:30 to 11:00 on the 17th
	a := e.absence(kgdPoly, kgdTherapist, "2026-06-17T09:30:00+02:00", "2026-06-17T11:00:00+02:00")
	if a["status"] != "done" || a["cancelled"].(float64) != 1 {
		t.Errorf("absence %v: want done, one cancelled", a)
	}
	t.Run("an overlapping absence", func(t *testing.T) {
		r := e.do(req{method: "POST", path: path, token: e.staff(kgdPoly), body: map[string]any{"from": "2026-06-17", "to": "2026-06-17", "reason": "x"}})
		assertType(t, r, http.StatusConflict, "absence-overlaps")
	})
	if got := e.do(req{method: "GET", path: "/bookings/" + kept["id"].(string), token: e.token("rebooker")}).json(t); got["status"] != "confirmed" {
		t.Errorf("a booking outside the absence: %v", got["status"])
	}
	got := e.do(req{method: "GET", path: "/bookings/" + mine["id"].(string), token: e.token("rebooker")}).json(t)
	offers, _ := got["offeredSlots"].([]any)
	if len(offers) != 3 {
		t.Fatalf("offers %v, want 3", got["offeredSlots"])
	}
	first := offers[0].(map[string]any)
	if first["id"] != kgd(kgdTherapist, "2026-06-15 09:00") || first["specialistName"] == "" {
		t.Errorf("first offer %v: want the earliest free therapist slot", first)
	}
	rebook := func(id, slot string) resp {
		return e.do(req{method: "POST", path: "/bookings/" + id + "/rebook", token: e.token("rebooker"), body: map[string]any{"slotId": slot}})
	}
	assertType(t, rebook(mine["id"].(string), kgd(kgdPediatric, "2026-06-16 11:00")), 422, "validation", "slotId:other_specialization") // another specialization
	assertType(t, rebook(mine["id"].(string), kgd(kgdEyes, "2026-06-16 11:00")), 422, "validation", "slotId:other_specialization")      // another institution
	assertType(t, rebook(kept["id"].(string), kgd(kgdTherapist, "2026-06-16 11:00")), 409, "not-rebookable")
	r := rebook(mine["id"].(string), first["id"].(string))
	if r.status != http.StatusCreated {
		t.Fatalf("rebook: %d %s", r.status, r.body)
	}
	nb := r.json(t)
	again := rebook(mine["id"].(string), kgd(kgdTherapist, "2026-06-16 12:00"))
	if again.status != http.StatusOK || again.json(t)["id"] != nb["id"] {
		t.Errorf("a second rebook: %d %s; want the first rebooking, 200", again.status, again.body)
	}
	if other := e.do(req{method: "POST", path: "/bookings/" + mine["id"].(string) + "/rebook", token: e.token("someone"),
		body: map[string]any{"slotId": kgd(kgdTherapist, "2026-06-16 12:00")}}); other.status != http.StatusNotFound {
		t.Errorf("someone else's rebook: %d", other.status)
	}
	if got := e.notificationsOf("rebooker"); got["booking_cancelled"] != 1 || got["booking_confirmed"] != 3 {
		t.Errorf("told %v: want the cancellation once and three confirmations", got)
	}
}

// bookBefore books slot for sub through e's API just before the first
// TransactWriteItems of the client it is the middleware of goes on: a
// booking made after the absence read the day, before it closed the slots.
type bookBefore struct {
	once      sync.Once
	e         *env
	sub, slot string
	id        string // the booking made
}

func (b *bookBefore) middleware(st *middleware.Stack) error {
	return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("kabinetBookBefore",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if awsmiddleware.GetOperationName(ctx) == "TransactWriteItems" {
				b.once.Do(func() { b.id = b.e.mustBook(b.sub, b.slot)["id"].(string) })
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}

// TestAbsenceCancelsABookingMadeMeanwhile: the absence reads the day's
// slots and bookings at once, then writes; a booking made in between (on a
// slot it read free) keeps that slot from closing, so the day's bookings
// are read again and that booking is cancelled too: nobody keeps an
// appointment with an absent specialist.
func TestAbsenceCancelsABookingMadeMeanwhile(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "10:00", nil, 30, 20, 1))
	day := "2026-06-17"
	early := e.mustBook("early", kgd(kgdTherapist, day+" 09:00"))
	late := &bookBefore{e: e, sub: "late", slot: kgd(kgdTherapist, day+" 09:30")}
	r := e.servedBy(core.Config{}, late.middleware).do(req{method: "POST", path: "/specialists/" + kgdTherapist + "/absences", token: e.staff(kgdPoly),
		body: map[string]any{"from": day, "to": day, "reason": "Врач заболел"}})
	if r.status != http.StatusCreated {
		t.Fatalf("the absence: %d %s", r.status, r.body)
	}
	if a := r.json(t); a["status"] != "done" || a["cancelled"] != 2.0 {
		t.Errorf("absence %v: want done with both bookings cancelled", a)
	}
	for sub, id := range map[string]string{"early": early["id"].(string), "late": late.id} {
		if g := e.do(req{method: "GET", path: "/bookings/" + id, token: e.token(sub)}).json(t); g["status"] != "cancelled" || g["cancelledBy"] != "institution" {
			t.Errorf("%s's booking: %v, want cancelled by the institution", sub, g)
		}
	}
	if free := e.freeOn(kgdTherapist, day); len(free) != 0 {
		t.Errorf("the absent day offers %v", free)
	}
}
