package httpapi_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

// Idempotency-Key (store/idempotency.go): a create claims its key in the
// transaction that writes what it creates, so a failed request leaves the
// key free; the same key with the same body answers what the first request
// created (Idempotent-Replayed: true); with another body it is 422
// idempotency-key-reused; claims count for idempotency.TTL on the
// API's clock and are per person. One table over every POST that takes the
// header; every other POST of the route table says why it needs none.

// idemCreate is one POST that takes Idempotency-Key.
type idemCreate struct {
	pattern string
	// status is the success status; replays answer it too.
	status int
	// request is the variant-th distinct request of sub (without token or
	// key): variants differ in their body or in the object they act on. The
	// same sub and variant always give the same request.
	request func(sub string, variant int) req
	// count counts what the route made for sub (one object per success).
	count func(sub string) int
	// failing is a request of sub that fails without writing, and the fix:
	// the request to retry with the same key once the cause is removed.
	failing func(sub string) (fail req, fix func() req)
	// release frees what the first object holds, so the same request could
	// succeed again once its key expired (a booking's slot and day).
	release func(sub string, first map[string]any)
	// expired is the status of the same request once the key expired:
	// status again (a new object), or a refusal when the route acts on an
	// object the first request already changed.
	expired     int
	expiredSlug string
	// expiredSame: once the key expired the same request returns the first
	// object again, because the route allows one open at a time (a
	// document's renewal draft).
	expiredSame bool
}

// idemNotCreates are the POSTs that do not take Idempotency-Key, and why
// they need none. A POST of the route table in neither map fails the suite.
var idemNotCreates = map[string]string{
	"POST /family/{personId}/handover":               "replaces the one code: a repeat makes a new code and the old one stops working",
	"POST /family/handover/redeem":                   "a repeat by the same person answers the same (and finishes a move that stopped)",
	"POST /documents/{id}/archive":                   "a state change: a repeat is 409, nothing new is made",
	"POST /documents/{id}/unarchive":                 "a state change: a repeat is 409, nothing new is made",
	"POST /documents/{id}/reminders/ack":             "a state change: a repeat is 409 nothing-to-ack",
	"POST /documents/{id}/reminders/snooze":          "sets a date: a repeat sets the same date",
	"POST /notifications/{id}/read":                  "a repeat keeps the first readAt",
	"POST /bookings/{id}/reschedule":                 "moves the one booking: a repeat is 422 same_slot",
	"POST /bookings/{id}/cancel":                     "a state change: a repeat is 409 not-active",
	"POST /bookings/{id}/visit":                      "a state change: a repeat is 409 not-active",
	"POST /bookings/{id}/rebook":                     "once per cancelled booking, by a claim of its own: a repeat answers the first rebooking (200)",
	"POST /specialists/{id}/absences":                "the same period again finishes or answers its absence (200); an overlapping one is 409",
	"POST /applications/validate":                    "stores nothing",
	"POST /applications/{id}/withdraw":               "a state change: a repeat is 409 invalid-transition",
	"POST /applications/{id}/respond":                "a state change: a repeat is 409 invalid-transition",
	"POST /applications/{id}/assign":                 "sets the assignee: a repeat assigns the same clerk again, a no-op",
	"POST /applications/{id}/transitions":            "a state change: a repeat is 409 invalid-transition",
	"POST /consents":                                 "idempotent by nature: the same consent again answers 200 with it (TestConsentRetries)",
	"POST /profile/erasure":                          "idempotent by nature: asking again answers the erasure under way (TestAccountErasure)",
	"POST /profile/contacts/verify":                  "a state change: verifying a verified contact again answers the same profile",
	"POST /profile/contacts/resend":                  "replaces the one code of the contact: a repeat makes no second one (and is capped per hour)",
	"POST /waitlist":                                 "idempotent by nature: the same list again answers 200 with the active entry, one place (TestWaitlistRetries)",
	"POST /waitlist/{id}/accept":                     "once per offer: a repeat answers the booking the first made, 200 (TestWaitlistRetries)",
	"POST /waitlist/{id}/decline":                    "a state change: a repeat answers the declined entry, 200 (TestWaitlistRetries)",
	"POST /documents/{id}/files/{fileId}/complete":   "a state change: a repeat is 409 already_completed",
	"POST /documents/{id}/files/{fileId}/signatures": "a repeat verifies again and keeps one more result (at most 5): no object is made",
}

