package reminders

import (
	"fmt"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/i18n"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// text is a reminder rendered in one language.
type text struct {
	kind    string // inbox.KindDocumentExpiring, inbox.KindDocumentExpired or inbox.KindBookingUpcoming
	subject string
	body    string
	sms     string
}

// render writes the reminder for d on day today in lang. Document numbers
// are never included: an SMS shows on a locked screen. Dates, counts and
// plurals come from i18n, in the reader's language.
func render(d registry.Document, today civil.Date, lang string) text {
	ti, _ := registry.Lookup(d.Type)
	name := d.Title
	if name == "" {
		name = ti.Title[lang]
		if name == "" {
			name = ti.Title["en"]
		}
	}
	if d.SubjectName != "" {
		// A dependent's document goes to the holder: say whose it is.
		name = d.SubjectName + ": " + name
	}
	dl, _ := d.Deadline()
	if dl.Milestone == registry.MilestoneFirstPassport {
		return renderFirstPassport(name, dl.Date, today, lang)
	}
	exp := i18n.Date(lang, dl.Date)
	left := today.DaysUntil(dl.Date)
	// A legal extension is named where the date is: the owner sees a later
	// date than the one printed on the document.
	var ext string
	if x := d.Extension(); x != nil {
		ext = " (" + x.Note[lang] + ")"
	}
	if lang == i18n.RU {
		switch {
		case left < 0:
			return text{inbox.KindDocumentExpired, "Срок действия документа истёк",
				fmt.Sprintf("Срок действия документа «%s» истёк %s%s. Оформите новый документ или отметьте напоминание как прочитанное в кабинете.", name, exp, ext),
				fmt.Sprintf("Кабинет: срок действия «%s» истёк %s.", name, exp)}
		case left == 0:
			return text{inbox.KindDocumentExpiring, "Документ истекает сегодня",
				fmt.Sprintf("Срок действия документа «%s» истекает сегодня, %s%s.", name, exp, ext),
				fmt.Sprintf("Кабинет: «%s» истекает сегодня.", name)}
		}
		return text{inbox.KindDocumentExpiring, "Срок действия документа истекает",
			fmt.Sprintf("Срок действия документа «%s» истекает %s%s, через %s.", name, exp, ext, i18n.Days(lang, left)),
			fmt.Sprintf("Кабинет: «%s» истекает через %s (%s).", name, i18n.Days(lang, left), exp)}
	}
	switch {
	case left < 0:
		return text{inbox.KindDocumentExpired, "Your document has expired",
			fmt.Sprintf("Your %s expired on %s%s. Renew it, or acknowledge this reminder in your cabinet.", name, exp, ext),
			fmt.Sprintf("Kabinet: your %s expired on %s.", name, exp)}
	case left == 0:
		return text{inbox.KindDocumentExpiring, "Your document expires today",
			fmt.Sprintf("Your %s expires today, %s%s.", name, exp, ext),
			fmt.Sprintf("Kabinet: your %s expires today.", name)}
	}
	return text{inbox.KindDocumentExpiring, "Your document expires soon",
		fmt.Sprintf("Your %s expires on %s%s, in %s.", name, exp, ext, i18n.Days(lang, left)),
		fmt.Sprintf("Kabinet: your %s expires in %s (%s).", name, i18n.Days(lang, left), exp)}
}

// renderFirstPassport reminds that the holder of a birth certificate
// turns 14 on day on and must then get an internal passport.
func renderFirstPassport(name string, on, today civil.Date, lang string) text {
	date, left := i18n.Date(lang, on), today.DaysUntil(on)
	if lang == i18n.RU {
		if left <= 0 {
			return text{inbox.KindDocumentExpiring, "Пора оформить паспорт",
				fmt.Sprintf("Сегодня, %s, владельцу документа «%s» исполняется 14 лет: нужно оформить паспорт гражданина РФ.", date, name),
				"Кабинет: сегодня 14 лет — пора оформить паспорт."}
		}
		return text{inbox.KindDocumentExpiring, "Скоро нужно оформить паспорт",
			fmt.Sprintf("Через %s, %s, владельцу документа «%s» исполнится 14 лет: с этого дня нужно оформить паспорт гражданина РФ.", i18n.Days(lang, left), date, name),
			fmt.Sprintf("Кабинет: через %s (%s) — 14 лет, пора оформить паспорт.", i18n.Days(lang, left), date)}
	}
	if left <= 0 {
		return text{inbox.KindDocumentExpiring, "Time to get a passport",
			fmt.Sprintf("Today, %s, the holder of the %s turns 14 and must get an internal passport.", date, name),
			"Kabinet: 14 today, time to get a passport."}
	}
	return text{inbox.KindDocumentExpiring, "A passport is due soon",
		fmt.Sprintf("In %s, on %s, the holder of the %s turns 14 and must then get an internal passport.", i18n.Days(lang, left), date, name),
		fmt.Sprintf("Kabinet: 14 in %s (%s), time to get a passport.", i18n.Days(lang, left), date)}
}

// renderBooking writes the reminder step of booking b, sent at now to a
// person in zone person, in lang. The start is shown in the institution's
// zone, which is named by its city ("when to come"); when the person's
// clock differs there at the start, their own time follows ("11:30 your
// time"). spec and inst name the specialization and the institution; ""
// leaves them out, and the time and the booking's number remain. "In 2
// hours" is said only when the start is about that far off (a step sent
// early, out of the quiet hours, or late, for a booking made at the last
// minute, says "today").
func renderBooking(b booking.Booking, step registry.Step, now time.Time, person *time.Location, spec, inst, lang string) text {
	start := b.Start.In(b.Location())
	clock := start.Format("15:04")
	// the institution's city, not its IANA id, and the person's own time
	zone := i18n.ZoneName(lang, b.Location().String()) + yourTime(b, person, lang)
	day := i18n.DayMonth(lang, start)
	hours := i18n.Hours(lang, 2)
	var names []string
	for _, n := range []string{spec, inst} {
		if n != "" {
			names = append(names, n)
		}
	}
	what := strings.Join(names, ", ")
	left := b.Start.Sub(now)
	twoHours := left >= 100*time.Minute && left <= 140*time.Minute
	if lang == "ru" {
		var subject, lead, short string
		switch {
		case step.Kind == booking.StepDayBefore:
			subject = "Напоминание: приём завтра"
			lead = fmt.Sprintf("Напоминаем: завтра, %s, в %s (%s)", day, clock, zone)
			short = fmt.Sprintf("приём завтра, %s, в %s (%s)", day, clock, zone)
		case twoHours:
			subject = "Приём через " + hours
			lead = fmt.Sprintf("Через %s, в %s (%s)", hours, clock, zone)
			short = fmt.Sprintf("приём через %s, в %s (%s)", hours, clock, zone)
		default:
			subject = "Приём сегодня"
			lead = fmt.Sprintf("Сегодня, в %s (%s)", clock, zone)
			short = fmt.Sprintf("приём сегодня, в %s (%s)", clock, zone)
		}
		body := lead
		if what != "" {
			body += " — приём: " + what
		}
		body += ". Номер записи " + b.ConfirmationNumber + "."
		return text{inbox.KindBookingUpcoming, subject, body, "Кабинет: " + short + ". Запись " + b.ConfirmationNumber + "."}
	}
	var subject, lead, short string
	switch {
	case step.Kind == booking.StepDayBefore:
		subject = "Your appointment is tomorrow"
		lead = fmt.Sprintf("Reminder: tomorrow, %s, at %s (%s)", day, clock, zone)
		short = fmt.Sprintf("appointment tomorrow, %s, at %s (%s)", day, clock, zone)
	case twoHours:
		subject = "Your appointment is in " + hours
		lead = fmt.Sprintf("In %s, at %s (%s)", hours, clock, zone)
		short = fmt.Sprintf("appointment in %s, at %s (%s)", hours, clock, zone)
	default:
		subject = "Your appointment is today"
		lead = fmt.Sprintf("Today, at %s (%s)", clock, zone)
		short = fmt.Sprintf("appointment today, at %s (%s)", clock, zone)
	}
	body := lead
	if what != "" {
		body += " — appointment: " + what
	}
	body += ". Booking number " + b.ConfirmationNumber + "."
	return text{inbox.KindBookingUpcoming, subject, body, "Kabinet: " + short + ". Booking " + b.ConfirmationNumber + "."}
}

// yourTime is "; 11:30 your time" when the person's clock at the start of
// b differs from the institution's (with the date when that differs too),
// "" when they agree.
func yourTime(b booking.Booking, person *time.Location, lang string) string {
	if person == nil {
		return ""
	}
	there, here := b.Start.In(b.Location()), b.Start.In(person)
	_, offThere := there.Zone()
	_, offHere := here.Zone()
	if offThere == offHere {
		return ""
	}
	clock := here.Format("15:04")
	sameDay := civil.Of(there) == civil.Of(here)
	if lang == i18n.RU {
		if sameDay {
			return "; по вашему времени " + clock
		}
		return "; по вашему времени " + clock + ", " + i18n.DayMonth(lang, here)
	}
	if sameDay {
		return "; " + clock + " your time"
	}
	return "; " + clock + " on " + i18n.DayMonth(lang, here) + " your time"
}
