package httpapi_test

import (
	"bufio"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/metrics"
)

// TestAccessLinesAreEMF: every request's access line is a valid Embedded
// Metric Format document whose metrics say what happened: requests and
// latency by route, 4xx and 5xx, errors by kind (a double booking is a
// conflict of POST /bookings) and the business counters, only for what was
// done (a replayed booking is not a second one).
func TestAccessLinesAreEMF(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 20, 1))
	slot := kgd(kgdTherapist, "2026-06-17 10:00")
	first := e.mustBook("emf-alice", slot)

	steps := []struct {
		name  string
		req   req
		route string
		want  map[metrics.Name]float64 // with no dimension
		kind  string                   // Errors' ErrorKind, "" for none
	}{
		{"a booking made",
			req{method: "POST", path: "/bookings", token: e.token("emf-bob"), body: bookBody(kgd(kgdTherapist, "2026-06-17 11:00"), "in_person"),
				header: map[string]string{"Idempotency-Key": "emf-1"}},
			"POST /bookings", map[metrics.Name]float64{metrics.Requests: 1, metrics.ServerErrors: 0, metrics.ClientErrors: 0, metrics.BookingsMade: 1}, ""},
		{"the same booking replayed",
			req{method: "POST", path: "/bookings", token: e.token("emf-bob"), body: bookBody(kgd(kgdTherapist, "2026-06-17 11:00"), "in_person"),
				header: map[string]string{"Idempotency-Key": "emf-1"}},
			"POST /bookings", map[metrics.Name]float64{metrics.Requests: 1, metrics.ClientErrors: 0}, ""},
		{"a taken slot",
			req{method: "POST", path: "/bookings", token: e.token("emf-carol"), body: bookBody(slot, "in_person")},
			"POST /bookings", map[metrics.Name]float64{metrics.Requests: 1, metrics.ClientErrors: 1, metrics.ServerErrors: 0}, "conflict"},
		{"someone else's booking",
			req{method: "GET", path: "/bookings/" + first["id"].(string), token: e.token("emf-carol")},
			"GET /bookings/{id}", map[metrics.Name]float64{metrics.Requests: 1, metrics.ClientErrors: 1}, "not_found"},
		{"a cancellation",
			req{method: "POST", path: "/bookings/" + first["id"].(string) + "/cancel", token: e.token("emf-alice"), body: map[string]any{}},
			"POST /bookings/{id}/cancel", map[metrics.Name]float64{metrics.Requests: 1, metrics.BookingsCancelled: 1}, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.logs.Reset()
			r := e.do(st.req)
			var line string
			sc := bufio.NewScanner(strings.NewReader(e.logs.String()))
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				if strings.Contains(sc.Text(), `"msg":"request"`) {
					line = sc.Text()
				}
			}
			if line == "" {
				t.Fatalf("%d: no access line in %s", r.status, e.logs.String())
			}
			data, err := metrics.Parse([]byte(line))
			if err != nil {
				t.Fatalf("access line is not EMF: %v\n%s", err, line)
			}
			got := map[metrics.Name]float64{}
			byRoute, byKind, byRouteKind := false, false, false
			for _, d := range data {
				switch {
				case len(d.Dims) == 0:
					got[d.Name] = d.Value
				case d.Dims[metrics.Route] == st.route && len(d.Dims) == 1 && d.Name == metrics.Requests:
					byRoute = true
				case d.Name == metrics.Errors && len(d.Dims) == 1 && d.Dims[metrics.ErrorKind] == st.kind:
					byKind = true
				case d.Name == metrics.Errors && d.Dims[metrics.Route] == st.route && d.Dims[metrics.ErrorKind] == st.kind:
					byRouteKind = true
				}
			}
			for name, want := range st.want {
				if v, ok := got[name]; !ok || v != want {
					t.Errorf("%s = %v (present %v), want %v (status %d)\n%s", name, v, ok, want, r.status, line)
				}
			}
			for _, name := range []metrics.Name{metrics.BookingsMade, metrics.BookingsCancelled} {
				if _, ok := st.want[name]; !ok {
					if _, there := got[name]; there {
						t.Errorf("%s reported for %q\n%s", name, st.name, line)
					}
				}
			}
			if _, ok := got[metrics.Latency]; !ok {
				t.Errorf("no Latency\n%s", line)
			}
			if !byRoute {
				t.Errorf("no Requests by Route %q\n%s", st.route, line)
			}
			if (st.kind != "") != (byKind && byRouteKind) {
				t.Errorf("Errors by ErrorKind %q: in all %v, by route %v\n%s", st.kind, byKind, byRouteKind, line)
			}
		})
	}
}
