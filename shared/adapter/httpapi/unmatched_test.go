package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/fees"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

// TestUnmatchedPayments: an underpayment, an overpayment and a payment to
// an unknown УИН are each recorded once and listed, newest first, to the
// staff of the agency they belong to (the unknown one by the agency's
// number the УИН begins with), never to another agency's; an unknown УИН
// of no agency's number goes to the operators; a citizen is refused. The
// applicant sees the under- and overpayment on the application.
func TestUnmatchedPayments(t *testing.T) {
	e := newEnv(t)
	id := e.mustDraft("alice", "drivers_licence_exchange", licenceFields())["id"].(string)
	fee := e.mustSubmit("alice", id)["fee"].(map[string]any)
	uin := fee["uin"].(string)
	cl, err := core.NewClients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ing := app.Ingest(core.Config{Table: e.table}, cl, e.clock.Now, slog.New(slog.DiscardHandler))
	pay := func(event, u string, kopecks int64) string {
		t.Helper()
		e.clock.Set(e.clock.Now().Add(time.Minute)) // each received after the last: the list is newest first
		b, _ := json.Marshal(map[string]any{"uin": u, "amount": kopecks, "paidAt": e.clock.Now().UTC().Format(time.RFC3339), "payer": "Иванов И. И."})
		res, err := ing.Handle(context.Background(), ingest.Event{ID: event, Source: "gov.agency.treasury", DetailType: ingest.PaymentConfirmed,
			Time: e.clock.Now(), Detail: b})
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome == ingest.OutcomeDuplicate {
			return res.Outcome
		}
		return res.Payment
	}
	gibddUnknown, err := fees.NewUIN("18810177", 99_000_000_001) // the traffic police's number, no accrual
	if err != nil {
		t.Fatal(err)
	}
	nobodys, err := fees.NewUIN("39999999", 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		event, uin string
		kopecks    int64
		want       string
	}{
		{"ev-under", uin, 150000, fees.OutcomeUnderpaid},
		{"ev-under", uin, 150000, ingest.OutcomeDuplicate},
		{"ev-unknown", gibddUnknown, 1000, fees.OutcomeUnknownUIN},
		{"ev-nobody", nobodys, 500, fees.OutcomeUnknownUIN},
		{"ev-rest", uin, 300000, fees.OutcomeOverpaid}, // 50 000 more than the rest
		{"ev-unknown", gibddUnknown, 1000, ingest.OutcomeDuplicate},
	} {
		if got := pay(p.event, p.uin, p.kopecks); got != p.want {
			t.Errorf("%s: outcome %q, want %q", p.event, got, p.want)
		}
	}

	list := func(token string) []map[string]any {
		t.Helper()
		r := e.do(req{method: "GET", path: "/agency/payments?status=unmatched", token: token})
		if r.status != http.StatusOK {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		var out struct{ Items []map[string]any }
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatal(err)
		}
		return out.Items
	}
	got := list(e.agencyStaff("gibdd"))
	want := []struct {
		event, outcome, uin string
		owed, surplus       float64
	}{
		{"ev-rest", fees.OutcomeOverpaid, uin, 0, 50000},
		{"ev-unknown", fees.OutcomeUnknownUIN, gibddUnknown, 0, 0},
		{"ev-under", fees.OutcomeUnderpaid, uin, 250000, 0},
	}
	if len(got) != len(want) {
		t.Fatalf("the traffic police's unmatched payments: %v, want %d", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g["eventId"] != w.event || g["outcome"] != w.outcome || g["uin"] != w.uin || g["owed"] != w.owed || g["surplus"] != w.surplus {
			t.Errorf("payment %d: %v, want %+v", i, g, w)
		}
		if w.uin == uin && (g["applicationId"] != id || g["receiptNumber"] == "") {
			t.Errorf("payment %d names application %v, want %s", i, g["applicationId"], id)
		}
	}
	if other := list(e.agencyStaff("fns")); len(other) != 0 {
		t.Errorf("the tax service sees the traffic police's payments: %v", other)
	}
	ops := list(e.tokenFor(httpapi.Identity{Sub: "ops", Groups: []string{"operators"}}))
	if len(ops) != 1 || ops[0]["eventId"] != "ev-nobody" {
		t.Errorf("the operators' list: %v, want the payment of no agency's УИН", ops)
	}
	assertProblem(t, e.do(req{method: "GET", path: "/agency/payments", token: e.token("alice")}), http.StatusForbidden)
	assertProblem(t, e.do(req{method: "GET", path: "/agency/payments?status=paid", token: e.agencyStaff("gibdd")}), http.StatusUnprocessableEntity, "status:unknown_status")

	// the applicant: the surplus on the application, the notes on its timeline
	a := e.do(req{method: "GET", path: "/applications/" + id, token: e.token("alice")}).json(t)
	if f := a["fee"].(map[string]any); f["surplus"] != float64(50000) || f["owed"] != float64(0) {
		t.Errorf("the applicant's fee: %v, want a surplus of 50 000 kopecks", f)
	}
}
