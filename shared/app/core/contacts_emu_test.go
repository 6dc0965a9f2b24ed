package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/verify"
)

// contactsEnv is the profile service composed as the profile function
// composes it, with a reminders topic of its own on fauxqs and a table of
// its own on DynamoDB Local, so verification and sharing go through the
// real adapters. A queue subscribed to the topic without a filter sees
// every message, codes included, as /dev/outbox does locally.
type contactsEnv struct {
	ctx   context.Context
	docs  *registry.Service
	st    *store.Store
	sns   *sns.Client
	sqs   *sqs.Client
	subs  *notify.Subscriptions
	pub   *notify.Publisher
	topic string
	inbox string // the unfiltered queue's URL

	mu    sync.Mutex
	clock time.Time
	seen  []delivered
}

// delivered is one message the unfiltered queue received.
type delivered struct {
	body  string
	attrs map[string]string
}

func newContactsEnv(t *testing.T) *contactsEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cl, table := testenv.Table(t, "contacts")
	topicARN := testenv.Topic(t, cl, table)
	cfg := core.Config{Table: table, Reminders: topicARN}
	e := &contactsEnv{ctx: ctx, st: store.New(cl.DynamoDB, table), sns: cl.SNS, sqs: sqs.NewFromConfig(cl.AWS),
		subs: &notify.Subscriptions{SNS: cl.SNS, TopicARN: topicARN}, pub: &notify.Publisher{SNS: cl.SNS, TopicARN: topicARN},
		topic: topicARN, clock: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	// as functions/profile composes it, on the test's clock and on clients
	// whose every call is held to the profile function's declared actions
	fcl, err := core.NewClients(actions.Recording(t, context.Background(), functions.Profile))
	if err != nil {
		t.Fatal(err)
	}
	st := core.NewStore(cfg, fcl, e.now)
	e.docs = &registry.Service{Store: docstore.New(st), Now: e.now, NewID: ids.New, Contacts: core.Contacts(cfg, fcl, st),
		Verifications: st, Codes: core.Publisher(cfg, fcl), Locator: ids.NewLocator([]byte("the contacts tests' cursor key"))}
	if e.docs.Contacts == nil || e.docs.Codes == nil {
		t.Fatal("the profile function was composed without contacts or codes")
	}
	e.inbox = e.queue(t, table+"-all", "")
	return e
}

func (e *contactsEnv) now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clock
}

func (e *contactsEnv) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clock = e.clock.Add(d)
}

// queue makes an SQS queue subscribed to the topic with filter ("" for
// none) and returns its URL.
func (e *contactsEnv) queue(t *testing.T, name, filter string) string {
	t.Helper()
	q, err := e.sqs.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.sqs.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	in := &sns.SubscribeInput{TopicArn: aws.String(e.topic), Protocol: aws.String("sqs"), Endpoint: aws.String(a.Attributes["QueueArn"])}
	if filter != "" {
		in.Attributes = map[string]string{"FilterPolicy": filter, "FilterPolicyScope": notify.FilterPolicyScope}
	}
	if _, err := e.sns.Subscribe(e.ctx, in); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(q.QueueUrl)
}

// drain reads what queue holds now.
func (e *contactsEnv) drain(t *testing.T, queue string) []delivered {
	t.Helper()
	var out []delivered
	for {
		res, err := e.sqs.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue), MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Messages) == 0 {
			return out
		}
		for _, m := range res.Messages {
			var env struct {
				Message           string
				MessageAttributes map[string]struct{ Value string }
			}
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &env); err != nil {
				t.Fatalf("not an SNS envelope: %v", err)
			}
			d := delivered{body: env.Message, attrs: map[string]string{}}
			for k, v := range env.MessageAttributes {
				d.attrs[k] = v.Value
			}
			out = append(out, d)
			_, _ = e.sqs.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queue), ReceiptHandle: m.ReceiptHandle})
		}
	}
}

var sixDigits = regexp.MustCompile(`\b[0-9]{6}\b`)

// code returns the last code sent for who on channel, read off the topic
// as a subscriber receives it.
func (e *contactsEnv) code(t *testing.T, who, channel string) string {
	t.Helper()
	e.seen = append(e.seen, e.drain(t, e.inbox)...)
	for i := len(e.seen) - 1; i >= 0; i-- {
		d := e.seen[i]
		if d.attrs[message.AttrKind] == registry.KindContactCode && d.attrs[message.AttrUserID] == who && d.attrs[message.AttrChannel] == channel {
			return sixDigits.FindString(d.body)
		}
	}
	t.Fatalf("no code was published for %s on %s", who, channel)
	return ""
}

