// Package i18n puts numbers, counted nouns and dates into the words of the
// reader's language ("ru" or "en"): plural forms by the CLDR cardinal rules
// of the two languages (pluralForm; a test holds them equal to
// golang.org/x/text's CLDR tables for every count up to 100 000, so no
// Lambda links x/text/language, whose init builds its matching tables on
// every cold start), dates as a Russian reader
// writes them (31.12.2026), the names of agencies. Every citizen-facing
// template in the domain goes through it; it knows nothing of HTTP or AWS.
package i18n

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

// The languages Kabinet speaks.
const (
	RU = "ru"
	EN = "en"
)

// Word is a noun in the plural forms a language distinguishes: Russian
// needs One (1, 21, 101 отзыв), Few (2–4, 22–24 отзыва), Many (5–20, 25–30
// отзывов); English One and Other. Other is also the fallback of a form a
// word leaves empty.
type Word struct {
	One, Few, Many, Other string
}

// Form returns the form of w that agrees with n in lang, chosen by the
// CLDR cardinal rules.
func (w Word) Form(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	var s string
	switch pluralForm(lang, n) {
	case one:
		s = w.One
	case few:
		s = w.Few
	case many:
		s = w.Many
	}
	if s == "" {
		s = w.Other
	}
	return s
}

// The CLDR plural categories a count can fall in.
type form int

const (
	other form = iota
	one
	few
	many
)

// pluralForm is the CLDR cardinal category of the whole number n ≥ 0 in
// lang (plurals.xml; a whole number has no visible fraction digits, v = 0):
//
//	ru  one   i % 10 = 1 and i % 100 != 11
//	    few   i % 10 = 2..4 and i % 100 != 12..14
//	    many  i % 10 = 0 or i % 10 = 5..9 or i % 100 = 11..14
//	en  one   i = 1 and v = 0
//
// Any language but Russian reads English.
func pluralForm(lang string, n int) form {
	if lang != RU {
		if n == 1 {
			return one
		}
		return other
	}
	switch d, dd := n%10, n%100; {
	case d == 1 && dd != 11:
		return one
	case d >= 2 && d <= 4 && (dd < 12 || dd > 14):
		return few
	default:
		return many
	}
}

// Count is n followed by the form of w that agrees with it: "74 отзыва",
// "3 дня", "1 day".
func (w Word) Count(lang string, n int) string {
	return strconv.Itoa(n) + " " + w.Form(lang, n)
}

// Words used across the templates.
var (
	DaysRU   = Word{One: "день", Few: "дня", Many: "дней", Other: "дня"}
	DaysEN   = Word{One: "day", Other: "days"}
	MonthsRU = Word{One: "месяц", Few: "месяца", Many: "месяцев", Other: "месяца"}
	MonthsEN = Word{One: "month", Other: "months"}
	YearsRU  = Word{One: "год", Few: "года", Many: "лет", Other: "года"}
	YearsEN  = Word{One: "year", Other: "years"}
	HoursRU  = Word{One: "час", Few: "часа", Many: "часов", Other: "часа"}
	HoursEN  = Word{One: "hour", Other: "hours"}
)

// Days is "3 дня" or "3 days".
func Days(lang string, n int) string { return pick(lang, DaysRU, DaysEN).Count(lang, n) }

// Months is "5 месяцев" or "5 months".
func Months(lang string, n int) string { return pick(lang, MonthsRU, MonthsEN).Count(lang, n) }

// Hours is "2 часа" or "2 hours".
func Hours(lang string, n int) string { return pick(lang, HoursRU, HoursEN).Count(lang, n) }

// Years is "10 лет" or "10 years".
func Years(lang string, n int) string { return pick(lang, YearsRU, YearsEN).Count(lang, n) }

func pick(lang string, ru, en Word) Word {
	if lang == RU {
		return ru
	}
	return en
}

// Date writes d as the reader writes dates: 31.12.2026 in Russian; in
// English the unambiguous ISO form 2026-12-31, which every client parses.
func Date(lang string, d civil.Date) string {
	if lang == RU {
		return fmt.Sprintf("%02d.%02d.%04d", d.Day, d.Month, d.Year)
	}
	return d.String()
}

// Day writes the date of t (already in the zone it is to be read in).
func Day(lang string, t time.Time) string { return Date(lang, civil.Of(t)) }

// monthsGenitiveRU are the months as a Russian date says them: "12 декабря".
var monthsGenitiveRU = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня",
	"июля", "августа", "сентября", "октября", "ноября", "декабря"}

// DayMonth is "12 декабря" or "12 December".
func DayMonth(lang string, t time.Time) string {
	if lang == RU {
		return fmt.Sprintf("%d %s", t.Day(), monthsGenitiveRU[t.Month()-1])
	}
	return fmt.Sprintf("%d %s", t.Day(), t.Month())
}
