package reminders_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/kabinet/kabinet/shared/domain/message"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// env is a table, a reminders topic with a sink queue, and a scanner.
type env struct {
	t        *testing.T
	ctx      context.Context
	cl       core.Clients
	sqs      *sqs.Client
	store    *allstore.Store
	docs     *registry.Service
	clock    time.Time
	topicARN string
	queueURL string
	scanner  *reminders.Scanner

	// wall is the wall clock of the runs, on which claims' leases are
	// measured; scan sets it to the event's time unless a test set it
	// apart (scanAt).
	wallMu sync.Mutex
	wall   time.Time
}

// wallClock reads e.wall.
func (e *env) wallClock() time.Time {
	e.wallMu.Lock()
	defer e.wallMu.Unlock()
	return e.wall
}

func (e *env) setWall(t time.Time) {
	e.wallMu.Lock()
	defer e.wallMu.Unlock()
	e.wall = t
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	cl, name := testenv.Table(t, "scan")
	e := &env{t: t, ctx: ctx, cl: cl, sqs: sqs.NewFromConfig(cl.AWS), store: allstore.New(cl.DynamoDB, name)}
	e.docs = &registry.Service{Store: e.store, Now: func() time.Time { return e.clock }, NewID: ids.New}
	topic := testenv.Topic(t, cl, name)
	e.topicARN = topic
	q, err := e.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	e.queueURL = aws.ToString(q.QueueUrl)
	attrs, err := e.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.SNS.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes["QueueArn"])}); err != nil {
		t.Fatal(err)
	}
	e.scanner = e.newScanner(&notify.Publisher{SNS: cl.SNS, TopicARN: e.topicARN})
	return e
}

func (e *env) newScanner(p message.Publisher) *reminders.Scanner {
	return &reminders.Scanner{Store: e.store, Publisher: p, NewID: ids.New, Shards: store.DueShards,
		Log: slog.New(slog.DiscardHandler), Clock: e.wallClock}
}

// person saves a profile with both contacts, proved.
func (e *env) person(sub, zone string) {
	e.t.Helper()
	if _, err := e.docs.PutProfile(e.ctx, sub, registry.ProfileInput{TimeZone: zone, Language: "en",
		Email: sub + "@example.test", Phone: "+79990000001"}, nil); err != nil {
		e.t.Fatal(err)
	}
	testenv.Verified(e.t, e.store.Store, sub)
}

// document creates a custom document expiring on exp, at instant created.
func (e *env) document(sub, exp string, created time.Time) registry.View {
	e.t.Helper()
	e.clock = created
	v, _, err := e.docs.CreateDocument(e.ctx, sub, registry.CreateInput{Type: "custom",
		DocumentFields: registry.DocumentFields{Title: opt.Of("Pass"), ExpiresOn: opt.Of(exp)}}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// scan runs the scanner for the event time at, on a wall clock that reads
// the same.
func (e *env) scan(at string) reminders.Summary {
	e.t.Helper()
	now, err := time.Parse(time.RFC3339, at)
	if err != nil {
		e.t.Fatal(err)
	}
	e.setWall(now)
	sum, err := e.scanner.Run(e.ctx, now)
	if err != nil {
		e.t.Fatal(err)
	}
	return sum
}

// delivered is one message as the sink queue received it.
type delivered struct {
	Body  string
	Attrs map[string]string
}

// drain returns everything in the sink queue.
func (e *env) drain() []delivered {
	e.t.Helper()
	var out []delivered
	for _, m := range testenv.Drain(e.t, e.sqs, e.queueURL) {
		var env struct {
			Message           string
			MessageAttributes map[string]struct{ Value string }
		}
		if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &env); err != nil {
			e.t.Fatalf("not an SNS envelope: %s", aws.ToString(m.Body))
		}
		d := delivered{Body: env.Message, Attrs: map[string]string{}}
		for k, v := range env.MessageAttributes {
			d.Attrs[k] = v.Value
		}
		out = append(out, d)
	}
	return out
}

func summarize(msgs []delivered) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Attrs["userId"]+"/"+m.Attrs["channel"]+"/"+m.Attrs["kind"]+"/"+m.Attrs["daysLeft"])
	}
	slices.Sort(out)
	return out
}