// countItems counts the items of a list answer.
func (e *env) countItems(sub, path string) int {
	e.t.Helper()
	r := e.do(req{method: "GET", path: path, token: e.token(sub)})
	if r.status != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", path, r.status, r.body)
	}
	return len(items(r.json(e.t)))
}

func idemCreates(e *env) []idemCreate {
	post := func(path string, body any) req { return req{method: "POST", path: path, body: body} }
	memo := map[string]req{}
	once := func(k string, mk func() req) req {
		if r, ok := memo[k]; ok {
			return r
		}
		memo[k] = mk()
		return memo[k]
	}
	// Slots are handed out in turn over the week, so that two requests of
	// one person fall on different days (one booking a day a specialist).
	slotN := 0
	nextSlot := func() string {
		days := []string{"2026-06-16", "2026-06-17", "2026-06-18", "2026-06-19"}
		at := local(zoneKgd, days[slotN%len(days)]+" 09:00").Add(time.Duration(slotN/len(days)) * 30 * time.Minute)
		slotN++
		return kgd(kgdPediatric, at.In(mustZone(zoneKgd)).Format("2006-01-02 15:04"))
	}
	renewable := func(sub string) string {
		return e.mustCreate(sub, map[string]any{"type": "foreign_passport", "number": "75 1234567", "issuedOn": "2016-08-01"})["id"].(string)
	}
	fileDoc := func(sub string) string {
		r := once("doc "+sub, func() req {
			return req{path: e.mustCreate(sub, map[string]any{"type": "custom", "title": "Сканы"})["id"].(string)}
		})
		return r.path
	}
	fileBody := func(v int) map[string]any {
		return map[string]any{"name": fmt.Sprintf("скан-%d.pdf", v), "contentType": "application/pdf", "size": 100 + v, "sha256": strings.Repeat("ab", 32)}
	}
	shareBody := func(v int) map[string]any {
		return map[string]any{"institutionId": kgdPoly, "until": e.clock.Now().Add(time.Duration(10*(v+2)) * 24 * time.Hour).Format(time.RFC3339)}
	}
	return []idemCreate{
		{
			pattern: "POST /family", status: http.StatusCreated, expired: http.StatusCreated,
			request: func(sub string, v int) req {
				return post("/family", map[string]any{"name": fmt.Sprintf("Маша %d", v), "birthDate": "2015-03-01", "relation": "child"})
			},
			count: func(sub string) int { return e.countItems(sub, "/family") },
			failing: func(sub string) (req, func() req) {
				return post("/family", map[string]any{"name": "Маша 0", "birthDate": "2015-03-01"}), // relation:required
					func() req {
						return post("/family", map[string]any{"name": "Маша 0", "birthDate": "2015-03-01", "relation": "child"})
					}
			},
		},
		{
			pattern: "POST /documents/{id}/shares", status: http.StatusCreated, expired: http.StatusCreated,
			request: func(sub string, v int) req {
				return once(fmt.Sprintf("share %s %d", sub, v), func() req { return post("/documents/"+fileDoc(sub)+"/shares", shareBody(v)) })
			},
			count: func(sub string) int { return e.countItems(sub, "/documents/"+fileDoc(sub)+"/shares") },
			failing: func(sub string) (req, func() req) {
				return post("/documents/"+fileDoc(sub)+"/shares", map[string]any{"institutionId": "inst-nowhere", "until": e.clock.Now().Add(time.Hour).Format(time.RFC3339)}),
					func() req { return post("/documents/"+fileDoc(sub)+"/shares", shareBody(0)) }
			},
		},
		{
			pattern: "POST /documents/{id}/files", status: http.StatusCreated, expired: http.StatusCreated,
			request: func(sub string, v int) req { return post("/documents/"+fileDoc(sub)+"/files", fileBody(v)) },
			// The records themselves: listing would reap the uploads whose
			// URL expired unused, as the expiry step's clock makes them.
			count: func(sub string) int {
				n := 0
				for _, it := range e.rawItems(sub) {
					if sk, ok := it["sk"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(sk.Value, "FILE#") {
						n++
					}
				}
				return n
			},
			failing: func(sub string) (req, func() req) {
				bad := fileBody(0)
				bad["sha256"] = "nope" // 422 invalid_sha256
				return post("/documents/"+fileDoc(sub)+"/files", bad),
					func() req { return post("/documents/"+fileDoc(sub)+"/files", fileBody(0)) }
			},
		},
		{
			pattern: "POST /documents", status: http.StatusCreated, expired: http.StatusCreated,
			request: func(sub string, v int) req {
				return post("/documents", map[string]any{"type": "custom", "title": fmt.Sprintf("Пропуск %d", v)})
			},
			count: func(sub string) int { return e.countItems(sub, "/documents?limit=100") },
			failing: func(sub string) (req, func() req) {
				return post("/documents", map[string]any{"type": "custom"}), // title:required
					func() req { return post("/documents", map[string]any{"type": "custom", "title": "Пропуск 0"}) }
			},
		},
		{
			pattern: "POST /bookings", status: http.StatusCreated, expired: http.StatusCreated,
			request: func(sub string, v int) req {
				return once(fmt.Sprintf("book %s %d", sub, v), func() req { return post("/bookings", bookBody(nextSlot(), "in_person")) })
			},
			count: func(sub string) int { return e.bookingItems(sub) },
			failing: func(sub string) (req, func() req) {
				taken := nextSlot()
				e.mustBook("blocker-"+sub, taken)
				return post("/bookings", bookBody(taken, "in_person")), // 409 slot-taken
					func() req { return post("/bookings", bookBody(nextSlot(), "in_person")) }
			},
			release: func(sub string, first map[string]any) {
				if r := e.do(req{method: "POST", path: "/bookings/" + first["id"].(string) + "/cancel", token: e.token(sub), body: map[string]any{}}); r.status != http.StatusOK {
					e.t.Fatalf("cancel: %d %s", r.status, r.body)
				}
			},
		},
		{
			pattern: "POST /applications", status: http.StatusCreated, expired: http.StatusCreated,
			request: func(sub string, v int) req {
				return post("/applications", map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{"postalCode": fmt.Sprintf("1010%02d", v)}})
			},
			count: func(sub string) int { return e.countItems(sub, "/applications?limit=100") },
			failing: func(sub string) (req, func() req) {
				return post("/applications", map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{"inn": "7707083894"}}), // fields.inn:invalid_inn
					func() req {
						return post("/applications", map[string]any{"serviceCode": "certificate_request", "fields": map[string]any{"inn": "7707083893"}})
					}
			},
		},
		{
			pattern: "POST /documents/{id}/renew", status: http.StatusCreated, expired: http.StatusCreated, expiredSame: true,
			request: func(sub string, v int) req {
				return once(fmt.Sprintf("renew %s %d", sub, v), func() req { return post("/documents/"+renewable(sub)+"/renew", nil) })
			},
			count: func(sub string) int { return e.countItems(sub, "/applications?limit=100") },
			failing: func(sub string) (req, func() req) {
				id := renewable(sub)
				if r := e.do(req{method: "POST", path: "/documents/" + id + "/archive", token: e.token(sub)}); r.status != http.StatusOK {
					e.t.Fatalf("archive: %d %s", r.status, r.body)
				}
				r := post("/documents/"+id+"/renew", nil) // 409 not-renewable
				return r, func() req {
					if u := e.do(req{method: "POST", path: "/documents/" + id + "/unarchive", token: e.token(sub)}); u.status != http.StatusOK {
						e.t.Fatalf("unarchive: %d %s", u.status, u.body)
					}
					return r
				}
			},
		},
		{
			// Not a create: the submit's transition and receipt number are
			// what is made once. After the key expired the same request
			// finds the application already received.
			pattern: "POST /applications/{id}/submit", status: http.StatusOK, expired: http.StatusConflict, expiredSlug: "invalid-transition",
			request: func(sub string, v int) req {
				return once(fmt.Sprintf("submit %s %d", sub, v), func() req {
					return post("/applications/"+e.mustDraft(sub, "certificate_request", certificateFields())["id"].(string)+"/submit", nil)
				})
			},
			count: func(sub string) int { return e.countItems(sub, "/applications?status=received&limit=100") },
			failing: func(sub string) (req, func() req) {
				id := e.mustDraft(sub, "certificate_request", map[string]any{"inn": "7707083893"})["id"].(string)
				r := post("/applications/"+id+"/submit", nil) // 422: required fields missing
				return r, func() req {
					if p := e.do(req{method: "PATCH", path: "/applications/" + id, token: e.token(sub), header: map[string]string{"If-Match": `"1"`},
						body: map[string]any{"fields": certificateFields()}}); p.status != http.StatusOK {
						e.t.Fatalf("complete the draft: %d %s", p.status, p.body)
					}
					return r
				}
			},
		},
	}
}

