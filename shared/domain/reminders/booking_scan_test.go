package reminders_test

import (
	"github.com/kabinet/kabinet/internal/testenv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// kgdTherapist is a demo specialist of a Kaliningrad (UTC+2) polyclinic.
const kgdTherapist = "spec-kgd-01-1"

// bookingEnv adds the demo directory and an appointment book over the
// table, and names places in the scanner's reminders.
func bookingEnv(t *testing.T) (*env, *booking.Service) {
	t.Helper()
	e := newEnv(t)
	insts, specs := directory.Demo()
	if err := e.store.PutDirectory(e.ctx, insts, specs); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return e.clock }
	places := &directory.Cache{Load: e.store.LoadDirectory, Now: clock}
	e.scanner.Places = places
	return e, &booking.Service{Store: e.store, Places: places, Profiles: e.store, Now: clock, NewID: ids.New}
}

// slots opens 30-minute slots of kgdTherapist at the given UTC instants.
func (e *env) slots(starts ...string) {
	e.t.Helper()
	var slots []booking.Slot
	for _, s := range starts {
		start := mustTime(e.t, s)
		slots = append(slots, booking.Slot{SpecialistID: kgdTherapist, InstitutionID: "inst-kgd-01",
			Start: start, End: start.Add(30 * time.Minute), Capacity: 1, MaxPerDay: 10})
	}
	if _, err := e.store.PutSlots(e.ctx, slots); err != nil {
		e.t.Fatal(err)
	}
}

