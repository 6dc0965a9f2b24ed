package registry_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// remindDoc creates alice's custom document expiring on exp ("" for
// indefinite) through the service, so its reminder is scheduled as in life.
func remindDoc(t *testing.T, svc *registry.Service, exp string) registry.View {
	t.Helper()
	in := registry.CreateInput{Type: string(registry.Custom), DocumentFields: registry.DocumentFields{Title: opt.Of("Договор аренды")}}
	if exp != "" {
		in.ExpiresOn = opt.Of(exp)
	}
	v, _, err := svc.CreateDocument(context.Background(), "alice", in, nil)
	if err != nil {
		t.Fatalf("create expiring %q: %v", exp, err)
	}
	return v
}

// remindSent does what the expiry scan does once the document's next step
// went out: records it as sent and schedules the step after it.
func remindSent(t *testing.T, svc *registry.Service, st *fakeStore, id string) registry.Document {
	t.Helper()
	ctx := context.Background()
	d, err := st.GetDocument(ctx, "alice", id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Reminder.Next == nil {
		t.Fatalf("document %s has no reminder to send", id)
	}
	p, _ := st.GetProfile(ctx, "alice")
	d.Reminder = d.Reminder.Sent(*d.Reminder.Next)
	d.Reminder = d.Schedule(p.Location(), svc.Now())
	st.put(d)
	return d
}

// remindFields lists an error's field errors as "field:code".
func remindFields(err error) []string {
	var e *errs.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

func remindReason(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return string(e.Reason)
	}
	return ""
}

// remindLatest is the newest history entry of alice's document id.
func remindLatest(t *testing.T, svc *registry.Service, id string) registry.Event {
	t.Helper()
	h, err := svc.History(context.Background(), "alice", id, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Items) == 0 {
		t.Fatalf("document %s has no history", id)
	}
	return h.Items[0]
}

func remindNextKey(r registry.Reminder) string {
	if r.Next == nil {
		return ""
	}
	return r.Next.Key()
}

func TestAckReminder(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		exp        string
		sent       bool
		archive    bool
		owner      string
		wantKind   errs.Kind // when wantErr
		wantErr    bool
		wantReason string
		wantNext   string // the next step after a successful ack; "" for none
	}{
		{name: "nothing sent yet", exp: "2026-12-31", wantErr: true, wantKind: errs.Conflict, wantReason: "nothing_to_ack"},
		{name: "after a before step: acked, the next steps still come", exp: "2026-07-05", sent: true, wantNext: "before-7"},
		{name: "after the expired step: acked, no repeats", exp: "2026-06-14", sent: true, wantNext: ""},
		{name: "after a repeat: acked, no more repeats", exp: "2026-03-07", sent: true, wantNext: ""},
		{name: "archived", exp: "2026-07-05", sent: true, archive: true, wantErr: true, wantKind: errs.Conflict, wantReason: "nothing_to_ack"},
		{name: "someone else's document", exp: "2026-07-05", sent: true, owner: "bob", wantErr: true, wantKind: errs.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, st := newService(t)
			v := remindDoc(t, svc, tc.exp)
			if tc.sent {
				remindSent(t, svc, st, v.ID)
			}
			if tc.archive {
				if _, err := svc.Archive(ctx, "alice", v.ID); err != nil {
					t.Fatal(err)
				}
			}
			before, _ := st.GetDocument(ctx, "alice", v.ID)
			writes, _, _ := st.counts()
			owner := tc.owner
			if owner == "" {
				owner = "alice"
			}

			got, err := svc.AckReminder(ctx, owner, v.ID)

			after, _ := st.GetDocument(ctx, "alice", v.ID)
			w, _, _ := st.counts()
			if tc.wantErr {
				assertKind(t, err, tc.wantKind)
				if r := remindReason(err); r != tc.wantReason {
					t.Errorf("reason = %q, want %q", r, tc.wantReason)
				}
				if w != writes || !reflect.DeepEqual(after, before) {
					t.Errorf("a refused ack wrote: %d writes, document %+v → %+v", w-writes, before, after)
				}
				return
			}
			if err != nil {
				t.Fatalf("AckReminder: %v", err)
			}
			if !got.Reminder.Acked || !after.Reminder.Acked {
				t.Errorf("acked = %v (stored %v), want true", got.Reminder.Acked, after.Reminder.Acked)
			}
			if got.Version != before.Version+1 || w != writes+1 {
				t.Errorf("version %d → %d with %d writes, want one write to version %d", before.Version, got.Version, w-writes, before.Version+1)
			}
			if k := remindNextKey(got.Reminder); k != tc.wantNext {
				t.Errorf("next step after ack = %q, want %q", k, tc.wantNext)
			}
			if (got.Reminder.NextAt == nil) != (tc.wantNext == "") {
				t.Errorf("NextAt = %v with next step %q", got.Reminder.NextAt, tc.wantNext)
			}
			if !reflect.DeepEqual(after, got.Document) {
				t.Errorf("stored %+v,\nreturned %+v", after, got.Document)
			}
			ev := remindLatest(t, svc, v.ID)
			if ev.Action != registry.ActionReminderAcked || ev.Actor != "alice" || ev.DocID != v.ID || !ev.At.Equal(now) {
				t.Errorf("history = %+v, want reminder_acked by alice now", ev)
			}
		})
	}
}