func TestEachStepOnceAndNeverTwice(t *testing.T) {
	e := newEnv(t)
	e.person("anna", "Europe/Moscow")
	e.document("anna", "2026-12-31", time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC))

	for _, tc := range []struct {
		at   string
		want []string
	}{
		{"2026-12-01T05:59:00Z", nil}, // 08:59 in Moscow: not yet
		{"2026-12-01T06:00:00Z", []string{"anna/email/document_expiring/30", "anna/sms/document_expiring/30"}},
		{"2026-12-01T06:00:00Z", nil}, // the same moment again: nothing new
		{"2026-12-01T06:15:00Z", nil},
		{"2026-12-24T06:00:00Z", []string{"anna/email/document_expiring/7", "anna/sms/document_expiring/7"}},
		{"2026-12-30T06:00:00Z", []string{"anna/email/document_expiring/1", "anna/sms/document_expiring/1"}},
		{"2027-01-01T06:00:00Z", []string{"anna/email/document_expired/-1", "anna/sms/document_expired/-1"}},
		{"2027-01-15T06:00:00Z", nil},
		{"2027-01-31T06:00:00Z", []string{"anna/email/document_expired/-31", "anna/sms/document_expired/-31"}},
	} {
		t.Run(tc.at, func(t *testing.T) {
			sum := e.scan(tc.at)
			got := summarize(e.drain())
			if !slices.Equal(got, tc.want) {
				t.Errorf("delivered %v, want %v (summary %+v)", got, tc.want, sum)
			}
		})
	}
	page, err := (&inbox.Service{Store: e.store, Now: time.Now}).List(e.ctx, "anna", false, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 5 {
		t.Errorf("inbox holds %d notifications, want 5", len(page.Items))
	}
	e.clock = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	docs, _ := e.docs.ListDocuments(e.ctx, "anna", registry.ListFilter{})
	hist, _ := e.docs.History(e.ctx, "anna", docs.Items[0].ID, 100, "")
	var steps []string
	for _, ev := range hist.Items {
		if ev.Action == registry.ActionReminderSent {
			steps = append(steps, ev.Step)
		}
	}
	if want := []string{"repeat-1", "expired", "before-1", "before-7", "before-30"}; !slices.Equal(steps, want) {
		t.Errorf("history of reminders = %v, want %v", steps, want)
	}
}

func TestEachPersonAtTheirOwnNineOClock(t *testing.T) {
	e := newEnv(t)
	e.person("vlad", "Asia/Vladivostok")  // UTC+10
	e.person("kgd", "Europe/Kaliningrad") // UTC+2
	created := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	e.document("vlad", "2026-12-31", created)
	e.document("kgd", "2026-12-31", created)
	for _, tc := range []struct {
		at   string
		want []string
	}{
		{"2026-11-30T22:59:00Z", nil}, // 08:59 in Vladivostok
		{"2026-11-30T23:00:00Z", []string{"vlad/email/document_expiring/30", "vlad/sms/document_expiring/30"}},
		{"2026-12-01T06:59:00Z", nil}, // 08:59 in Kaliningrad
		{"2026-12-01T07:00:00Z", []string{"kgd/email/document_expiring/30", "kgd/sms/document_expiring/30"}},
	} {
		t.Run(tc.at, func(t *testing.T) {
			e.scan(tc.at)
			if got := summarize(e.drain()); !slices.Equal(got, tc.want) {
				t.Errorf("delivered %v, want %v", got, tc.want)
			}
		})
	}
}

func TestQuietHoursPostponeACatchUp(t *testing.T) {
	e := newEnv(t)
	e.person("nika", "Europe/Moscow")
	// added at 23:30 Moscow, 10 days before expiry: the 30-day step is overdue
	e.document("nika", "2026-12-11", time.Date(2026, 11, 30, 20, 30, 0, 0, time.UTC))
	if sum := e.scan("2026-11-30T20:30:00Z"); sum.Sent != 0 || sum.Skipped != 1 {
		t.Errorf("in quiet hours: %+v", sum)
	}
	if got := e.drain(); len(got) != 0 {
		t.Errorf("delivered in quiet hours: %v", summarize(got))
	}
	if sum := e.scan("2026-12-01T05:59:00Z"); sum.Due != 0 {
		t.Errorf("before 09:00: %+v", sum)
	}
	e.scan("2026-12-01T06:00:00Z")
	if got := summarize(e.drain()); !slices.Equal(got, []string{"nika/email/document_expiring/10", "nika/sms/document_expiring/10"}) {
		t.Errorf("at 09:00: %v", got)
	}
}

