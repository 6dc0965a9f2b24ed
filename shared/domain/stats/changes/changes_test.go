package changes_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/stats"
	"github.com/kabinet/kabinet/shared/domain/stats/changes"
)

var (
	fns   = stats.Scope{Kind: stats.ScopeAgency, ID: "fns"}
	poly  = stats.Scope{Kind: stats.ScopeInstitution, ID: "inst-kgd-01"}
	rules = changes.Rules{Zone: func(string) string { return "Europe/Kaliningrad" }}
)

func day(s string) civil.Date { d, _ := civil.Parse(s); return d }

// at is a Moscow wall-clock time.
func at(wall string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", wall, stats.Moscow())
	if err != nil {
		panic(err)
	}
	return t
}

func entry(wall string, from, to applications.Status) applications.Entry {
	return applications.Entry{At: at(wall), From: from, To: to}
}

func app(status applications.Status, assignee string, timeline ...applications.Entry) *applications.Application {
	due := day("2026-06-26")
	return &applications.Application{ID: "a1", Owner: "ann", Agency: "fns", ServiceCode: "certificate_request", Status: status,
		Assignee: assignee, ExpectedDecision: &due, Timeline: timeline}
}

const (
	draft = applications.StatusDraft
	rcvd  = applications.StatusReceived
	proc  = applications.StatusProcessing
	info  = applications.StatusNeedsInfo
)

var submitted = entry("2026-06-15 10:00", draft, rcvd)

func TestOf(t *testing.T) {
	now := func(s stats.Scope) stats.Key { return stats.Key{Scope: s} }
	on := func(s stats.Scope, d string) stats.Key { return stats.Key{Scope: s, Day: day(d)} }
	b := func(status booking.Status, by string) *booking.Booking {
		return &booking.Booking{ID: "b1", Owner: "ann", InstitutionID: "inst-kgd-01", SpecialistID: "spec-1", TimeZone: "Europe/Kaliningrad",
			Start: time.Date(2026, 6, 18, 7, 0, 0, 0, time.UTC), CreatedAt: time.Date(2026, 6, 15, 21, 30, 0, 0, time.UTC), // the 15th, 23:30 local
			Status: status, CancelledBy: by}
	}
	for _, c := range []struct {
		name string
		item changes.Item
		want stats.Counts
	}{
		{"nothing", changes.Item{}, stats.Counts{}},
		{"a draft counts nowhere", changes.Item{Application: app(draft, "")}, stats.Counts{}},
		{"received: that day, and open now", changes.Item{Application: app(rcvd, "clerk", submitted)}, stats.Counts{
			on(fns, "2026-06-15"): {"rcv#certificate_request": 1},
			now(fns):              {"st#certificate_request#received": 1, "cl#certificate_request#clerk": 1, "due#certificate_request#2026-06-26": 1},
		}},
		{"a day is Moscow's", changes.Item{Application: app(rcvd, "", entry("2026-06-15 23:59", draft, rcvd))}, stats.Counts{
			on(fns, "2026-06-15"): {"rcv#certificate_request": 1},
			now(fns):              {"st#certificate_request#received": 1, "cl#certificate_request#": 1, "due#certificate_request#2026-06-26": 1},
		}},
		{"approved after a request for information: processing days, the round, not open", changes.Item{Application: app(applications.StatusApproved, "clerk",
			submitted, entry("2026-06-16 09:00", rcvd, proc), entry("2026-06-16 10:00", proc, info), entry("2026-06-19 12:00", info, proc),
			entry("2026-06-22 12:00", proc, applications.StatusApproved))}, stats.Counts{
			on(fns, "2026-06-15"): {"rcv#certificate_request": 1},
			on(fns, "2026-06-19"): {"ni#certificate_request#3": 1},
			// 15 June (Monday) to 22 June: 7 calendar days, 5 working days
			on(fns, "2026-06-22"): {"apr#certificate_request": 1, "pc#certificate_request#7": 1, "pw#certificate_request#5": 1},
		}},
		{"withdrawn: no processing time", changes.Item{Application: app(applications.StatusWithdrawn, "clerk",
			submitted, entry("2026-06-17 08:00", rcvd, applications.StatusWithdrawn))}, stats.Counts{
			on(fns, "2026-06-15"): {"rcv#certificate_request": 1},
			on(fns, "2026-06-17"): {"wdr#certificate_request": 1},
		}},
		{"refused unpaid: rejected, never received", changes.Item{Application: app(applications.StatusRejected, "",
			entry("2026-06-15 10:00", draft, applications.StatusAwaitingPayment),
			entry("2026-06-26 00:00", applications.StatusAwaitingPayment, applications.StatusRejected))}, stats.Counts{
			on(fns, "2026-06-26"): {"rej#certificate_request": 1},
		}},
		{"a booking: its day in the institution's zone, lead time", changes.Item{Booking: b(booking.Confirmed, "")}, stats.Counts{
			on(poly, "2026-06-18"): {"bkd#spec-1": 1, "lead#spec-1#3": 1},
		}},
		{"cancelled by the patient: no lead time", changes.Item{Booking: b(booking.Cancelled, "")}, stats.Counts{
			on(poly, "2026-06-18"): {"bkd#spec-1": 1, "cp#spec-1": 1},
		}},
		{"cancelled by the institution", changes.Item{Booking: b(booking.Cancelled, booking.CancelledByInstitution)}, stats.Counts{
			on(poly, "2026-06-18"): {"bkd#spec-1": 1, "ci#spec-1": 1},
		}},
		{"a visit", changes.Item{Booking: b(booking.Completed, "")}, stats.Counts{
			on(poly, "2026-06-18"): {"bkd#spec-1": 1, "vis#spec-1": 1, "lead#spec-1#3": 1},
		}},
		{"a no-show", changes.Item{Booking: b(booking.NoShow, "")}, stats.Counts{
			on(poly, "2026-06-18"): {"bkd#spec-1": 1, "ns#spec-1": 1, "lead#spec-1#3": 1},
		}},
		{"a slot offers its places, on its day in the institution's zone", changes.Item{Slot: &booking.Slot{SpecialistID: "spec-1",
			InstitutionID: "inst-kgd-01", Start: time.Date(2026, 6, 17, 22, 30, 0, 0, time.UTC), Capacity: 2}}, stats.Counts{
			on(poly, "2026-06-18"): {"off#spec-1": 2},
		}},
		{"a waiting-list entry for a specialist", changes.Item{Wait: &booking.WaitEntry{InstitutionID: "inst-kgd-01", SpecialistID: "spec-1",
			Status: booking.WaitWaiting}}, stats.Counts{now(poly): {"wl#spec-1": 1}}},
		{"one for any therapist", changes.Item{Wait: &booking.WaitEntry{InstitutionID: "inst-kgd-01", Specialization: "Терапевт",
			Status: booking.WaitOffered}}, stats.Counts{now(poly): {"wls#Терапевт": 1}}},
		{"an entry that left", changes.Item{Wait: &booking.WaitEntry{InstitutionID: "inst-kgd-01", SpecialistID: "spec-1",
			Status: booking.WaitLeft}}, stats.Counts{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := rules.Of(c.item); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Of = %v\nwant %v", got, c.want)
			}
		})
	}
}

