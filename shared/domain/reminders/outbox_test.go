package reminders_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// TestStatusMessagesExactlyOnceThroughAFailingSNS: an application's status
// change is in the cabinet at once, and its outbox entry is due at the
// change's own instant: the reminder pipeline (dispatcher, SQS FIFO job
// queues, workers) sends it on the person's channels, in their language,
// with the attributes subscribers filter on, on its first run at that
// instant; not while SNS fails (broken in the SDK's middleware), once when
// it works again, never a second time however often it runs.
func TestStatusMessagesExactlyOnceThroughAFailingSNS(t *testing.T) {
	e := newEnv(t)
	outage := &snsOutage{}
	client := sns.NewFromConfig(e.cl.AWS, func(o *sns.Options) { o.APIOptions = append(o.APIOptions, outage.middleware) })
	jobs := e.queues()
	w := e.worker(&notify.Publisher{SNS: client, TopicARN: e.topicARN}, jobs)
	w.Sleep = func(context.Context, time.Duration) error { return errors.New("the test does not wait out a back-off") }
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	fields := map[string]string{"fullName": "Иванов Иван Иванович", "inn": "7707083893", "certificateType": "no_tax_debt",
		"ogrn": "1027700132195", "snils": "112-233-445 95", "postalCode": "101000", "email": "ivan@example.test"}

	type run struct {
		after  time.Duration // after the change
		outage bool
		want   int // messages delivered
	}
	tests := []struct {
		name, lang string
		runs       []run
	}{
		{"SNS working: sent by the run at the change's instant, never again", "en",
			[]run{{0, false, 2}, {time.Minute, false, 0}, {time.Hour, false, 0}}},
		{"SNS failing at the first run: sent by the next, never again", "ru",
			[]run{{0, true, 0}, {time.Minute, false, 2}, {2 * time.Minute, false, 0}, {time.Hour, false, 0}}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			sub := "applicant-" + tt.lang
			if _, err := e.docs.PutProfile(e.ctx, sub, registry.ProfileInput{TimeZone: "Europe/Moscow", Language: tt.lang,
				Email: sub + "@example.test", Phone: "+79990000002"}, nil); err != nil {
				t.Fatal(err)
			}
			testenv.Verified(t, e.store.Store, sub)
			now := start.Add(time.Duration(i) * 24 * time.Hour)
			svc := &applications.Service{Store: e.store, Profiles: e.docs, Documents: e.docs, Now: func() time.Time { return now }, NewID: ids.New}
			draft, _, err := svc.Create(e.ctx, sub, applications.Input{ServiceCode: "certificate_request", Fields: fields}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.Submit(e.ctx, sub, draft.ID, nil); err != nil {
				t.Fatalf("submit: %v", err)
			}
			// the cabinet has the change at once, and only once whatever
			// the pipeline does
			inboxNow := func() []inbox.Notification {
				page, err := (&inbox.Service{Store: e.store, Now: time.Now}).List(e.ctx, sub, false, 100, "")
				if err != nil {
					t.Fatal(err)
				}
				return page.Items
			}
			notes := inboxNow()
			if len(notes) != 1 || notes[0].Kind != applications.KindStatus {
				t.Fatalf("inbox: %+v, want the one status change", notes)
			}
			if msgs := e.drain(); len(msgs) != 0 {
				t.Errorf("the change itself published %d messages: %v", len(msgs), msgs)
			}
			_, wantBody := notes[0].Message()
			if tt.lang == "ru" && !strings.HasPrefix(wantBody, "Заявление") || tt.lang == "en" && !strings.HasPrefix(wantBody, "Application") {
				t.Errorf("the notification is not in %s: %q", tt.lang, wantBody)
			}

			for _, r := range tt.runs {
				at := now.Add(r.after)
				outage.set(r.outage)
				e.setWall(at)
				if _, err := e.dispatcher(jobs).Dispatch(e.ctx, at); err != nil {
					t.Fatal(err)
				}
				sum := total(e.consume(jobs, w, 2))
				got := e.drain()
				if len(got) != r.want {
					t.Errorf("run at +%v (SNS down %v): %d messages delivered, want %d: %v (summary %+v)", r.after, r.outage, len(got), r.want, got, sum)
				}
				if r.outage && sum.ByKind[applications.KindStatus].Failed == 0 {
					t.Errorf("run at +%v with SNS down: %+v, want the status message failed", r.after, sum.ByKind)
				}
				for _, m := range got {
					if m.Attrs["userId"] != sub || m.Attrs["kind"] != applications.KindStatus ||
						m.Attrs[applications.AttrApplicationID] != draft.ID || m.Attrs[applications.AttrStatus] != string(applications.StatusReceived) {
						t.Errorf("run at +%v: message attributes %v", r.after, m.Attrs)
					}
					if m.Body != wantBody {
						t.Errorf("run at +%v: body %q, want the notification's %q", r.after, m.Body, wantBody)
					}
				}
				if chans := channels(got); r.want == 2 && !slices.Equal(chans, []string{"email", "sms"}) {
					t.Errorf("run at +%v: channels %v, want email and sms", r.after, chans)
				}
			}
			outage.set(false)
			if n := len(inboxNow()); n != 1 {
				t.Errorf("inbox: %d notifications after the runs, want the one", n)
			}
			for shard := range store.UrgentShards {
				due, _, _, err := e.store.DueItems(e.ctx, reminders.ClassUrgent, shard, now.Add(48*time.Hour), 100, "")
				if err != nil || slices.ContainsFunc(due, func(d reminders.Due) bool { return d.Message != nil && d.Message.Notification.Owner == sub }) {
					t.Errorf("the status message is still in the due index (shard %d): %v %v", shard, due, err)
				}
			}
		})
	}
}

func channels(msgs []delivered) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Attrs["channel"])
	}
	slices.Sort(out)
	return out
}
