package core_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// contactsEnv is the profile service composed as the profile function
// composes it, with a reminders topic of its own on fauxqs and a table of
// its own on DynamoDB Local, so sharing goes through the real adapter.
type contactsEnv struct {
	ctx   context.Context
	docs  *registry.Service
	st    *store.Store
	sns   *sns.Client
	subs  *notify.Subscriptions
	topic string
}

func newContactsEnv(t *testing.T) contactsEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	cl, table := testenv.Table(t, "contacts")
	topicARN := testenv.Topic(t, cl, table)
	cfg := core.Config{Table: table, Reminders: topicARN}
	// as functions/profile composes it, on clients whose every call is
	// held to the profile function's declared actions
	fcl, err := core.NewClients(actions.Recording(t, context.Background(), functions.Profile))
	if err != nil {
		t.Fatal(err)
	}
	st := core.NewStore(cfg, fcl, time.Now)
	docs := &registry.Service{Store: docstore.New(st), Now: time.Now, NewID: ids.New, Contacts: core.Contacts(cfg, fcl, st)}
	if docs.Contacts == nil {
		t.Fatal("the profile function was composed without contacts")
	}
	return contactsEnv{ctx: ctx, docs: docs, st: store.New(cl.DynamoDB, table), sns: cl.SNS,
		subs: &notify.Subscriptions{SNS: cl.SNS, TopicARN: topicARN}, topic: topicARN}
}

// contact is one channel's field of a profile and a value for it.
type contact struct {
	channel, field, endpoint string
}

func (c contact) input(endpoint string) registry.ProfileInput {
	if c.channel == registry.ChannelSMS {
		return registry.ProfileInput{Phone: endpoint}
	}
	return registry.ProfileInput{Email: endpoint}
}

var sharedContacts = []contact{
	{registry.ChannelSMS, "phone", "+79161234567"},
	{registry.ChannelEmail, "email", "family@example.ru"},
}

// put saves who's profile with the contact set to endpoint ("" removes it)
// and returns the subscription the profile holds for it.
func (e contactsEnv) put(t *testing.T, who string, c contact, endpoint string) string {
	t.Helper()
	p, err := e.docs.PutProfile(e.ctx, who, c.input(endpoint), nil)
	if err != nil {
		t.Fatalf("PutProfile(%s): %v", who, err)
	}
	if c.channel == registry.ChannelSMS {
		return p.PhoneSubscription
	}
	return p.EmailSubscription
}

// expectShared checks the endpoint is shared by exactly users: the record
// lists them, and its subscription's filter lets exactly their messages
// through. No users: no record, no subscription (arn, if given, is gone).
func (e contactsEnv) expectShared(t *testing.T, c contact, arn string, users ...string) {
	t.Helper()
	rec, found, err := e.st.GetContact(e.ctx, c.channel, c.endpoint)
	if err != nil {
		t.Fatalf("GetContact: %v", err)
	}
	if len(users) == 0 {
		if found {
			t.Errorf("contact record %+v left behind, want none", rec)
		}
		if st, err := e.subs.State(e.ctx, arn); err != nil || st != notify.StateNone {
			t.Errorf("State of the subscription = %q, %v; want none", st, err)
		}
		return
	}
	if !found {
		t.Fatalf("no contact record, want users %q", users)
	}
	users = slices.Sorted(slices.Values(users))
	if !slices.Equal(rec.Users, users) {
		t.Errorf("recorded users %q, want %q", rec.Users, users)
	}
	if arn != "" && rec.SubscriptionARN != arn {
		t.Errorf("recorded subscription %q, want %q", rec.SubscriptionARN, arn)
	}
	attrs, err := e.sns.GetSubscriptionAttributes(e.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(rec.SubscriptionARN)})
	if err != nil {
		t.Fatalf("GetSubscriptionAttributes: %v", err)
	}
	if got, want := attrs.Attributes["FilterPolicy"], notify.FilterPolicy(users, c.channel); got != want {
		t.Errorf("FilterPolicy = %s, want %s", got, want)
	}
	if got := attrs.Attributes["Endpoint"]; got != c.endpoint {
		t.Errorf("subscription endpoint %q, want the shared one", got)
	}
	e.expectOneSubscription(t)
}

// expectOneSubscription checks the topic has exactly one subscription: the
// sharers share it, nothing was left behind by a lost race.
func (e contactsEnv) expectOneSubscription(t *testing.T) {
	t.Helper()
	out, err := e.sns.ListSubscriptionsByTopic(e.ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(e.topic)})
	if err != nil {
		t.Fatalf("ListSubscriptionsByTopic: %v", err)
	}
	if len(out.Subscriptions) != 1 {
		t.Errorf("the topic has %d subscriptions, want 1", len(out.Subscriptions))
	}
}