func TestAckReminderTwice(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	v := remindDoc(t, svc, "2026-07-05")
	remindSent(t, svc, st, v.ID)
	if _, err := svc.AckReminder(ctx, "alice", v.ID); err != nil {
		t.Fatal(err)
	}
	writes, _, _ := st.counts()
	_, err := svc.AckReminder(ctx, "alice", v.ID)
	assertKind(t, err, errs.Conflict)
	if w, _, _ := st.counts(); w != writes {
		t.Errorf("the second ack wrote %d times", w-writes)
	}
	h, _ := svc.History(ctx, "alice", v.ID, 0, "")
	acks := 0
	for _, ev := range h.Items {
		if ev.Action == registry.ActionReminderAcked {
			acks++
		}
	}
	if acks != 1 {
		t.Errorf("%d reminder_acked entries, want 1", acks)
	}

	// The next reminder sent makes it acknowledgeable again.
	remindSent(t, svc, st, v.ID)
	if _, err := svc.AckReminder(ctx, "alice", v.ID); err != nil {
		t.Errorf("ack after the next reminder: %v", err)
	}
}

func TestSnoozeReminder(t *testing.T) {
	ctx := context.Background()
	// now is 2026-06-15 12:00 in Moscow; +30 days is 2026-07-15T09:00Z.
	const (
		valid      = "2026-12-31" // next: before-30 on 2026-12-01 at 06:00Z
		dueNow     = "2026-07-05" // next: before-30 of 2026-06-05, due at once
		expired    = "2026-06-01" // next: the expired step of 2026-06-02, due at once
		indefinite = ""
	)
	for _, tc := range []struct {
		name, zone, exp, until string
		// either an error ...
		wantKind   errs.Kind
		wantFields []string
		wantReason string
		// ... or the snooze and the next reminder's time, RFC 3339
		wantSnooze, wantNextAt, wantStep string
	}{
		{name: "empty", exp: valid, until: "", wantKind: errs.Invalid, wantFields: []string{"until:required"}},
		{name: "garbage", exp: valid, until: "soon", wantKind: errs.Invalid, wantFields: []string{"until:invalid_time"}},
		{name: "impossible date", exp: valid, until: "2026-02-30", wantKind: errs.Invalid, wantFields: []string{"until:invalid_time"}},
		{name: "instant without a zone", exp: valid, until: "2026-07-01T10:00:00", wantKind: errs.Invalid, wantFields: []string{"until:invalid_time"}},
		{name: "yesterday", exp: valid, until: "2026-06-14", wantKind: errs.Invalid, wantFields: []string{"until:in_past"}},
		{name: "today, whose 09:00 has passed", exp: valid, until: "2026-06-15", wantKind: errs.Invalid, wantFields: []string{"until:in_past"}},
		{name: "exactly now", exp: valid, until: "2026-06-15T09:00:00Z", wantKind: errs.Invalid, wantFields: []string{"until:in_past"}},
		{name: "after the expiry of a valid document", exp: valid, until: "2027-01-01", wantKind: errs.Invalid, wantFields: []string{"until:after_expiry"}},
		{name: "23:30 on the expiry day lands after it", exp: valid, until: "2026-12-31T20:30:00Z", wantKind: errs.Invalid, wantFields: []string{"until:after_expiry"}},
		{name: "more than 30 days for an expired document", exp: expired, until: "2026-07-16", wantKind: errs.Invalid, wantFields: []string{"until:too_far"}},
		{name: "a second over 30 days for an expired document", exp: expired, until: "2026-07-15T09:00:01Z", wantKind: errs.Invalid, wantFields: []string{"until:too_far"}},
		{name: "nothing scheduled: indefinite", exp: indefinite, until: "2026-07-01", wantKind: errs.Conflict, wantReason: "nothing_due"},

		{name: "a second from now is fine but the step comes later", exp: valid, until: "2026-06-15T09:00:01Z",
			wantSnooze: "2026-06-15T09:00:01Z", wantNextAt: "2026-12-01T06:00:00Z", wantStep: "before-30"},
		{name: "the expiry date itself", exp: valid, until: "2026-12-31",
			wantSnooze: "2026-12-31T06:00:00Z", wantNextAt: "2026-12-31T06:00:00Z", wantStep: "before-30"},
		{name: "21:59 on the expiry day stays", exp: valid, until: "2026-12-31T18:59:00Z",
			wantSnooze: "2026-12-31T18:59:00Z", wantNextAt: "2026-12-31T18:59:00Z", wantStep: "before-30"},
		{name: "a date means 09:00 Moscow", exp: dueNow, until: "2026-06-20",
			wantSnooze: "2026-06-20T06:00:00Z", wantNextAt: "2026-06-20T06:00:00Z", wantStep: "before-30"},
		{name: "a date means 09:00 Vladivostok", zone: "Asia/Vladivostok", exp: dueNow, until: "2026-06-20",
			wantSnooze: "2026-06-19T23:00:00Z", wantNextAt: "2026-06-19T23:00:00Z", wantStep: "before-30"},
		{name: "23:30 local moves to 09:00 next day", exp: dueNow, until: "2026-06-20T20:30:00Z",
			wantSnooze: "2026-06-21T06:00:00Z", wantNextAt: "2026-06-21T06:00:00Z", wantStep: "before-30"},
		{name: "an instant with an offset", exp: dueNow, until: "2026-06-20T12:00:00+03:00",
			wantSnooze: "2026-06-20T09:00:00Z", wantNextAt: "2026-06-20T09:00:00Z", wantStep: "before-30"},
		{name: "an expired document past its expiry", exp: expired, until: "2026-07-01",
			wantSnooze: "2026-07-01T06:00:00Z", wantNextAt: "2026-07-01T06:00:00Z", wantStep: "expired"},
		{name: "an expired document, 30 days to the hour", exp: expired, until: "2026-07-15T09:00:00Z",
			wantSnooze: "2026-07-15T09:00:00Z", wantNextAt: "2026-07-15T09:00:00Z", wantStep: "expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, st := newService(t)
			if tc.zone != "" {
				if _, err := svc.PutProfile(ctx, "alice", registry.ProfileInput{TimeZone: tc.zone}, nil); err != nil {
					t.Fatal(err)
				}
			}
			v := remindDoc(t, svc, tc.exp)
			before, _ := st.GetDocument(ctx, "alice", v.ID)
			writes, _, _ := st.counts()

			got, err := svc.SnoozeReminder(ctx, "alice", v.ID, tc.until)

			after, _ := st.GetDocument(ctx, "alice", v.ID)
			w, _, _ := st.counts()
			if tc.wantSnooze == "" {
				assertKind(t, err, tc.wantKind)
				if f := remindFields(err); strings.Join(f, ",") != strings.Join(tc.wantFields, ",") {
					t.Errorf("fields = %v, want %v", f, tc.wantFields)
				}
				if r := remindReason(err); r != tc.wantReason {
					t.Errorf("reason = %q, want %q", r, tc.wantReason)
				}
				if w != writes || !reflect.DeepEqual(after, before) {
					t.Errorf("a refused snooze wrote: %d writes", w-writes)
				}
				return
			}
			if err != nil {
				t.Fatalf("SnoozeReminder(%q): %v", tc.until, err)
			}
			if s := remindInstant(got.Reminder.SnoozedUntil); s != tc.wantSnooze {
				t.Errorf("snoozed until %s, want %s", s, tc.wantSnooze)
			}
			if s := remindInstant(got.Reminder.NextAt); s != tc.wantNextAt {
				t.Errorf("next reminder at %s, want %s (was %s)", s, tc.wantNextAt, remindInstant(before.Reminder.NextAt))
			}
			if k := remindNextKey(got.Reminder); k != tc.wantStep {
				t.Errorf("next step %q, want %q", k, tc.wantStep)
			}
			if w != writes+1 || !reflect.DeepEqual(after, got.Document) {
				t.Errorf("%d writes; stored %+v,\nreturned %+v", w-writes, after.Reminder, got.Reminder)
			}
			ev := remindLatest(t, svc, v.ID)
			if ev.Action != registry.ActionReminderSnoozed || ev.Step != tc.wantStep || ev.Actor != "alice" {
				t.Errorf("history = %+v, want reminder_snoozed of %s by alice", ev, tc.wantStep)
			}
		})
	}
}

