package httpapi_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kabinet/kabinet/shared/domain/booking"
)

const (
	mskPoly      = "inst-msk-01"   // Moscow polyclinic with no deadline of its own: until the start
	mskTherapist = "spec-msk-01-1" // in person and video
	zoneMsk      = "Europe/Moscow"
)

// TestScheduleChangeKeepsBookingsClear: a schedule change keeps a confirmed
// 12:00–12:30 booking and never opens a free slot overlapping it (20-minute
// slots would start one at 12:20); slots clear of it are made.
func TestScheduleChangeKeepsBookingsClear(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 20, 1))
	kept := e.mustBook("kept-12", kgd(kgdTherapist, "2026-06-16 12:00"))
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 20, 20, 1)) // 12:00, 12:20, 12:40...
	keptStart, keptEnd := local(zoneKgd, "2026-06-16 12:00"), local(zoneKgd, "2026-06-16 12:30")
	var starts []string
	for _, s := range e.freeSlots(kgdTherapist, "from=2026-06-16&to=2026-06-16").Items {
		start, _ := time.Parse(time.RFC3339, s.Start)
		end, _ := time.Parse(time.RFC3339, s.End)
		if start.Before(keptEnd) && keptStart.Before(end) {
			t.Errorf("free slot %s–%s overlaps the kept booking 12:00–12:30", s.Start, s.End)
		}
		starts = append(starts, start.In(mustZone(zoneKgd)).Format("15:04"))
	}
	if got := strings.Join(starts, " "); !strings.Contains(got, "11:40") || !strings.Contains(got, "12:40") || strings.Contains(got, "12:20") ||
		strings.Contains(got, "12:00") {
		t.Errorf("free slots %s: want 11:40 and 12:40, not 12:00 (booked) nor 12:20", got)
	}
	// the kept booking still stands, and the slot it holds is not free
	if r := e.do(req{method: "GET", path: "/bookings/" + kept["id"].(string), token: e.token("kept-12")}); r.status != http.StatusOK ||
		r.json(t)["status"] != "confirmed" {
		t.Errorf("the kept booking: %d %s", r.status, r.body)
	}
	if r := e.book("someone-else", kgd(kgdTherapist, "2026-06-16 12:20")); r.status != http.StatusUnprocessableEntity {
		t.Errorf("booking 12:20 next to the kept booking: %d %s, want 422 (no such slot)", r.status, r.body)
	}
}

// TestNoOverlappingAppointmentsAnywhere: a person cannot hold two
// appointments overlapping in time, at one institution or two, by booking
// or by moving one; touching ones are fine, and so is another person.
func TestNoOverlappingAppointmentsAnywhere(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 20, 1))
	e.setSchedule(kgdHospital, kgdEyes, weekdaysPlan("09:00", "13:00", nil, 20, 20, 1))
	first := e.mustBook("overlap", kgd(kgdTherapist, "2026-06-16 10:00")) // 10:00–10:30
	for _, tc := range []struct {
		name, sub, slot string
		status          int
	}{
		{"another institution, 10:20–10:40", "overlap", kgd(kgdEyes, "2026-06-16 10:20"), http.StatusConflict},
		{"another institution, 10:00–10:20", "overlap", kgd(kgdEyes, "2026-06-16 10:00"), http.StatusConflict},
		{"another person at that time", "other", kgd(kgdEyes, "2026-06-16 10:20"), http.StatusCreated},
		{"touching it: 10:40–11:00", "overlap", kgd(kgdEyes, "2026-06-16 10:40"), http.StatusCreated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.book(tc.sub, tc.slot)
			if tc.status == http.StatusConflict {
				assertType(t, r, http.StatusConflict, "overlapping-booking")
				return
			}
			if r.status != tc.status {
				t.Errorf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
		})
	}
	t.Run("moving one onto the other", func(t *testing.T) {
		r := e.do(req{method: "POST", path: "/bookings/" + first["id"].(string) + "/reschedule", token: e.token("overlap"),
			body: map[string]any{"slotId": kgd(kgdTherapist, "2026-06-16 10:30")}}) // 10:30–11:00 against 10:40–11:00
		assertType(t, r, http.StatusConflict, "overlapping-booking")
		r = e.do(req{method: "POST", path: "/bookings/" + first["id"].(string) + "/reschedule", token: e.token("overlap"),
			body: map[string]any{"slotId": kgd(kgdTherapist, "2026-06-16 11:30")}})
		if r.status != http.StatusOK {
			t.Errorf("moving it clear: %d %s", r.status, r.body)
		}
	})
}