// codesTo counts the codes published to endpoint so far.
func (e *contactsEnv) codesTo(t *testing.T, c contact) int {
	t.Helper()
	e.seen = append(e.seen, e.drain(t, e.inbox)...)
	n := 0
	for _, d := range e.seen {
		if d.attrs[message.AttrKind] == registry.KindContactCode && d.attrs[message.AttrContact] == verify.Tag(c.channel, c.endpoint) {
			n++
		}
	}
	return n
}

// contact is one channel's field of a profile and a value for it.
type contact struct {
	channel, field, endpoint string
}

// names are the people's names their profiles are saved with.
var names = map[string]string{"bob": "Борис Петров"}

func (c contact) input(who, endpoint string) registry.ProfileInput {
	if c.channel == registry.ChannelSMS {
		return registry.ProfileInput{Name: names[who], Phone: endpoint}
	}
	return registry.ProfileInput{Name: names[who], Email: endpoint}
}

var sharedContacts = []contact{
	{registry.ChannelSMS, "phone", "+79161234567"},
	{registry.ChannelEmail, "email", "family@example.ru"},
}

// put saves who's profile with the contact set to endpoint ("" removes it)
// and returns the profile.
func (e *contactsEnv) put(t *testing.T, who string, c contact, endpoint string) registry.Profile {
	t.Helper()
	p, err := e.docs.PutProfile(e.ctx, who, c.input(who, endpoint), nil)
	if err != nil {
		t.Fatalf("PutProfile(%s): %v", who, err)
	}
	return p
}

// verified puts the contact in who's profile and enters the code it got.
func (e *contactsEnv) verified(t *testing.T, who string, c contact) string {
	t.Helper()
	e.put(t, who, c, c.endpoint)
	p, _, err := e.docs.VerifyContact(e.ctx, who, registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: e.code(t, who, c.channel)})
	if err != nil {
		t.Fatalf("VerifyContact(%s): %v", who, err)
	}
	if !slices.Contains(p.Reachable(), c.channel) {
		t.Fatalf("%s verified the %s but it is not reachable", who, c.channel)
	}
	return sub(p, c)
}

func sub(p registry.Profile, c contact) string {
	if c.channel == registry.ChannelSMS {
		return p.PhoneSubscription
	}
	return p.EmailSubscription
}

// expectShared checks the endpoint is shared by exactly users, in the
// order they joined: the record lists them, and its subscription's filter
// lets exactly their messages and the endpoint's codes through. No users:
// no record.
func (e *contactsEnv) expectShared(t *testing.T, c contact, arn string, users ...string) {
	t.Helper()
	rec, found, err := e.st.GetContact(e.ctx, c.channel, c.endpoint)
	if err != nil {
		t.Fatalf("GetContact: %v", err)
	}
	if len(users) == 0 {
		if found {
			t.Errorf("contact record %+v left behind, want none", rec)
		}
		return
	}
	if !found {
		t.Fatalf("no contact record, want users %q", users)
	}
	if !slices.Equal(rec.Users, users) {
		t.Errorf("recorded users %q, want %q", rec.Users, users)
	}
	if arn != "" && rec.SubscriptionARN != arn {
		t.Errorf("recorded subscription %q, want %q", rec.SubscriptionARN, arn)
	}
	e.expectFilter(t, c, rec.SubscriptionARN, users...)
}

// expectFilter checks the subscription arn of c lets through the codes
// addressed to c and the messages of exactly users.
func (e *contactsEnv) expectFilter(t *testing.T, c contact, arn string, users ...string) {
	t.Helper()
	attrs, err := e.sns.GetSubscriptionAttributes(e.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("GetSubscriptionAttributes: %v", err)
	}
	users = slices.Sorted(slices.Values(users))
	if got, want := attrs.Attributes["FilterPolicy"], notify.ContactFilterPolicy(users, c.channel, verify.Tag(c.channel, c.endpoint)); got != want {
		t.Errorf("FilterPolicy = %s, want %s", got, want)
	}
	if got := attrs.Attributes["Endpoint"]; got != c.endpoint {
		t.Errorf("subscription endpoint %q, want the shared one", got)
	}
}

// expectOneSubscription checks the topic has exactly one subscription
// besides the test's own queue: the sharers share it, nothing was left
// behind by a lost race.
func (e *contactsEnv) expectOneSubscription(t *testing.T) {
	t.Helper()
	out, err := e.sns.ListSubscriptionsByTopic(e.ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(e.topic)})
	if err != nil {
		t.Fatalf("ListSubscriptionsByTopic: %v", err)
	}
	n := 0
	for _, s := range out.Subscriptions {
		if aws.ToString(s.Protocol) != "sqs" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the topic has %d contact subscriptions, want 1", n)
	}
}