func TestSnoozeReminderOfSomeoneElse(t *testing.T) {
	svc, st := newService(t)
	v := remindDoc(t, svc, "2026-07-05")
	writes, _, _ := st.counts()
	_, err := svc.SnoozeReminder(context.Background(), "bob", v.ID, "2026-06-20")
	assertKind(t, err, errs.NotFound)
	if w, _, _ := st.counts(); w != writes {
		t.Errorf("%d writes, want none", w-writes)
	}
}

func remindInstant(t *time.Time) string {
	if t == nil {
		return "nil"
	}
	return t.UTC().Format(time.RFC3339)
}

// remindCallLog records, in order, what the contacts port and the store
// were asked to do.
type remindCallLog struct {
	mu   sync.Mutex
	list []string
}

func (l *remindCallLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, fmt.Sprintf(format, args...))
}

func (l *remindCallLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.list
	l.list = nil
	return out
}

// recordingContacts is a registry.Contacts that hands out sub-1, sub-2, ...
// and can be told to fail subscribing a channel.
type recordingContacts struct {
	log        *remindCallLog
	n          int
	failOn     map[string]error // channel → error of Subscribe
	states     map[string]string
	stateError error
}

func (c *recordingContacts) Open(_ context.Context, channel, endpoint string, _ *registry.ContactRecord) (string, error) {
	if err := c.failOn[channel]; err != nil {
		c.log.add("open %s %s: failed", channel, endpoint)
		return "", err
	}
	c.n++
	sub := fmt.Sprintf("sub-%d", c.n)
	c.log.add("open %s %s = %s", channel, endpoint, sub)
	return sub, nil
}