// TestChange: a change moves only what differs, and undoing it moves it
// back.
func TestChange(t *testing.T) {
	old := changes.Item{Application: app(rcvd, "clerk", submitted)}
	new := changes.Item{Application: app(proc, "clerk", submitted, entry("2026-06-16 09:00", rcvd, proc))}
	want := stats.Counts{stats.Key{Scope: fns}: {"st#certificate_request#received": -1, "st#certificate_request#processing": 1}}
	if got := rules.Change(old, new); !reflect.DeepEqual(got, want) {
		t.Errorf("received → processing moves %v, want %v", got, want)
	}
	sum := rules.Change(old, new)
	sum.AddAll(rules.Change(new, old), 1)
	if len(sum) != 0 {
		t.Errorf("a change and its undoing leave %v", sum)
	}
	made := rules.Change(changes.Item{}, old)
	if !reflect.DeepEqual(made, rules.Of(old)) {
		t.Errorf("an item made moves %v, want what it counts %v", made, rules.Of(old))
	}
	gauges := stats.Counts{}
	for k, m := range stats.Diff(rules.Of(old), stats.Counts{}) {
		if k.Now() {
			gauges[k] = m
		}
	}
	if gone := rules.Change(old, changes.Item{}); len(gauges) == 0 || !reflect.DeepEqual(gone, gauges) {
		t.Errorf("an open application erased moves %v, want only its gauges back %v", gone, gauges)
	}
}

// TestErasureKeepsTheDays: an account's erasure deletes its applications
// and bookings; the days they counted on keep their figures (anonymous
// history), the gauges of now let go of them, and any other item deleted
// (a slot, a waiting-list entry) takes back all it counted.
func TestErasureKeepsTheDays(t *testing.T) {
	decided := app(applications.StatusApproved, "clerk", submitted, entry("2026-06-16 09:00", rcvd, proc), entry("2026-06-17 09:00", proc, applications.StatusApproved))
	visit := &booking.Booking{ID: "b1", Owner: "ann", InstitutionID: "inst-kgd-01", SpecialistID: "spec-1", TimeZone: "Europe/Kaliningrad",
		Start: time.Date(2026, 6, 18, 7, 0, 0, 0, time.UTC), CreatedAt: time.Date(2026, 6, 15, 21, 30, 0, 0, time.UTC), Status: booking.Completed}
	slot := &booking.Slot{SpecialistID: "spec-1", InstitutionID: "inst-kgd-01", Start: time.Date(2026, 6, 18, 7, 0, 0, 0, time.UTC), Capacity: 1}
	for _, tc := range []struct {
		name string
		item changes.Item
	}{
		{"a decided application", changes.Item{Application: decided}},
		{"a visit", changes.Item{Booking: visit}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(rules.Of(tc.item)) == 0 {
				t.Fatalf("%s counts nothing: the case proves nothing", tc.name)
			}
			for k := range rules.Change(tc.item, changes.Item{}) {
				if !k.Now() {
					t.Errorf("erasing %s moves the day %v", tc.name, k)
				}
			}
		})
	}
	if len(rules.Of(changes.Item{Slot: slot})) == 0 {
		t.Fatal("a slot counts nothing: the case proves nothing")
	}
	if got, want := rules.Change(changes.Item{Slot: slot}, changes.Item{}), stats.Diff(rules.Of(changes.Item{Slot: slot}), stats.Counts{}); !reflect.DeepEqual(got, want) {
		t.Errorf("a slot deleted moves %v, want all it offered back %v", got, want)
	}
}
