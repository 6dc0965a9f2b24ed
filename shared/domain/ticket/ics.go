package ticket

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// icsLocal and icsUTC are RFC 5545 DATE-TIME forms: local time with a TZID
// parameter, and UTC.
const (
	icsLocal = "20060102T150405"
	icsUTC   = "20060102T150405Z"
)

// ICS renders the booking as an RFC 5545 calendar file, which the booking
// HTTP handler serves as text/calendar for "add to calendar" and the
// notifier can attach to an e-mail. now is the DTSTAMP (when the file was
// made: pass the clock). lang is "ru" or "en" (see wordsFor).
//
// Times are local to the institution with a TZID and a VTIMEZONE defining
// it, so the event shows at the right hour in any calendar even one that does
// not know the zone's name. The VTIMEZONE has one STANDARD component with the
// zone's offset at the booking's start, in force "since 1970": right for
// Russian zones, which have had no daylight saving time since 2014, and right
// for this event in any zone. A cancelled booking is published with
// METHOD:CANCEL, STATUS:CANCELLED and SEQUENCE:1, so a calendar that imported
// the booking marks it cancelled; it carries no reminder. Lines end in CRLF
// and are folded at 75 octets between runes. The staff comment is never
// included. Errors: Invalid (fields) for a booking without an id, start or
// valid zone, or with an end not after its start.
func ICS(b Booking, now time.Time, lang string) ([]byte, error) {
	const op = "ticket.ICS"
	loc, err := check(op, b, needID, "")
	if err != nil {
		return nil, err
	}
	w := wordsFor(lang)
	cancelled := b.Status == StatusCancelled
	start := b.Start.In(loc)
	tz := loc.String()

	var c icsWriter
	c.line("BEGIN:VCALENDAR")
	c.line("VERSION:2.0")
	c.line("PRODID:-//Kabinet//Booking//RU")
	c.line("CALSCALE:GREGORIAN")
	if cancelled {
		c.line("METHOD:CANCEL")
	} else {
		c.line("METHOD:PUBLISH")
	}

	c.line("BEGIN:VTIMEZONE")
	c.line("TZID:" + tz)
	c.line("BEGIN:STANDARD")
	c.line("DTSTART:19700101T000000")
	name, off := start.Zone()
	c.line("TZOFFSETFROM:" + icsOffset(off))
	c.line("TZOFFSETTO:" + icsOffset(off))
	if isLetters(name) { // "MSK", "EET"; numeric abbreviations ("+12") say nothing
		c.line("TZNAME:" + name)
	}
	c.line("END:STANDARD")
	c.line("END:VTIMEZONE")

	summary := summaryOf(b, w)
	if cancelled {
		summary = w.summaryCancelled + ". " + summary
	}

	c.line("BEGIN:VEVENT")
	c.line("UID:" + icsText(b.ID+"@kabinet"))
	c.line("DTSTAMP:" + now.UTC().Format(icsUTC))
	c.line("DTSTART;TZID=" + tz + ":" + start.Format(icsLocal))
	if !b.End.IsZero() {
		c.line("DTEND;TZID=" + tz + ":" + b.End.In(loc).Format(icsLocal))
	}
	c.line("SUMMARY:" + icsText(summary))
	location := b.Address
	if location == "" && b.Mode == ModeVideo {
		location = b.VideoLink
	}
	if location != "" {
		c.line("LOCATION:" + icsText(location))
	}
	c.line("DESCRIPTION:" + icsText(description(b, w, loc)))
	if b.Mode == ModeVideo && webLink(b.VideoLink) {
		c.line("URL:" + b.VideoLink)
	}
	if cancelled {
		c.line("STATUS:CANCELLED")
		c.line("SEQUENCE:1")
	} else {
		c.line("STATUS:CONFIRMED")
		c.line("SEQUENCE:0")
		c.line("BEGIN:VALARM")
		c.line("TRIGGER:-PT2H")
		c.line("ACTION:DISPLAY")
		c.line("DESCRIPTION:" + icsText(w.reminder+": "+summary))
		c.line("END:VALARM")
	}
	c.line("END:VEVENT")
	c.line("END:VCALENDAR")
	return []byte(c.String()), nil
}

// summaryOf is the event title: "Приём: Иванова А. А. (терапевт) — Поликлиника № 1".
func summaryOf(b Booking, w *words) string {
	s := who(b)
	switch {
	case b.Institution == "":
	case s == "":
		s = b.Institution
	case w.code == "ru":
		s += " — " + b.Institution
	default:
		s += " at " + b.Institution
	}
	if s == "" {
		return w.summaryPrefix
	}
	return w.summaryPrefix + ": " + s
}

// who is "Specialist (specialization)", or whichever of the two is known.
func who(b Booking) string {
	switch {
	case b.Specialist != "" && b.Specialization != "":
		return b.Specialist + " (" + b.Specialization + ")"
	case b.Specialist != "":
		return b.Specialist
	default:
		return b.Specialization
	}
}

// description is the event's plain-text body: what a person needs at hand
// when the calendar reminds them.
func description(b Booking, w *words, loc *time.Location) string {
	var lines []string
	if b.Status == StatusCancelled {
		lines = append(lines, w.cancelledNote)
	}
	lines = append(lines, w.confirmationNumber+": "+b.ConfirmationNumber)
	add := func(label, v string) {
		if v != "" {
			lines = append(lines, label+": "+v)
		}
	}
	add(w.institution, b.Institution)
	add(w.address, b.Address)
	add(w.specialist, b.Specialist)
	add(w.specialty, b.Specialization)
	add(w.mode, w.modeText(b.Mode))
	if b.Mode == ModeVideo {
		add(w.videoLink, b.VideoLink)
	}
	if items := nonEmpty(b.Checklist); len(items) > 0 {
		lines = append(lines, w.checklist+":")
		for _, it := range items {
			lines = append(lines, "— "+it)
		}
	}
	if !b.CancelDeadline.IsZero() && b.Status != StatusCancelled {
		lines = append(lines, w.deadlineSentence+" "+w.when(b.CancelDeadline, loc))
	}
	return strings.Join(lines, "\n")
}

// icsOffset is a UTC-OFFSET value: "+0200", "-0330", seconds only when set.
func icsOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	s := fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec%3600/60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') {
			return false
		}
	}
	return true
}

// icsText escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and
// comma get a backslash, any line break becomes \n, and other control
// characters, which TEXT does not allow, are dropped.
func icsText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r == '\n' || r == '\r':
			sb.WriteString(`\n`)
		case r == '\t':
			sb.WriteRune(r)
		case r < ' ' || r == 0x7f:
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// icsWriter collects content lines, folding each at 75 octets.
type icsWriter struct{ strings.Builder }

// line writes one content line folded per RFC 5545 §3.1: no physical line
// is longer than 75 octets without its CRLF, a continuation starts with one
// space (which counts), and a fold never splits a UTF-8 sequence.
func (c *icsWriter) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		c.WriteString(s[:cut])
		c.WriteString("\r\n ")
		s = s[cut:]
		limit = 74
	}
	c.WriteString(s)
	c.WriteString("\r\n")
}