// TestPolyclinicCancelsUntilTheStart: a polyclinic that sets no deadline
// lets its appointments be cancelled and moved until they start; the
// booking and its confirmation say so; an institution's own deadline
// stands (TestBookingDeadline).
func TestPolyclinicCancelsUntilTheStart(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(mskPoly, mskTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 20, 1))
	r := e.do(req{method: "GET", path: "/institutions/" + mskPoly, token: e.token("browser")})
	if r.status != http.StatusOK || r.json(t)["cancelDeadlineMinutes"].(float64) != 0 {
		t.Errorf("institution: %d %s; want cancelDeadlineMinutes 0", r.status, r.body)
	}
	for i, tc := range []struct {
		name   string
		before time.Duration
		action string
		status int
	}{
		{"cancel a minute before", time.Minute, "cancel", http.StatusOK},
		{"reschedule a minute before", time.Minute, "reschedule", http.StatusOK},
		{"cancel at the start", 0, "cancel", http.StatusConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.clock.Set(bookingMonday)
			sub := "until-start-" + tc.action + string(rune('a'+i))
			start := local(zoneMsk, "2026-06-16 09:00").Add(time.Duration(i) * 30 * time.Minute)
			b := e.mustBook(sub, booking.SlotID(mskTherapist, start))
			if got, want := b["cancelDeadline"], start.In(mustZone(zoneMsk)).Format(time.RFC3339); got != want {
				t.Errorf("cancelDeadline %v, want the start %s", got, want)
			}
			e.clock.Set(start.Add(-tc.before))
			var r resp
			if tc.action == "cancel" {
				r = e.do(req{method: "POST", path: "/bookings/" + b["id"].(string) + "/cancel", token: e.token(sub), body: map[string]any{"reason": ""}})
			} else {
				r = e.do(req{method: "POST", path: "/bookings/" + b["id"].(string) + "/reschedule", token: e.token(sub),
					body: map[string]any{"slotId": booking.SlotID(mskTherapist, local(zoneMsk, "2026-06-17 12:30"))}})
			}
			if r.status != tc.status {
				t.Fatalf("%s: %d %s, want %d", tc.action, r.status, r.body, tc.status)
			}
			if tc.status == http.StatusConflict {
				assertType(t, r, http.StatusConflict, "deadline-passed")
			}
		})
	}
	t.Run("the confirmation names the deadline", func(t *testing.T) {
		e.clock.Set(bookingMonday)
		e.mustBook("until-start-text", booking.SlotID(mskTherapist, local(zoneMsk, "2026-06-18 10:00")))
		r := e.do(req{method: "GET", path: "/notifications", token: e.token("until-start-text")})
		list := items(r.json(t))
		if len(list) != 1 || list[0]["kind"] != "booking_confirmed" || list[0]["bookingId"] == nil ||
			!strings.Contains(list[0]["body"].(string), "until it starts") && !strings.Contains(list[0]["body"].(string), "до начала приёма") {
			t.Errorf("inbox %v: want the confirmation saying it may be cancelled until the start", list)
		}
	})
}

