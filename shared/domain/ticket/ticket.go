// Package ticket makes what a person takes to an appointment and what staff
// print about it: a signed QR code that reception verifies offline, a PDF
// confirmation, an iCalendar file for the person's calendar, and a CSV
// journal for a spreadsheet. It knows nothing about how bookings are stored:
// callers (the booking HTTP handlers, the local runner, a staff export)
// translate their booking into a Booking and get bytes back.
//
// Every time is shown in the institution's zone and labelled with that zone
// and its UTC offset, never in the server's zone: a Lambda runs in UTC, and a
// person booking in Kaliningrad from Moscow must see Kaliningrad time. The
// zone database is embedded (time/tzdata) because a Lambda image may have none.
package ticket

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // Lambda images may lack /usr/share/zoneinfo

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/i18n"
)

// Booking is the view of one appointment that every output of this package
// is made from. It is deliberately independent of shared/domain/booking so that the
// documents can be produced from any source (the booking service, an archive,
// a test) without this package depending on the domain.
type Booking struct {
	ID, ConfirmationNumber string
	Status                 string    // confirmed, cancelled, completed, no_show
	Start, End             time.Time // instants; End may be zero when unknown

	// TimeZone is the institution's IANA zone ("Europe/Kaliningrad"):
	// every time is shown in it, labelled.
	TimeZone string

	Institution, Address, Specialist, Specialization string

	Mode      string   // in_person | video
	VideoLink string   // shown and linked for video appointments
	Checklist []string // what to bring

	// CancelDeadline is the last instant the person may cancel or
	// reschedule; zero when the institution sets none.
	CancelDeadline time.Time

	// StaffComment is an internal note: only the staff CSV journal shows
	// it, never the person's PDF or calendar file.
	StaffComment string
}

// Statuses and modes as they arrive in Booking.Status and Booking.Mode.
const (
	StatusConfirmed = "confirmed"
	StatusCancelled = "cancelled"
	StatusCompleted = "completed"
	StatusNoShow    = "no_show"

	ModeInPerson = "in_person"
	ModeVideo    = "video"
)

// words holds every phrase the package prints, in one language.
type words struct {
	code string // "ru" or "en"

	title, confirmationNumber, qrCaption                   string
	cancelledBanner, cancelledNote                         string
	date, end, institution, address, specialist, specialty string
	mode, videoLink, deadline, status, checklist           string
	deadlineSentence, footer                               string
	summaryPrefix, summaryCancelled, reminder              string
	csvHeader                                              []string
	months                                                 [12]string
	modes, statuses                                        map[string]string
	dateLayout                                             string // CSV date column
}

var wordsRU = &words{
	code:               "ru",
	title:              "Подтверждение записи",
	confirmationNumber: "Номер подтверждения",
	qrCaption:          "Покажите QR-код в регистратуре",
	cancelledBanner:    "ЗАПИСЬ ОТМЕНЕНА",
	cancelledNote:      "Эта запись отменена и недействительна. Приходить по ней на приём не нужно.",
	date:               "Дата и время",
	end:                "Окончание",
	institution:        "Учреждение",
	address:            "Адрес",
	specialist:         "Специалист",
	specialty:          "Специализация",
	mode:               "Формат приёма",
	videoLink:          "Ссылка на видеосвязь",
	deadline:           "Отмена и перенос до",
	status:             "Статус",
	checklist:          "Что взять с собой",
	deadlineSentence:   "Отменить или перенести запись можно до",
	footer:             "Кабинет гражданина. QR-код подписан и проверяется в регистратуре без доступа к сети.",
	summaryPrefix:      "Приём",
	summaryCancelled:   "Отменено",
	reminder:           "Напоминание о записи",
	csvHeader: []string{"Дата", "Время", "Часовой пояс", "Учреждение", "Специалист",
		"Специализация", "Формат", "Статус", "Номер подтверждения", "Комментарий"},
	months: [12]string{"января", "февраля", "марта", "апреля", "мая", "июня",
		"июля", "августа", "сентября", "октября", "ноября", "декабря"},
	modes: map[string]string{ModeInPerson: "Очный приём", ModeVideo: "Видеоконсультация"},
	statuses: map[string]string{StatusConfirmed: "Подтверждена", StatusCancelled: "Отменена",
		StatusCompleted: "Состоялась", StatusNoShow: "Неявка"},
	dateLayout: "02.01.2006",
}

