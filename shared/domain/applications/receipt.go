package applications

import (
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/i18n"
)

// ReceiptView is what an application's receipt (расписка о приёме
// заявления) shows, every text in the reader's language: what the PDF of
// package applications/receipt lays out and Kabinet signs. It carries no
// storage key and nothing of the owner but what the application itself
// names.
type ReceiptView struct {
	Lang          string // "ru" or "en"
	Title         string
	NumberLabel   string
	Number        string // the receipt number, KB-2026-00012345
	Rows          []ReceiptRow
	Fee           *ReceiptFee // a service with a fee
	Footer        string
	SigningReason string    // the reason the PAdES signature gives
	FileName      string    // receipt-KB-2026-00012345.pdf
	Issued        time.Time // the submission: the PDF's own dates, so the same application gives the same bytes
}

// ReceiptRow is one labelled line of a receipt.
type ReceiptRow struct{ Label, Value string }

// ReceiptFee is the state fee's part of a receipt: the accrual's details
// and, while anything is owed, the payment QR code's ГОСТ Р 56042-2014
// text (QR) with its caption.
type ReceiptFee struct {
	Heading   string
	Rows      []ReceiptRow
	QR        string // "" when nothing is owed
	QRCaption string
}

// Receipt is the receipt of a, a submitted application, in lang ("en",
// else Russian), for its applicant: a draft has none, it was never
// received. Errors: Conflict (not_submitted), Internal (a payee's details
// that do not fit the QR standard: a configuration fault).
func (a Application) Receipt(lang string) (ReceiptView, error) {
	const op = "applications.Receipt"
	if a.Status == StatusDraft || a.ReceiptNumber == "" || a.SubmittedAt == nil {
		return ReceiptView{}, errs.E(op, errs.Conflict, ReasonNotSubmitted)
	}
	if lang != i18n.EN {
		lang = i18n.RU
	}
	w := receiptWords[lang]
	svc, _ := Lookup(a.ServiceCode)
	agency, _ := i18n.AgencyName(a.Agency, lang)
	v := ReceiptView{Lang: lang, Title: w.title, NumberLabel: w.number, Number: a.ReceiptNumber, Footer: w.footer,
		SigningReason: w.title, FileName: "receipt-" + a.ReceiptNumber + ".pdf", Issued: a.SubmittedAt.UTC()}
	add := func(rows *[]ReceiptRow, label, value string) {
		if strings.TrimSpace(value) != "" {
			*rows = append(*rows, ReceiptRow{label, value})
		}
	}
	add(&v.Rows, w.service, svc.Title[lang])
	add(&v.Rows, w.agency, agency)
	add(&v.Rows, w.submitted, localTime(a, *a.SubmittedAt, lang)+" ("+i18n.ZoneName(lang, zone(a).String())+")")
	if a.ExpectedDecision != nil {
		d := i18n.Date(lang, *a.ExpectedDecision)
		if a.Status == StatusAwaitingPayment {
			d += " " + w.afterPayment
		}
		add(&v.Rows, w.decision, d)
	}
	if a.Subject != "" {
		add(&v.Rows, w.subject, a.SubjectName)
	} else {
		add(&v.Rows, w.applicant, a.Fields["fullName"])
	}
	add(&v.Rows, w.status, statusName(a.Status, lang))
	if f := a.Fee; f != nil {
		fee := &ReceiptFee{Heading: w.fee}
		paid := f.Paid()
		add(&fee.Rows, w.amount, pdfRubles(f.Kopecks, lang))
		if paid > 0 {
			add(&fee.Rows, w.paid, pdfRubles(paid, lang))
		}
		if owed := f.Kopecks - paid; owed > 0 {
			add(&fee.Rows, w.owed, pdfRubles(owed, lang))
			add(&fee.Rows, w.payBy, payByDate(a, lang))
		}
		add(&fee.Rows, w.uin, f.UIN)
		add(&fee.Rows, w.purpose, f.Purpose)
		if p, ok := Payee(a.Agency); ok {
			add(&fee.Rows, w.payee, p.Name)
			add(&fee.Rows, w.innKPP, p.INN+" / "+p.KPP)
			add(&fee.Rows, w.account, p.Account)
			add(&fee.Rows, w.bank, p.BankName)
			add(&fee.Rows, w.bic, p.BIC)
			add(&fee.Rows, w.corr, p.CorrAccount)
			add(&fee.Rows, w.cbc, p.CBC)
			add(&fee.Rows, w.oktmo, p.OKTMO)
		}
		qr, ok, err := a.PaymentQR()
		if err != nil {
			return ReceiptView{}, errs.E(op, errs.Internal, err)
		}
		if ok {
			fee.QR, fee.QRCaption = qr, w.qrCaption
		}
		v.Fee = fee
	}
	return v, nil
}