// TestIdempotency runs every idempotent POST through replay, concurrent
// duplicates, a reused key, a malformed key, failure then retry, expiry by
// the clock, and keys of two people.
func TestIdempotency(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdPediatric, weekdaysPlan("09:00", "17:00", nil, 30, 200, 1))
	start := e.clock.Now()
	creates := idemCreates(e)

	t.Run("every POST is classified", func(t *testing.T) {
		posts := map[string]bool{}
		for _, rt := range functions.Routes() {
			if rt.Method() != "POST" {
				continue
			}
			posts[rt.Pattern] = true
			in := slices.ContainsFunc(creates, func(c idemCreate) bool { return c.pattern == rt.Pattern })
			_, out := idemNotCreates[rt.Pattern]
			if in == out {
				t.Errorf("%s: in idemCreates %v, in idemNotCreates %v; want exactly one", rt.Pattern, in, out)
			}
		}
		for _, c := range creates {
			if !posts[c.pattern] {
				t.Errorf("idemCreates has %s, which is not a POST route any more", c.pattern)
			}
		}
		for p := range idemNotCreates {
			if !posts[p] {
				t.Errorf("idemNotCreates has %s, which is not a POST route any more", p)
			}
		}
	})

	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	with := func(r req, sub, k string) req {
		r.token, r.header = e.token(sub), key(k)
		return r
	}
	created := func(t *testing.T, c idemCreate, r resp) map[string]any {
		t.Helper()
		if r.status != c.status {
			t.Fatalf("status = %d, want %d: %s", r.status, c.status, r.body)
		}
		return r.json(t)
	}

	for i, c := range creates {
		person := func(what string) string { return fmt.Sprintf("idem%d-%s", i, what) }
		t.Run(c.pattern, func(t *testing.T) {
			t.Run("replay", func(t *testing.T) {
				sub := person("replay")
				first := e.do(with(c.request(sub, 0), sub, "replay-1"))
				got := created(t, c, first)
				if h := first.header.Get("Idempotent-Replayed"); h != "" {
					t.Errorf("the first request is marked Idempotent-Replayed: %q", h)
				}
				again := e.do(with(c.request(sub, 0), sub, "replay-1"))
				if h := again.header.Get("Idempotent-Replayed"); h != "true" {
					t.Errorf("the replay's Idempotent-Replayed = %q, want true", h)
				}
				if replayed := created(t, c, again); !reflect.DeepEqual(replayed, got) {
					t.Errorf("the replay answers\n%v\nthe first request\n%v", replayed, got)
				}
				if loc := first.header.Get("Location"); loc != again.header.Get("Location") {
					t.Errorf("Location %q, on replay %q", loc, again.header.Get("Location"))
				}
				if n := c.count(sub); n != 1 {
					t.Errorf("%d objects stored, want 1", n)
				}
			})

			t.Run("concurrent duplicates", func(t *testing.T) {
				sub := person("race")
				reqs := make([]req, 10)
				for j := range reqs {
					reqs[j] = with(c.request(sub, 0), sub, "race-1")
				}
				ids, replayed, won := map[string]int{}, 0, 0
				rs := e.doAll(reqs)
				for _, r := range rs {
					if r.status != c.status {
						continue
					}
					ids[fmt.Sprint(r.json(t)["id"])]++
					if r.header.Get("Idempotent-Replayed") == "true" {
						replayed++
					} else {
						won++
					}
				}
				got := outcomes(rs)
				if got[fmt.Sprint(c.status)] != len(reqs) {
					t.Errorf("outcomes = %v, want %d × %d", got, len(reqs), c.status)
				}
				if len(ids) != 1 || won != 1 {
					t.Errorf("ids %v, %d answered as the first; want one id and one first", ids, won)
				}
				if n := c.count(sub); n != 1 {
					t.Errorf("%d objects stored, want 1", n)
				}
				// whoever lost the race gets the object on a retry
				again := e.do(reqs[0])
				if r := created(t, c, again); len(ids) == 1 && ids[fmt.Sprint(r["id"])] == 0 || again.header.Get("Idempotent-Replayed") != "true" {
					t.Errorf("a retry after the race: %s", again.body)
				}
			})

			t.Run("the same key with another request", func(t *testing.T) {
				sub := person("reuse")
				created(t, c, e.do(with(c.request(sub, 0), sub, "reuse-1")))
				other := c.request(sub, 1)
				before := e.scanTable()
				assertType(t, e.do(with(other, sub, "reuse-1")), http.StatusUnprocessableEntity, "idempotency-key-reused")
				if after := e.scanTable(); !reflect.DeepEqual(before, after) {
					t.Errorf("the refused request wrote something")
				}
				if n := c.count(sub); n != 1 {
					t.Errorf("%d objects stored, want 1", n)
				}
				// without the key the other request is fine: the key was the only obstacle
				r := other
				r.token = e.token(sub)
				created(t, c, e.do(r))
			})

			t.Run("a malformed key", func(t *testing.T) {
				sub := person("malformed")
				r := with(c.request(sub, 0), sub, "has space")
				before := e.scanTable()
				assertProblem(t, e.do(r), http.StatusBadRequest, "Idempotency-Key:invalid_header")
				r.header = key(strings.Repeat("k", 129))
				assertProblem(t, e.do(r), http.StatusBadRequest, "Idempotency-Key:invalid_header")
				if after := e.scanTable(); !reflect.DeepEqual(before, after) {
					t.Errorf("a malformed key wrote something")
				}
			})

			t.Run("failure then retry", func(t *testing.T) {
				sub := person("retry")
				fail, fix := c.failing(sub)
				before := e.scanTable()
				r := e.do(with(fail, sub, "retry-1"))
				if r.status < 400 || r.status >= 500 {
					t.Fatalf("the first attempt answered %d, want a refusal: %s", r.status, r.body)
				}
				assertProblem(t, r, r.status)
				if after := e.scanTable(); !reflect.DeepEqual(before, after) {
					t.Fatalf("the failed attempt wrote something: the key must stay free")
				}
				fixed := fix()
				retry := e.do(with(fixed, sub, "retry-1"))
				got := created(t, c, retry)
				if retry.header.Get("Idempotent-Replayed") != "" {
					t.Errorf("the retry after a failure is marked replayed")
				}
				if n := c.count(sub); n != 1 {
					t.Errorf("%d objects stored, want 1", n)
				}
				// the success, not the failure, is what the key now holds
				again := e.do(with(fixed, sub, "retry-1"))
				if created(t, c, again)["id"] != got["id"] || again.header.Get("Idempotent-Replayed") != "true" {
					t.Errorf("after the retry the key replays %s", again.body)
				}
			})

			t.Run("keys are per person", func(t *testing.T) {
				alice, bob := person("alice"), person("bob")
				mine := created(t, c, e.do(with(c.request(alice, 0), alice, "shared-1")))
				r := e.do(with(c.request(bob, 0), bob, "shared-1"))
				theirs := created(t, c, r)
				if r.header.Get("Idempotent-Replayed") != "" || theirs["id"] == mine["id"] {
					t.Errorf("bob with alice's key got %v (replayed %q)", theirs["id"], r.header.Get("Idempotent-Replayed"))
				}
				if again := e.do(with(c.request(alice, 0), alice, "shared-1")); created(t, c, again)["id"] != mine["id"] {
					t.Errorf("alice's key no longer replays hers: %s", again.body)
				}
				if n, m := c.count(alice), c.count(bob); n != 1 || m != 1 {
					t.Errorf("alice has %d, bob %d objects; want 1 each", n, m)
				}
			})

			t.Run("expiry by the clock", func(t *testing.T) {
				defer e.clock.Set(start)
				sub := person("expiry")
				r := c.request(sub, 0)
				first := created(t, c, e.do(with(r, sub, "expiry-1")))
				if c.release != nil {
					c.release(sub, first)
				}
				e.clock.Set(start.Add(idempotency.TTL - time.Second))
				just := e.do(with(r, sub, "expiry-1"))
				if created(t, c, just)["id"] != first["id"] || just.header.Get("Idempotent-Replayed") != "true" {
					t.Errorf("a second before expiry: %s, want the replay of %v", just.body, first["id"])
				}
				e.clock.Set(start.Add(idempotency.TTL + time.Second))
				late := e.do(with(r, sub, "expiry-1"))
				if c.expired != c.status {
					assertType(t, late, c.expired, c.expiredSlug)
					if n := c.count(sub); n != 1 {
						t.Errorf("%d objects stored, want 1", n)
					}
					return
				}
				got := created(t, c, late)
				if c.expiredSame {
					if got["id"] != first["id"] || c.count(sub) != 1 {
						t.Errorf("a second after expiry: %s, want %v again, alone", late.body, first["id"])
					}
					return
				}
				if got["id"] == first["id"] || late.header.Get("Idempotent-Replayed") != "" {
					t.Errorf("a second after expiry: %s, want a new object", late.body)
				}
				if n := c.count(sub); n != 2 {
					t.Errorf("%d objects stored, want 2", n)
				}
			})
		})
	}

	t.Run("a key is per kind of create", func(t *testing.T) {
		const sub = "idem-kinds"
		for _, c := range creates[:3] { // documents, bookings, applications: three scopes
			created(t, c, e.do(with(c.request(sub, 0), sub, "one-key")))
		}
	})
}

