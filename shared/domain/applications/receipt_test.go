package applications

import (
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// TestReceiptView: a receipt names the receipt number, service, agency,
// submission time and decision date in the reader's language, the person
// it is for, and for a fee its amount, УИН, payee and the QR text while
// anything is owed; a draft has none.
func TestReceiptView(t *testing.T) {
	at := time.Date(2026, 6, 15, 7, 30, 0, 0, time.UTC)
	due := civil.Date{Year: 2026, Month: 7, Day: 15}
	base := Application{ID: "a1", ServiceCode: "drivers_licence_exchange", Agency: AgencyGIBDD, Status: StatusAwaitingPayment,
		ReceiptNumber: "KB-2026-00000007", SubmittedAt: &at, ExpectedDecision: &due, TimeZone: "Europe/Moscow",
		Fields: map[string]string{"fullName": "Иванов Иван Иванович"},
		Fee:    &Accrual{UIN: "18810177026000000071", Kopecks: 400000, Purpose: "Госпошлина за выдачу водительского удостоверения", PayBy: at.Add(240 * time.Hour)}}
	paid := base
	paidFee := *base.Fee
	paidFee.Payments = []Payment{{EventID: "e1", Kopecks: 400000, PaidAt: at}}
	paid.Fee, paid.Status = &paidFee, StatusReceived
	child := base
	child.Fee, child.ServiceCode, child.Agency, child.Status = nil, "foreign_passport", AgencyMVD, StatusReceived
	child.Subject, child.SubjectName = "dep1", "Иванова Мария Ивановна"

	row := func(v ReceiptView, label string) string {
		rows := v.Rows
		if v.Fee != nil {
			rows = append(append([]ReceiptRow(nil), rows...), v.Fee.Rows...)
		}
		for _, r := range rows {
			if r.Label == label {
				return r.Value
			}
		}
		return ""
	}
	cases := []struct {
		name   string
		a      Application
		lang   string
		want   map[string]string // label → value (a substring of it)
		wantQR bool
	}{
		{"unpaid ru", base, "ru", map[string]string{"Услуга": "Замена водительского удостоверения", "Ведомство": "Госавтоинспекция",
			"Подано": "15.06.2026 10:30", "Ожидаемый срок решения": "15.07.2026 (срок начнёт", "Заявитель": "Иванов Иван Иванович",
			"Сумма": "4\u00a0000,00\u00a0руб.", "К оплате": "4\u00a0000,00\u00a0руб.", "УИН": "18810177026000000071", "БИК": "004525988", "Получатель": "УФК по г. Москве"}, true},
		{"unpaid en", base, "en", map[string]string{"Service": "Driver's licence exchange", "Agency": "State Traffic Inspectorate",
			"Submitted": "2026-06-15 10:30", "Amount": "4,000.00 RUB", "UIN": "18810177026000000071", "Status": "awaiting payment"}, true},
		{"paid", paid, "ru", map[string]string{"Оплачено": "4\u00a0000,00\u00a0руб.", "К оплате": "", "Ожидаемый срок решения": "15.07.2026"}, false},
		{"for a dependent", child, "ru", map[string]string{"Подано за": "Иванова Мария Ивановна", "Заявитель": "", "Ведомство": "МВД России"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := c.a.Receipt(c.lang)
			if err != nil {
				t.Fatal(err)
			}
			if v.Number != "KB-2026-00000007" || v.FileName != "receipt-KB-2026-00000007.pdf" || !v.Issued.Equal(at) {
				t.Errorf("number %q, file %q, issued %v", v.Number, v.FileName, v.Issued)
			}
			for label, want := range c.want {
				got := row(v, label)
				if want == "" && got != "" || !strings.Contains(got, want) {
					t.Errorf("%s = %q, want %q", label, got, want)
				}
			}
			if c.name == "paid" && strings.HasSuffix(row(v, "Ожидаемый срок решения"), ")") {
				t.Error("a paid application's decision date still waits for the payment")
			}
			if hasQR := v.Fee != nil && v.Fee.QR != ""; hasQR != c.wantQR {
				t.Errorf("QR %v, want %v", hasQR, c.wantQR)
			}
			if c.wantQR {
				want, _, _ := c.a.PaymentQR()
				if v.Fee.QR != want {
					t.Errorf("QR %q, want the accrual's %q", v.Fee.QR, want)
				}
			}
		})
	}

	draft := base
	draft.Status, draft.ReceiptNumber, draft.SubmittedAt = StatusDraft, "", nil
	if _, err := draft.Receipt("ru"); !errs.Is(err, errs.Conflict) || errs.ReasonOf(err) != ReasonNotSubmitted {
		t.Errorf("a draft's receipt: %v, want Conflict not_submitted", err)
	}
}