// expectInUse checks err is the 409 contact_in_use on c's field and keeps
// the endpoint to itself.
func expectInUse(t *testing.T, err error, c contact) {
	t.Helper()
	var e *errs.Error
	if !errs.Is(err, errs.Conflict) || errs.ReasonOf(err) != "contact_in_use" || !errors.As(err, &e) ||
		len(e.Fields) != 1 || e.Fields[0] != (errs.FieldError{Field: c.field, Code: "contact_in_use"}) {
		t.Errorf("err = %v, want Conflict contact_in_use on %s", err, c.field)
	} else if strings.Contains(err.Error(), c.endpoint) {
		t.Errorf("error %q contains the endpoint", err)
	}
}

// TestContactSharing: two people give the same phone (or address); both
// are saved and share one subscription whose filter lists both; each
// leaving narrows it, the last one removes it and its record.
func TestContactSharing(t *testing.T) {
	for _, c := range sharedContacts {
		t.Run(c.channel, func(t *testing.T) {
			t.Parallel()
			e := newContactsEnv(t)

			arn := e.put(t, "alice", c, c.endpoint)
			e.expectShared(t, c, arn, "alice")
			if got := e.put(t, "bob", c, c.endpoint); got != arn {
				t.Errorf("bob's subscription %q, want alice's %q", got, arn)
			}
			e.expectShared(t, c, arn, "alice", "bob")

			// Saving the profile again changes nothing.
			e.put(t, "bob", c, c.endpoint)
			e.expectShared(t, c, arn, "alice", "bob")

			e.put(t, "bob", c, "")
			e.expectShared(t, c, arn, "alice")
			e.put(t, "alice", c, "")
			e.expectShared(t, c, arn)

			// Free again: a newcomer subscribes it afresh.
			carol := e.put(t, "carol", c, c.endpoint)
			e.expectShared(t, c, carol, "carol")
		})
	}
}

// TestContactSharingCap: MaxContactSharers people may share an endpoint;
// the next is refused with 409 contact_in_use on the field and nothing
// changes, not for the sharers nor for him.
func TestContactSharingCap(t *testing.T) {
	t.Parallel()
	e := newContactsEnv(t)
	c := sharedContacts[0]
	var users []string
	var arn string
	for i := range core.MaxContactSharers {
		u := fmt.Sprintf("user-%02d", i)
		users = append(users, u)
		arn = e.put(t, u, c, c.endpoint)
	}
	e.expectShared(t, c, arn, users...)

	_, err := e.docs.PutProfile(e.ctx, "one-too-many", c.input(c.endpoint), nil)
	expectInUse(t, err, c)
	if p, err := e.docs.GetProfile(e.ctx, "one-too-many"); err != nil || p.Version != 0 {
		t.Errorf("the refused profile was saved: %+v, %v", p, err)
	}
	e.expectShared(t, c, arn, users...)

	// One leaving makes room.
	e.put(t, users[0], c, "")
	e.put(t, "one-too-many", c, c.endpoint)
	e.expectShared(t, c, arn, append(users[1:], "one-too-many")...)
}

// TestContactSubscribedBeforeSharing: an endpoint subscribed for someone
// before contact records existed cannot be told apart from a stranger's,
// so it stays refused as before; its owner removing it still unsubscribes.
func TestContactSubscribedBeforeSharing(t *testing.T) {
	t.Parallel()
	e := newContactsEnv(t)
	c := sharedContacts[0]
	legacy, err := e.subs.Subscribe(e.ctx, "zed", c.channel, c.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.docs.PutProfile(e.ctx, "alice", c.input(c.endpoint), nil)
	expectInUse(t, err, c)
	if err := e.docs.Contacts.Unsubscribe(e.ctx, "zed", c.channel, c.endpoint, legacy); err != nil {
		t.Fatalf("Unsubscribe of the old subscription: %v", err)
	}
	e.expectShared(t, c, legacy)
	arn := e.put(t, "alice", c, c.endpoint)
	e.expectShared(t, c, arn, "alice")
}

// TestContactSharingConcurrent: people giving the same new endpoint at the
// same moment all end up sharing its one subscription, in the record and
// in the filter, however their reads and writes interleave.
func TestContactSharingConcurrent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		c      contact
		people int
	}{
		{"two by sms", sharedContacts[0], 2},
		{"two by email", sharedContacts[1], 2},
		{"four by sms", sharedContacts[0], 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newContactsEnv(t)
			var users []string
			for i := range tc.people {
				users = append(users, fmt.Sprintf("person-%d", i))
			}
			arns := make([]string, len(users))
			failed := make([]error, len(users))
			var wg sync.WaitGroup
			for i, u := range users {
				wg.Go(func() {
					p, err := e.docs.PutProfile(e.ctx, u, tc.c.input(tc.c.endpoint), nil)
					arns[i], failed[i] = p.PhoneSubscription+p.EmailSubscription, err
				})
			}
			wg.Wait()
			for i, err := range failed {
				if err != nil {
					t.Fatalf("%s: PutProfile: %v", users[i], err)
				}
			}
			e.expectShared(t, tc.c, arns[0], users...)
			for i, arn := range arns {
				if arn != arns[0] {
					t.Errorf("%s holds subscription %q, %s holds %q", users[i], arn, users[0], arns[0])
				}
			}

			// And all leaving at once removes it.
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
			e.expectShared(t, tc.c, arns[0])
		})
	}
}
