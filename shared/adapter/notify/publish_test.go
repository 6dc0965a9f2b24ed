package notify

import (
	"context"
	"errors"
	"fmt"
	"github.com/kabinet/kabinet/shared/domain/message"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// batchOf25 is three batches' worth of messages for three users on two
// channels, with ids that need sanitising (#) to become entry ids.
func batchOf25() []message.Message {
	msgs := make([]message.Message, 25)
	for i := range msgs {
		channel := []string{ChannelSMS, ChannelEmail}[i%2]
		m := msg(fmt.Sprintf("reminder#%02d#%s", i, channel), "u-"+strconv.Itoa(i%3), channel, fmt.Sprintf("body %02d", i))
		m.Subject = fmt.Sprintf("Subject %02d", i)
		m.Attributes[message.AttrDaysLeft] = strconv.Itoa(i - 5) // negative for expired ones
		msgs[i] = m
	}
	return msgs
}

func TestPublishDeliversEachMessageOnceWithAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	topic := e.topic(t, "deliver")
	envURL, _ := e.queue(t, topic, "deliver-envelope", nil)
	rawURL, _ := e.queue(t, topic, "deliver-raw", map[string]string{"RawMessageDelivery": "true"})

	msgs := batchOf25()
	p := &Publisher{SNS: e.sns, TopicARN: topic, Concurrency: 2}
	if failed := p.Publish(e.ctx, msgs); failed != nil {
		t.Fatalf("Publish failed %v", failed)
	}
	want := make(map[string]message.Message, len(msgs))
	for _, m := range msgs {
		want[m.ID] = m
	}

	t.Run("envelope", func(t *testing.T) {
		seen := map[string]int{}
		for _, sm := range e.receive(t, envURL, len(msgs)) {
			env := parseEnvelope(t, sm)
			id := env.MessageAttributes[message.AttrDedupeID].Value
			seen[id]++
			m, ok := want[id]
			if !ok {
				t.Errorf("delivered dedupeId %q was not published", id)
				continue
			}
			if env.Type != "Notification" || env.TopicArn != topic || env.Message != m.Body || env.Subject != m.Subject {
				t.Errorf("%s: envelope = %+v, want a notification from the topic with body %q subject %q", id, env, m.Body, m.Subject)
			}
			for name, value := range m.Attributes {
				wantType := "String"
				if name == message.AttrDaysLeft {
					wantType = "Number"
				}
				if a := env.MessageAttributes[name]; a.Value != value || a.Type != wantType {
					t.Errorf("%s: attribute %s = %+v, want %s %q", id, name, a, wantType, value)
				}
			}
			if a := env.MessageAttributes[message.AttrDedupeID]; a.Type != "String" {
				t.Errorf("%s: dedupeId type %q, want String", id, a.Type)
			}
		}
		for id := range want {
			if seen[id] != 1 {
				t.Errorf("%s delivered %d times, want once", id, seen[id])
			}
		}
		e.expectEmpty(t, envURL)
	})

	t.Run("raw", func(t *testing.T) {
		seen := map[string]int{}
		for _, sm := range e.receive(t, rawURL, len(msgs)) {
			id := aws.ToString(sm.MessageAttributes[message.AttrDedupeID].StringValue)
			seen[id]++
			m := want[id]
			if aws.ToString(sm.Body) != m.Body {
				t.Errorf("%s: raw body %q, want %q", id, aws.ToString(sm.Body), m.Body)
			}
			for name, value := range m.Attributes {
				wantType := "String"
				if name == message.AttrDaysLeft {
					wantType = "Number"
				}
				a := sm.MessageAttributes[name]
				if aws.ToString(a.StringValue) != value || aws.ToString(a.DataType) != wantType {
					t.Errorf("%s: raw attribute %s = %s %q, want %s %q", id, name, aws.ToString(a.DataType), aws.ToString(a.StringValue), wantType, value)
				}
			}
		}
		for id := range want {
			if seen[id] != 1 {
				t.Errorf("%s delivered %d times on the raw queue, want once", id, seen[id])
			}
		}
		e.expectEmpty(t, rawURL)
	})
}

