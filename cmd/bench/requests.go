package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kabinet/kabinet/internal/ddbcapacity"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// reqResult is one route's cost per request.
type reqResult struct {
	Name, Route  string
	Write        bool
	N            int
	Calls        float64 // DynamoDB calls per request (mean)
	Trips        float64 // sequential DynamoDB round trips per request (mean): overlapping calls count once
	Ops          string  // e.g. "GetItem, Query"
	Capacity     float64 // consumed capacity units per request (mean); -1 unknown
	ReadUnits    float64
	WriteUnits   float64
	CapacityNote string
	WriteBytes   int // bytes of the items a request puts (approximate DynamoDB size)
	P50, P99     time.Duration
	RawP50       time.Duration // the same DynamoDB calls replayed raw
	RawP99       time.Duration
	DDBP50       time.Duration // wall time with a DynamoDB call in flight during the request
	OverheadP50  time.Duration // median of (handler − its own DynamoDB time)
	Status       int
}

// Demo fixtures of the booking routes: Kaliningrad polyclinic (UTC+2).
const (
	benchInst      = "inst-kgd-01"
	slotsSpec      = "spec-kgd-01-1" // a realistic day: 09:00-17:00, 20 minutes
	bookSpec       = "spec-kgd-01-2" // many 5-minute slots to book one by one
	benchZone      = "Europe/Kaliningrad"
	contentionSpec = "spec-kgd-01-1"
)

func (b *bench) reqN() int {
	if b.o.Quick {
		return 10
	}
	return 400
}

// slotsOn makes n slots of spec from a local wall time, every step minutes.
func slotsOn(spec, inst string, day time.Time, from string, step, n int) []booking.Slot {
	loc, _ := time.LoadLocation(benchZone)
	t, _ := time.ParseInLocation("2006-01-02 15:04", day.Format("2006-01-02")+" "+from, loc)
	var out []booking.Slot
	for i := range n {
		s := t.Add(time.Duration(i*step) * time.Minute)
		out = append(out, booking.Slot{SpecialistID: spec, InstitutionID: inst, Start: s.UTC(),
			End: s.Add(time.Duration(step) * time.Minute).UTC(), Capacity: 1, MaxPerDay: booking.MaxPerDayLimit})
	}
	return out
}

// seedSchedule gives spec a schedule with the largest daily limit, so the
// limit never refuses a benchmark booking.
func seedSchedule(ctx context.Context, st *allstore.Store, spec string, slotMinutes int) error {
	var weekly []booking.Day
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		weekly = append(weekly, booking.Day{Weekday: d, Start: "08:00", End: "20:00"})
	}
	return st.PutSchedule(ctx, booking.Schedule{SpecialistID: spec, SlotMinutes: slotMinutes, MaxPerDay: booking.MaxPerDayLimit,
		WeeksAhead: 2, Weekly: weekly})
}