var wordsEN = &words{
	code:               "en",
	title:              "Appointment confirmation",
	confirmationNumber: "Confirmation number",
	qrCaption:          "Show this QR code at reception",
	cancelledBanner:    "APPOINTMENT CANCELLED",
	cancelledNote:      "This appointment has been cancelled and this confirmation is no longer valid.",
	date:               "Date and time",
	end:                "Ends at",
	institution:        "Institution",
	address:            "Address",
	specialist:         "Specialist",
	specialty:          "Specialization",
	mode:               "Format",
	videoLink:          "Video link",
	deadline:           "Cancel or reschedule by",
	status:             "Status",
	checklist:          "What to bring",
	deadlineSentence:   "You can cancel or reschedule until",
	footer:             "Citizen cabinet. The QR code is signed and is verified at reception without a network.",
	summaryPrefix:      "Appointment",
	summaryCancelled:   "Cancelled",
	reminder:           "Appointment reminder",
	csvHeader: []string{"Date", "Time", "Time zone", "Institution", "Specialist",
		"Specialization", "Mode", "Status", "Confirmation number", "Comment"},
	months: [12]string{"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December"},
	modes: map[string]string{ModeInPerson: "In person", ModeVideo: "Video consultation"},
	statuses: map[string]string{StatusConfirmed: "Confirmed", StatusCancelled: "Cancelled",
		StatusCompleted: "Completed", StatusNoShow: "No-show"},
	dateLayout: "2006-01-02",
}

// wordsFor picks Russian for "ru" and its regional tags ("ru-RU"), English
// otherwise, the same rule as httpapi.Language.
func wordsFor(lang string) *words {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	if base == "ru" {
		return wordsRU
	}
	return wordsEN
}

func (w *words) modeText(m string) string {
	if s, ok := w.modes[m]; ok {
		return s
	}
	return m
}

func (w *words) statusText(s string) string {
	if t, ok := w.statuses[s]; ok {
		return t
	}
	return s
}

// longDate is "12 декабря 2026" or "12 December 2026"; Russian months are in
// the genitive, as a date is read.
func (w *words) longDate(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), w.months[t.Month()-1], t.Year())
}

// when is t in loc with the zone named by its city and its offset at that
// instant: "12 декабря 2026, 10:30 (Калининград, UTC+02:00)".
func (w *words) when(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%s, %s (%s)", w.longDate(t), t.Format("15:04"), w.zone(t, loc))
}

// zone names loc by its city in the reader's language, with t's offset:
// "Калининград, UTC+02:00". The IANA id is for machines (the ICS TZID).
func (w *words) zone(t time.Time, loc *time.Location) string {
	return i18n.ZoneName(w.code, loc.String()) + ", " + utcOffset(t.In(loc))
}

// utcOffset is t's offset as "UTC+02:00".
func utcOffset(t time.Time) string {
	_, sec := t.Zone()
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, sec/3600, sec%3600/60)
}

// zone loads an IANA zone. The empty name and "Local" are refused: they would
// silently mean UTC or the server's zone.
func zone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("no time zone")
	}
	return civil.Zone(name)
}

// need says which fields an output cannot do without.
type need uint8

const (
	needID need = 1 << iota
	needConfirmation
)

// check validates what every output relies on and returns the booking's zone.
// prefix names the booking in field errors ("rows[3]." for a CSV row).
func check(op string, b Booking, n need, prefix string) (*time.Location, error) {
	var f errs.Fields
	loc, err := zone(b.TimeZone)
	if err != nil {
		if b.TimeZone == "" {
			f.Add(prefix+"time_zone", "required")
		} else {
			f.Add(prefix+"time_zone", "invalid_time_zone")
		}
	}
	if b.Start.IsZero() {
		f.Add(prefix+"start", "required")
	}
	if !b.End.IsZero() && !b.End.After(b.Start) {
		f.Add(prefix+"end", "not_after_start")
	}
	if n&needID != 0 && b.ID == "" {
		f.Add(prefix+"id", "required")
	}
	if n&needConfirmation != 0 && b.ConfirmationNumber == "" {
		f.Add(prefix+"confirmation_number", "required")
	}
	if err := f.Err(op); err != nil {
		return nil, err
	}
	return loc, nil
}

// webLink reports whether s is an absolute http(s) URL: only such a link is
// made clickable or put into a calendar's URL property, so a "javascript:"
// or malformed value stays inert text.
func webLink(s string) bool {
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '"' || r == '<' || r == '>' }) >= 0 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