func TestPublishFilterPolicyDeliversOnlyOwnChannel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	topic := e.topic(t, "filter")
	// The same policy Subscriptions.Subscribe sets on an sms subscription
	// for u-1; a queue stands in for the phone, which fauxqs cannot reach.
	url, _ := e.queue(t, topic, "filter-u1-sms", map[string]string{
		"RawMessageDelivery": "true",
		"FilterPolicy":       FilterPolicy([]string{"u-1"}, ChannelSMS),
		"FilterPolicyScope":  FilterPolicyScope,
	})
	noUser := msg("no-user", "x", ChannelSMS, "to nobody")
	delete(noUser.Attributes, message.AttrUserID)
	msgs := []message.Message{
		msg("match", "u-1", ChannelSMS, "for u-1 by sms"),
		msg("other-user", "u-2", ChannelSMS, "for u-2 by sms"),
		msg("other-channel", "u-1", ChannelEmail, "for u-1 by email"),
		msg("prefix-user", "u-10", ChannelSMS, "for u-10 by sms"),
		noUser,
	}
	p := &Publisher{SNS: e.sns, TopicARN: topic}
	if failed := p.Publish(e.ctx, msgs); failed != nil {
		t.Fatalf("Publish failed %v", failed)
	}
	if got := rawBodies(e.receive(t, url, 1)); !slices.Equal(got, []string{"for u-1 by sms"}) {
		t.Errorf("delivered %q, want only u-1's sms", got)
	}
	e.expectEmpty(t, url)
}

func TestPublishToDeletedTopicFailsEverything(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	topic := e.topic(t, "deleted")
	url, _ := e.queue(t, topic, "deleted-q", map[string]string{"RawMessageDelivery": "true"})
	if _, err := e.sns.DeleteTopic(e.ctx, &sns.DeleteTopicInput{TopicArn: aws.String(topic)}); err != nil {
		t.Fatalf("DeleteTopic: %v", err)
	}
	msgs := batchOf25()[:12] // two batches
	failed := (&Publisher{SNS: e.sns, TopicARN: topic}).Publish(e.ctx, msgs)
	if len(failed) != len(msgs) {
		t.Fatalf("failed %d of %d: %v", len(failed), len(msgs), ids(failed))
	}
	for _, m := range msgs {
		err := failed[m.ID]
		var nf *snstypes.NotFoundException
		if !errs.Is(err, errs.Internal) || !errors.As(err, &nf) {
			t.Errorf("%s: err = %v, want errs.Internal wrapping NotFound", m.ID, err)
		}
	}
	e.expectEmpty(t, url)
}

func TestUnreachableSNSFailsFastAsUnavailable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	client := sns.NewFromConfig(e.cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(closed) })
	topic := "arn:aws:sns:us-east-1:000000000000:unreachable"
	subs := &Subscriptions{SNS: client, TopicARN: topic}

	msgs := batchOf25()
	start := time.Now()
	failed := (&Publisher{SNS: client, TopicARN: topic}).Publish(e.ctx, msgs)
	took := time.Since(start)
	t.Logf("Publish of %d messages to a closed port failed in %s", len(msgs), took.Round(time.Millisecond))
	if took > 5*time.Second {
		t.Errorf("Publish took %s, want a quick failure", took)
	}
	if len(failed) != len(msgs) {
		t.Fatalf("failed %d of %d", len(failed), len(msgs))
	}
	for id, err := range failed {
		if !errs.Is(err, errs.Unavailable) {
			t.Errorf("%s: err = %v, want errs.Unavailable", id, err)
		}
	}

	for _, c := range []struct {
		name string
		call func() error
	}{
		{"Subscribe", func() error { _, err := subs.Subscribe(e.ctx, "u-1", ChannelSMS, "+15555550100"); return err }},
		{"State", func() error { _, err := subs.State(e.ctx, topic+":0b9e"); return err }},
		{"Unsubscribe", func() error { return subs.Unsubscribe(e.ctx, topic+":0b9e") }},
	} {
		if err := c.call(); !errs.Is(err, errs.Unavailable) {
			t.Errorf("%s: err = %v, want errs.Unavailable", c.name, err)
		} else if strings.Contains(err.Error(), "+15555550100") {
			t.Errorf("%s: error %q contains the phone number", c.name, err)
		}
	}
}