// expectField checks err is an Invalid with the one field error want.
func expectField(t *testing.T, err error, want errs.FieldError) {
	t.Helper()
	var e *errs.Error
	if !errs.Is(err, errs.Invalid) || !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0] != want {
		t.Errorf("err = %v, want Invalid with %v", err, want)
	}
}

// TestContactVerification: a contact given in the profile is pending and
// its subscription lets through nothing but its codes; the code proves it;
// a second person giving the same contact is never refused, is pending
// until they prove it too, and then shares its one subscription; the
// first (the owner) sees them masked and may remove them; leaving narrows
// the filter, the last one removes the record.
func TestContactVerification(t *testing.T) {
	for _, c := range sharedContacts {
		t.Run(c.channel, func(t *testing.T) {
			t.Parallel()
			e := newContactsEnv(t)
			p := e.put(t, "alice", c, c.endpoint)
			if slices.Contains(p.Reachable(), c.channel) {
				t.Fatal("an unproved contact is reachable")
			}
			arn := sub(p, c)
			e.expectShared(t, c, "") // nobody recorded
			e.expectFilter(t, c, arn)
			e.expectOneSubscription(t)

			expectField(t, func() error {
				_, _, err := e.docs.VerifyContact(e.ctx, "alice", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: "12345"})
				return err
			}(),
				errs.FieldError{Field: "code", Code: "invalid_code"})
			// the address the code was sent to, as the profile shows it
			for _, tc := range []struct {
				address string
				want    errs.FieldError
			}{
				{"", errs.FieldError{Field: "address", Code: "required"}},
				{map[string]string{registry.ChannelSMS: "+79000000001", registry.ChannelEmail: "other@example.org"}[c.channel],
					errs.FieldError{Field: "address", Code: "no_contact"}},
			} {
				_, _, err := e.docs.VerifyContact(e.ctx, "alice", registry.VerifyInput{Channel: c.channel, Address: tc.address, Code: "123456"})
				expectField(t, err, tc.want)
				_, _, err = e.docs.SendCode(e.ctx, "alice", c.channel, tc.address)
				expectField(t, err, tc.want)
			}
			code := e.code(t, "alice", c.channel)
			wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1_000_000)
			_, _, err := e.docs.VerifyContact(e.ctx, "alice", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: wrong})
			expectField(t, err, errs.FieldError{Field: "code", Code: "wrong_code"})
			if p, _, err = e.docs.VerifyContact(e.ctx, "alice", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: code}); err != nil {
				t.Fatalf("VerifyContact with the code: %v", err)
			}
			if !slices.Contains(p.Reachable(), c.channel) || sub(p, c) != arn {
				t.Fatalf("alice verified: reachable %q, subscription %q (want %q)", p.Reachable(), sub(p, c), arn)
			}
			e.expectShared(t, c, arn, "alice")

			// Bob gives the same contact: saved, pending, nothing for him
			// goes through the filter until he proves it.
			p = e.put(t, "bob", c, c.endpoint+"")
			if slices.Contains(p.Reachable(), c.channel) || sub(p, c) != arn {
				t.Fatalf("bob: reachable %q, subscription %q", p.Reachable(), sub(p, c))
			}
			e.expectShared(t, c, arn, "alice")
			e.verifiedSecond(t, "bob", c)
			e.expectShared(t, c, arn, "alice", "bob")
			e.expectOneSubscription(t)

			// The owner sees bob, masked; bob sees no one.
			alice, _ := e.docs.GetProfile(e.ctx, "alice")
			states, err := e.docs.ContactStates(e.ctx, alice)
			if err != nil {
				t.Fatal(err)
			}
			st := stateOf(states, c.channel)
			if !st.Owner || len(st.Sharers) != 1 || st.Sharers[0].Name != "Б*** П***" || st.Sharers[0].Since == nil {
				t.Fatalf("alice's view of the contact: %+v", st)
			}
			bob, _ := e.docs.GetProfile(e.ctx, "bob")
			bs, err := e.docs.ContactStates(e.ctx, bob)
			if err != nil {
				t.Fatal(err)
			}
			if b := stateOf(bs, c.channel); b.Owner || b.Sharers != nil || !b.Verified {
				t.Errorf("bob's view of the contact: %+v", b)
			}
			// Only the owner may remove; bob cannot remove alice.
			if err := e.docs.RemoveSharer(e.ctx, "bob", st.Sharers[0].ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("bob removing: %v, want NotFound", err)
			}
			if err := e.docs.RemoveSharer(e.ctx, "alice", st.Sharers[0].ID); err != nil {
				t.Fatalf("RemoveSharer: %v", err)
			}
			e.expectShared(t, c, arn, "alice")
			if bob, _ = e.docs.GetProfile(e.ctx, "bob"); slices.Contains(bob.Reachable(), c.channel) {
				t.Error("bob is still reachable on the contact he was removed from")
			}

			// Bob proves it again and joins; then both leave.
			e.advance(verify.Window)
			if _, _, err := e.docs.SendCode(e.ctx, "bob", c.channel, c.endpoint); err != nil {
				t.Fatalf("SendCode: %v", err)
			}
			if _, _, err := e.docs.VerifyContact(e.ctx, "bob", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: e.code(t, "bob", c.channel)}); err != nil {
				t.Fatalf("bob verifying again: %v", err)
			}
			e.expectShared(t, c, arn, "alice", "bob")
			e.put(t, "alice", c, "")
			e.expectShared(t, c, arn, "bob") // bob owns it now
			e.put(t, "bob", c, "")
			e.expectShared(t, c, arn)
		})
	}
}

