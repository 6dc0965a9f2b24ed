package booking

import (
	"fmt"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/i18n"
	"github.com/kabinet/kabinet/shared/domain/inbox"
)

// Confirmations: booking, rescheduling and cancelling each tell the person,
// in the cabinet and on their channels, in their language. The message is
// written as an outbox entry in the change's own transaction (Booking.Outbox)
// and the reminder pipeline sends it (urgent class): a failed publish is
// retried by the next run, a sent one never again.

// noticeTexts are the confirmations' templates by language: every
// citizen-facing word of a confirmation is here.
var noticeTexts = map[string]map[string]string{
	i18n.RU: {
		"booked.title":       "Запись подтверждена",
		"rescheduled.title":  "Запись перенесена",
		"cancelled.title":    "Запись отменена",
		"when":               "%s, в %s (%s)",
		"what":               "Приём: %s.",
		"patient":            "Пациент: %s.",
		"where":              "Место: %s.",
		"where.video":        "Видеоприём: ссылка в кабинете откроется за 15 минут до начала.",
		"number":             "Номер записи %s.",
		"bring":              "Взять с собой: %s.",
		"deadline":           "Отменить или перенести запись можно до %s.",
		"deadline.start":     "Отменить или перенести запись можно до начала приёма.",
		"booked.lead":        "Вы записаны на %s.",
		"rescheduled.lead":   "Запись перенесена: было %s, стало %s.",
		"cancelled.lead":     "Запись на %s отменена.",
		"cancelled.byinst":   "Учреждение отменило запись на %s. Причина: %s.",
		"offers":             "Свободное время у специалистов того же профиля: %s. Записаться можно в кабинете одним нажатием.",
		"offers.none":        "Свободного времени у специалистов того же профиля пока нет: встаньте в лист ожидания в кабинете.",
		"deadline.separator": ", ",
	},
	i18n.EN: {
		"booked.title":       "Appointment booked",
		"rescheduled.title":  "Appointment moved",
		"cancelled.title":    "Appointment cancelled",
		"when":               "%s at %s (%s)",
		"what":               "Appointment: %s.",
		"patient":            "Patient: %s.",
		"where":              "Place: %s.",
		"where.video":        "Video appointment: the link in your cabinet opens 15 minutes before the start.",
		"number":             "Booking number %s.",
		"bring":              "Bring: %s.",
		"deadline":           "You can cancel or move it until %s.",
		"deadline.start":     "You can cancel or move it until it starts.",
		"booked.lead":        "You are booked for %s.",
		"rescheduled.lead":   "Your appointment was moved from %s to %s.",
		"cancelled.lead":     "Your appointment on %s is cancelled.",
		"cancelled.byinst":   "The institution cancelled your appointment on %s. Reason: %s.",
		"offers":             "Free times with specialists of the same kind: %s. Book one with a tap in your cabinet.",
		"offers.none":        "No free times with specialists of the same kind yet: join the waiting list in your cabinet.",
		"deadline.separator": ", ",
	},
}

// lang is "en" for English readers and "ru" for everyone else (the
// cabinet's default).
func lang(l string) string {
	if l == i18n.EN {
		return i18n.EN
	}
	return i18n.RU
}

// Change is what a confirmation confirms.
type Change string

// Changes.
const (
	ChangeBooked      Change = "booked"
	ChangeRescheduled Change = "rescheduled"
	ChangeCancelled   Change = "cancelled"
)

// noticeKinds are the inbox kinds of the changes.
var noticeKinds = map[Change]string{
	ChangeBooked:      inbox.KindBookingConfirmed,
	ChangeRescheduled: inbox.KindBookingRescheduled,
	ChangeCancelled:   inbox.KindBookingCancelled,
}

// NoticeInput is what a confirmation says beyond the booking itself.
type NoticeInput struct {
	Change     Change
	Booking    Booking // as it is after the change
	Previous   *Booking
	Inst       directory.Institution
	Spec       directory.Specialist
	Language   string
	Reason     string   // a cancellation by the institution: why
	ByInst     bool     // cancelled by the institution
	Offers     []Slot   // a cancellation by the institution: the free slots offered instead
	OfferNames []string // per offer: the specialist's name
}

