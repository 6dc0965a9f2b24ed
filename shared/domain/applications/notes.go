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
)

var noteTexts = map[Note][2]string{ // en, ru
	NoteResponseOverdue:  {"No answer to the request for information was received in time.", "Ответ на запрос дополнительных сведений не получен в срок."},
	NoteDocumentIssued:   {"The agency has issued the document.", "Ведомство выдало документ."},
	NoteResponseReminder: {"Please answer the agency's request for information.", "Пожалуйста, ответьте на запрос ведомства о дополнительных сведениях."},
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
