package appstore_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/app/deadlines"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

type sentPublisher struct{ sent []message.Message }

func (p *sentPublisher) Publish(_ context.Context, msgs []message.Message) map[string]error {
	p.sent = append(p.sent, msgs...)
	return nil
}

// TestNeedsInfoLoop runs the request-for-information cycle on DynamoDB
// Local with an injected clock: the clerk asks, a bad answer is refused,
// the applicant answers (the clerk notified), the clerk asks again, the
// scheduled pipeline reminds three days before the deadline and refuses
// the application at it, and an answer after that is refused.
func TestNeedsInfoLoop(t *testing.T) {
	st, ctx := newDirStore(t)
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	docs := &registry.Service{Store: st, Now: now, NewID: ids.New}
	pub := &sentPublisher{}
	svc := &applications.Service{Store: st, Profiles: docs, Documents: docs, Now: now, NewID: ids.New}
	// The pipeline refuses through a service of its own (deadlines.On);
	// every status change's message goes by the outbox.
	pipe := deadlines.Deadlines{Apps: &applications.Service{Store: st, Profiles: docs, Documents: docs, Now: now, NewID: ids.New}}
	quiet := slog.New(slog.DiscardHandler)
	dispatcher := &reminders.Dispatcher{Store: st, Shards: store.DueShards, Log: quiet}
	worker := &reminders.Worker{Store: st, Publisher: pub, Deadlines: pipe, NewID: ids.New, Log: quiet, Clock: now}
	scan := struct {
		Run func(ctx context.Context, at time.Time) (reminders.Summary, error)
	}{
		Run: func(ctx context.Context, at time.Time) (reminders.Summary, error) {
			p, err := reminders.RunAll(ctx, dispatcher, worker, at)
			return p.Summary, err
		}}
	const alice = "alice-needs-info"
	clerk := applications.Staff{Sub: "officer@fns", IsStaff: true, Agency: applications.AgencyFNS}

	a, _, err := svc.Create(ctx, alice, applications.Input{ServiceCode: "certificate_request", Fields: map[string]string{
		"fullName": "Иванов Иван Иванович", "inn": "7707083893", "certificateType": "no_tax_debt", "email": "ivan@example.test", "postalCode": "101000"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, _, err = svc.Submit(ctx, alice, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	// refusal at acceptance needs a reason, and is allowed from received
	if _, err := svc.Transition(ctx, clerk, a.ID, applications.StatusRejected, ""); !errs.Is(err, errs.Invalid) {
		t.Errorf("refusal without a comment: %v", err)
	}
	mustMove := func(to applications.Status, comment string) applications.Application {
		t.Helper()
		out, err := svc.Transition(ctx, clerk, a.ID, to, comment)
		if err != nil {
			t.Fatalf("to %s: %v", to, err)
		}
		return out
	}
	mustMove(applications.StatusProcessing, "")
	// answering before anything was asked
	if _, err := svc.Respond(ctx, alice, a.ID, applications.Response{Comment: "вот"}); errs.ReasonOf(err) != applications.ReasonInvalidTransition {
		t.Errorf("respond in processing: %v, want invalid_transition", err)
	}
	a = mustMove(applications.StatusNeedsInfo, "Укажите СНИЛС")
	if a.ResponseDue == nil || !a.ResponseDue.Equal(clock.Add(30*24*time.Hour)) {
		t.Fatalf("response due %v, want 30 days on", a.ResponseDue)
	}

	for name, tc := range map[string]struct {
		owner string
		r     applications.Response
		kind  errs.Kind
		field string
	}{
		"someone else's": {"mallory", applications.Response{Comment: "x"}, errs.NotFound, ""},
		"unknown field":  {alice, applications.Response{Fields: map[string]string{"shoeSize": "44"}}, errs.Invalid, "fields.shoeSize"},
		"a bad value":    {alice, applications.Response{Fields: map[string]string{"snils": "123"}}, errs.Invalid, "fields.snils"},
		"files not yet":  {alice, applications.Response{Files: []string{"f1"}}, errs.Invalid, "files"},
		"nothing in it":  {alice, applications.Response{}, errs.Invalid, "comment"},
	} {
		_, err := svc.Respond(ctx, tc.owner, a.ID, tc.r)
		var e *errs.Error
		if !errs.Is(err, tc.kind) {
			t.Errorf("%s: %v, want %v", name, err, tc.kind)
			continue
		}
		if tc.field != "" && (!asError(err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != tc.field) {
			t.Errorf("%s: %v, want a field error on %s", name, err, tc.field)
		}
	}

	clock = clock.Add(24 * time.Hour)
	a, err = svc.Respond(ctx, alice, a.ID, applications.Response{Fields: map[string]string{"snils": "112-233-445 95"}, Comment: "Добавил СНИЛС"})
	if err != nil {
		t.Fatal(err)
	}
	last := a.Timeline[len(a.Timeline)-1]
	if a.Status != applications.StatusProcessing || a.ResponseDue != nil || last.Role != applications.RoleApplicant ||
		last.Comment != "Добавил СНИЛС" || a.Fields["snils"] != "112-233-445 95" {
		t.Errorf("after the answer: %s due %v, last %+v, snils %q", a.Status, a.ResponseDue, last, a.Fields["snils"])
	}
	notes, _, err := st.ListNotifications(ctx, clerk.Sub, false, "", 10)
	if err != nil || len(notes) != 1 || notes[0].Kind != applications.KindResponse || !strings.Contains(notes[0].Title, a.ReceiptNumber) {
		t.Errorf("the clerk's inbox: %+v %v", notes, err)
	}

	// asked again, and no answer
	a = mustMove(applications.StatusNeedsInfo, "Нужна фотография")
	deadline := *a.ResponseDue
	clock = deadline.Add(-4 * 24 * time.Hour)
	if sum, err := scan.Run(ctx, clock); err != nil || sum.ByKind[reminders.KindDeadline].Due != 0 {
		t.Fatalf("four days before: %+v %v", sum, err)
	}
	clock = deadline.Add(-3 * 24 * time.Hour)
	sum, err := scan.Run(ctx, clock)
	if err != nil || sum.ByKind[applications.KindResponseDue].Sent != 1 {
		t.Fatalf("the reminder: %+v %v", sum, err)
	}
	if got, _ := st.GetApplication(ctx, alice, a.ID); got.Status != applications.StatusNeedsInfo || !got.ResponseReminded {
		t.Errorf("after the reminder: %s reminded %v", got.Status, got.ResponseReminded)
	}
	if sum, _ := scan.Run(ctx, clock.Add(time.Hour)); sum.Due != 0 {
		t.Errorf("the reminder went twice: %+v", sum)
	}
	// past the deadline before the scan: the answer is late
	clock = deadline.Add(time.Minute)
	if _, err := svc.Respond(ctx, alice, a.ID, applications.Response{Comment: "поздно"}); errs.ReasonOf(err) != applications.ReasonResponseOverdue {
		t.Errorf("late answer: %v, want response_overdue", err)
	}
	if sum, err := scan.Run(ctx, clock); err != nil || sum.ByKind[reminders.KindDeadline].Sent != 1 {
		t.Fatalf("the refusal: %+v %v", sum, err)
	}
	got, err := st.GetApplication(ctx, alice, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	last = got.Timeline[len(got.Timeline)-1]
	if got.Status != applications.StatusRejected || last.Role != applications.RoleSystem || last.Note != applications.NoteResponseOverdue {
		t.Errorf("after the deadline: %s, last %+v", got.Status, last)
	}
	if sum, _ := scan.Run(ctx, clock.Add(time.Hour)); sum.ByKind[reminders.KindDeadline].Due != 0 {
		t.Errorf("a refused application is still due: %+v", sum)
	}
	if _, err := svc.Respond(ctx, alice, a.ID, applications.Response{Comment: "поздно"}); errs.ReasonOf(err) != applications.ReasonInvalidTransition {
		t.Errorf("answer to a refused application: %v", err)
	}
	// the applicant's inbox says why, in Russian
	mine, _, _ := st.ListNotifications(ctx, alice, false, "", 20)
	var texts []string
	reminded := 0
	for _, n := range mine {
		texts = append(texts, n.Body)
		if n.Kind == applications.KindResponseDue {
			reminded++
		}
	}
	if reminded != 1 {
		t.Errorf("%d reminders of the deadline in the inbox, want exactly 1", reminded)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"Пожалуйста, ответьте на запрос", "Ответ на запрос дополнительных сведений не получен в срок."} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in the inbox:\n%s", want, all)
		}
	}
}

func asError(err error, e **errs.Error) bool {
	x, ok := err.(*errs.Error)
	*e = x
	return ok
}
