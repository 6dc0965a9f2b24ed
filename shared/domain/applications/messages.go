package applications

import "github.com/kabinet/kabinet/shared/domain/i18n"

var statusNames = map[Status][2]string{ // en, ru
	StatusDraft:      {"draft", "черновик"},
	StatusReceived:   {"received", "принято"},
	StatusProcessing: {"in processing", "на рассмотрении"},
	StatusNeedsInfo:  {"more information needed", "требуются дополнительные сведения"},
	StatusApproved:   {"approved", "одобрено"},
	StatusRejected:   {"rejected", "отказано"},
	StatusWithdrawn:  {"withdrawn", "отозвано"},
}

// render writes the notification of a's new status in lang ("ru" or "en"),
// dates as the reader writes them (31.12.2026 in Russian).
func render(a Application, svc ServiceInfo, comment, lang string) (title, body string) {
	name := statusNames[a.Status]
	ref := a.ReceiptNumber
	if lang == "en" {
		title = "Application " + ref + ": " + name[0]
		body = "Service «" + svc.Title["en"] + "»: the application is " + name[0] + "."
		if a.Status == StatusReceived && a.ExpectedDecision != nil {
			body += " Expected decision by " + i18n.Date(i18n.EN, *a.ExpectedDecision) + "."
		}
		if comment != "" {
			body += " Comment: " + comment
		}
		return title, body
	}
	title = "Заявление " + ref + ": " + name[1]
	body = "Услуга «" + svc.Title["ru"] + "»: статус заявления — " + name[1] + "."
	if a.Status == StatusReceived && a.ExpectedDecision != nil {
		body += " Ожидаемый срок решения — " + i18n.Date(i18n.RU, *a.ExpectedDecision) + "."
	}
	if comment != "" {
		body += " Комментарий: " + comment
	}
	return title, body
}