// rewriteBatch returns a client option that lets rewrite change every
// PublishBatch answer after the SDK has decoded it: a fault fauxqs never
// produces on its own. It counts the answers it saw in calls.
func rewriteBatch(calls *atomic.Int32, rewrite func(*sns.PublishBatchOutput)) func(*sns.Options) {
	mw := middleware.DeserializeMiddlewareFunc("notifyTestRewriteBatch", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleDeserialize(ctx, in)
		if r, ok := out.Result.(*sns.PublishBatchOutput); ok && err == nil {
			calls.Add(1)
			rewrite(r)
		}
		return out, md, err
	})
	return func(o *sns.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			// Before: outside the operation deserializer, so Result is decoded.
			return s.Deserialize.Add(mw, middleware.Before)
		})
	}
}

func TestPublishPartialBatchFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	topic := e.topic(t, "partial")
	msgs := batchOf25()[:7] // one batch
	target := msgs[2]       // "fails at entry 3"
	targetEntry := entryID(2, target.ID)

	moveToFailed := func(code string, senderFault bool) func(*sns.PublishBatchOutput) {
		return func(r *sns.PublishBatchOutput) {
			r.Successful = slices.DeleteFunc(r.Successful, func(s snstypes.PublishBatchResultEntry) bool {
				return aws.ToString(s.Id) == targetEntry
			})
			r.Failed = append(r.Failed, snstypes.BatchResultErrorEntry{
				Id: aws.String(targetEntry), Code: aws.String(code), Message: aws.String("injected"), SenderFault: senderFault,
			})
		}
	}
	for _, c := range []struct {
		name     string
		rewrite  func(*sns.PublishBatchOutput)
		kind     errs.Kind
		sentinel error  // errors.Is target, or nil
		code     string // EntryError code, or ""
	}{
		{"entry 3 refused", moveToFailed("InvalidParameter", true), errs.Internal, nil, "InvalidParameter"},
		{"entry 3 throttled", moveToFailed("Throttled", false), errs.Unavailable, nil, "Throttled"},
		{"entry 3 not acknowledged", func(r *sns.PublishBatchOutput) {
			r.Successful = slices.DeleteFunc(r.Successful, func(s snstypes.PublishBatchResultEntry) bool {
				return aws.ToString(s.Id) == targetEntry
			})
		}, errs.Internal, ErrNotAcknowledged, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			client := sns.NewFromConfig(e.cfg, rewriteBatch(&calls, c.rewrite))
			failed := (&Publisher{SNS: client, TopicARN: topic}).Publish(e.ctx, msgs)
			if calls.Load() != 1 {
				t.Fatalf("the fault was injected into %d PublishBatch answers, want 1", calls.Load())
			}
			if got := ids(failed); !slices.Equal(got, []string{target.ID}) {
				t.Fatalf("failed %q, want exactly %q", got, target.ID)
			}
			err := failed[target.ID]
			if !errs.Is(err, c.kind) {
				t.Errorf("err = %v, want kind %s", err, c.kind)
			}
			if c.sentinel != nil && !errors.Is(err, c.sentinel) {
				t.Errorf("err = %v, want %v", err, c.sentinel)
			}
			var ee *EntryError
			if c.code != "" && (!errors.As(err, &ee) || ee.Code != c.code) {
				t.Errorf("err = %v, want an EntryError with code %s", err, c.code)
			}
		})
	}
}

func TestPublishRefusesInvalidMessagesAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	topic := e.topic(t, "invalid")
	url, _ := e.queue(t, topic, "invalid-q", map[string]string{"RawMessageDelivery": "true"})

	with := func(id string, change func(*message.Message)) message.Message {
		m := msg(id, "u-1", ChannelSMS, "body of "+id)
		change(&m)
		return m
	}
	bad := []struct {
		m    message.Message
		want error
	}{
		{with("empty-body", func(m *message.Message) { m.Body = "" }), ErrEmptyBody},
		{with("empty-attr", func(m *message.Message) { m.Attributes[message.AttrDocumentType] = "" }), ErrInvalidAttribute},
		{with("eleven-attrs", func(m *message.Message) {
			for i := range 6 { // 5 + 6 = 11, dedupeId makes 12
				m.Attributes["extra"+strconv.Itoa(i)] = "x"
			}
		}), ErrTooManyAttributes},
		{with("days-not-number", func(m *message.Message) { m.Attributes[message.AttrDaysLeft] = "soon" }), ErrInvalidAttribute},
		{with("days-nan", func(m *message.Message) { m.Attributes[message.AttrDaysLeft] = "NaN" }), ErrInvalidAttribute},
		{with("body-not-utf8", func(m *message.Message) { m.Body = "caf\xe9" }), ErrInvalidBody},
		{with("reserved-name", func(m *message.Message) { m.Attributes["AWS.trace"] = "x" }), ErrInvalidAttribute},
		{with("subject-newline", func(m *message.Message) { m.Subject = "two\nlines" }), ErrInvalidSubject},
		{with("too-large", func(m *message.Message) { m.Body = strings.Repeat("x", maxPayloadBytes) }), ErrTooLarge},
		{with("", func(*message.Message) {}), ErrEmptyID},
		{with("dup", func(*message.Message) {}), ErrDuplicateID},
		{with("dup", func(*message.Message) {}), ErrDuplicateID},
	}
	msgs := []message.Message{msg("good-1", "u-1", ChannelSMS, "good one")}
	for _, b := range bad {
		msgs = append(msgs, b.m)
	}
	msgs = append(msgs, msg("good-2", "u-2", ChannelEmail, "good two"))

	failed := (&Publisher{SNS: e.sns, TopicARN: topic}).Publish(e.ctx, msgs)
	for _, b := range bad {
		err := failed[b.m.ID]
		if !errs.Is(err, errs.Invalid) || !errors.Is(err, b.want) {
			t.Errorf("%q: err = %v, want errs.Invalid wrapping %v", b.m.ID, err, b.want)
		}
		if err != nil && strings.Contains(err.Error(), b.m.Body) && b.m.Body != "" {
			t.Errorf("%q: error contains the body", b.m.ID)
		}
	}
	if _, ok := failed["good-1"]; ok {
		t.Errorf("good-1 failed: %v", failed["good-1"])
	}
	if len(failed) != len(bad)-1 { // the two dups share one entry
		t.Errorf("failed %q, want only the invalid ones", ids(failed))
	}
	got := slices.Sorted(slices.Values(rawBodies(e.receive(t, url, 2))))
	if !slices.Equal(got, []string{"good one", "good two"}) {
		t.Errorf("delivered %q, want the two valid messages", got)
	}
	e.expectEmpty(t, url)
}

func TestPublishStopsWhenContextEnds(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	topic := e.topic(t, "cancel")
	url, _ := e.queue(t, topic, "cancel-q", map[string]string{"RawMessageDelivery": "true"})
	msgs := batchOf25() // batches of 10, 10, 5

	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(e.ctx)
		cancel()
		failed := (&Publisher{SNS: e.sns, TopicARN: topic}).Publish(ctx, msgs)
		if len(failed) != len(msgs) {
			t.Fatalf("failed %d of %d", len(failed), len(msgs))
		}
		for id, err := range failed {
			if !errs.Is(err, errs.Unavailable) || !errors.Is(err, context.Canceled) {
				t.Errorf("%s: err = %v, want errs.Unavailable wrapping context.Canceled", id, err)
			}
		}
		e.expectEmpty(t, url)
	})

	t.Run("cancelled after the first batch", func(t *testing.T) {
		ctx, cancel := context.WithCancel(e.ctx)
		defer cancel()
		var calls atomic.Int32
		client := sns.NewFromConfig(e.cfg, rewriteBatch(&calls, func(*sns.PublishBatchOutput) { cancel() }))
		failed := (&Publisher{SNS: client, TopicARN: topic, Concurrency: 1}).Publish(ctx, msgs)
		if calls.Load() != 1 {
			t.Errorf("%d PublishBatch calls answered, want 1: no batch may start after cancel", calls.Load())
		}
		for _, m := range msgs[10:] {
			if err := failed[m.ID]; !errors.Is(err, context.Canceled) || !errs.Is(err, errs.Unavailable) {
				t.Errorf("%s (not sent): err = %v, want errs.Unavailable wrapping context.Canceled", m.ID, err)
			}
		}
		// What was reported published is exactly what arrived.
		var published []string
		for _, m := range msgs {
			if failed[m.ID] == nil {
				published = append(published, m.Body)
			}
		}
		t.Logf("%d published, %d failed", len(published), len(failed))
		got := slices.Sorted(slices.Values(rawBodies(e.receive(t, url, len(published)))))
		if !slices.Equal(got, published) {
			t.Errorf("delivered %q, want %q", got, published)
		}
		e.expectEmpty(t, url)
	})
}