// verifiedSecond has who, whose profile holds c already, enter its code.
func (e *contactsEnv) verifiedSecond(t *testing.T, who string, c contact) {
	t.Helper()
	if _, _, err := e.docs.VerifyContact(e.ctx, who, registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: e.code(t, who, c.channel)}); err != nil {
		t.Fatalf("VerifyContact(%s): %v", who, err)
	}
}

func stateOf(states []registry.ContactState, channel string) registry.ContactState {
	for _, s := range states {
		if s.Channel == channel {
			return s
		}
	}
	return registry.ContactState{}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// TestUnverifiedContactReceivesOnlyCodes is the amplification case on the
// real filter: a queue subscribed with the endpoint's own filter policy
// (as SNS evaluates it for the SMS subscription) receives the codes
// addressed to the endpoint and the messages of whoever verified it,
// never those of someone who only typed the number in.
func TestUnverifiedContactReceivesOnlyCodes(t *testing.T) {
	t.Parallel()
	e := newContactsEnv(t)
	c := sharedContacts[0]
	tag := verify.Tag(c.channel, c.endpoint)
	e.put(t, "mallory", c, c.endpoint)
	// What reaches the phone before anyone proved it: its filter, now.
	before := e.queue(t, "phone-before", notify.ContactFilterPolicy(nil, c.channel, tag))
	e.verified(t, "victim", c)
	after := e.queue(t, "phone-after", notify.ContactFilterPolicy([]string{"victim"}, c.channel, tag))

	msg := func(id, user, kind string, extra ...string) message.Message {
		m := message.Message{ID: id, Body: "x", Attributes: map[string]string{message.AttrUserID: user, message.AttrChannel: c.channel, message.AttrKind: kind}}
		if len(extra) == 2 {
			m.Attributes[extra[0]] = extra[1]
		}
		return m
	}
	var msgs []message.Message
	for i := range 30 { // mallory's 30 documents' reminders, addressed as the pipeline addresses them
		msgs = append(msgs, msg(fmt.Sprintf("m-%d", i), "mallory", "document_expiring"))
	}
	msgs = append(msgs, msg("v-1", "victim", "document_expiring"), msg("code-1", "mallory", registry.KindContactCode, message.AttrContact, tag))
	if failed := e.pub.Publish(e.ctx, msgs); len(failed) > 0 {
		t.Fatalf("Publish: %v", failed)
	}
	kinds := func(ds []delivered) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.attrs[message.AttrUserID]+"/"+d.attrs[message.AttrKind])
		}
		slices.Sort(out)
		return out
	}
	if got, want := kinds(e.drain(t, before)), []string{"mallory/contact_code", "victim/contact_code"}; !slices.Equal(got, want) {
		t.Errorf("an unproved phone received %q, want only its codes %q", got, want)
	}
	if got, want := kinds(e.drain(t, after)), []string{"mallory/contact_code", "victim/document_expiring"}; !slices.Equal(got, want) {
		t.Errorf("the proved phone received %q, want %q", got, want)
	}
	mal, _ := e.docs.GetProfile(e.ctx, "mallory")
	if len(mal.Reachable()) != 0 {
		t.Errorf("mallory's unproved phone is reachable: %q", mal.Reachable())
	}
}

