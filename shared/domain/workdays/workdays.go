// Package workdays is the Russian production calendar: which days are
// worked, by the Labour Code's holidays and the Government's yearly decree
// moving days off. The calendar is data (ru/<year>.txt, each naming its
// source) embedded in the binary; a date in a year the data lacks is an
// error, never a guess, because a decision date counted on the wrong
// calendar is a promise the agency cannot keep.
package workdays

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

//go:embed ru/*.txt
var data embed.FS

// Year is one year's calendar: the weekdays not worked and the weekend
// days worked.
type Year struct {
	Year  int
	Draft bool // the data follows a draft decree, not the signed one
	off   map[civil.Date]bool
	work  map[civil.Date]bool
}

// Calendar is the production calendar for the years it holds. The zero
// Calendar holds none. It is read-only once built, so safe for concurrent use.
type Calendar struct {
	years map[int]Year
	// lazy holds Default's years, each read from the embedded data on
	// its first use.
	lazy map[int]func() Year
}

// Russia returns the calendar built from the embedded data.
// Errors: Internal (malformed data).
func Russia() (*Calendar, error) { return Parse(data) }

// Default is Russia's calendar from the embedded data, once per process,
// each year parsed on its first use: a function that counts no term never
// parses it at its start, and knowing which years it holds (Holds) parses
// none (init instructions, BENCHMARKS.md). The embedded data is checked by
// the package's tests, so a panic here is a build fault.
var Default = sync.OnceValue(func() *Calendar {
	names, err := fs.Glob(data, "ru/*.txt")
	if err != nil {
		panic(err)
	}
	c := &Calendar{lazy: map[int]func() Year{}}
	for _, name := range names {
		y, err := yearOf(name)
		if err != nil {
			panic(err)
		}
		c.lazy[y] = sync.OnceValue(func() Year {
			yr, err := readYear(data, name, y)
			if err != nil {
				panic(err)
			}
			return yr
		})
	}
	return c
})

// Parse reads every ru/<year>.txt of fsys. Errors: Internal (a line that
// is not "status official|draft", "off <weekday>" or "work <weekend day>"
// of the file's year).
func Parse(fsys fs.FS) (*Calendar, error) {
	const op = "workdays.Parse"
	names, err := fs.Glob(fsys, "ru/*.txt")
	if err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	c := &Calendar{years: map[int]Year{}}
	for _, name := range names {
		y, err := yearOf(name)
		if err != nil {
			return nil, errs.E(op, errs.Internal, err)
		}
		yr, err := readYear(fsys, name, y)
		if err != nil {
			return nil, errs.E(op, errs.Internal, err)
		}
		c.years[y] = yr
	}
	return c, nil
}

// yearOf is the year a file ru/<year>.txt holds.
func yearOf(name string) (int, error) {
	y, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "ru/"), ".txt"))
	if err != nil {
		return 0, fmt.Errorf("%s: not a year", name)
	}
	return y, nil
}

// readYear parses file name of fsys, year y's data.
func readYear(fsys fs.FS, name string, y int) (Year, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return Year{}, err
	}
	defer f.Close()
	yr, err := parseYear(y, f)
	if err != nil {
		return Year{}, fmt.Errorf("%s: %w", name, err)
	}
	return yr, nil
}

func parseYear(y int, f fs.File) (Year, error) {
	yr := Year{Year: y, off: map[civil.Date]bool{}, work: map[civil.Date]bool{}}
	sc := bufio.NewScanner(f)
	status := false
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, arg, _ := strings.Cut(line, " ")
		if word == "status" {
			if arg != "official" && arg != "draft" {
				return yr, fmt.Errorf("line %d: status %q", n, arg)
			}
			yr.Draft, status = arg == "draft", true
			continue
		}
		d, err := civil.Parse(arg)
		if err != nil || d.Year != y {
			return yr, fmt.Errorf("line %d: date %q not of %d", n, arg, y)
		}
		weekend := weekday(d) == time.Saturday || weekday(d) == time.Sunday
		switch {
		case word == "off" && !weekend:
			yr.off[d] = true
		case word == "work" && weekend:
			yr.work[d] = true
		default:
			return yr, fmt.Errorf("line %d: %q (off is for a weekday, work for a weekend day)", n, line)
		}
	}
	if err := sc.Err(); err != nil {
		return yr, err
	}
	if !status {
		return yr, fmt.Errorf("no status line")
	}
	return yr, nil
}

func weekday(d civil.Date) time.Weekday { return d.In(time.UTC).Weekday() }

// Years lists the years the calendar holds, in order.
func (c *Calendar) Years() []int {
	var ys []int
	for y := range c.years {
		ys = append(ys, y)
	}
	for y := range c.lazy {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// Holds reports whether the calendar holds year y, without reading the
// year's data.
func (c *Calendar) Holds(y int) bool {
	_, ok := c.years[y]
	_, lazy := c.lazy[y]
	return ok || lazy
}

// Year returns one year's data (ok false when the calendar lacks it).
func (c *Calendar) Year(y int) (Year, bool) {
	if yr, ok := c.years[y]; ok {
		return yr, true
	}
	if read, ok := c.lazy[y]; ok {
		return read(), true
	}
	return Year{}, false
}

// Working reports whether d is a working day.
// Errors: Internal (no_calendar) when d's year is not held.
func (c *Calendar) Working(d civil.Date) (bool, error) {
	yr, ok := c.Year(d.Year)
	if !ok {
		return false, errs.E("workdays.Working", errs.Internal, ReasonNoCalendar,
			fmt.Errorf("no production calendar for %d (date %s): add shared/domain/workdays/ru/%d.txt", d.Year, d, d.Year))
	}
	if yr.off[d] {
		return false, nil
	}
	if yr.work[d] {
		return true, nil
	}
	wd := weekday(d)
	return wd != time.Saturday && wd != time.Sunday, nil
}

// NextWorking returns d when it is a working day, else the first working
// day after it. Errors: Internal (no_calendar).
func (c *Calendar) NextWorking(d civil.Date) (civil.Date, error) {
	for {
		ok, err := c.Working(d)
		if err != nil || ok {
			return d, err
		}
		d = d.AddDays(1)
	}
}

// AddWorking returns the n-th working day after d (d itself not counted;
// n >= 1), as agencies count a term "in working days" from the day after
// the application. Errors: Internal (no_calendar).
func (c *Calendar) AddWorking(d civil.Date, n int) (civil.Date, error) {
	for n > 0 {
		d = d.AddDays(1)
		ok, err := c.Working(d)
		if err != nil {
			return d, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// MonthTotals counts the working days of each month of year y.
// Errors: Internal (no_calendar).
func (c *Calendar) MonthTotals(y int) ([12]int, error) {
	var m [12]int
	for d := (civil.Date{Year: y, Month: time.January, Day: 1}); d.Year == y; d = d.AddDays(1) {
		ok, err := c.Working(d)
		if err != nil {
			return m, err
		}
		if ok {
			m[d.Month-1]++
		}
	}
	return m, nil
}