func (c *recordingContacts) Read(context.Context, string) (registry.ContactRecord, error) {
	return registry.ContactRecord{}, nil
}

func (c *recordingContacts) Join(ctx context.Context, owner, channel, endpoint string, _ *registry.ContactRecord, commit func(context.Context, registry.ContactRecord) error) (registry.ContactRecord, error) {
	c.log.add("join %s %s %s", owner, channel, endpoint)
	rec := registry.ContactRecord{SubscriptionARN: "sub-joined", Sharers: []registry.Sharer{{User: owner}}}
	return rec, commit(ctx, rec)
}

func (c *recordingContacts) Sharers(context.Context, string, string) ([]registry.Sharer, error) {
	return nil, nil
}

func (c *recordingContacts) Expel(context.Context, string, string, string, *registry.ContactRecord, func(string) bool) (bool, error) {
	return false, nil // nobody shares: Sharers lists no one
}

func (c *recordingContacts) Unsubscribe(_ context.Context, owner, channel, endpoint, sub string) error {
	c.log.add("unsubscribe %s %s %s %s", owner, channel, endpoint, sub)
	return nil
}

func (c *recordingContacts) State(_ context.Context, sub string) (string, error) {
	if c.stateError != nil {
		return "", c.stateError
	}
	if s, ok := c.states[sub]; ok {
		return s, nil
	}
	return "pending", nil
}