// TestContactSquatting: ten accounts giving a verified owner's phone change
// nothing for her (she stays reachable, the filter lets only her through,
// she sees no sharer) and none of them is refused or told anything; the
// codes their attempts send are capped per contact. Ten squatters first,
// then the owner: she waits out the hour at most, then proves it.
func TestContactSquatting(t *testing.T) {
	c := sharedContacts[0]
	t.Run("verified owner first", func(t *testing.T) {
		t.Parallel()
		e := newContactsEnv(t)
		arn := e.verified(t, "victim", c)
		for i := range 10 {
			e.put(t, fmt.Sprintf("squatter-%d", i), c, c.endpoint)
		}
		e.expectShared(t, c, arn, "victim")
		v, _ := e.docs.GetProfile(e.ctx, "victim")
		if !slices.Contains(v.Reachable(), c.channel) {
			t.Fatal("the owner lost her phone")
		}
		states, _ := e.docs.ContactStates(e.ctx, v)
		if st := stateOf(states, c.channel); !st.Owner || len(st.Sharers) != 0 {
			t.Errorf("the owner's contact: %+v", st)
		}
		// 1 code for her, then at most CodesPerHour-1 for all of them.
		if got := e.codesTo(t, c); got != verify.CodesPerHour {
			t.Errorf("%d codes sent to the phone within the hour, want %d", got, verify.CodesPerHour)
		}
	})
	t.Run("squatters first", func(t *testing.T) {
		t.Parallel()
		e := newContactsEnv(t)
		for i := range 10 {
			e.put(t, fmt.Sprintf("squatter-%d", i), c, c.endpoint)
		}
		e.put(t, "victim", c, c.endpoint)
		if _, _, err := e.docs.SendCode(e.ctx, "victim", c.channel, c.endpoint); !errs.Is(err, errs.Conflict) || errs.ReasonOf(err) != registry.ReasonCodeLimit {
			t.Fatalf("SendCode within the hour: %v, want code_limit", err)
		}
		e.advance(verify.Window)
		if _, _, err := e.docs.SendCode(e.ctx, "victim", c.channel, c.endpoint); err != nil {
			t.Fatalf("SendCode after the hour: %v", err)
		}
		e.verifiedSecond(t, "victim", c)
		e.expectShared(t, c, "", "victim")
	})
}

// TestCodeRules: expiry, attempts, resends and the caps, on the real
// store and topic with an injected clock.
func TestCodeRules(t *testing.T) {
	c := sharedContacts[0]
	t.Run("expired after CodeTTL", func(t *testing.T) {
		t.Parallel()
		e := newContactsEnv(t)
		e.put(t, "anna", c, c.endpoint)
		code := e.code(t, "anna", c.channel)
		e.advance(verify.CodeTTL)
		_, _, err := e.docs.VerifyContact(e.ctx, "anna", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: code})
		expectField(t, err, errs.FieldError{Field: "code", Code: "code_expired"})
	})
	t.Run("still good a second before", func(t *testing.T) {
		t.Parallel()
		e := newContactsEnv(t)
		e.put(t, "anna", c, c.endpoint)
		code := e.code(t, "anna", c.channel)
		e.advance(verify.CodeTTL - time.Second)
		if _, _, err := e.docs.VerifyContact(e.ctx, "anna", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: code}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("five wrong guesses end the code", func(t *testing.T) {
		t.Parallel()
		e := newContactsEnv(t)
		e.put(t, "anna", c, c.endpoint)
		code := e.code(t, "anna", c.channel)
		wrong := fmt.Sprintf("%06d", (atoi(code)+7)%1_000_000)
		for i := range verify.MaxAttempts {
			want := "wrong_code"
			if i == verify.MaxAttempts-1 {
				want = "too_many_attempts"
			}
			_, _, err := e.docs.VerifyContact(e.ctx, "anna", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: wrong})
			expectField(t, err, errs.FieldError{Field: "code", Code: want})
		}
		_, _, err := e.docs.VerifyContact(e.ctx, "anna", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: code})
		expectField(t, err, errs.FieldError{Field: "code", Code: "too_many_attempts"})
		// A new code works.
		if _, _, err := e.docs.SendCode(e.ctx, "anna", c.channel, c.endpoint); err != nil {
			t.Fatal(err)
		}
		e.verifiedSecond(t, "anna", c)
	})
	t.Run("a resend kills the earlier code", func(t *testing.T) {
		t.Parallel()
		e := newContactsEnv(t)
		e.put(t, "anna", c, c.endpoint)
		first := e.code(t, "anna", c.channel)
		if _, _, err := e.docs.SendCode(e.ctx, "anna", c.channel, c.endpoint); err != nil {
			t.Fatal(err)
		}
		second := e.code(t, "anna", c.channel)
		if first == second {
			t.Skip("the two codes drew the same number (1 in a million)")
		}
		_, _, err := e.docs.VerifyContact(e.ctx, "anna", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: first})
		expectField(t, err, errs.FieldError{Field: "code", Code: "wrong_code"})
	})
	t.Run("three codes an hour per account", func(t *testing.T) {
		t.Parallel()
		e := newContactsEnv(t)
		// Three different numbers, one account: the third change still
		// gets a code, the fourth not (the profile is saved all the same).
		for i := range verify.CodesPerHour + 1 {
			e.put(t, "anna", c, fmt.Sprintf("+7916123450%d", i))
		}
		if got := e.codesTo(t, contact{c.channel, c.field, "+79161234503"}); got != 0 {
			t.Errorf("the fourth number got %d codes, want 0", got)
		}
		_, _, err := e.docs.SendCode(e.ctx, "anna", c.channel, "+79161234503")
		if !errs.Is(err, errs.Conflict) || errs.ReasonOf(err) != registry.ReasonCodeLimit {
			t.Fatalf("SendCode: %v, want code_limit", err)
		}
		p, _ := e.docs.GetProfile(e.ctx, "anna")
		states, _ := e.docs.ContactStates(e.ctx, p)
		if st := stateOf(states, c.channel); st.ResendAt == nil || !st.ResendAt.Equal(e.now().Add(verify.Window)) {
			t.Errorf("resendAt = %v, want an hour after the first code", st.ResendAt)
		}
		e.advance(verify.Window)
		if _, _, err := e.docs.SendCode(e.ctx, "anna", c.channel, "+79161234503"); err != nil {
			t.Fatalf("SendCode an hour later: %v", err)
		}
	})
	t.Run("a verified contact asks no code", func(t *testing.T) {
		t.Parallel()
		e := newContactsEnv(t)
		e.verified(t, "anna", c)
		if _, _, err := e.docs.SendCode(e.ctx, "anna", c.channel, c.endpoint); !errs.Is(err, errs.Conflict) || errs.ReasonOf(err) != registry.ReasonContactVerified {
			t.Errorf("SendCode: %v, want contact_verified", err)
		}
		// Saving the profile again keeps it verified; changing it does not.
		if p := e.put(t, "anna", c, c.endpoint); !slices.Contains(p.Reachable(), c.channel) {
			t.Error("saving the same phone again dropped its proof")
		}
		if p := e.put(t, "anna", c, "+79160000000"); slices.Contains(p.Reachable(), c.channel) {
			t.Error("a new phone inherited the old one's proof")
		}
	})
	t.Run("the code and errors carry no endpoint", func(t *testing.T) {
		t.Parallel()
		e := newContactsEnv(t)
		e.put(t, "anna", c, c.endpoint)
		e.code(t, "anna", c.channel)
		for _, d := range e.seen {
			for k, v := range d.attrs {
				if strings.Contains(v, c.endpoint) {
					t.Errorf("attribute %s carries the endpoint", k)
				}
			}
		}
	})
}