func TestConcurrentScansSendEachReminderOnce(t *testing.T) {
	e := newEnv(t)
	created := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range 20 {
		sub := fmt.Sprintf("p%02d", i)
		e.person(sub, "Europe/Moscow")
		e.document(sub, "2026-12-31", created)
	}
	var wg sync.WaitGroup
	sums := make([]reminders.Summary, 3)
	for i := range sums {
		wg.Add(1)
		go func() { defer wg.Done(); sums[i] = e.scan("2026-12-01T06:00:00Z") }()
	}
	wg.Wait()
	msgs := e.drain()
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.Attrs["dedupeId"]]++
	}
	if len(msgs) != 40 || len(seen) != 40 {
		t.Errorf("three concurrent scans delivered %d messages with %d distinct ids, want 40 and 40", len(msgs), len(seen))
	}
	sent := 0
	for _, s := range sums {
		sent += s.Sent
	}
	if sent != 20 {
		t.Errorf("reminders counted sent = %d, want 20 (summaries %+v)", sent, sums)
	}
}

// failing publishes nothing for the channels it is told to fail, and
// passes the rest to the real publisher: faults SNS will not produce on demand.
type failing struct {
	next     message.Publisher
	channels map[string]bool
}

func (f failing) Publish(ctx context.Context, msgs []message.Message) map[string]error {
	var pass []message.Message
	failed := map[string]error{}
	for _, m := range msgs {
		if f.channels[m.Attributes["channel"]] {
			failed[m.ID] = fmt.Errorf("injected failure")
		} else {
			pass = append(pass, m)
		}
	}
	maps.Copy(failed, f.next.Publish(ctx, pass))
	return failed
}

