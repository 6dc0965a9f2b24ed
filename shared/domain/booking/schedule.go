package booking

import (
	"fmt"
	"slices"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Schedule is a specialist's working pattern, set by staff of their
// institution. Times are local to the institution ("HH:MM").
type Schedule struct {
	SpecialistID string      `json:"-"`
	SlotMinutes  int         `json:"slotMinutes"`
	MaxPerDay    int         `json:"maxPerDay"`
	WeeksAhead   int         `json:"weeksAhead"`
	Weekly       []Day       `json:"weekly"`
	Exceptions   []Exception `json:"exceptions"`
}

// Day is the working hours of one weekday ("monday" ...), with breaks.
type Day struct {
	Weekday string     `json:"weekday"`
	Start   string     `json:"start"`
	End     string     `json:"end"`
	Breaks  []Interval `json:"breaks"`
}

// Interval is a local time range.
type Interval struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Exception replaces one date's hours, or makes it a day off.
type Exception struct {
	Date   string     `json:"date"`
	DayOff bool       `json:"dayOff"`
	Start  string     `json:"start"`
	End    string     `json:"end"`
	Breaks []Interval `json:"breaks"`
}

// Limits of a schedule.
const (
	MinSlotMinutes    = 5
	MaxSlotMinutes    = 240
	MaxPerDayLimit    = 200
	DefaultWeeksAhead = 4
	MaxWeeksAhead     = 12
)

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// clock reads "HH:MM" as minutes after midnight.
func clock(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// span is a validated interval in minutes after midnight.
type span struct{ from, to int }

// hours validates a working day with its breaks and returns the working spans.
func hours(field, start, end string, breaks []Interval, fe *errs.Fields) []span {
	from, ok1 := clock(start)
	to, ok2 := clock(end)
	if !ok1 || !ok2 || from >= to {
		fe.Add(field, "invalid_hours")
		return nil
	}
	var bs []span
	for i, b := range breaks {
		bf, ok1 := clock(b.Start)
		bt, ok2 := clock(b.End)
		bfield := fmt.Sprintf("%s.breaks[%d]", field, i)
		switch {
		case !ok1 || !ok2 || bf >= bt:
			fe.Add(bfield, "invalid_hours")
			return nil
		case bf < from || bt > to:
			fe.Add(bfield, "outside_hours")
			return nil
		}
		bs = append(bs, span{bf, bt})
	}
	slices.SortFunc(bs, func(a, b span) int { return a.from - b.from })
	for i := 1; i < len(bs); i++ {
		if bs[i].from < bs[i-1].to {
			fe.Add(field+".breaks", "overlapping")
			return nil
		}
	}
	work, cur := []span{}, from
	for _, b := range bs {
		if b.from > cur {
			work = append(work, span{cur, b.from})
		}
		cur = b.to
	}
	if cur < to {
		work = append(work, span{cur, to})
	}
	return work
}

// plan is a validated schedule: working spans per weekday and per exception date.
type plan struct {
	weekly     map[time.Weekday][]span
	exceptions map[civil.Date][]span // nil slice: day off
}

// Validate checks s and returns it with defaults filled.
// Errors: Invalid with field errors.
func (s Schedule) Validate() (Schedule, error) {
	_, err := s.plan()
	if s.WeeksAhead == 0 {
		s.WeeksAhead = DefaultWeeksAhead
	}
	return s, err
}

func (s Schedule) plan() (plan, error) {
	var fe errs.Fields
	p := plan{weekly: map[time.Weekday][]span{}, exceptions: map[civil.Date][]span{}}
	if s.SlotMinutes < MinSlotMinutes || s.SlotMinutes > MaxSlotMinutes {
		fe.Add("slotMinutes", "out_of_range")
	}
	if s.MaxPerDay < 1 || s.MaxPerDay > MaxPerDayLimit {
		fe.Add("maxPerDay", "out_of_range")
	}
	if s.WeeksAhead < 0 || s.WeeksAhead > MaxWeeksAhead {
		fe.Add("weeksAhead", "out_of_range")
	}
	if len(s.Weekly) == 0 {
		fe.Add("weekly", "required")
	}
	for i, d := range s.Weekly {
		field := fmt.Sprintf("weekly[%d]", i)
		wd, ok := weekdays[d.Weekday]
		switch {
		case !ok:
			fe.Add(field+".weekday", "unknown_weekday")
			continue
		case p.weekly[wd] != nil:
			fe.Add(field+".weekday", "duplicate")
			continue
		}
		if w := hours(field, d.Start, d.End, d.Breaks, &fe); w != nil {
			p.weekly[wd] = w
		}
	}
	for i, x := range s.Exceptions {
		field := fmt.Sprintf("exceptions[%d]", i)
		date, err := civil.Parse(x.Date)
		if err != nil {
			fe.Add(field+".date", "invalid_date")
			continue
		}
		if x.DayOff {
			p.exceptions[date] = nil
			continue
		}
		if w := hours(field, x.Start, x.End, x.Breaks, &fe); w != nil {
			p.exceptions[date] = w
		}
	}
	return p, fe.Err("booking.Schedule")
}

// Slots generates the slots of s for institution inst in loc from day
// `from` for s.WeeksAhead weeks. Slots that would start at or before now
// are left out. A slot ends within its working span: a span shorter than
// a slot gives none.
func (s Schedule) Slots(institutionID string, loc *time.Location, from civil.Date, now time.Time) ([]Slot, error) {
	p, err := s.plan()
	if err != nil {
		return nil, err
	}
	weeks := s.WeeksAhead
	if weeks == 0 {
		weeks = DefaultWeeksAhead
	}
	var out []Slot
	for i := range weeks * 7 {
		day := from.AddDays(i)
		spans, ok := p.exceptions[day]
		if !ok {
			spans = p.weekly[day.In(loc).Weekday()]
		}
		midnight := day.In(loc)
		for _, sp := range spans {
			for m := sp.from; m+s.SlotMinutes <= sp.to; m += s.SlotMinutes {
				// Build wall-clock times with time.Date, so a zone's offset on
				// that date (not at midnight) applies.
				start := time.Date(midnight.Year(), midnight.Month(), midnight.Day(), m/60, m%60, 0, 0, loc)
				if !start.After(now) {
					continue
				}
				out = append(out, Slot{SpecialistID: s.SpecialistID, InstitutionID: institutionID,
					Start: start.UTC(), End: start.Add(time.Duration(s.SlotMinutes) * time.Minute).UTC(),
					Capacity: 1, MaxPerDay: s.MaxPerDay})
			}
		}
	}
	return out, nil
}