// TestContactSharingCap: MaxContactSharers people may prove one endpoint;
// the next, who holds the phone (he entered its code), is refused with
// contact_sharers_full until the owner removes someone.
func TestContactSharingCap(t *testing.T) {
	t.Parallel()
	e := newContactsEnv(t)
	c := sharedContacts[0]
	var users []string
	var arn string
	for i := range core.MaxContactSharers {
		u := fmt.Sprintf("user-%02d", i)
		users = append(users, u)
		e.advance(verify.Window) // the contact's hourly cap
		arn = e.verified(t, u, c)
	}
	e.expectShared(t, c, arn, users...)

	e.advance(verify.Window)
	e.put(t, "one-too-many", c, c.endpoint)
	code := e.code(t, "one-too-many", c.channel)
	_, _, err := e.docs.VerifyContact(e.ctx, "one-too-many", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: code})
	if !errs.Is(err, errs.Conflict) || errs.ReasonOf(err) != registry.ReasonContactSharersFull {
		t.Fatalf("the eleventh: %v, want contact_sharers_full", err)
	}
	e.expectShared(t, c, arn, users...)

	owner, _ := e.docs.GetProfile(e.ctx, users[0])
	states, _ := e.docs.ContactStates(e.ctx, owner)
	st := stateOf(states, c.channel)
	if len(st.Sharers) != core.MaxContactSharers-1 {
		t.Fatalf("the owner sees %d sharers", len(st.Sharers))
	}
	if err := e.docs.RemoveSharer(e.ctx, users[0], st.Sharers[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.docs.VerifyContact(e.ctx, "one-too-many", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: code}); err != nil {
		t.Fatalf("after the owner made room: %v", err)
	}
	e.expectShared(t, c, arn, append(append([]string{users[0]}, users[2:]...), "one-too-many")...)
}

