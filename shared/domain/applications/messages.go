package applications

var statusNames = map[Status][2]string{ // en, ru
	StatusDraft:      {"draft", "черновик"},
	StatusReceived:   {"received", "принято"},
	StatusProcessing: {"in processing", "на рассмотрении"},
	StatusNeedsInfo:  {"more information needed", "требуются дополнительные сведения"},
	StatusApproved:   {"approved", "одобрено"},
	StatusRejected:   {"rejected", "отказано"},
	StatusWithdrawn:  {"withdrawn", "отозвано"},
}

// render writes the notification of a's new status in lang ("ru" or "en").
func render(a Application, svc ServiceInfo, comment, lang string) (title, body string) {
	name := statusNames[a.Status]
	ref := a.ReceiptNumber
	if lang == "en" {
		title = "Application " + ref + ": " + name[0]
		body = "Service «" + svc.Title["en"] + "»: the application is " + name[0] + "."
		if a.Status == StatusReceived && a.ExpectedDecision != nil {
			body += " Expected decision by " + a.ExpectedDecision.String() + "."
		}
		if comment != "" {
			body += " Comment: " + comment
		}
		return title, body
	}
	title = "Заявление " + ref + ": " + name[1]
	body = "Услуга «" + svc.Title["ru"] + "»: статус заявления — " + name[1] + "."
	if a.Status == StatusReceived && a.ExpectedDecision != nil {
		body += " Ожидаемый срок решения — " + a.ExpectedDecision.String() + "."
	}
	if comment != "" {
		body += " Комментарий: " + comment
	}
	return title, body
}
