package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/streamfeed"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/app/aggregate"
	"github.com/kabinet/kabinet/shared/app/core"
)

// manager is a token of a manager of the scope scope's claims name.
func (e *env) manager(scope httpapi.Identity) string {
	scope.Sub, scope.Groups = "head", []string{httpapi.GroupManager}
	return e.tokenFor(scope)
}

// aggregate feeds what the table's stream holds since the last call to the
// stats aggregator, as the stream's event source mapping does, and returns
// how many changes it applied.
func (e *env) aggregate() int {
	e.t.Helper()
	if e.feed == nil {
		e.feed = newFeed(e)
	}
	n, err := e.feed.Drain(context.Background())
	if err != nil {
		e.t.Fatalf("aggregate: %v", err)
	}
	return n
}

// newFeed is a feed of the env's stream from its start.
func newFeed(e *env) *streamfeed.Feed {
	f, _ := functions.Get(functions.StatsAggregator)
	agg := aggregate.New(core.NewStore(core.Config{Table: e.table}, e.cl, e.clock.Now), e.clock.Now)
	return &streamfeed.Feed{DB: e.db, Streams: dynamodbstreams.NewFromConfig(e.cl.AWS), Table: e.table,
		Kinds: f.Stream.Kinds, BatchSize: f.Stream.BatchSize, Apply: agg.Apply}
}

func (e *env) stats(token, path string) map[string]any {
	e.t.Helper()
	r := e.do(req{method: "GET", path: path, token: token})
	if r.status != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", path, r.status, r.body)
	}
	return r.json(e.t)
}

func num(m map[string]any, path ...string) float64 {
	var cur any = m
	for _, k := range path {
		mm, _ := cur.(map[string]any)
		cur = mm[k]
	}
	f, _ := cur.(float64)
	return f
}

func dayRow(t *testing.T, s map[string]any, date string) map[string]any {
	t.Helper()
	for _, d := range s["days"].([]any) {
		if row := d.(map[string]any); row["date"] == date {
			return row
		}
	}
	t.Fatalf("no day %s in %v", date, s["days"])
	return nil
}

