package applications

// Note names a timeline text Kabinet itself writes. It is stored as its
// name and shown from a ru/en template, so a citizen never reads an English
// technical string.
type Note string

// The notes.
const (
	// NoteResponseOverdue: refused because the applicant did not answer the
	// request for information in time.
	NoteResponseOverdue Note = "response_overdue"
	// NoteDocumentIssued: the agency issued the document (the agency
	// ingest's approval).
	NoteDocumentIssued Note = "document_issued"
	// NoteResponseReminder: the deadline to answer is near (a notification
	// only, never a timeline entry).
	NoteResponseReminder Note = "response_reminder"
	// NotePaymentReminder: the deadline to pay the fee is near (a
	// notification only).
	NotePaymentReminder Note = "payment_reminder"
	// NotePaymentOverdue: refused because the fee was not paid in time.
	NotePaymentOverdue Note = "payment_overdue"
	// NotePaid: the Treasury confirmed the fee paid in full.
	NotePaid Note = "fee_paid"
	// NoteUnderpaid: a payment of less than is owed; the rest is awaited.
	NoteUnderpaid Note = "fee_underpaid"
	// NoteOverpaid: more was paid than owed (or after it was paid).
	NoteOverpaid Note = "fee_overpaid"
)

var noteTexts = map[Note][2]string{ // en, ru
	NoteResponseOverdue:  {"No answer to the request for information was received in time.", "Ответ на запрос дополнительных сведений не получен в срок."},
	NoteDocumentIssued:   {"The agency has issued the document.", "Ведомство выдало документ."},
	NoteResponseReminder: {"Please answer the agency's request for information.", "Пожалуйста, ответьте на запрос ведомства о дополнительных сведениях."},
	NotePaymentReminder:  {"Please pay the state fee: the application goes to the agency once it is paid.", "Пожалуйста, оплатите госпошлину: заявление поступит в ведомство после оплаты."},
	NotePaymentOverdue:   {"The state fee was not paid in time.", "Госпошлина не оплачена в срок."},
	NotePaid:             {"The Treasury confirmed the payment of the state fee.", "Казначейство подтвердило оплату госпошлины."},
	NoteUnderpaid:        {"The Treasury confirmed a payment of less than the fee: please pay the rest.", "Казначейство подтвердило платёж меньше суммы госпошлины: пожалуйста, доплатите остаток."},
	NoteOverpaid:         {"More than the fee was paid: the surplus can be claimed back from the agency.", "Уплачено больше суммы госпошлины: излишек можно вернуть по заявлению в ведомство."},
}

// NoteText is note's text in lang ("en"; anything else is Russian), ""
// for no note.
func NoteText(n Note, lang string) string {
	t, ok := noteTexts[n]
	if !ok {
		return ""
	}
	if lang == "en" {
		return t[0]
	}
	return t[1]
}
