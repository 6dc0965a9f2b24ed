// Package changes is what a change of one item of the table moves on the
// dashboards' counters: the item before and after, each turned into what
// it contributes (agencystats for an application, inststats for a
// booking, a slot or a waiting-list entry), and the difference. Applying
// every change once keeps the counters equal to a recount of the items as
// they stand; a change that means nothing for them moves nothing.
package changes

import (
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/stats"
	"github.com/kabinet/kabinet/shared/domain/stats/agencystats"
	"github.com/kabinet/kabinet/shared/domain/stats/inststats"
	"github.com/kabinet/kabinet/shared/domain/workdays"
)

// Item is one item of the table that counts, in its domain form: exactly
// one field is set, or none for an item that is not there (before it was
// made, after it was deleted) or does not count.
type Item struct {
	Application *applications.Application
	Booking     *booking.Booking
	Slot        *booking.Slot
	Wait        *booking.WaitEntry
}

// Rules turns items into what they contribute to the counters.
type Rules struct {
	// Calendar counts working days (nil: the Russian production calendar).
	Calendar *workdays.Calendar
	// Zone is the zone of an institution's days (its slots carry none);
	// nil or "" is Moscow's.
	Zone func(institutionID string) string
}

// Of is what it contributes to the counters as it stands.
func (r Rules) Of(it Item) stats.Counts {
	c := stats.Counts{}
	switch {
	case it.Application != nil:
		cal := r.Calendar
		if cal == nil {
			cal = workdays.Default()
		}
		agencystats.Of(c, *it.Application, cal)
	case it.Booking != nil:
		inststats.OfBooking(c, *it.Booking)
	case it.Slot != nil:
		zone := ""
		if r.Zone != nil {
			zone = r.Zone(it.Slot.InstitutionID)
		}
		inststats.OfSlot(c, *it.Slot, zone)
	case it.Wait != nil:
		inststats.OfWait(c, *it.Wait)
	}
	return c
}

// Change is what a change of one item from old to new moves: Of(new) -
// Of(old), except for an application or a booking deleted: only an
// account's erasure deletes one that counts (a deleted draft counts
// nothing), and the days' figures are anonymous history (the visit took
// place, the application was decided), so such a deletion takes back only
// what the item holds on the gauges of now.
func (r Rules) Change(old, new Item) stats.Counts {
	d := stats.Diff(r.Of(old), r.Of(new))
	if new == (Item{}) && (old.Application != nil || old.Booking != nil) {
		for k := range d {
			if !k.Now() {
				delete(d, k)
			}
		}
	}
	return d
}