func TestFailedPublishIsRetriedByTheNextRun(t *testing.T) {
	e := newEnv(t)
	e.person("olga", "Europe/Moscow")
	d := e.document("olga", "2026-12-31", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	good := e.scanner

	t.Run("topic missing: nothing sent, nothing marked", func(t *testing.T) {
		e.scanner = e.newScanner(&notify.Publisher{SNS: e.cl.SNS, TopicARN: e.topicARN + "-missing"})
		if sum := e.scan("2026-12-01T06:00:00Z"); sum.Sent != 0 || sum.Failed != 1 {
			t.Errorf("summary %+v", sum)
		}
		if got := e.drain(); len(got) != 0 {
			t.Errorf("delivered %v", summarize(got))
		}
		page, _ := (&inbox.Service{Store: e.store, Now: time.Now}).List(e.ctx, "olga", false, 10, "")
		if len(page.Items) != 0 {
			t.Errorf("inbox written for an unsent reminder: %v", page.Items)
		}
	})
	t.Run("e-mail fails, SMS goes: the retry sends only the e-mail", func(t *testing.T) {
		e.scanner = e.newScanner(failing{next: &notify.Publisher{SNS: e.cl.SNS, TopicARN: e.topicARN}, channels: map[string]bool{"email": true}})
		if sum := e.scan("2026-12-01T06:15:00Z"); sum.Failed != 1 {
			t.Errorf("summary %+v", sum)
		}
		if got := summarize(e.drain()); !slices.Equal(got, []string{"olga/sms/document_expiring/30"}) {
			t.Errorf("delivered %v", got)
		}
	})
	t.Run("healthy again: the rest is delivered once", func(t *testing.T) {
		e.scanner = good
		if sum := e.scan("2026-12-01T06:30:00Z"); sum.Sent != 1 {
			t.Errorf("summary %+v", sum)
		}
		if got := summarize(e.drain()); !slices.Equal(got, []string{"olga/email/document_expiring/30"}) {
			t.Errorf("delivered %v", got)
		}
		if sum := e.scan("2026-12-01T06:45:00Z"); sum.Due != 0 {
			t.Errorf("still due after delivery: %+v", sum)
		}
	})
	hist, _ := e.docs.History(e.ctx, "olga", d.ID, 10, "")
	if hist.Items[0].Action != registry.ActionReminderSent || !slices.Equal(hist.Items[0].Channels, []string{"cabinet", "sms", "email"}) {
		t.Errorf("history %+v", hist.Items[0])
	}
}

// TestScanReadsOnlyWhatIsDue: 10,000 documents, 100 of them due; the scan
// reads 100 index items, not the table.
func TestScanReadsOnlyWhatIsDue(t *testing.T) {
	e := newEnv(t)
	now := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	msk, _ := time.LoadLocation("Europe/Moscow")
	var docs []registry.Document
	for i := range 10000 {
		d := registry.Document{ID: ids.New(), Owner: fmt.Sprintf("u%05d", i), Type: registry.Custom, Title: "x",
			ExpiresOnSource: registry.SourceUser, Source: registry.SourceUser, CreatedAt: now, UpdatedAt: now, Version: 1}
		switch {
		case i%100 == 0: // due now
			exp := civil.Date{Year: 2026, Month: 12, Day: 31}
			d.ExpiresOn = &exp
		case i%2 == 0: // due next year
			exp := civil.Date{Year: 2028, Month: 1, Day: 1}
			d.ExpiresOn = &exp
		} // else indefinite: not in the index at all
		d.Reminder = d.Schedule(msk, now.Add(-24*time.Hour))
		if d.ExpiresOn != nil && d.ExpiresOn.Year == 2026 {
			at := now // make the 30-day step exactly due
			d.Reminder.NextAt = &at
		}
		docs = append(docs, d)
	}
	if err := e.store.PutDocuments(e.ctx, docs); err != nil {
		t.Fatal(err)
	}
	sum := e.scan(now.Format(time.RFC3339))
	if sum.Read != 100 || sum.Due != 100 {
		t.Errorf("read %d index items and found %d due, want 100 and 100", sum.Read, sum.Due)
	}
	if sum.Sent != 100 {
		t.Errorf("sent %d, want 100 (%+v)", sum.Sent, sum)
	}
}

// TestUnverifiedNumberGetsNoReminder is the security review's amplification
// case: someone types a stranger's phone into their profile and adds many
// documents falling due at once. The pipeline addresses nothing to a
// contact its owner has not proved, however many documents: the reminders
// reach the cabinet's inbox only. Once the number is proved, the next
// step goes to it.
func TestUnverifiedNumberGetsNoReminder(t *testing.T) {
	e := newEnv(t)
	const docs = 60
	if _, err := e.docs.PutProfile(e.ctx, "mallory", registry.ProfileInput{TimeZone: "Europe/Moscow", Language: "ru",
		Phone: "+79161234567", Email: "victim@example.test"}, nil); err != nil {
		t.Fatal(err)
	}
	for range docs {
		e.document("mallory", "2026-12-31", time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC))
	}
	sum := e.scan("2026-12-01T06:00:00Z")
	if got := summarize(e.drain()); len(got) != 0 {
		t.Errorf("an unproved phone and address received %d messages: %v", len(got), got)
	}
	if sum.Sent != docs {
		t.Errorf("summary %+v: want all %d reminders recorded (inbox)", sum, docs)
	}
	page, err := (&inbox.Service{Store: e.store, Now: time.Now}).List(e.ctx, "mallory", false, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != docs {
		t.Errorf("inbox holds %d notifications, want %d", len(page.Items), docs)
	}

	testenv.Verified(t, e.store.Store, "mallory")
	e.scan("2026-12-24T06:00:00Z")
	if got := summarize(e.drain()); len(got) != 2*docs {
		t.Errorf("after proving: %d messages, want %d", len(got), 2*docs)
	}
}

// oneChild is the family port with one dependent, Маша (the family
// domain's own tests cover the real one).
type oneChild struct{}

func (oneChild) Subject(_ context.Context, _, id string) (registry.Subject, error) {
	return registry.Subject{ID: id, Name: "Маша", BirthDate: civil.Date{Year: 2015, Month: 3, Day: 1}}, nil
}

// TestDependentsReminderNamesThem: a dependent's document is reminded to
// the holder's contacts, and every message says whose it is.
func TestDependentsReminderNamesThem(t *testing.T) {
	e := newEnv(t)
	e.person("anna", "Europe/Moscow")
	e.docs.Subjects = oneChild{}
	e.clock = time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)
	if _, _, err := e.docs.CreateDocument(e.ctx, "anna", registry.CreateInput{Type: "custom", Subject: "kid-1",
		DocumentFields: registry.DocumentFields{Title: opt.Of("Pass"), ExpiresOn: opt.Of("2026-12-31")}}, nil); err != nil {
		t.Fatal(err)
	}
	e.scan("2026-12-01T06:00:00Z")
	got := e.drain()
	if len(got) != 2 {
		t.Fatalf("delivered %v, want the holder's sms and e-mail", summarize(got))
	}
	for _, m := range got {
		if m.Attrs["userId"] != "anna" || !strings.Contains(m.Body, "Маша: Pass") {
			t.Errorf("%s message to %s: %q, want it to name Маша", m.Attrs["channel"], m.Attrs["userId"], m.Body)
		}
	}
}