// when writes an instant of b in the institution's zone: "12 декабря, в 10:30 (Москва)".
func when(l string, t time.Time, loc *time.Location) string {
	local := t.In(loc)
	return fmt.Sprintf(noticeTexts[l]["when"], i18n.DayMonth(l, local), local.Format("15:04"), i18n.ZoneName(l, loc.String()))
}

// Notice renders the confirmation of a change as an inbox notification of
// b's owner with id and time at (the caller's clock). It never names the
// person or their contacts: an SMS shows on a locked screen.
func Notice(id string, at time.Time, in NoticeInput) inbox.Notification {
	l := lang(in.Language)
	t := noticeTexts[l]
	b := in.Booking
	loc := b.Location()
	var parts []string
	switch {
	case in.Change == ChangeRescheduled && in.Previous != nil:
		parts = append(parts, fmt.Sprintf(t["rescheduled.lead"], when(l, in.Previous.Start, loc), when(l, b.Start, loc)))
	case in.Change == ChangeCancelled && in.ByInst:
		parts = append(parts, fmt.Sprintf(t["cancelled.byinst"], when(l, b.Start, loc), strings.TrimRight(in.Reason, ".")))
	case in.Change == ChangeCancelled:
		parts = append(parts, fmt.Sprintf(t["cancelled.lead"], when(l, b.Start, loc)))
	default:
		parts = append(parts, fmt.Sprintf(t["booked.lead"], when(l, b.Start, loc)))
	}
	var what []string
	for _, s := range []string{in.Spec.Specialization, in.Spec.Name} {
		if s != "" {
			what = append(what, s)
		}
	}
	if len(what) > 0 {
		parts = append(parts, fmt.Sprintf(t["what"], strings.Join(what, ", ")))
	}
	// A dependent's appointment says whose it is: the holder may book
	// for several children.
	if b.PatientName != "" {
		parts = append(parts, fmt.Sprintf(t["patient"], b.PatientName))
	}
	if in.Change != ChangeCancelled {
		if b.Mode == Video {
			parts = append(parts, t["where.video"])
		} else if place := placeText(in.Inst); place != "" {
			parts = append(parts, fmt.Sprintf(t["where"], place))
		}
	}
	parts = append(parts, fmt.Sprintf(t["number"], b.ConfirmationNumber))
	if in.Change != ChangeCancelled {
		if items := ChecklistText(b.Checklist, l); len(items) > 0 {
			parts = append(parts, fmt.Sprintf(t["bring"], strings.Join(items, ", ")))
		}
		if !b.CancelDeadline.Before(b.Start) {
			parts = append(parts, t["deadline.start"])
		} else {
			parts = append(parts, fmt.Sprintf(t["deadline"], when(l, b.CancelDeadline, loc)))
		}
	}
	if in.ByInst {
		if len(in.Offers) == 0 {
			parts = append(parts, t["offers.none"])
		} else {
			var offers []string
			for i, o := range in.Offers {
				s := when(l, o.Start, loc)
				if i < len(in.OfferNames) && in.OfferNames[i] != "" {
					s += " — " + in.OfferNames[i]
				}
				offers = append(offers, s)
			}
			parts = append(parts, fmt.Sprintf(t["offers"], strings.Join(offers, "; ")))
		}
	}
	return inbox.Notification{ID: id, Owner: b.Owner, Kind: noticeKinds[in.Change], Title: t[string(in.Change)+".title"],
		Body: strings.Join(parts, " "), BookingID: b.ID, CreatedAt: at.UTC()}
}

// placeText is the institution's name and address with its city.
func placeText(inst directory.Institution) string {
	var bits []string
	for _, s := range []string{inst.Name, inst.Address, inst.City} {
		if s != "" {
			bits = append(bits, s)
		}
	}
	return strings.Join(bits, ", ")
}