// TestSetFilterPolicyChangesDelivery: people join and leave a shared
// endpoint by rewriting its one subscription's filter. A queue stands in for
// the shared phone (fauxqs leaves sms subscriptions pending and delivers
// nothing to them); what it receives after each SetFilterPolicy shows the
// emulator, like SNS, filters by the updated policy.
func TestSetFilterPolicyChangesDelivery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	topic := e.topic(t, "setfilter")
	url, sub := e.queue(t, topic, "setfilter-q", map[string]string{
		"RawMessageDelivery": "true",
		"FilterPolicy":       FilterPolicy([]string{"u-b"}, ChannelSMS),
		"FilterPolicyScope":  FilterPolicyScope,
	})
	s := &Subscriptions{SNS: e.sns, TopicARN: topic}
	p := &Publisher{SNS: e.sns, TopicARN: topic}
	publish := func(t *testing.T, tag string) {
		t.Helper()
		msgs := []message.Message{
			msg(tag+"-a", "u-a", ChannelSMS, tag+" for a"),
			msg(tag+"-b", "u-b", ChannelSMS, tag+" for b"),
			msg(tag+"-a-email", "u-a", ChannelEmail, tag+" for a by email"),
		}
		if failed := p.Publish(e.ctx, msgs); failed != nil {
			t.Fatalf("Publish failed %v", failed)
		}
	}
	for _, step := range []struct {
		name, tag string
		users     []string
		want      []string
	}{
		{"widened to a and b: both delivered", "widen", []string{"u-a", "u-b"}, []string{"widen for a", "widen for b"}},
		{"narrowed to b: a no longer delivered", "narrow", []string{"u-b"}, []string{"narrow for b"}},
		{"switched to a: only a", "switch", []string{"u-a"}, []string{"switch for a"}},
	} {
		t.Run(step.name, func(t *testing.T) {
			if err := s.SetFilterPolicy(e.ctx, sub, step.users, ChannelSMS); err != nil {
				t.Fatalf("SetFilterPolicy: %v", err)
			}
			attrs, err := e.sns.GetSubscriptionAttributes(e.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sub)})
			if err != nil {
				t.Fatalf("GetSubscriptionAttributes: %v", err)
			}
			if got, want := attrs.Attributes["FilterPolicy"], FilterPolicy(step.users, ChannelSMS); got != want {
				t.Errorf("FilterPolicy = %s, want %s", got, want)
			}
			publish(t, step.tag)
			got := rawBodies(e.receive(t, url, len(step.want)))
			slices.Sort(got)
			if !slices.Equal(got, step.want) {
				t.Errorf("delivered %q, want %q", got, step.want)
			}
			e.expectEmpty(t, url)
		})
	}
}

func TestSetFilterPolicyRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	topic := e.topic(t, "setfilter-bad")
	_, sub := e.queue(t, topic, "setfilter-bad-q", nil)
	s := &Subscriptions{SNS: e.sns, TopicARN: topic}
	if _, err := e.sns.Unsubscribe(e.ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(sub)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		arn   string
		users []string
		want  errs.Kind
	}{
		{"no users", sub, nil, errs.Invalid},
		{"a blank user", sub, []string{"u-a", " "}, errs.Invalid},
		{"an unsubscribed subscription", sub, []string{"u-a"}, errs.NotFound},
		{"a pending placeholder", "pending confirmation", []string{"u-a"}, errs.NotFound},
		{"no ARN", "", []string{"u-a"}, errs.NotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := s.SetFilterPolicy(e.ctx, c.arn, c.users, ChannelSMS); !errs.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
		})
	}
}