// statusName is status s in lang as the messages name it.
func statusName(s Status, lang string) string {
	n := statusNames[s]
	if lang == i18n.EN {
		return n[0]
	}
	return n[1]
}

// pdfRubles is Rubles for a PDF: its embedded font has no ₽ sign, so
// Russian says «руб.».
func pdfRubles(kopecks int64, lang string) string {
	s := Rubles(kopecks, lang)
	if lang == i18n.RU {
		s = strings.TrimSuffix(s, "\u00a0₽") + "\u00a0руб."
	}
	return s
}

// receiptText is every phrase of a receipt in one language.
type receiptText struct {
	title, number, service, agency, submitted, decision, afterPayment string
	applicant, subject, status                                        string
	fee, amount, paid, owed, payBy, uin, purpose                      string
	payee, innKPP, account, bank, bic, corr, cbc, oktmo               string
	qrCaption, footer                                                 string
}

var receiptWords = map[string]receiptText{
	i18n.RU: {
		title: "Расписка о приёме заявления", number: "Номер заявления",
		service: "Услуга", agency: "Ведомство", submitted: "Подано", decision: "Ожидаемый срок решения",
		afterPayment: "(срок начнёт отсчитываться после оплаты госпошлины)",
		applicant:    "Заявитель", subject: "Подано за", status: "Статус",
		fee: "Государственная пошлина", amount: "Сумма", paid: "Оплачено", owed: "К оплате", payBy: "Оплатить до (включительно)",
		uin: "УИН", purpose: "Назначение платежа", payee: "Получатель", innKPP: "ИНН / КПП получателя",
		account: "Казначейский счёт", bank: "Банк получателя", bic: "БИК", corr: "Единый казначейский счёт", cbc: "КБК", oktmo: "ОКТМО",
		qrCaption: "Отсканируйте код в приложении банка, чтобы оплатить",
		footer:    "Кабинет гражданина. Расписка подписана электронной подписью Кабинета; любая программа просмотра документов покажет, изменялась ли она после выдачи.",
	},
	i18n.EN: {
		title: "Application receipt", number: "Application number",
		service: "Service", agency: "Agency", submitted: "Submitted", decision: "Expected decision by",
		afterPayment: "(the term starts once the state fee is paid)",
		applicant:    "Applicant", subject: "Filed for", status: "Status",
		fee: "State fee", amount: "Amount", paid: "Paid", owed: "To pay", payBy: "Pay by (inclusive)",
		uin: "UIN", purpose: "Purpose of payment", payee: "Payee", innKPP: "Payee's INN / KPP",
		account: "Treasury account", bank: "Payee's bank", bic: "BIC", corr: "Single treasury account", cbc: "Budget classification code (KBK)", oktmo: "OKTMO",
		qrCaption: "Scan the code in your bank's app to pay",
		footer:    "Citizen cabinet. This receipt is signed by Kabinet; any PDF reader shows whether it was changed after issue.",
	},
}