// absence declares spec of inst absent from one local date to another as
// its staff, and returns the absence.
func (e *env) absence(inst, spec, from, to string) map[string]any {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/specialists/" + spec + "/absences", token: e.staff(inst),
		body: map[string]any{"from": from, "to": to, "reason": "Врач заболел"}})
	if r.status != http.StatusCreated {
		e.t.Fatalf("absence of %s %s..%s: %d %s", spec, from, to, r.status, r.body)
	}
	return r.json(e.t)
}

// TestNoOverlapUnderConcurrency: one person, all at once, books two
// appointments at 10:00 at two institutions and moves a third one there, on
// each of two days (six requests in parallel); on a day every pair
// overlaps. The overlap rule is a condition of the booking's (and the
// move's) transaction, the person's booking sequence, not only a read
// before it: on each day exactly one succeeds, the others are refused as
// overlapping (or 503 for the client to retry), and the person's
// confirmed bookings never overlap. (A move holds no new place, so the
// places cannot serialize it against a booking.)
func TestNoOverlapUnderConcurrency(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 20, 1))
	e.setSchedule(kgdPoly, kgdPediatric, weekdaysPlan("09:00", "13:00", nil, 30, 20, 1))
	e.setSchedule(kgdHospital, kgdEyes, weekdaysPlan("09:00", "13:00", nil, 20, 20, 1))
	for round, at := range []struct{ target, held string }{{"09:00", "12:00"}, {"10:00", "12:30"}, {"11:00", "11:30"}} {
		sub := fmt.Sprintf("racer-%d", round)
		days := []string{"2026-06-16", "2026-06-17"}
		var reqs []req
		for _, day := range days {
			moving := e.mustBook(sub, kgd(kgdTherapist, day+" "+at.held))["id"].(string)
			reqs = append(reqs,
				req{method: "POST", path: "/bookings/" + moving + "/reschedule", token: e.token(sub), body: map[string]any{"slotId": kgd(kgdTherapist, day+" "+at.target)}},
				req{method: "POST", path: "/bookings", token: e.token(sub), body: bookBody(kgd(kgdPediatric, day+" "+at.target), "in_person")},
				req{method: "POST", path: "/bookings", token: e.token(sub), body: bookBody(kgd(kgdEyes, day+" "+at.target), "in_person")})
		}
		rs := e.sendAll(reqs)
		t.Logf("round %d: %v", round, outcomes(rs))
		for i, day := range days {
			done := 0
			for _, r := range rs[3*i : 3*i+3] {
				switch {
				case r.status == http.StatusCreated || r.status == http.StatusOK:
					done++
				case r.status == http.StatusConflict:
					assertType(t, r, http.StatusConflict, "overlapping-booking")
				case r.status != http.StatusServiceUnavailable:
					t.Errorf("%s: %d %s", day, r.status, r.body)
				}
			}
			if done > 1 {
				t.Errorf("round %d, %s: %d overlapping appointments made at once", round, day, done)
			}
		}
		var mine []map[string]any
		for _, b := range items(e.do(req{method: "GET", path: "/bookings", token: e.token(sub)}).json(t)) {
			if b["status"] == "confirmed" {
				mine = append(mine, b)
			}
		}
		for i, a := range mine {
			for _, b := range mine[i+1:] {
				if a["start"].(string) < b["end"].(string) && b["start"].(string) < a["end"].(string) {
					t.Errorf("round %d: overlapping confirmed bookings %v–%v and %v–%v", round, a["start"], a["end"], b["start"], b["end"])
				}
			}
		}
	}
}

