package reminders_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// snsOutage makes every SNS publish fail before it reaches fauxqs while on:
// the SDK's own middleware, after its retries, as an SNS outage looks.
type snsOutage struct {
	mu       sync.Mutex
	on       bool
	attempts int
}

func (o *snsOutage) set(on bool) { o.mu.Lock(); o.on = on; o.mu.Unlock() }

func (o *snsOutage) middleware(st *middleware.Stack) error {
	return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("kabinetSNSOutage",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if op := awsmiddleware.GetOperationName(ctx); op == "PublishBatch" || op == "Publish" {
				o.mu.Lock()
				fail := o.on
				if fail {
					o.attempts++
				}
				o.mu.Unlock()
				if fail {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, &smithy.GenericAPIError{Code: "InternalError",
						Message: "injected", Fault: smithy.FaultServer}
				}
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}

// TestConfirmationsExactlyOnceThroughAFailingSNS: booking, rescheduling
// and cancelling each put a confirmation in the cabinet at once (the
// change's own transaction) and the reminder pipeline — dispatcher, SQS
// FIFO job queues, workers — sends it on the person's channels: not while
// SNS fails, once when it works again, never a second time.
func TestConfirmationsExactlyOnceThroughAFailingSNS(t *testing.T) {
	e, svc := bookingEnv(t)
	outage := &snsOutage{}
	client := sns.NewFromConfig(e.cl.AWS, func(o *sns.Options) { o.APIOptions = append(o.APIOptions, outage.middleware) })
	pub := &notify.Publisher{SNS: client, TopicARN: e.topicARN}
	jobs := e.queues()
	w := e.worker(pub, jobs)
	w.Sleep = func(context.Context, time.Duration) error { return errors.New("the test does not wait out a back-off") }

	for _, sub := range []string{"kira", "lev"} {
		if _, err := e.docs.PutProfile(e.ctx, sub, registry.ProfileInput{TimeZone: "Europe/Moscow", Language: "ru",
			Email: sub + "@example.test", Phone: "+79990000003"}, nil); err != nil {
			t.Fatal(err)
		}
		// only a proved contact is sent anything
		testenv.Verified(t, e.store.Store, sub)
	}
	e.slots("2026-12-14T08:30:00Z", "2026-12-14T09:00:00Z", "2026-12-15T08:30:00Z")
	at := mustTime(t, "2026-12-05T10:00:00Z")
	e.clock = at
	book := func(sub, start string) booking.Booking {
		t.Helper()
		b, _, err := svc.Book(e.ctx, sub, booking.BookInput{SlotID: booking.SlotID(kgdTherapist, mustTime(t, start)),
			Mode: directory.ModeInPerson}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	kira := book("kira", "2026-12-14T08:30:00Z")
	lev := book("lev", "2026-12-14T09:00:00Z")
	if _, err := svc.Reschedule(e.ctx, "kira", kira.ID, booking.SlotID(kgdTherapist, mustTime(t, "2026-12-15T08:30:00Z"))); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Cancel(e.ctx, "lev", lev.ID, ""); err != nil {
		t.Fatal(err)
	}

	run := func(now time.Time) reminders.Summary {
		t.Helper()
		e.setWall(now)
		if _, err := e.dispatcher(jobs).Dispatch(e.ctx, now); err != nil {
			t.Fatal(err)
		}
		return total(e.consume(jobs, w, 2))
	}
	// the cabinet has all four at once, whatever SNS does
	inboxKinds := func(sub string) []string {
		page, err := (&inbox.Service{Store: e.store, Now: time.Now}).List(e.ctx, sub, false, 100, "")
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, n := range page.Items {
			kinds = append(kinds, n.Kind)
		}
		slices.Sort(kinds)
		return kinds
	}
	if got, want := inboxKinds("kira"), []string{inbox.KindBookingConfirmed, inbox.KindBookingRescheduled}; !slices.Equal(got, want) {
		t.Errorf("kira's inbox %v, want %v", got, want)
	}
	if got, want := inboxKinds("lev"), []string{inbox.KindBookingCancelled, inbox.KindBookingConfirmed}; !slices.Equal(got, want) {
		t.Errorf("lev's inbox %v, want %v", got, want)
	}

	outage.set(true)
	sum := run(at.Add(time.Minute))
	if msgs := e.drain(); len(msgs) != 0 || outage.attempts == 0 || sum.Sent != 0 || sum.Failed == 0 {
		t.Fatalf("SNS down: %d messages delivered, %d publish attempts, summary %+v; want none delivered, all failed", len(msgs), outage.attempts, sum)
	}
	outage.set(false)
	sum = run(at.Add(2 * time.Minute))
	msgs := e.drain()
	want := []string{
		"kira/email/booking_confirmed/", "kira/email/booking_rescheduled/", "kira/sms/booking_confirmed/", "kira/sms/booking_rescheduled/",
		"lev/email/booking_cancelled/", "lev/email/booking_confirmed/", "lev/sms/booking_cancelled/", "lev/sms/booking_confirmed/",
	}
	if got := summarize(msgs); !slices.Equal(got, want) || sum.Sent != 4 {
		t.Fatalf("SNS back: delivered %v (sent %d), want %v", got, sum.Sent, want)
	}
	for _, m := range msgs {
		wantID := kira.ID
		if m.Attrs["userId"] == "lev" {
			wantID = lev.ID
		}
		if m.Attrs[reminders.AttrBookingID] != wantID || m.Attrs["applicationId"] != "" {
			t.Errorf("attributes %v: want bookingId %s and no application's", m.Attrs, wantID)
		}
		if m.Attrs["channel"] != "email" {
			continue
		}
		var wantText []string
		switch m.Attrs["kind"] {
		case inbox.KindBookingConfirmed:
			number := kira.ConfirmationNumber
			if m.Attrs["userId"] == "lev" {
				number = lev.ConfirmationNumber
			}
			wantText = []string{"Запись подтверждена", "Номер записи " + number, "Городская поликлиника № 3", "Ленинский пр-т, 30",
				"Терапевт", "Взять с собой: Паспорт, Полис ОМС, СНИЛС", "Отменить или перенести запись можно до"}
		case inbox.KindBookingRescheduled:
			wantText = []string{"Запись перенесена: было 14 декабря, в 10:30 (Калининград), стало 15 декабря, в 10:30 (Калининград)",
				"Номер записи " + kira.ConfirmationNumber, "можно до 15 декабря, в 08:30 (Калининград)"}
		case inbox.KindBookingCancelled:
			wantText = []string{"Запись отменена", "Запись на 14 декабря, в 11:00 (Калининград) отменена", lev.ConfirmationNumber}
		}
		for _, s := range wantText {
			if !strings.Contains(m.Body, s) {
				t.Errorf("%s body %q lacks %q", m.Attrs["kind"], m.Body, s)
			}
		}
		if strings.Contains(m.Body, "example.test") || strings.Contains(m.Body, "+7999") {
			t.Errorf("a confirmation names the person's contacts: %q", m.Body)
		}
	}
	// the next minute's run and the one after: nothing again
	for _, d := range []time.Duration{3 * time.Minute, time.Hour} {
		if sum := run(at.Add(d)); len(e.drain()) != 0 || sum.Sent != 0 {
			t.Errorf("a later run sent again: %+v", sum)
		}
	}
}
