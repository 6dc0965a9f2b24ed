package appstore_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/app/deadlines"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// TestPaymentDeadline: an application awaiting its state fee is on the
// due index at its payment deadline. The reminder pipeline (dispatcher and
// worker on DynamoDB Local, an injected clock) reminds the applicant once,
// three days before, and refuses the unpaid application at the deadline
// with the payment_overdue note; then nothing of it is due.
func TestPaymentDeadline(t *testing.T) {
	st, ctx := newDirStore(t)
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	docs := &registry.Service{Store: st, Now: now, NewID: ids.New}
	svc := &applications.Service{Store: st, Profiles: docs, Documents: docs, Now: now, NewID: ids.New}
	quiet := slog.New(slog.DiscardHandler)
	dispatcher := &reminders.Dispatcher{Store: st, Shards: store.DueShards, Log: quiet}
	worker := &reminders.Worker{Store: st, Publisher: &sentPublisher{}, Deadlines: deadlines.Deadlines{Apps: svc}, NewID: ids.New,
		Log: quiet, Clock: now}
	run := func(at time.Time) reminders.Summary {
		t.Helper()
		clock = at
		p, err := reminders.RunAll(ctx, dispatcher, worker, at)
		if err != nil {
			t.Fatal(err)
		}
		return p.Summary
	}
	const alice = "alice-unpaid"
	a, _, err := svc.Create(ctx, alice, applications.Input{ServiceCode: "drivers_licence_exchange", Fields: map[string]string{
		"fullName": "Иванов Иван Иванович", "birthDate": "1990-04-12", "internalPassport": "4510 123456", "licenceNumber": "99 01 123456",
		"reason": "expiry", "medicalCertificate": "МЗ-12345", "phone": "+79990000001"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, _, err = svc.Submit(ctx, alice, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	if a.Status != applications.StatusAwaitingPayment || a.Fee == nil {
		t.Fatalf("submitted: %s %+v", a.Status, a.Fee)
	}
	payBy := a.Fee.PayBy
	if d := a.NextDue(); d == nil || !d.Equal(payBy.Add(-applications.RemindBefore)) {
		t.Fatalf("next due %v, want three days before %v", d, payBy)
	}
	if sum := run(payBy.Add(-4 * 24 * time.Hour)); sum.ByKind[reminders.KindDeadline].Due+sum.ByKind[applications.KindPaymentDue].Due != 0 {
		t.Errorf("four days before: %+v", sum)
	}
	// the deadline is midnight in Moscow: the reminder waits out the
	// night, then goes once
	if sum := run(payBy.Add(-applications.RemindBefore)); sum.ByKind[applications.KindPaymentDue].Skipped != 1 {
		t.Fatalf("the reminder at midnight: %+v, want it moved out of the quiet hours", sum)
	}
	morning := payBy.Add(-applications.RemindBefore + 10*time.Hour)
	if sum := run(morning); sum.ByKind[applications.KindPaymentDue].Sent != 1 {
		t.Fatalf("the reminder in the morning: %+v", sum)
	}
	if sum := run(morning.Add(time.Hour)); sum.Due != 0 {
		t.Errorf("the reminder went twice: %+v", sum)
	}
	if sum := run(payBy); sum.ByKind[reminders.KindDeadline].Sent != 1 {
		t.Fatalf("the refusal: %+v", sum)
	}
	got, err := st.GetApplication(ctx, alice, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := got.Timeline[len(got.Timeline)-1]
	if got.Status != applications.StatusRejected || last.Role != applications.RoleSystem || last.Note != applications.NotePaymentOverdue {
		t.Errorf("after the deadline: %s, last %+v", got.Status, last)
	}
	if got.NextDue() != nil {
		t.Errorf("a refused application is still due at %v", got.NextDue())
	}
	notes, _, err := st.ListNotifications(ctx, alice, false, "", 20)
	if err != nil {
		t.Fatal(err)
	}
	reminded := 0
	for _, n := range notes {
		if n.Kind == applications.KindPaymentDue {
			reminded++
		}
	}
	if reminded != 1 {
		t.Errorf("%d payment reminders in the inbox, want 1", reminded)
	}
}
