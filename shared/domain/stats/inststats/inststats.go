// Package inststats is an institution's dashboard: what a booking, a slot
// or a waiting-list entry means for its institution's counters, and the
// dashboard read back from them. Counts only: no patient appears.
package inststats

import (
	"context"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/stats"
)

// The counters. A day's bucket of an institution counts, per specialist,
// the places offered in the slots of that day (off), the bookings for it
// (bkd: any status), those cancelled by the patient (cp) and by the
// institution (ci), the no-shows (ns), the visits (vis) and the lead times
// of the bookings not cancelled in whole days (lead#<specialist>#<days>).
// Its bucket of now counts the active waiting-list entries naming a
// specialist (wl) or any specialist of a specialization (wls).
//
// One bucket a day holds every specialist's counters: a dashboard of any
// range, for all specialists or one, is one Query of one item a day.
const (
	cOffered      = "off"
	cBooked       = "bkd"
	cCancelledPat = "cp"
	cCancelledIns = "ci"
	cNoShow       = "ns"
	cVisit        = "vis"
	cLead         = "lead"
	gWaitSpec     = "wl"
	gWaitSpecz    = "wls"
)

// OfBooking adds to c what booking b, as it stands, contributes: on its
// day in the institution's zone, a booking, its cancellation (by whom),
// visit or no-show, and unless cancelled its lead time.
func OfBooking(c stats.Counts, b booking.Booking) {
	loc := stats.Zone(b.TimeZone)
	day := civil.Of(b.Start.In(loc))
	k := stats.Key{Scope: stats.Scope{Kind: stats.ScopeInstitution, ID: b.InstitutionID}, Day: day}
	sp := b.SpecialistID
	c.Add(k, stats.Name(cBooked, sp), 1)
	switch b.Status {
	case booking.Cancelled:
		if b.CancelledBy == booking.CancelledByInstitution {
			c.Add(k, stats.Name(cCancelledIns, sp), 1)
		} else {
			c.Add(k, stats.Name(cCancelledPat, sp), 1)
		}
		return
	case booking.Completed:
		c.Add(k, stats.Name(cVisit, sp), 1)
	case booking.NoShow:
		c.Add(k, stats.Name(cNoShow, sp), 1)
	}
	lead := max(civil.Of(b.CreatedAt.In(loc)).DaysUntil(day), 0)
	c.Add(k, stats.Name(cLead, sp, strconv.Itoa(lead)), 1)
}

// OfSlot adds to c the places slot s offers, on its day in zone (the
// institution's; a slot carries none).
func OfSlot(c stats.Counts, s booking.Slot, zone string) {
	day := civil.Of(s.Start.In(stats.Zone(zone)))
	c.Add(stats.Key{Scope: stats.Scope{Kind: stats.ScopeInstitution, ID: s.InstitutionID}, Day: day},
		stats.Name(cOffered, s.SpecialistID), int64(s.Capacity))
}

// OfWait adds to c an active waiting-list entry: now, under the specialist
// it names, or its specialization when it names none.
func OfWait(c stats.Counts, e booking.WaitEntry) {
	if !e.Active() {
		return
	}
	now := stats.Key{Scope: stats.Scope{Kind: stats.ScopeInstitution, ID: e.InstitutionID}}
	if e.SpecialistID != "" {
		c.Add(now, stats.Name(gWaitSpec, e.SpecialistID), 1)
		return
	}
	c.Add(now, stats.Name(gWaitSpecz, e.Specialization), 1)
}

// Stats is an institution's dashboard.
type Stats struct {
	Institution string
	From, To    civil.Date
	Specialist  string // "" for every specialist
	AsOf        time.Time
	// Days is one row per specialist and day with anything offered or
	// booked, oldest first.
	Days []Day
	// Specialists is every specialist of the institution (or the one asked
	// for) with the range's totals.
	Specialists []Specialist
}

// Appointments is the counts of one specialist over a day or a range.
type Appointments struct {
	Offered, Booked, CancelledByPatient, CancelledByInstitution, NoShows, Visits int64
}

// Utilisation is the share of what was offered that is booked and not
// cancelled, 0 to 1 to three places (0 when nothing was offered).
func (a Appointments) Utilisation() float64 {
	if a.Offered <= 0 {
		return 0
	}
	u := float64(a.Booked-a.CancelledByPatient-a.CancelledByInstitution) / float64(a.Offered)
	return math.Round(math.Max(u, 0)*1000) / 1000
}

