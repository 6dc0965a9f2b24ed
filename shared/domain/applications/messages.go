package applications

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/i18n"
)

var statusNames = map[Status][2]string{ // en, ru
	StatusDraft:           {"draft", "черновик"},
	StatusAwaitingPayment: {"awaiting payment of the state fee", "ожидает оплаты госпошлины"},
	StatusInvited:         {"you are invited to the office", "приглашение на приём"},
	StatusReadyForPickup:  {"ready for pickup", "готово к выдаче"},
	StatusReceived:        {"received", "принято"},
	StatusProcessing:      {"in processing", "на рассмотрении"},
	StatusNeedsInfo:       {"more information needed", "требуются дополнительные сведения"},
	StatusApproved:        {"approved", "одобрено"},
	StatusRejected:        {"rejected", "отказано"},
	StatusWithdrawn:       {"withdrawn", "отозвано"},
}

// render writes the notification of a's new status in lang ("ru" or "en"),
// dates as the reader writes them (31.12.2026 in Russian).
func render(a Application, svc ServiceInfo, comment string, note Note, lang string) (title, body string) {
	name := statusNames[a.Status]
	ref := a.ReceiptNumber
	if lang == "en" {
		title = "Application " + ref + ": " + name[0]
		body = "Service «" + svc.Title["en"] + "»: the application is " + name[0] + "."
		if a.Status == StatusReceived && a.ExpectedDecision != nil {
			body += " Expected decision by " + i18n.Date(i18n.EN, *a.ExpectedDecision) + "."
		}
		if a.Status == StatusNeedsInfo && a.ResponseDue != nil {
			body += " Please answer by " + dueDate(a, i18n.EN) + "."
		}
		if a.Status == StatusAwaitingPayment && a.Fee != nil {
			body += " The state fee is " + Rubles(a.Fee.Kopecks-a.Fee.Paid(), i18n.EN) + " (UIN " + a.Fee.UIN + "), to be paid by " + payByDate(a, i18n.EN) + "."
		}
		if a.Status == StatusInvited && a.Invitation != nil {
			body += " Please come with the originals on " + localTime(a, a.Invitation.At, i18n.EN) + " to " + a.Invitation.Place + "."
			if a.Invitation.BookingPath != "" {
				body += " You can book a time there in the cabinet: " + a.Invitation.BookingPath
			}
		}
		if a.Status == StatusReadyForPickup && a.Pickup != nil {
			body += " Collect it at " + a.Pickup.Place + " by " + i18n.Date(i18n.EN, a.Pickup.Until) + "."
		}
		if comment != "" {
			body += " Comment: " + comment
		}
		if t := NoteText(note, lang); t != "" {
			body += " " + t
		}
		return title, body
	}
	title = "Заявление " + ref + ": " + name[1]
	body = "Услуга «" + svc.Title["ru"] + "»: статус заявления — " + name[1] + "."
	if a.Status == StatusReceived && a.ExpectedDecision != nil {
		body += " Ожидаемый срок решения — " + i18n.Date(i18n.RU, *a.ExpectedDecision) + "."
	}
	if a.Status == StatusNeedsInfo && a.ResponseDue != nil {
		body += " Ответьте до " + dueDate(a, i18n.RU) + "."
	}
	if a.Status == StatusAwaitingPayment && a.Fee != nil {
		body += " Госпошлина — " + Rubles(a.Fee.Kopecks-a.Fee.Paid(), i18n.RU) + " (УИН " + a.Fee.UIN + "), оплатить до " + payByDate(a, i18n.RU) + " включительно."
	}
	if a.Status == StatusInvited && a.Invitation != nil {
		body += " Приходите с оригиналами документов " + localTime(a, a.Invitation.At, i18n.RU) + " по адресу: " + a.Invitation.Place + "."
		if a.Invitation.BookingPath != "" {
			body += " Записаться на удобное время можно в кабинете: " + a.Invitation.BookingPath
		}
	}
	if a.Status == StatusReadyForPickup && a.Pickup != nil {
		body += " Получить можно по адресу: " + a.Pickup.Place + " до " + i18n.Date(i18n.RU, a.Pickup.Until) + "."
	}
	if comment != "" {
		body += " Комментарий: " + comment
	}
	if t := NoteText(note, lang); t != "" {
		body += " " + t
	}
	return title, body
}

// dueDate is a's response deadline as the date it falls on in the
// applicant's zone (the zone they submitted in), written for lang
// (i18n.Date: 31.12.2026 in Russian).
func dueDate(a Application, lang string) string {
	return i18n.Date(lang, civil.Of(a.ResponseDue.In(zone(a))))
}

// payByDate is the last day to pay a's fee in the applicant's zone (PayBy
// is the start of the next day there), written for lang.
func payByDate(a Application, lang string) string {
	return i18n.Date(lang, civil.Of(a.Fee.PayBy.Add(-time.Nanosecond).In(zone(a))))
}

// Rubles writes an amount in kopecks as the reader writes money:
// "4 000,00 ₽" in Russian, "4,000.00 RUB" in English.
func Rubles(kopecks int64, lang string) string {
	neg := kopecks < 0
	if neg {
		kopecks = -kopecks
	}
	whole := strconv.FormatInt(kopecks/100, 10)
	sep, dec, unit := " ", ",", " ₽"
	if lang == i18n.EN {
		sep, dec, unit = ",", ".", " RUB"
	}
	var b strings.Builder
	if neg {
		b.WriteString("-")
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String() + dec + fmt.Sprintf("%02d", kopecks%100) + unit
}

// localTime is t in the applicant's zone, its date written for lang
// (31.12.2026 10:00 in Russian, 2026-12-31 10:00 in English).
func localTime(a Application, t time.Time, lang string) string {
	t = t.In(zone(a))
	return i18n.Day(lang, t) + " " + t.Format("15:04")
}

func zone(a Application) *time.Location {
	loc, err := civil.Zone(a.TimeZone)
	if err != nil || a.TimeZone == "" {
		return time.UTC
	}
	return loc
}