// TestContactSharingConcurrent: people proving the same endpoint at the
// same moment all end up sharing its one subscription, in the record and
// in the filter, however their reads and writes interleave; and all
// leaving at once removes the record.
func TestContactSharingConcurrent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		c      contact
		people int
	}{
		{"two by sms", sharedContacts[0], 2},
		{"two by email", sharedContacts[1], 2},
		{"three by sms", sharedContacts[0], 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newContactsEnv(t)
			var users []string
			codes := map[string]string{}
			for i := range tc.people {
				u := fmt.Sprintf("person-%d", i)
				users = append(users, u)
				e.put(t, u, tc.c, tc.c.endpoint)
				codes[u] = e.code(t, u, tc.c.channel)
			}
			arns := make([]string, len(users))
			failed := make([]error, len(users))
			var wg sync.WaitGroup
			for i, u := range users {
				wg.Go(func() {
					p, _, err := e.docs.VerifyContact(e.ctx, u, registry.VerifyInput{Channel: tc.c.channel, Address: tc.c.endpoint, Code: codes[u]})
					arns[i], failed[i] = sub(p, tc.c), err
				})
			}
			wg.Wait()
			for i, err := range failed {
				if err != nil {
					t.Fatalf("%s: VerifyContact: %v", users[i], err)
				}
			}
			rec, _, _ := e.st.GetContact(e.ctx, tc.c.channel, tc.c.endpoint)
			if !slices.Equal(slices.Sorted(slices.Values(rec.Users)), users) {
				t.Errorf("recorded %q, want %q in some order", rec.Users, users)
			}
			e.expectFilter(t, tc.c, rec.SubscriptionARN, users...)
			e.expectOneSubscription(t)
			for i, arn := range arns {
				if arn != rec.SubscriptionARN {
					t.Errorf("%s holds subscription %q, the record %q", users[i], arn, rec.SubscriptionARN)
				}
			}

			for i, u := range users {
				wg.Go(func() {
					_, failed[i] = e.docs.PutProfile(e.ctx, u, registry.ProfileInput{}, nil)
				})
			}
			wg.Wait()
			for i, err := range failed {
				if err != nil {
					t.Fatalf("%s: PutProfile removing the contact: %v", users[i], err)
				}
			}
			e.expectShared(t, tc.c, "")
		})
	}
}

// TestSameCodeAtOnce: guesses of one code made at the same moment count
// once each, whatever the order the store takes them in: the right code
// entered twice proves the contact once (the other is told the code
// changed, or finds it proved); with one attempt left, a wrong guess and
// the right one at once end either verified, no wrong guess counted, or
// the code used up at exactly verify.MaxAttempts, never both.
func TestSameCodeAtOnce(t *testing.T) {
	c := sharedContacts[0]
	for _, tc := range []struct {
		name  string
		wrong int // wrong guesses before, one after another
		with  int // wrong guesses at once with the right ones
		right int // right guesses at once
	}{
		{name: "the right code twice", right: 2},
		{name: "the right code five times", right: 5},
		{name: "one attempt left: a wrong guess and the right one", wrong: verify.MaxAttempts - 1, with: 1, right: 1},
		{name: "one attempt left: three wrong and the right one", wrong: verify.MaxAttempts - 1, with: 3, right: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newContactsEnv(t)
			before := e.put(t, "anna", c, c.endpoint)
			code := e.code(t, "anna", c.channel)
			wrong := fmt.Sprintf("%06d", (atoi(code)+3)%1_000_000)
			for range tc.wrong {
				if _, _, err := e.docs.VerifyContact(e.ctx, "anna", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: wrong}); !errs.Is(err, errs.Invalid) {
					t.Fatalf("a wrong guess: %v", err)
				}
			}
			guesses := slices.Repeat([]string{wrong}, tc.with)
			guesses = append(guesses, slices.Repeat([]string{code}, tc.right)...)
			failed := make([]error, len(guesses))
			var wg sync.WaitGroup
			for i, g := range guesses {
				wg.Go(func() {
					_, _, failed[i] = e.docs.VerifyContact(e.ctx, "anna", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: g})
				})
			}
			wg.Wait()
			for i, err := range failed {
				if err != nil && !errs.Is(err, errs.Invalid) && !(errs.Is(err, errs.Conflict) && errs.ReasonOf(err) == errs.ReasonChanged) {
					t.Errorf("guess %d (%s): %v, want success, a 422 or 409 changed", i, guesses[i], err)
				}
			}
			p, _ := e.docs.GetProfile(e.ctx, "anna")
			left, found, err := e.st.GetCode(e.ctx, "anna", c.channel)
			if err != nil {
				t.Fatal(err)
			}
			rec, _, _ := e.st.GetContact(e.ctx, c.channel, c.endpoint)
			verified := slices.Contains(p.Reachable(), c.channel)
			switch {
			case verified && (found || p.Version != before.Version+1 || !slices.Equal(rec.Users, []string{"anna"})):
				t.Errorf("verified, but the code is left %v, the profile at %d (was %d), recorded %q", found, p.Version, before.Version, rec.Users)
			case !verified && (tc.with == 0 || !found || left.Attempts != verify.MaxAttempts):
				t.Errorf("not verified: the code left %v with %d attempts, want it used up at %d", found, left.Attempts, verify.MaxAttempts)
			}
		})
	}
}