// TestConsentRetries: POST /consents needs no Idempotency-Key (see
// idemNotCreates): the same consent again, concurrently or later, answers
// 200 with the one stored; another consent to that organisation is 409.
func TestConsentRetries(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"organizationId": "acme", "documentTypes": []string{"osago", "drivers_licence"}}
	reqs := make([]req, 10)
	for i := range reqs {
		reqs[i] = req{method: "POST", path: "/consents", token: e.token("alice"), body: body}
	}
	rs := e.doAll(reqs)
	if got := outcomes(rs); got["201"] != 1 || got["200"] != len(reqs)-1 {
		t.Errorf("outcomes = %v, want one 201 and the rest 200", got)
	}
	ids := map[any]bool{}
	for _, r := range rs {
		ids[r.json(t)["id"]] = true
	}
	if len(ids) != 1 {
		t.Errorf("answered ids %v, want the one consent", ids)
	}
	later := e.do(req{method: "POST", path: "/consents", token: e.token("alice"),
		body: map[string]any{"organizationId": "acme", "documentTypes": []string{"drivers_licence", "osago"}}})
	if later.status != 200 || !ids[later.json(t)["id"]] {
		t.Errorf("the same consent later, types in another order: %d %s", later.status, later.body)
	}
	other := e.do(req{method: "POST", path: "/consents", token: e.token("alice"),
		body: map[string]any{"organizationId": "acme", "documentTypes": []string{"osago"}}})
	assertProblem(t, other, 409)
	if n := e.countItems("alice", "/consents"); n != 1 {
		t.Errorf("%d consents stored, want 1", n)
	}
}
