package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/fees"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// licenceFields are a complete driver's licence exchange, a service with a
// state fee.
func licenceFields() map[string]any {
	return map[string]any{"fullName": "Иванов Иван Иванович", "birthDate": "1990-04-12", "internalPassport": "4510 123456",
		"licenceNumber": "99 01 123456", "reason": "expiry", "medicalCertificate": "МЗ-12345", "phone": "+79990000001"}
}

// decodeQR reads the text of a QR code PNG, as a bank's app would.
func decodeQR(t *testing.T, png []byte) string {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code in the PNG: %v", err)
	}
	return res.GetText()
}

// TestStateFee: a service with a fee is accrued on submission (amount,
// УИН with its control digit, payee, deadline) and waits in
// awaiting_payment outside the agency's queue; its payment QR code (a PNG
// a decoder reads back as the ГОСТ Р 56042-2014 text, fields in the
// standard's order) is the applicant's alone. The Treasury's
// PaymentConfirmed events are applied once per event id: less than owed is
// recorded and shown, the rest sends the application to the agency, more
// is recorded as a surplus; an unknown УИН, a malformed one and a negative
// amount never touch an application.
func TestStateFee(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	id := e.mustDraft("alice", "drivers_licence_exchange", licenceFields())["id"].(string)
	got := e.mustSubmit("alice", id)
	fee, _ := got["fee"].(map[string]any)
	if got["status"] != "awaiting_payment" || fee == nil {
		t.Fatalf("after submit: %v", got)
	}
	uin, _ := fee["uin"].(string)
	if !fees.ValidUIN(uin) || len(uin) != 20 || fee["amount"] != float64(400000) || fee["owed"] != float64(400000) || fee["payBy"] == nil {
		t.Errorf("accrual %v", fee)
	}
	if p, _ := fee["payee"].(map[string]any); p["bic"] == "" || p["account"] == "" || p["name"] == "" {
		t.Errorf("payee %v", fee["payee"])
	}
	gibdd := e.agencyStaff("gibdd")
	queue := func() string {
		return string(e.do(req{method: "GET", path: "/agency/applications?status=received", token: gibdd}).body)
	}
	if strings.Contains(queue(), id) {
		t.Error("an unpaid application is in the agency's queue")
	}

	// the QR code: the text the API gives, in the PNG, in the standard's shape
	text, _ := fee["qr"].(string)
	wantFields := []string{"Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc", "Sum", "Purpose", "PayeeINN", "KPP", "CBC", "OKTMO", "UIN"}
	parts := strings.Split(text, "|")
	if len(parts) != len(wantFields)+1 || parts[0] != "ST00012" {
		t.Fatalf("QR text %q: want the header ST00012 and %d fields", text, len(wantFields))
	}
	for i, f := range wantFields {
		if k, _, _ := strings.Cut(parts[i+1], "="); k != f {
			t.Errorf("QR field %d is %q, want %q (ГОСТ Р 56042-2014: the mandatory block first, in order)", i+1, k, f)
		}
	}
	if !strings.Contains(text, "|Sum=400000|") || !strings.HasSuffix(text, "|UIN="+uin) {
		t.Errorf("QR text %q: want Sum in kopecks and the УИН", text)
	}
	png := e.do(req{method: "GET", path: "/applications/" + id + "/payment-qr.png", token: alice})
	if png.status != http.StatusOK || png.header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR PNG: %d %s", png.status, png.header.Get("Content-Type"))
	}
	if decoded := decodeQR(t, png.body); decoded != text {
		t.Errorf("the PNG reads %q, want %q", decoded, text)
	}
	assertProblem(t, e.do(req{method: "GET", path: "/applications/" + id + "/payment-qr.png", token: e.token("mallory")}), http.StatusNotFound)

	cl, err := core.NewClients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ing := app.Ingest(core.Config{Table: e.table}, cl, e.clock.Now, slog.New(slog.DiscardHandler))
	pay := func(eventID, source string, detail map[string]any) (ingest.Result, error) {
		b, _ := json.Marshal(detail)
		return ing.Handle(context.Background(), ingest.Event{ID: eventID, Source: source, DetailType: ingest.PaymentConfirmed,
			Time: e.clock.Now(), Detail: b})
	}
	paidAt := e.clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	detail := func(u string, amount int64) map[string]any {
		return map[string]any{"uin": u, "amount": amount, "paidAt": paidAt, "payer": "Иванов Иван Иванович"}
	}
	corrupt := uin[:19] + string('0'+(uin[19]-'0'+1)%10)

	t.Run("refused", func(t *testing.T) {
		for name, tc := range map[string]struct {
			source string
			detail map[string]any
			field  string
		}{
			"a malformed УИН":    {"gov.agency.treasury", detail(corrupt, 100), "detail.uin"},
			"a short УИН":        {"gov.agency.treasury", detail("123", 100), "detail.uin"},
			"a negative amount":  {"gov.agency.treasury", detail(uin, -100), "detail.amount"},
			"no amount":          {"gov.agency.treasury", map[string]any{"uin": uin, "paidAt": paidAt}, "detail.amount"},
			"not the treasury":   {"gov.agency.mvd", detail(uin, 100), "source"},
			"no time of payment": {"gov.agency.treasury", map[string]any{"uin": uin, "amount": 100}, "detail.paidAt"},
		} {
			_, err := pay(fmt.Sprintf("ev-bad-%x", name), tc.source, tc.detail)
			if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("%s: %v, want Invalid on %s", name, err, tc.field)
			}
		}
	})

	// an unknown УИН is recorded, once, and touches nothing
	stranger, _ := fees.NewUIN("18810177", 99999999999)
	if res, err := pay("ev-stranger", "gov.agency.treasury", detail(stranger, 400000)); err != nil || res.Payment != fees.OutcomeUnknownUIN {
		t.Errorf("unknown УИН: %+v %v", res, err)
	}
	if res, err := pay("ev-stranger", "gov.agency.treasury", detail(stranger, 400000)); err != nil || res.Outcome != ingest.OutcomeDuplicate {
		t.Errorf("unknown УИН again: %+v %v", res, err)
	}

	// less than owed: recorded, shown, still waiting
	res, err := pay("ev-1", "gov.agency.treasury", detail(uin, 150000))
	if err != nil || res.Payment != fees.OutcomeUnderpaid || res.ApplicationID != id {
		t.Fatalf("underpayment: %+v %v", res, err)
	}
	if res, err := pay("ev-1", "gov.agency.treasury", detail(uin, 150000)); err != nil || res.Outcome != ingest.OutcomeDuplicate {
		t.Errorf("the same event again: %+v %v", res, err)
	}
	got = e.do(req{method: "GET", path: "/applications/" + id, token: alice}).json(t)
	fee, _ = got["fee"].(map[string]any)
	if got["status"] != "awaiting_payment" || fee["paid"] != float64(150000) || fee["owed"] != float64(250000) ||
		len(fee["payments"].([]any)) != 1 || !strings.Contains(fee["qr"].(string), "|Sum=250000|") {
		t.Errorf("after an underpayment: %v", got)
	}
	if strings.Contains(queue(), id) {
		t.Error("an underpaid application is in the agency's queue")
	}

	// the rest, and more: paid, to the agency, the surplus shown
	if res, err := pay("ev-2", "gov.agency.treasury", detail(uin, 260000)); err != nil || res.Payment != fees.OutcomeOverpaid {
		t.Fatalf("the rest: %+v %v", res, err)
	}
	got = e.do(req{method: "GET", path: "/applications/" + id, token: alice}).json(t)
	fee, _ = got["fee"].(map[string]any)
	if got["status"] != "received" || fee["owed"] != float64(0) || fee["surplus"] != float64(10000) || fee["qr"] != nil {
		t.Errorf("after paying: %v", got)
	}
	tl := got["timeline"].([]any)
	last := tl[len(tl)-1].(map[string]any)
	if last["role"] != "system" || last["to"] != "received" || last["note"] != "fee_overpaid" {
		t.Errorf("last timeline entry %v", last)
	}
	if !strings.Contains(queue(), id) {
		t.Error("a paid application is not in the agency's queue")
	}
	assertProblem(t, e.do(req{method: "GET", path: "/applications/" + id + "/payment-qr.png", token: alice}), http.StatusNotFound)
	// the applicant was told each time, in Russian
	notes := string(e.do(req{method: "GET", path: "/notifications", token: alice}).body)
	for _, want := range []string{"доплатите остаток", "излишек можно вернуть"} {
		if !strings.Contains(notes, want) {
			t.Errorf("no %q in the inbox: %s", want, notes)
		}
	}
}