// staleRead is the contacts port with Read answering a record read
// earlier: a verification whose read of the record lost the race to
// another person's join.
type staleRead struct {
	registry.Contacts
	rec registry.ContactRecord
}

func (s staleRead) Read(context.Context, string) (registry.ContactRecord, error) {
	return s.rec, nil
}

// TestVerifyOnAStaleRecord: the record a verification reads with the
// profile and the code may be out of date by the time it joins (someone
// else joined meanwhile): its commit loses, and the join starts over from
// the record as it is, so nobody is dropped from the endpoint's sharers or
// its filter.
func TestVerifyOnAStaleRecord(t *testing.T) {
	for _, c := range sharedContacts {
		t.Run(c.channel, func(t *testing.T) {
			t.Parallel()
			e := newContactsEnv(t)
			arn := e.verified(t, "alice", c)
			stale, err := e.docs.Contacts.Read(e.ctx, verify.Tag(c.channel, c.endpoint))
			if err != nil || len(stale.Sharers) != 1 {
				t.Fatalf("Read = %+v, %v; want alice's record", stale, err)
			}
			e.put(t, "bob", c, c.endpoint)
			e.verified(t, "carol", c) // after the read below was made
			e.docs.Contacts = staleRead{Contacts: e.docs.Contacts, rec: stale}
			e.verifiedSecond(t, "bob", c)
			e.expectShared(t, c, arn, "alice", "carol", "bob") // and the filter lets all three through
		})
	}
}

// TestRemoveSharerByID: a sharer's id seals its contact, so the removal
// reads the contact's record with the profile; an id from before sealing
// (or sealed with another key) still removes them, through both verified
// contacts' records; an id for a contact the profile no longer holds
// verified is NotFound.
func TestRemoveSharerByID(t *testing.T) {
	c := sharedContacts[0]
	unsealed := func(e *contactsEnv) *registry.Service { u := *e.docs; u.Locator = nil; return &u }
	rotated := func(e *contactsEnv) *registry.Service {
		u := *e.docs
		u.Locator = ids.NewLocator([]byte("another key"))
		return &u
	}
	for _, tc := range []struct {
		name     string
		shownBy  func(e *contactsEnv) *registry.Service // the service that listed the sharers
		sealed   bool
		moveAway bool // alice's phone changes before the removal
		wantErr  errs.Kind
	}{
		{name: "sealed", shownBy: func(e *contactsEnv) *registry.Service { return e.docs }, sealed: true},
		{name: "from before sealing", shownBy: unsealed},
		{name: "sealed with another key", shownBy: rotated, sealed: true},
		{name: "sealed, for a phone alice no longer has", shownBy: func(e *contactsEnv) *registry.Service { return e.docs }, sealed: true,
			moveAway: true, wantErr: errs.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newContactsEnv(t)
			arn := e.verified(t, "alice", c)
			e.advance(verify.Window)
			e.verified(t, "bob", c)
			by := tc.shownBy(e)
			alice, _ := by.GetProfile(e.ctx, "alice")
			states, err := by.ContactStates(e.ctx, alice)
			if err != nil {
				t.Fatal(err)
			}
			st := stateOf(states, c.channel)
			if len(st.Sharers) != 1 {
				t.Fatalf("alice sees %+v, want bob", st.Sharers)
			}
			id := st.Sharers[0].ID
			if got := strings.Contains(id, "_"); got != tc.sealed {
				t.Fatalf("id %q sealed: %v, want %v", id, got, tc.sealed)
			}
			if tc.moveAway {
				e.advance(verify.Window)
				e.verified(t, "alice", contact{c.channel, c.field, "+79160000001"})
			}
			err = e.docs.RemoveSharer(e.ctx, "alice", id)
			if tc.wantErr != 0 {
				if !errs.Is(err, tc.wantErr) {
					t.Fatalf("RemoveSharer = %v, want %v", err, tc.wantErr)
				}
				e.expectShared(t, c, arn, "bob") // alice left it when her phone changed; bob stays
				return
			}
			if err != nil {
				t.Fatalf("RemoveSharer: %v", err)
			}
			e.expectShared(t, c, arn, "alice")
		})
	}
}