func (a *Appointments) add(counter string, n int64) bool {
	switch counter {
	case cOffered:
		a.Offered += n
	case cBooked:
		a.Booked += n
	case cCancelledPat:
		a.CancelledByPatient += n
	case cCancelledIns:
		a.CancelledByInstitution += n
	case cNoShow:
		a.NoShows += n
	case cVisit:
		a.Visits += n
	default:
		return false
	}
	return true
}

// Day is one specialist's day.
type Day struct {
	Date         civil.Date
	SpecialistID string
	Appointments
}

// Specialist is one specialist's totals over the range.
type Specialist struct {
	ID, Name string
	Appointments
	LeadTime stats.Percentiles // booking to visit, whole days, bookings not cancelled
	Waitlist int64             // active waiting-list entries naming them or their specialization, now
}

func view(inst string, from, to civil.Date, specs []directory.Specialist, days []stats.Bucket, now stats.Bucket) Stats {
	out := Stats{Institution: inst, From: from, To: to}
	index := map[string]int{}
	for i, sp := range specs {
		index[sp.ID] = i
		out.Specialists = append(out.Specialists, Specialist{ID: sp.ID, Name: sp.Name})
	}
	lead := make([]stats.Histogram, len(specs))
	slices.SortFunc(days, stats.CompareDays)
	for _, b := range days {
		if b.Day.Before(from) || b.Day.After(to) {
			continue
		}
		rows := map[string]*Appointments{}
		for attr, n := range b.Counts {
			parts := stats.Split(attr, 3)
			if len(parts) < 2 {
				continue
			}
			i, ok := index[parts[1]]
			if !ok {
				continue
			}
			if parts[0] == cLead && len(parts) == 3 {
				if lead[i] == nil {
					lead[i] = stats.Histogram{}
				}
				lead[i].Add(parts[2], n)
				continue
			}
			row := rows[parts[1]]
			if row == nil {
				row = &Appointments{}
			}
			if row.add(parts[0], n) {
				rows[parts[1]] = row
				out.Specialists[i].add(parts[0], n)
			}
		}
		for _, sp := range specs {
			if r := rows[sp.ID]; r != nil && (r.Offered != 0 || r.Booked != 0) {
				out.Days = append(out.Days, Day{Date: b.Day, SpecialistID: sp.ID, Appointments: *r})
			}
		}
	}
	for i, sp := range specs {
		out.Specialists[i].LeadTime = lead[i].Percentiles()
		for attr, n := range now.Counts {
			parts := stats.Split(attr, 2)
			if len(parts) == 2 && (parts[0] == gWaitSpec && parts[1] == sp.ID ||
				parts[0] == gWaitSpecz && directory.SameSpecialization(parts[1], sp.Specialization)) {
				out.Specialists[i].Waitlist += n
			}
		}
	}
	return out
}

// Places is the directory, for an institution's specialists and zone.
type Places interface {
	Institution(ctx context.Context, id string) (directory.Institution, error)
	Specialists(ctx context.Context, institutionID, specialization string) ([]directory.Specialist, error)
}

// Service reads institutions' dashboards.
type Service struct {
	*stats.Service
	Places Places
}

// Institution is the dashboard of institution id. Who may call: a
// manager of that institution.
// Errors: Forbidden (manager_only) for anyone else; NotFound for an
// institution the directory lacks; Malformed with field errors for a bad
// range (stats.Service.Range) or a specialist not of the institution
// (specialist: unknown_specialist); those of the store and the directory.
func (s Service) Institution(ctx context.Context, v stats.Viewer, id string, q stats.Query) (Stats, error) {
	const op = "inststats.Institution"
	if !v.Manager || v.Institution == "" || v.Institution != id {
		return Stats{}, errs.E(op, errs.Forbidden, stats.ReasonManagerOnly)
	}
	inst, err := s.Places.Institution(ctx, id)
	if err != nil {
		return Stats{}, err
	}
	specs, err := s.Places.Specialists(ctx, id, "")
	if err != nil {
		return Stats{}, err
	}
	var fe errs.Fields
	from, to, _ := s.Range(q, stats.Zone(inst.TimeZone), &fe)
	if q.Specialist != "" {
		specs = slices.DeleteFunc(specs, func(sp directory.Specialist) bool { return sp.ID != q.Specialist })
		if len(specs) == 0 {
			fe.Add("specialist", "unknown_specialist")
		}
	}
	if err := fe.ErrKind(op, errs.Malformed); err != nil {
		return Stats{}, err
	}
	days, now, err := s.Read(ctx, stats.Scope{Kind: stats.ScopeInstitution, ID: id}, from, to, true)
	if err != nil {
		return Stats{}, err
	}
	out := view(id, from, to, specs, days, now)
	out.Specialist, out.AsOf = q.Specialist, s.Now().UTC()
	return out, nil
}
