package reminders_test

import (
	"github.com/kabinet/kabinet/shared/domain/message"
	"slices"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
)

// TestStatusMessagesAreRetriedNotLost: an application's status change is in
// the cabinet at once and its messages go out on the person's channels at
// least once, whatever SNS did at the moment of the change. The SNS failure
// is real: the service publishes to a topic that does not exist.
func TestStatusMessagesAreRetriedNotLost(t *testing.T) {
	e := newEnv(t)
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	broken := &notify.Publisher{SNS: e.cl.SNS, TopicARN: e.topicARN + "-gone"}
	working := &notify.Publisher{SNS: e.cl.SNS, TopicARN: e.topicARN}
	fields := map[string]string{"fullName": "Иванов Иван Иванович", "inn": "7707083893", "certificateType": "no_tax_debt",
		"ogrn": "1027700132195", "snils": "112-233-445 95", "postalCode": "101000", "email": "ivan@example.test"}

	tests := []struct {
		name      string
		publisher message.Publisher
		// what the change itself delivers, then a scan just before and
		// just after RetryAfter, then a later one
		atOnce, before, after, later int
	}{
		{"SNS failing at the change: the scan sends after RetryAfter", broken, 0, 0, 2, 0},
		{"SNS working: sent at once and never again", working, 2, 0, 0, 0},
		{"no publisher in the function: the scan sends", nil, 0, 0, 2, 0},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := "applicant" + string(rune('a'+i))
			e.person(sub, "Europe/Moscow")
			now := start.Add(time.Duration(i) * time.Hour)
			svc := &applications.Service{Store: e.store, Profiles: e.docs, Documents: e.docs, Publisher: tt.publisher,
				Now: func() time.Time { return now }, NewID: ids.New}
			draft, _, err := svc.Create(e.ctx, sub, applications.Input{ServiceCode: "certificate_request", Fields: fields}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.Submit(e.ctx, sub, draft.ID, nil); err != nil {
				t.Fatalf("submit: %v", err)
			}
			count := func(step string, want int) {
				t.Helper()
				got := e.drain()
				if len(got) != want {
					t.Errorf("%s: %d messages delivered, want %d: %v", step, len(got), want, got)
				}
				for _, m := range got {
					if m.Attrs["userId"] != sub || m.Attrs["kind"] != applications.KindStatus ||
						m.Attrs[applications.AttrApplicationID] != draft.ID || m.Attrs[applications.AttrStatus] != string(applications.StatusReceived) {
						t.Errorf("%s: message attributes %v", step, m.Attrs)
					}
				}
				if chans := channels(got); want == 2 && !slices.Equal(chans, []string{"email", "sms"}) {
					t.Errorf("%s: channels %v, want email and sms", step, chans)
				}
			}
			count("at the change", tt.atOnce)
			e.scan(now.Add(applications.RetryAfter - time.Second).Format(time.RFC3339))
			count("scan before RetryAfter", tt.before)
			e.scan(now.Add(applications.RetryAfter).Format(time.RFC3339))
			count("scan at RetryAfter", tt.after)
			e.scan(now.Add(applications.RetryAfter + 15*time.Minute).Format(time.RFC3339))
			count("a later scan", tt.later)

			// the cabinet has the change exactly once, whoever sent the messages
			page, err := (&inbox.Service{Store: e.store, Now: time.Now}).List(e.ctx, sub, false, 100, "")
			if err != nil {
				t.Fatal(err)
			}
			if n := len(page.Items); n != 1 || page.Items[0].Kind != applications.KindStatus {
				t.Errorf("inbox: %d notifications %+v, want the one status change", n, page.Items)
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
