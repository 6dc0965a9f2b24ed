// Package civil holds calendar dates without a time of day or zone: a
// document's issue and expiry dates are printed on paper as dates, and what
// "today" is depends on the owner's time zone, not the server's.
package civil

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a day in the proleptic Gregorian calendar. The zero Date is not a
// valid date; IsZero reports it.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Parse reads a strict YYYY-MM-DD date; impossible dates such as 2026-02-30
// are refused rather than normalised.
func Parse(s string) (Date, error) {
	if len(s) != 10 {
		return Date{}, fmt.Errorf("civil: %q is not YYYY-MM-DD", s)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("civil: %q is not a calendar date", s)
	}
	if t.Year() < 1900 || t.Year() > 2200 {
		return Date{}, fmt.Errorf("civil: %q is out of range", s)
	}
	return Of(t), nil
}

// Of returns the date of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today returns the date it is at instant now in loc.
func Today(now time.Time, loc *time.Location) Date { return Of(now.In(loc)) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

func (d Date) utc() time.Time { return d.In(time.UTC) }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.utc().Before(e.utc()) }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.utc().After(e.utc()) }

// DaysUntil is the number of days from d to e: 0 for the same day, negative
// when e is before d. Computed in UTC, so daylight saving never shortens a day.
func (d Date) DaysUntil(e Date) int {
	return int(e.utc().Sub(d.utc()).Hours() / 24)
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Of(d.utc().AddDate(0, 0, n)) }

// AddMonths returns d moved by n months. A term counted in months ends on the
// same day of the final month, or on that month's last day when it has no
// such day (Civil Code of the Russian Federation, art. 192 p. 3): 31 August
// plus six months is 28 (or 29) February, never 3 March as time.AddDate gives.
func (d Date) AddMonths(n int) Date {
	total := int(d.Month) - 1 + n
	y := d.Year + floorDiv(total, 12)
	m := time.Month(total - floorDiv(total, 12)*12 + 1)
	day := d.Day
	if last := daysIn(y, m); day > last {
		day = last
	}
	return Date{y, m, day}
}

// AddYears returns d moved by n years with the same end-of-month rule:
// 29 February plus one year is 28 February.
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// Anniversary is the n-th anniversary of d (a birth date): the same day
// n years on, and for a 29 February birthday in a common year 1 March,
// the first day on which the full n years have passed. A person's age
// counts by it (YearsTo, the family's age of majority); a term in years,
// such as a document's validity, ends by AddYears' end-of-month rule.
func (d Date) Anniversary(n int) Date {
	if d.Month == time.February && d.Day == 29 && daysIn(d.Year+n, time.February) == 28 {
		return Date{d.Year + n, time.March, 1}
	}
	return Date{d.Year + n, d.Month, d.Day}
}

// YearsTo is the whole years from d (a birth date) to day, the age on day
// counted by Anniversary: a 29 February birthday turns a year older on
// 1 March of a common year, as the family's age of majority counts it.
// Before d it is negative.
func (d Date) YearsTo(day Date) int {
	n := day.Year - d.Year
	if day.Before(d.Anniversary(n)) {
		n--
	}
	return n
}

func daysIn(y int, m time.Month) int { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// MarshalJSON writes d as "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a strict "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// MarshalText and UnmarshalText let Date travel as a string attribute.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a strict "YYYY-MM-DD".
func (d *Date) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