// TestAgencyStats: applications submitted, decided and withdrawn through
// the API reach the agency's dashboard through the stream, with the
// processing times, the queue and what is overdue; the applicants appear
// nowhere in it; replaying the whole stream changes nothing.
func TestAgencyStats(t *testing.T) {
	e := newBookingEnv(t)
	decided := e.mustDraft("u-ann", "certificate_request", certificateFields())["id"].(string)
	e.mustSubmit("u-ann", decided)
	open := e.mustDraft("u-bob", "certificate_request", certificateFields())["id"].(string)
	e.mustSubmit("u-bob", open)
	gone := e.mustDraft("u-cat", "certificate_request", certificateFields())["id"].(string)
	e.mustSubmit("u-cat", gone)
	e.mustDraft("u-dan", "certificate_request", certificateFields()) // a draft counts nowhere
	e.clock.Set(bookingMonday.Add(2 * 24 * time.Hour))               // Wednesday
	clerk := e.agencyStaff("fns")
	for _, to := range []string{"processing", "approved"} {
		if r := e.move(clerk, decided, to, "Готово"); r.status != http.StatusOK {
			t.Fatalf("move to %s: %d %s", to, r.status, r.body)
		}
	}
	if r := e.do(req{method: "POST", path: "/applications/" + gone + "/withdraw", token: e.token("u-cat")}); r.status != http.StatusOK {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	if n := e.aggregate(); n == 0 {
		t.Fatal("the stream carried no change")
	}

	head := e.manager(httpapi.Identity{Agency: "fns"})
	s := e.stats(head, "/agency/stats?from=2026-06-15&to=2026-06-17")
	if got := len(s["days"].([]any)); got != 3 {
		t.Fatalf("days = %d, want 3: %v", got, s["days"])
	}
	mon, wed := dayRow(t, s, "2026-06-15"), dayRow(t, s, "2026-06-17")
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"received Monday", num(mon, "received"), 3},
		{"decided Monday", num(mon, "decided"), 0},
		{"approved Wednesday", num(wed, "approved"), 1},
		{"decided Wednesday", num(wed, "decided"), 1},
		{"withdrawn Wednesday", num(wed, "withdrawn"), 1},
		{"open received", num(s, "queue", "byStatus", "received"), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	var proc map[string]any
	for _, p := range s["processing"].([]any) {
		if p.(map[string]any)["service"] == "certificate_request" {
			proc = p.(map[string]any)
		}
	}
	if proc == nil || num(proc, "decided") != 1 || num(proc, "calendarDays", "p50") != 2 || num(proc, "workingDays", "max") != 2 {
		t.Errorf("processing of certificate_request = %v, want 1 decided in 2 calendar and 2 working days", proc)
	}
	for _, secret := range []string{"u-ann", "u-bob", "u-cat", decided, open, "Иванов"} {
		if strings.Contains(s["agency"].(string)+mustJSON(t, s), secret) {
			t.Errorf("the dashboard names %q", secret)
		}
	}

	// a week later the open one is past its expected decision date
	e.clock.Set(bookingMonday.Add(40 * 24 * time.Hour))
	head = e.manager(httpapi.Identity{Agency: "fns"})
	if got := num(e.stats(head, "/agency/stats"), "overdue"); got != 1 {
		t.Errorf("overdue = %v, want 1", got)
	}

	// the whole stream again, from its start: nothing counts twice
	e.clock.Set(bookingMonday.Add(2 * 24 * time.Hour))
	head = e.manager(httpapi.Identity{Agency: "fns"})
	e.feed = nil
	if n := e.aggregate(); n == 0 {
		t.Fatal("the replay read nothing")
	}
	if again := e.stats(head, "/agency/stats?from=2026-06-15&to=2026-06-17"); mustJSON(t, withoutAsOf(again)) != mustJSON(t, withoutAsOf(s)) {
		t.Errorf("after a replay:\n%v\nwant\n%v", again, s)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func withoutAsOf(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != "asOf" {
			out[k] = v
		}
	}
	return out
}

// TestStatsAuthorization: who may read which dashboard, and bad input.
func TestStatsAuthorization(t *testing.T) {
	e := newBookingEnv(t)
	for _, c := range []struct {
		name   string
		token  string
		path   string
		status int
		slug   string
		fields []string
	}{
		{"agency manager", e.manager(httpapi.Identity{Agency: "fns"}), "/agency/stats", 200, "", nil},
		{"lead clerk", e.agencyLead("fns"), "/agency/stats", 200, "", nil},
		{"plain clerk", e.agencyStaff("fns"), "/agency/stats", 403, "manager-only", nil},
		{"citizen", e.token("u-ann"), "/agency/stats", 403, "manager-only", nil},
		{"institution manager on the agency's", e.manager(httpapi.Identity{Institution: kgdPoly}), "/agency/stats", 403, "manager-only", nil},
		{"institution manager", e.manager(httpapi.Identity{Institution: kgdPoly}), "/institutions/" + kgdPoly + "/stats", 200, "", nil},
		{"another institution's manager", e.manager(httpapi.Identity{Institution: kgdHospital}), "/institutions/" + kgdPoly + "/stats", 403, "manager-only", nil},
		{"institution staff", e.staff(kgdPoly), "/institutions/" + kgdPoly + "/stats", 403, "manager-only", nil},
		{"org manager", e.manager(httpapi.Identity{Org: "acme"}), "/organizations/acme/stats", 200, "", nil},
		{"org admin", e.admin("boss", "acme"), "/organizations/acme/stats", 200, "", nil},
		{"another org's admin", e.admin("boss", "globex"), "/organizations/acme/stats", 403, "manager-only", nil},
		{"malformed from", e.manager(httpapi.Identity{Agency: "fns"}), "/agency/stats?from=2026-02-30", 400, "", []string{"from:invalid_date"}},
		{"to before from", e.manager(httpapi.Identity{Agency: "fns"}), "/agency/stats?from=2026-06-10&to=2026-06-01", 400, "", []string{"to:before_from"}},
		{"over 366 days", e.manager(httpapi.Identity{Agency: "fns"}), "/agency/stats?from=2025-06-01&to=2026-06-15", 400, "", []string{"to:range_over_year"}},
		{"366 days", e.manager(httpapi.Identity{Agency: "fns"}), "/agency/stats?from=2025-06-15&to=2026-06-15", 200, "", nil},
		{"unknown service", e.manager(httpapi.Identity{Agency: "fns"}), "/agency/stats?service=nope", 400, "", []string{"service:unknown_service"}},
		{"another agency's service", e.manager(httpapi.Identity{Agency: "fns"}), "/agency/stats?service=medical_certificate", 400, "", []string{"service:unknown_service"}},
		{"unknown specialist", e.manager(httpapi.Identity{Institution: kgdPoly}), "/institutions/" + kgdPoly + "/stats?specialist=nope", 400, "", []string{"specialist:unknown_specialist"}},
		{"another institution's specialist", e.manager(httpapi.Identity{Institution: kgdPoly}), "/institutions/" + kgdPoly + "/stats?specialist=" + kgdEyes, 400, "", []string{"specialist:unknown_specialist"}},
		{"org range reversed", e.manager(httpapi.Identity{Org: "acme"}), "/organizations/acme/stats?from=2026-06-10&to=2026-06-01", 400, "", []string{"to:before_from"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(req{method: "GET", path: c.path, token: c.token})
			if c.status == 200 {
				if r.status != 200 {
					t.Fatalf("status %d: %s", r.status, r.body)
				}
				return
			}
			assertType(t, r, c.status, c.slug, c.fields...)
		})
	}
	// the default range: the last 30 days in the scope's zone, today included
	s := e.stats(e.manager(httpapi.Identity{Agency: "fns"}), "/agency/stats")
	if s["from"] != "2026-05-17" || s["to"] != "2026-06-15" || len(s["days"].([]any)) != 30 {
		t.Errorf("default range %v..%v with %d days, want 2026-05-17..2026-06-15 with 30", s["from"], s["to"], len(s["days"].([]any)))
	}
}

// TestStatsContract: the dashboards' answers, with figures in them, and
// their refusals match openapi.yaml (the contract the web page is built
// against).
func TestStatsContract(t *testing.T) {
	rec := &contractRecorder{}
	e := newContractEnv(t, rec)
	e.seedDirectory()
	e.clock.Set(bookingMonday)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "12:00", nil, 30, 6, 1))
	e.mustBook("u-ann", kgd(kgdTherapist, "2026-06-16 09:00"))
	id := e.mustDraft("u-ann", "certificate_request", certificateFields())["id"].(string)
	e.mustSubmit("u-ann", id)
	clerk := e.agencyStaff("fns")
	e.move(clerk, id, "processing", "")
	e.move(clerk, id, "rejected", "Нет оснований")
	e.do(req{method: "POST", path: "/waitlist", token: e.token("u-bob"), body: tripWait("2026-06-16")})
	e.aggregate()
	for _, r := range []struct {
		path, token string
		status      int
	}{
		{"/agency/stats?from=2026-06-01&to=2026-06-15", e.manager(httpapi.Identity{Agency: "fns"}), 200},
		{"/agency/stats?service=certificate_request", e.agencyLead("fns"), 200},
		{"/institutions/" + kgdPoly + "/stats?from=2026-06-15&to=2026-06-20", e.manager(httpapi.Identity{Institution: kgdPoly}), 200},
		{"/institutions/" + kgdPoly + "/stats?specialist=" + kgdTherapist, e.manager(httpapi.Identity{Institution: kgdPoly}), 200},
		{"/organizations/acme/stats", e.admin("boss", "acme"), 200},
		{"/agency/stats?from=2026-06-10&to=2026-06-01", e.manager(httpapi.Identity{Agency: "fns"}), 400},
		{"/institutions/" + kgdPoly + "/stats", e.staff(kgdPoly), 403},
	} {
		if got := e.do(req{method: "GET", path: r.path, token: r.token}); got.status != r.status {
			t.Errorf("GET %s: %d, want %d: %s", r.path, got.status, r.status, got.body)
		}
	}
	s := e.stats(e.manager(httpapi.Identity{Institution: kgdPoly}), "/institutions/"+kgdPoly+"/stats?from=2026-06-15&to=2026-06-20")
	if len(s["days"].([]any)) == 0 || mustJSON(t, s) == "" {
		t.Errorf("no days in %v", s)
	}
	for _, p := range rec.problems {
		t.Errorf("contract: %s", p)
	}
}