// savingStore logs profile saves and can be told to fail them.
type savingStore struct {
	*fakeStore
	log     *remindCallLog
	failPut error
}

func (s *savingStore) PutProfile(ctx context.Context, p registry.Profile, prev int) error {
	s.log.add("save email=%q/%q phone=%q/%q", p.Email, p.EmailSubscription, p.Phone, p.PhoneSubscription)
	if s.failPut != nil {
		return s.failPut
	}
	return s.fakeStore.PutProfile(ctx, p, prev)
}

func TestPutProfileContacts(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("sns: throttled")
	unavailable := errs.E("store.PutProfile", errs.Unavailable, errors.New("connection reset"))
	const (
		a     = "a@example.ru"
		b     = "b@example.ru"
		phone = "+79161234567"
	)
	stale := 7
	for _, tc := range []struct {
		name    string
		first   *registry.ProfileInput // saved first, with working contacts; nil: no profile
		noSubs  bool                   // the first save happened without a contacts port
		second  registry.ProfileInput
		ifMatch *int
		failOn  map[string]error
		failPut error
		// what the second put asked for, in order
		wantCalls []string
		wantErr   error     // errors.Is target, when the kind is not enough
		wantKind  errs.Kind // when wantFail
		wantField string    // "field:code" of the error, when wantFail
		wantFail  bool
		// the stored profile afterwards
		wantEmail, wantEmailSub, wantPhone, wantPhoneSub string
	}{
		{
			name:      "setting an e-mail opens its subscription (codes only) before saving",
			second:    registry.ProfileInput{Email: a},
			wantCalls: []string{"open email a@example.ru = sub-1", `save email="a@example.ru"/"sub-1" phone=""/""`},
			wantEmail: a, wantEmailSub: "sub-1",
		},
		{
			name:      "setting both opens both",
			second:    registry.ProfileInput{Email: a, Phone: phone},
			wantCalls: []string{"open email a@example.ru = sub-1", "open sms +79161234567 = sub-2", `save email="a@example.ru"/"sub-1" phone="+79161234567"/"sub-2"`},
			wantEmail: a, wantEmailSub: "sub-1", wantPhone: phone, wantPhoneSub: "sub-2",
		},
		{
			name:   "changing the e-mail opens the new one, saves, then unsubscribes the old",
			first:  &registry.ProfileInput{Email: a},
			second: registry.ProfileInput{Email: b},
			wantCalls: []string{"open email b@example.ru = sub-2", `save email="b@example.ru"/"sub-2" phone=""/""`,
				"unsubscribe alice email a@example.ru sub-1"},
			wantEmail: b, wantEmailSub: "sub-2",
		},
		{
			name:      "removing the phone saves, then unsubscribes it",
			first:     &registry.ProfileInput{Email: a, Phone: phone},
			second:    registry.ProfileInput{Email: a},
			wantCalls: []string{`save email="a@example.ru"/"sub-1" phone=""/""`, "unsubscribe alice sms +79161234567 sub-2"},
			wantEmail: a, wantEmailSub: "sub-1",
		},
		{
			name:      "unchanged contacts: no calls",
			first:     &registry.ProfileInput{Email: a, Phone: phone},
			second:    registry.ProfileInput{Name: "Анна", Email: a, Phone: phone, Language: "en"},
			wantCalls: []string{`save email="a@example.ru"/"sub-1" phone="+79161234567"/"sub-2"`},
			wantEmail: a, wantEmailSub: "sub-1", wantPhone: phone, wantPhoneSub: "sub-2",
		},
		{
			name:      "unchanged after trimming: no calls",
			first:     &registry.ProfileInput{Email: a},
			second:    registry.ProfileInput{Email: "  " + a + " "},
			wantCalls: []string{`save email="a@example.ru"/"sub-1" phone=""/""`},
			wantEmail: a, wantEmailSub: "sub-1",
		},
		{
			name:      "a contact saved without a subscription is opened now",
			first:     &registry.ProfileInput{Email: a},
			noSubs:    true,
			second:    registry.ProfileInput{Email: a},
			wantCalls: []string{"open email a@example.ru = sub-1", `save email="a@example.ru"/"sub-1" phone=""/""`},
			wantEmail: a, wantEmailSub: "sub-1",
		},
		{
			name:      "opening fails: the error comes back and nothing is saved",
			first:     &registry.ProfileInput{Email: a},
			second:    registry.ProfileInput{Email: b},
			failOn:    map[string]error{registry.ChannelEmail: boom},
			wantCalls: []string{"open email b@example.ru: failed"},
			wantFail:  true, wantErr: boom,
			wantEmail: a, wantEmailSub: "sub-1",
		},
		{
			// An opened subscription lets through only the endpoint's
			// codes, and none was sent: nothing to undo, nobody reached.
			name:      "the second open fails: nothing is saved, nothing sent",
			second:    registry.ProfileInput{Email: a, Phone: phone},
			failOn:    map[string]error{registry.ChannelSMS: boom},
			wantCalls: []string{"open email a@example.ru = sub-1", "open sms +79161234567: failed"},
			wantFail:  true, wantErr: boom,
		},
		{
			name:      "saving fails: the old contact is kept and not left",
			first:     &registry.ProfileInput{Email: a},
			second:    registry.ProfileInput{Email: b},
			failPut:   unavailable,
			wantCalls: []string{"open email b@example.ru = sub-2", `save email="b@example.ru"/"sub-2" phone=""/""`},
			wantFail:  true, wantKind: errs.Unavailable,
			wantEmail: a, wantEmailSub: "sub-1",
		},
		{
			name:      "a stale If-Match: refused before any subscription",
			first:     &registry.ProfileInput{Email: a},
			second:    registry.ProfileInput{Email: b},
			ifMatch:   &stale,
			wantCalls: nil,
			wantFail:  true, wantKind: errs.Precondition,
			wantEmail: a, wantEmailSub: "sub-1",
		},
		{
			name:      "an invalid profile: refused before any subscription",
			first:     &registry.ProfileInput{Email: a},
			second:    registry.ProfileInput{Email: b, Phone: "8-916-123-45"}, // 8 and eight digits: no number
			wantCalls: nil,
			wantFail:  true, wantKind: errs.Invalid,
			wantEmail: a, wantEmailSub: "sub-1",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &remindCallLog{}
			st := &savingStore{fakeStore: newFakeStore(), log: log}
			contacts := &recordingContacts{log: log}
			svc := &registry.Service{Store: st, Now: func() time.Time { return now }, NewID: func() string { return "id" }, Contacts: contacts}
			if tc.first != nil {
				if tc.noSubs {
					svc.Contacts = nil
				}
				if _, err := svc.PutProfile(ctx, "alice", *tc.first, nil); err != nil {
					t.Fatal(err)
				}
				svc.Contacts = contacts
			}
			before, _ := st.GetProfile(ctx, "alice")
			log.take()
			contacts.failOn, st.failPut = tc.failOn, tc.failPut

			p, err := svc.PutProfile(ctx, "alice", tc.second, tc.ifMatch)

			if got := log.take(); strings.Join(got, "\n") != strings.Join(tc.wantCalls, "\n") {
				t.Errorf("calls:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.wantCalls, "\n  "))
			}
			stored, _ := st.GetProfile(ctx, "alice")
			if tc.wantFail {
				if err == nil {
					t.Fatal("err = nil, want a failure")
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Errorf("err = %v, want %v", err, tc.wantErr)
				}
				if tc.wantErr == nil {
					assertKind(t, err, tc.wantKind)
				}
				if tc.wantField != "" {
					var e *errs.Error
					if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field+":"+e.Fields[0].Code != tc.wantField {
						t.Errorf("err = %#v, want the field error %s", err, tc.wantField)
					}
				}
				if !reflect.DeepEqual(stored, before) {
					t.Errorf("a failed put changed the store:\n  %+v\nwas\n  %+v", stored, before)
				}
			} else {
				if err != nil {
					t.Fatalf("PutProfile: %v", err)
				}
				if !reflect.DeepEqual(stored, p) {
					t.Errorf("stored %+v,\nreturned %+v", stored, p)
				}
				if stored.Version != before.Version+1 {
					t.Errorf("version %d, want %d", stored.Version, before.Version+1)
				}
			}
			got := [4]string{stored.Email, stored.EmailSubscription, stored.Phone, stored.PhoneSubscription}
			want := [4]string{tc.wantEmail, tc.wantEmailSub, tc.wantPhone, tc.wantPhoneSub}
			if got != want {
				t.Errorf("stored email/sub/phone/sub = %q, want %q", got, want)
			}
		})
	}
}

