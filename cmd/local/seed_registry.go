package main

import (
	"context"
	"fmt"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// demoSchedule is a weekday schedule with a lunch break: 08:00–14:00 and
// 15:00–18:00 on weekdays, 09:00–13:00 on Saturdays, 30-minute slots.
var demoSchedule = booking.Schedule{
	SlotMinutes: 30, MaxPerDay: 16, WeeksAhead: 2,
	Weekly: []booking.Day{
		{Weekday: "monday", Start: "08:00", End: "18:00", Breaks: []booking.Interval{{Start: "14:00", End: "15:00"}}},
		{Weekday: "tuesday", Start: "08:00", End: "18:00", Breaks: []booking.Interval{{Start: "14:00", End: "15:00"}}},
		{Weekday: "wednesday", Start: "08:00", End: "18:00", Breaks: []booking.Interval{{Start: "14:00", End: "15:00"}}},
		{Weekday: "thursday", Start: "08:00", End: "18:00", Breaks: []booking.Interval{{Start: "14:00", End: "15:00"}}},
		{Weekday: "friday", Start: "08:00", End: "17:00", Breaks: []booking.Interval{{Start: "13:00", End: "14:00"}}},
		{Weekday: "saturday", Start: "09:00", End: "13:00"},
	},
}

// seedRegistry writes the demo directory, gives every specialist the demo
// schedule (slots for two weeks), and a few past visits to the demo user.
// Like seed, it runs once: a directory already in place is left alone.
func seedRegistry(ctx context.Context, st *allstore.Store, svc *booking.Service) (string, error) {
	have, _, err := st.LoadDirectory(ctx)
	if err != nil {
		return "", err
	}
	if len(have) > 0 {
		return fmt.Sprintf("Demo registry in place: %d institutions.", len(have)), nil
	}
	insts, specs := directory.Demo()
	if err := st.PutDirectory(ctx, insts, specs); err != nil {
		return "", err
	}
	// The same slots SetSchedule would make, written in bulk: the table is
	// fresh, so there is nothing booked to keep, and thousands of
	// conditional writes would make the first start slow.
	zoneOf := map[string]*time.Location{}
	for _, in := range insts {
		zoneOf[in.ID], _ = time.LoadLocation(in.TimeZone)
	}
	now := svc.Now()
	var slots []booking.Slot
	for _, sp := range specs {
		sc := demoSchedule
		sc.SpecialistID = sp.ID
		loc := zoneOf[sp.InstitutionID]
		made, err := sc.Slots(sp.InstitutionID, loc, civil.Today(now, loc), now)
		if err != nil {
			return "", err
		}
		if err := st.PutSchedule(ctx, sc); err != nil {
			return "", err
		}
		slots = append(slots, made...)
	}
	if err := patiently(ctx, func() error { return st.ImportSlots(ctx, slots) }); err != nil {
		return "", err
	}
	if err := seedPastVisits(ctx, st, insts, specs, svc.Now()); err != nil {
		return "", err
	}
	return fmt.Sprintf("Demo registry: %d institutions, %d specialists with two weeks of slots; alice has past visits.", len(insts), len(specs)), nil
}

// seedPastVisits gives the demo user a journal: two completed visits and a
// no-show in the past weeks, written straight to the store (the service
// rightly refuses to book the past).
func seedPastVisits(ctx context.Context, st *allstore.Store, insts []directory.Institution, specs []directory.Specialist, now time.Time) error {
	zoneOf := map[string]string{}
	for _, in := range insts {
		zoneOf[in.ID] = in.TimeZone
	}
	for i, outcome := range []booking.Status{booking.Completed, booking.Completed, booking.NoShow} {
		sp := specs[i*3%len(specs)]
		loc, _ := time.LoadLocation(zoneOf[sp.InstitutionID])
		day := civil.Today(now, loc).AddDays(-7 * (i + 1))
		start := time.Date(day.Year, day.Month, day.Day, 10, 0, 0, 0, loc).UTC()
		slot := booking.Slot{SpecialistID: sp.ID, InstitutionID: sp.InstitutionID, Start: start, End: start.Add(30 * time.Minute), Capacity: 1, MaxPerDay: 16}
		if _, err := st.PutSlots(ctx, []booking.Slot{slot}); err != nil {
			return err
		}
		b := booking.Booking{ID: fmt.Sprintf("demo-visit-%d", i+1), Owner: demoUser, SpecialistID: sp.ID, InstitutionID: sp.InstitutionID,
			Start: start, End: slot.End, TimeZone: zoneOf[sp.InstitutionID], Mode: booking.InPerson,
			ConfirmationNumber: fmt.Sprintf("KB-DEMO-%04d", i+1), Place: i, Status: booking.Confirmed, CancelDeadline: start.Add(-2 * time.Hour),
			Events:    []booking.Event{{Action: "booked", Actor: demoUser, At: start.Add(-72 * time.Hour)}},
			CreatedAt: start.Add(-72 * time.Hour), UpdatedAt: start.Add(-72 * time.Hour), Version: 1}
		if _, _, err := st.Book(ctx, b, slot, nil); err != nil {
			return err
		}
		done := b
		done.Status, done.StaffComment, done.Version = outcome, map[booking.Status]string{booking.Completed: "Приём состоялся", booking.NoShow: "Пациент не явился"}[outcome], 2
		done.Events = append(done.Events, booking.Event{Action: "visit", Actor: "staff", At: slot.End, Reason: string(outcome)})
		if err := st.CloseVisit(ctx, booking.VisitRecord{Booking: done, Prev: 1}); err != nil {
			return err
		}
	}
	return nil
}

// patiently runs an idempotent bulk write again while it fails for want of
// a dependency, for up to about a minute: the functions' five-second call
// timeout suits a request, but thousands of slots written into a DynamoDB
// Local starved of CPU (a loaded machine) can take longer per batch, and a
// first start should then be slow, not fail.
func patiently(ctx context.Context, write func() error) error {
	wait := time.Second
	for attempt := 1; ; attempt++ {
		err := write()
		if err == nil || !errs.Is(err, errs.Unavailable) || attempt == 6 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 2
	}
}