// requestCost serves each route in process, counts its DynamoDB calls and
// capacity, and compares its latency with the raw calls it makes.
func (b *bench) requestCost(ctx context.Context, rep *report) error {
	table, done, err := b.table(ctx, "req")
	if err != nil {
		return err
	}
	defer done()
	h, err := b.handler(table, true, ctx)
	if err != nil {
		return err
	}
	st := allstore.New(b.raw, table)
	b.clock.Set(benchMonday)
	n := b.reqN()

	// Fixtures: alice has 4 documents and 5 notifications; one specialist
	// has two weeks of 20-minute slots, another enough 5-minute slots for
	// every booking request.
	alice := b.token("bench-alice")
	var docID string
	for i := range 4 {
		w, _ := serve(h, "POST", "/documents", alice, fmt.Sprintf(`{"type":"custom","title":"Document %d","number":"N-%d","expiresOn":"2030-0%d-15"}`, i, i, i+1), nil)
		if w.Code != 201 {
			return fmt.Errorf("seed document: %d %s", w.Code, w.Body)
		}
		if i == 0 {
			var d struct{ ID string }
			_ = json.Unmarshal(w.Body.Bytes(), &d)
			docID = d.ID
		}
	}
	for i := range 5 {
		dec := reminders.Decision{Owner: "bench-alice", DocID: docID, Key: fmt.Sprintf("2030-01-15#d%d", i), LeaseUntil: benchMonday.Add(time.Minute)}
		if _, _, err := st.Claim(ctx, dec, benchMonday); err != nil {
			return err
		}
		left := 10 + i
		if err := st.Complete(ctx, dec, inbox.Notification{ID: fmt.Sprintf("n%02d", i), Owner: "bench-alice", Kind: inbox.KindDocumentExpiring,
			Title: "Срок документа истекает", Body: "Документ истекает через несколько дней", DocID: docID, DocType: "custom", DaysLeft: &left,
			CreatedAt: benchMonday.Add(-time.Duration(i) * time.Hour)}, registry.Event{}); err != nil {
			return err
		}
	}
	var slots []booking.Slot
	for d := range 14 {
		day := benchMonday.AddDate(0, 0, d)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		slots = append(slots, slotsOn(slotsSpec, benchInst, day, "09:00", 20, 24)...)
	}
	var bookable []booking.Slot
	for d := 1; len(bookable) < n+20; d++ {
		bookable = append(bookable, slotsOn(bookSpec, benchInst, benchMonday.AddDate(0, 0, d), "08:00", 5, 144)...)
	}
	if err := st.ImportSlots(ctx, append(slots, bookable...)); err != nil {
		return err
	}
	for _, sp := range []struct {
		id  string
		min int
	}{{slotsSpec, 20}, {bookSpec, 5}} {
		if err := seedSchedule(ctx, st, sp.id, sp.min); err != nil {
			return err
		}
	}

	type route struct {
		name, pattern string
		write         bool
		want          int
		req           func(i int) (method, path, token, body string, hdr map[string]string)
	}
	routes := []route{
		{"list documents", "GET /documents", false, 200, func(int) (string, string, string, string, map[string]string) {
			return "GET", "/documents", alice, "", nil
		}},
		{"get document", "GET /documents/{id}", false, 200, func(int) (string, string, string, string, map[string]string) {
			return "GET", "/documents/" + docID, alice, "", nil
		}},
		{"create document", "POST /documents (with Idempotency-Key)", true, 201, func(i int) (string, string, string, string, map[string]string) {
			return "POST", "/documents", b.token(fmt.Sprintf("creator-%d", i)),
				fmt.Sprintf(`{"type":"foreign_passport","number":"75 %07d","issuedOn":"2020-06-20"}`, i),
				map[string]string{"Idempotency-Key": fmt.Sprintf("bench-create-%d", i)}
		}},
		{"list slots", "GET /specialists/{id}/slots (2 weeks, 240 slots)", false, 200, func(int) (string, string, string, string, map[string]string) {
			return "GET", "/specialists/" + slotsSpec + "/slots", alice, "", nil
		}},
		{"book", "POST /bookings (with Idempotency-Key)", true, 201, func(i int) (string, string, string, string, map[string]string) {
			return "POST", "/bookings", b.token(fmt.Sprintf("booker-%d", i)),
				fmt.Sprintf(`{"slotId":%q,"mode":"in_person","contactPhone":"+79161234567"}`, bookable[i].ID()),
				map[string]string{"Idempotency-Key": fmt.Sprintf("bench-book-%d", i)}
		}},
		{"list notifications", "GET /notifications", false, 200, func(int) (string, string, string, string, map[string]string) {
			return "GET", "/notifications", alice, "", nil
		}},
	}
	const warm = 5
	for _, rt := range routes {
		r := reqResult{Name: rt.name, Route: rt.pattern, Write: rt.write, N: n, Status: rt.want}
		var hd, raw, ddb, over []time.Duration
		var calls, tripsSum, capTotal, capRead, capWrite float64
		capKnown, capMissing := map[string]bool{}, map[string]bool{}
		opsSeen := map[string]int{}
		for i := range n + warm {
			m, p, tok, body, hdr := rt.req(i)
			b.count.start()
			w, d := serve(h, m, p, tok, body, hdr)
			tl := b.count.stop()
			cs := tl.calls
			if w.Code != rt.want {
				return fmt.Errorf("%s: %d %s", rt.name, w.Code, w.Body)
			}
			// The raw reference: the very calls the handler made, replayed
			// on the same client, one round trip after another.
			t0 := time.Now()
			replayTrips(ctx, b.cl.DynamoDB, cs)
			rd := time.Since(t0)
			if i < warm {
				continue
			}
			// Time inside DynamoDB is wall time with a call in flight, so
			// calls made at once count once.
			inDDB := tl.busy
			bytes := 0
			for _, c := range cs {
				opsSeen[c.Op]++
				if c.Capacity >= 0 {
					capTotal += c.Capacity
					capRead += c.Read
					capWrite += c.Write
					capKnown[c.Op] = true
				} else {
					capMissing[c.Op] = true
				}
				for _, it := range writtenItems(c.Input) {
					bytes += ddbcapacity.ItemSize(it) + 100 // + the per-item overhead DynamoDB bills for indexes
				}
			}
			r.WriteBytes = bytes
			calls += float64(len(cs))
			tripsSum += float64(tl.trips)
			hd, raw, ddb, over = append(hd, d), append(raw, rd), append(ddb, inDDB), append(over, d-inDDB)
		}
		nn := float64(n)
		r.Calls, r.Trips, r.Capacity, r.ReadUnits, r.WriteUnits = calls/nn, tripsSum/nn, capTotal/nn, capRead/nn, capWrite/nn
		var ops []string
		for _, op := range slices.Sorted(maps.Keys(opsSeen)) {
			ops = append(ops, fmt.Sprintf("%s×%.3g", op, float64(opsSeen[op])/nn))
		}
		r.Ops = strings.Join(ops, ", ")
		if len(capKnown) == 0 {
			r.Capacity = -1
			r.CapacityNote = "not returned"
		} else if len(capMissing) > 0 {
			r.CapacityNote = "not returned for " + strings.Join(slices.Sorted(maps.Keys(capMissing)), ", ")
		}
		r.P50, r.P99 = median(hd), percentile(hd, 99)
		r.RawP50, r.RawP99 = median(raw), percentile(raw, 99)
		r.DDBP50, r.OverheadP50 = median(ddb), median(over)
		b.logf("%s: %.2f calls (%s) in %.2f sequential round trips, capacity %.2f, p50 %s p99 %s, raw p50 %s, overhead p50 %s", r.Name, r.Calls, r.Ops, r.Trips, r.Capacity,
			r.P50, r.P99, r.RawP50, r.OverheadP50)
		rep.Requests = append(rep.Requests, r)
	}
	return nil
}