// TestEndedBookingNoLongerCounts: the overlap rule and the upcoming limit
// judge the upcoming appointments kept on the person's booking sequence;
// a booking ended by the person or by the institution takes its entry off
// in its own transaction, so the hour it held is free for them to book
// elsewhere.
func TestEndedBookingNoLongerCounts(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 20, 1))
	e.setSchedule(kgdHospital, kgdEyes, weekdaysPlan("09:00", "13:00", nil, 20, 20, 1))
	for _, tc := range []struct {
		name, sub, day string
		end            func(sub string, b map[string]any)
	}{
		{"cancelled by the person", "ended-citizen", "2026-06-16", func(sub string, b map[string]any) {
			r := e.do(req{method: "POST", path: "/bookings/" + b["id"].(string) + "/cancel", token: e.token(sub), body: map[string]any{"reason": ""}})
			if r.status != http.StatusOK {
				t.Fatalf("cancel: %d %s", r.status, r.body)
			}
		}},
		{"cancelled by the institution", "ended-absence", "2026-06-17", func(string, map[string]any) {
			e.absence(kgdPoly, kgdTherapist, "2026-06-17", "2026-06-17")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := e.mustBook(tc.sub, kgd(kgdTherapist, tc.day+" 10:00"))
			assertType(t, e.book(tc.sub, kgd(kgdEyes, tc.day+" 10:00")), http.StatusConflict, "overlapping-booking")
			tc.end(tc.sub, b)
			if r := e.book(tc.sub, kgd(kgdEyes, tc.day+" 10:00")); r.status != http.StatusCreated {
				t.Errorf("booking the hour the ended one held: %d %s, want 201", r.status, r.body)
			}
		})
	}
}

// TestLegacySequenceMigrates: a booking sequence written before it kept
// the person's upcoming appointments (seq alone), or none at all (their
// bookings older than the sequence), is judged on the person's bookings,
// listed after it, as before; the booking that follows writes every
// upcoming entry, so the item has migrated.
func TestLegacySequenceMigrates(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "13:00", nil, 30, 20, 1))
	e.setSchedule(kgdHospital, kgdEyes, weekdaysPlan("09:00", "13:00", nil, 20, 20, 1))
	for i, tc := range []struct {
		name   string
		legacy func(key, item map[string]types.AttributeValue) error
	}{
		{"an item written before it kept the list", func(key, item map[string]types.AttributeValue) error {
			legacy := map[string]types.AttributeValue{"kind": &types.AttributeValueMemberS{Value: "booking_seq"}, "seq": item["seq"]}
			maps.Copy(legacy, key)
			_, err := e.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(e.table), Item: legacy})
			return err
		}},
		{"bookings made before the sequence existed", func(key, _ map[string]types.AttributeValue) error {
			_, err := e.db.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(e.table), Key: key})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := fmt.Sprintf("legacy-seq-%d", i)
			day := fmt.Sprintf("2026-06-%d", 16+i)
			first := e.mustBook(sub, kgd(kgdTherapist, day+" 10:00"))
			key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "USER#" + sub}, "sk": &types.AttributeValueMemberS{Value: "BOOKSEQ#"}}
			item := func() map[string]types.AttributeValue {
				t.Helper()
				out, err := e.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(e.table), Key: key, ConsistentRead: aws.Bool(true)})
				if err != nil {
					t.Fatal(err)
				}
				return out.Item
			}
			if err := tc.legacy(key, item()); err != nil {
				t.Fatal(err)
			}
			assertType(t, e.book(sub, kgd(kgdEyes, day+" 10:20")), http.StatusConflict, "overlapping-booking")
			second := e.mustBook(sub, kgd(kgdEyes, day+" 11:00"))
			got := item()
			if kept, ok := got["upcomingKept"].(*types.AttributeValueMemberBOOL); !ok || !kept.Value {
				t.Errorf("upcomingKept %v, want true", got["upcomingKept"])
			}
			for _, b := range []map[string]any{first, second} {
				if _, ok := got["upcoming#"+b["id"].(string)]; !ok {
					t.Errorf("no entry for booking %s on the migrated item %v", b["id"], got)
				}
			}
			// and it is judged on the entries now
			assertType(t, e.book(sub, kgd(kgdEyes, day+" 10:20")), http.StatusConflict, "overlapping-booking")
		})
	}
}
