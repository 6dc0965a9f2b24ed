package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/booking"
)

// contResult is one contention scenario.
type contResult struct {
	Clients, Slots int
	Capacity       int // bookings possible: 1, or min(clients, slots)
	Booked         int // 201
	Conflicts      int // 409
	Other          int // anything else after retries
	Retries        int // 5xx/429 answers retried with the same Idempotency-Key
	Reasons        map[string]int
	P50, P99       time.Duration
	Wall           time.Duration
	PerSecond      float64 // successful bookings per second of wall time
}

func (b *bench) clientCounts() []int {
	if b.o.Quick {
		return []int{1, 5}
	}
	return []int{1, 10, 100}
}

// contention books through the HTTP handler in process, all clients
// released at once, distinct users, on one slot and on 100 slots.
func (b *bench) contention(ctx context.Context, rep *report) error {
	for _, nslots := range []int{1, 100} {
		for _, clients := range b.clientCounts() {
			r, err := b.contendOnce(ctx, clients, nslots)
			if err != nil {
				return err
			}
			rep.Contention = append(rep.Contention, r)
		}
	}
	return nil
}

func (b *bench) contendOnce(ctx context.Context, clients, nslots int) (contResult, error) {
	r := contResult{Clients: clients, Slots: nslots, Capacity: min(clients, nslots), Reasons: map[string]int{}}
	table, done, err := b.table(ctx, fmt.Sprintf("book%dx%d", clients, nslots))
	if err != nil {
		return r, err
	}
	defer done()
	h, err := b.handler(table, true, ctx)
	if err != nil {
		return r, err
	}
	b.clock.Set(benchMonday)
	st := allstore.New(b.raw, table)
	// 100 five-minute slots on Tuesday; the daily limit (200) is above them.
	slots := slotsOn(contentionSpec, benchInst, benchMonday.AddDate(0, 0, 1), "08:00", 5, nslots)
	if err := st.ImportSlots(ctx, slots); err != nil {
		return r, err
	}
	if err := seedSchedule(ctx, st, contentionSpec, 5); err != nil {
		return r, err
	}
	// Warm the directory cache and the connection pool.
	if w, _ := serve(h, "GET", "/specialists/"+contentionSpec+"/slots", b.token("warm"), "", nil); w.Code != 200 {
		return r, fmt.Errorf("warm-up: %d %s", w.Code, w.Body)
	}
	toks := make([]string, clients)
	for i := range toks {
		toks[i] = b.token(fmt.Sprintf("client-%03d", i))
	}
	var (
		mu    sync.Mutex
		lat   []time.Duration
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slot := slots[i%nslots]
			body := fmt.Sprintf(`{"slotId":%q,"mode":"in_person"}`, slot.ID())
			hdr := map[string]string{"Idempotency-Key": fmt.Sprintf("contention-%d", i)}
			<-start
			t0 := time.Now()
			code, retries, reason := 0, 0, ""
			for attempt := range 6 {
				w, _ := serve(h, "POST", "/bookings", toks[i], body, hdr)
				code = w.Code
				reason = problemReason(w.Body.Bytes())
				if code != 429 && code < 500 {
					break
				}
				retries++
				time.Sleep(time.Duration(10<<attempt) * time.Millisecond)
			}
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, d)
			r.Retries += retries
			switch {
			case code == 201:
				r.Booked++
			case code == 409:
				r.Conflicts++
				r.Reasons[reason]++
			default:
				r.Other++
				r.Reasons[fmt.Sprintf("%d %s", code, reason)]++
			}
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	r.Wall = time.Since(t0)
	r.P50, r.P99 = median(lat), percentile(lat, 99)
	r.PerSecond = float64(r.Booked) / r.Wall.Seconds()
	// What the table says: every slot holds at most its capacity.
	for _, sl := range slots {
		got, err := st.GetSlot(ctx, sl.SpecialistID, sl.Start)
		if err != nil {
			return r, err
		}
		if got.Booked > got.Capacity {
			return r, fmt.Errorf("slot %s overbooked: %d of %d", sl.ID(), got.Booked, got.Capacity)
		}
	}
	b.logf("contention %d clients on %d slots: %d booked (capacity %d), %d conflicts, %d other, %d retries, p99 %s, %.0f bookings/s %v",
		clients, nslots, r.Booked, r.Capacity, r.Conflicts, r.Other, r.Retries, r.P99, r.PerSecond, r.Reasons)
	return r, nil
}

func problemReason(body []byte) string {
	var p struct {
		Type   string `json:"type"`
		Detail string `json:"detail"`
		Title  string `json:"title"`
	}
	_ = jsonUnmarshal(body, &p)
	s := p.Type
	if i := lastSlash(s); i >= 0 {
		s = s[i+1:]
	}
	if p.Title != "" {
		s += " (" + p.Title + ")"
	}
	return s
}

var _ = booking.MaxPerDayLimit