// book books kgdTherapist's slot at start (UTC) for sub at instant at.
func (e *env) book(svc *booking.Service, sub, start, at string) booking.Booking {
	e.t.Helper()
	e.clock = mustTime(e.t, at)
	b, _, err := svc.Book(e.ctx, sub, booking.BookInput{SlotID: booking.SlotID(kgdTherapist, mustTime(e.t, start)),
		Mode: directory.ModeInPerson}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.confirmed(sub, inbox.KindBookingConfirmed, at)
	return b
}

// confirmed runs the pipeline's single loop at instant at and checks that
// it sends sub's confirmation of kind (and nothing else) on both channels:
// a booking's change is confirmed at once, before any reminder.
func (e *env) confirmed(sub, kind, at string) {
	e.t.Helper()
	e.scan(at)
	want := []string{sub + "/email/" + kind + "/", sub + "/sms/" + kind + "/"}
	if got := summarize(e.drain()); !slices.Equal(got, want) {
		e.t.Fatalf("at %s delivered %v, want the confirmation %v", at, got, want)
	}
}

// upcoming keeps the reminders of an inbox page (the confirmations are
// tested in confirm_test.go).
func upcoming(items []inbox.Notification) []inbox.Notification {
	var out []inbox.Notification
	for _, n := range items {
		if n.Kind == inbox.KindBookingUpcoming {
			out = append(out, n)
		}
	}
	return out
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// dueAttrs returns the booking item's due-index attributes, "" when absent.
func (e *env) dueAttrs(owner, id string) (duePk, nextRemindAt string) {
	e.t.Helper()
	out, err := e.cl.DynamoDB.GetItem(e.ctx, &dynamodb.GetItemInput{TableName: aws.String(e.store.Table),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "USER#" + owner},
			"sk": &types.AttributeValueMemberS{Value: "BOOK#" + id},
		}, ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		e.t.Fatalf("booking item %s/%s: %v", owner, id, err)
	}
	get := func(name string) string {
		if v, ok := out.Item[name].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	return get("duePk"), get("nextRemindAt")
}

func TestBookingRemindersTheDayBeforeAndTwoHoursBefore(t *testing.T) {
	e, svc := bookingEnv(t)
	// Moscow (UTC+3) is the person's zone: the reminders are sent by
	// Moscow's clock and show the institution's (Kaliningrad, UTC+2) time
	// with the person's own.
	e.person("anna", "Europe/Moscow")
	e.slots("2026-12-12T08:30:00Z") // Saturday 12 December, 10:30 in Kaliningrad
	b := e.book(svc, "anna", "2026-12-12T08:30:00Z", "2026-12-05T10:00:00Z")
	if pk, at := e.dueAttrs("anna", b.ID); !strings.HasPrefix(pk, "DUE#U#") || at != "2026-12-11T06:00:00Z" {
		t.Fatalf("after booking: duePk %q, nextRemindAt %q; want an urgent shard DUE#U#n and the day before, 09:00 Moscow", pk, at)
	}
	want := func(step string) []string {
		return []string{"anna/email/booking_upcoming/", "anna/sms/booking_upcoming/"}
	}
	var bodies []string
	for _, tc := range []struct {
		at   string
		want []string
	}{
		{"2026-12-11T05:59:00Z", nil},                // 08:59 in Moscow
		{"2026-12-11T06:00:00Z", want("day_before")}, // 09:00 in Moscow, 08:00 in Kaliningrad
		{"2026-12-11T06:00:00Z", nil},                // the same moment again
		{"2026-12-11T07:00:00Z", nil},                // 09:00 in Kaliningrad: nothing more
		{"2026-12-11T07:15:00Z", nil},
		{"2026-12-12T06:29:00Z", nil},
		{"2026-12-12T06:30:00Z", want("two_hours")}, // 08:30 in Kaliningrad, 09:30 in Moscow: two hours before
		{"2026-12-12T06:45:00Z", nil},
		{"2026-12-12T09:00:00Z", nil}, // after the start
	} {
		t.Run(tc.at, func(t *testing.T) {
			sum := e.scan(tc.at)
			msgs := e.drain()
			if got := summarize(msgs); !slices.Equal(got, tc.want) {
				t.Errorf("delivered %v, want %v (summary %+v)", got, tc.want, sum)
			}
			for _, m := range msgs {
				if _, ok := m.Attrs["documentType"]; ok {
					t.Errorf("a booking's message carries documentType: %v", m.Attrs)
				}
				if _, ok := m.Attrs["daysLeft"]; ok {
					t.Errorf("a booking's message carries daysLeft: %v", m.Attrs)
				}
				if m.Attrs["dedupeId"] == "" {
					t.Errorf("no dedupeId: %v", m.Attrs)
				}
				if m.Attrs["channel"] == "email" {
					bodies = append(bodies, m.Body)
				}
			}
		})
	}
	wantBodies := []string{
		"Reminder: tomorrow, 12 December, at 10:30 (Kaliningrad; 11:30 your time) — appointment: Терапевт, Городская поликлиника № 3. Booking number " + b.ConfirmationNumber + ".",
		"In 2 hours, at 10:30 (Kaliningrad; 11:30 your time) — appointment: Терапевт, Городская поликлиника № 3. Booking number " + b.ConfirmationNumber + ".",
	}
	if !slices.Equal(bodies, wantBodies) {
		t.Errorf("e-mail bodies\n%q\nwant\n%q", bodies, wantBodies)
	}
	if pk, at := e.dueAttrs("anna", b.ID); pk != "" || at != "" {
		t.Errorf("after the start: duePk %q, nextRemindAt %q; want none", pk, at)
	}
	page, err := (&inbox.Service{Store: e.store, Now: time.Now}).List(e.ctx, "anna", false, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, n := range page.Items {
		kinds = append(kinds, n.Kind)
	}
	if !slices.Equal(kinds, []string{inbox.KindBookingUpcoming, inbox.KindBookingUpcoming, inbox.KindBookingConfirmed}) {
		t.Errorf("inbox kinds %v, want two booking_upcoming after the booking_confirmed", kinds)
	}
	got, err := svc.Get(e.ctx, "anna", b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Reminder.NextAt != nil || len(got.Events) != 1 || got.Version != b.Version {
		t.Errorf("after the reminders: next %v, events %+v, version %d (was %d)", got.Reminder.NextAt, got.Events, got.Version, b.Version)
	}
}

func TestBookingRemindersFollowCancelAndReschedule(t *testing.T) {
	e, svc := bookingEnv(t)
	for _, sub := range []string{"boris", "vera"} {
		if _, err := e.docs.PutProfile(e.ctx, sub, registry.ProfileInput{TimeZone: "Asia/Vladivostok", Language: "ru",
			Email: sub + "@example.test", Phone: "+79990000002"}, nil); err != nil {
			t.Fatal(err)
		}
		testenv.Verified(t, e.store.Store, sub)
	}
	e.slots("2026-12-12T08:30:00Z", "2026-12-14T08:30:00Z", "2026-12-16T09:00:00Z")
	cancelled := e.book(svc, "boris", "2026-12-12T08:30:00Z", "2026-12-05T10:00:00Z")
	moved := e.book(svc, "vera", "2026-12-14T08:30:00Z", "2026-12-05T10:00:00Z")

	e.clock = mustTime(t, "2026-12-08T10:00:00Z")
	if _, err := svc.Cancel(e.ctx, "boris", cancelled.ID, "plans changed"); err != nil {
		t.Fatal(err)
	}
	e.confirmed("boris", inbox.KindBookingCancelled, "2026-12-08T10:00:00Z")
	if pk, at := e.dueAttrs("boris", cancelled.ID); pk != "" || at != "" {
		t.Errorf("cancelled: duePk %q, nextRemindAt %q; want none", pk, at)
	}
	// to Wednesday 16 December, 11:00 in Kaliningrad
	if _, err := svc.Reschedule(e.ctx, "vera", moved.ID, booking.SlotID(kgdTherapist, mustTime(t, "2026-12-16T09:00:00Z"))); err != nil {
		t.Fatal(err)
	}
	e.confirmed("vera", inbox.KindBookingRescheduled, "2026-12-08T10:00:00Z")
	// 11:00 in Kaliningrad is 19:00 in Vladivostok: tomorrow at 09:00 there
	if _, at := e.dueAttrs("vera", moved.ID); at != "2026-12-14T23:00:00Z" {
		t.Errorf("rescheduled: nextRemindAt %q, want 2026-12-14T23:00:00Z", at)
	}

	var bodies []string
	for _, tc := range []struct {
		at   string
		want []string
	}{
		{"2026-12-10T23:00:00Z", nil}, // the cancelled booking's day before, 09:00 in Vladivostok
		{"2026-12-12T06:30:00Z", nil}, // and two hours before it
		{"2026-12-12T23:00:00Z", nil}, // the old time's day before
		{"2026-12-14T06:30:00Z", nil}, // and two hours before it
		{"2026-12-14T22:59:00Z", nil},
		{"2026-12-14T23:00:00Z", []string{"vera/email/booking_upcoming/", "vera/sms/booking_upcoming/"}},
		{"2026-12-16T06:59:00Z", nil},
		{"2026-12-16T07:00:00Z", []string{"vera/email/booking_upcoming/", "vera/sms/booking_upcoming/"}},
		{"2026-12-16T10:00:00Z", nil},
	} {
		t.Run(tc.at, func(t *testing.T) {
			sum := e.scan(tc.at)
			msgs := e.drain()
			if got := summarize(msgs); !slices.Equal(got, tc.want) {
				t.Errorf("delivered %v, want %v (summary %+v)", got, tc.want, sum)
			}
			for _, m := range msgs {
				if m.Attrs["channel"] == "sms" {
					bodies = append(bodies, m.Body)
				}
			}
		})
	}
	wantBodies := []string{
		"Кабинет: приём завтра, 16 декабря, в 11:00 (Калининград; по вашему времени 19:00). Запись " + moved.ConfirmationNumber + ".",
		"Кабинет: приём через 2 часа, в 11:00 (Калининград; по вашему времени 19:00). Запись " + moved.ConfirmationNumber + ".",
	}
	if !slices.Equal(bodies, wantBodies) {
		t.Errorf("SMS bodies\n%q\nwant\n%q", bodies, wantBodies)
	}
	page, err := (&inbox.Service{Store: e.store, Now: time.Now}).List(e.ctx, "vera", false, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	if page.Items = upcoming(page.Items); len(page.Items) != 2 || !strings.HasPrefix(page.Items[1].Body, "Напоминаем: завтра, 16 декабря, в 11:00 (Калининград; по вашему времени 19:00) — приём: Терапевт, Городская поликлиника № 3. Номер записи KB-") {
		t.Errorf("vera's inbox: %+v", page.Items)
	}
	if page, _ := (&inbox.Service{Store: e.store, Now: time.Now}).List(e.ctx, "boris", false, 100, ""); len(upcoming(page.Items)) != 0 {
		t.Errorf("boris was reminded of a cancelled booking: %+v", page.Items)
	}
}