func TestContactStates(t *testing.T) {
	ctx := context.Background()
	p := registry.Profile{Owner: "alice", Email: "a@example.ru", EmailSubscription: "sub-1", Phone: "+79161234567", PhoneSubscription: "sub-2"}
	for _, tc := range []struct {
		name     string
		profile  registry.Profile
		contacts registry.Contacts
		want     []registry.ContactState
		wantErr  bool
	}{
		{"each contact with its state, e-mail first", p,
			&recordingContacts{log: &remindCallLog{}, states: map[string]string{"sub-1": "confirmed", "sub-2": "pending"}},
			[]registry.ContactState{{Channel: "email", Address: "a@example.ru", Subscription: "confirmed"}, {Channel: "sms", Address: "+79161234567", Subscription: "pending"}}, false},
		{"a contact without a subscription is none", registry.Profile{Owner: "alice", Phone: "+79161234567"},
			&recordingContacts{log: &remindCallLog{}, states: map[string]string{"": "confirmed"}},
			[]registry.ContactState{{Channel: "sms", Address: "+79161234567", Subscription: "none"}}, false},
		{"no contacts port: none", p, nil,
			[]registry.ContactState{{Channel: "email", Address: "a@example.ru", Subscription: "none"}, {Channel: "sms", Address: "+79161234567", Subscription: "none"}}, false},
		{"no contacts: nothing", registry.Profile{Owner: "alice", EmailSubscription: "sub-9"},
			&recordingContacts{log: &remindCallLog{}}, nil, false},
		{"the port failing fails", p, &recordingContacts{log: &remindCallLog{}, stateError: errors.New("sns down")}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, _ := newService(t)
			svc.Contacts = tc.contacts
			got, err := svc.ContactStates(ctx, tc.profile)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("states = %+v, want %+v", got, tc.want)
			}
		})
	}
}
