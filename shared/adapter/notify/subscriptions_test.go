package notify

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

func TestSubscriptionsLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	topic := e.topic(t, "subs")
	s := &Subscriptions{SNS: e.sns, TopicARN: topic}

	for _, c := range []struct {
		channel, endpoint, protocol, policy string
	}{
		{ChannelSMS, "+15555550100", "sms", `{"channel":["sms"],"userId":["u-1"]}`},
		{ChannelEmail, "ana@example.com", "email", `{"channel":["email"],"userId":["u-1"]}`},
	} {
		t.Run(c.channel, func(t *testing.T) {
			arn, err := s.Subscribe(e.ctx, "u-1", c.channel, c.endpoint)
			if err != nil {
				t.Fatalf("Subscribe: %v", err)
			}
			if !strings.HasPrefix(arn, topic+":") {
				t.Fatalf("ARN %q is not under the topic", arn)
			}
			// fauxqs confirms only sqs subscriptions; sms and email stay
			// PendingConfirmation=true (on AWS, sms is confirmed at once).
			if st, err := s.State(e.ctx, arn); err != nil || st != StatePending {
				t.Errorf("State after Subscribe = %q, %v; want pending", st, err)
			}
			attrs, err := e.sns.GetSubscriptionAttributes(e.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(arn)})
			if err != nil {
				t.Fatalf("GetSubscriptionAttributes: %v", err)
			}
			for k, want := range map[string]string{
				"FilterPolicy":        c.policy,
				"FilterPolicyScope":   "MessageAttributes",
				"Protocol":            c.protocol,
				"Endpoint":            c.endpoint,
				"TopicArn":            topic,
				"PendingConfirmation": "true",
			} {
				if got := attrs.Attributes[k]; got != want {
					t.Errorf("attribute %s = %q, want %q", k, got, want)
				}
			}

			// Subscribing the same person again is idempotent...
			again, err := s.Subscribe(e.ctx, "u-1", c.channel, c.endpoint)
			if err != nil || again != arn {
				t.Errorf("second Subscribe = %q, %v; want the same ARN %q", again, err, arn)
			}
			// ...but SNS keeps one subscription per endpoint, so another
			// person cannot share it.
			_, err = s.Subscribe(e.ctx, "u-2", c.channel, c.endpoint)
			if !errs.Is(err, errs.Conflict) {
				t.Errorf("Subscribe of u-1's endpoint for u-2: err = %v, want errs.Conflict", err)
			} else if strings.Contains(err.Error(), c.endpoint) {
				t.Errorf("error %q contains the endpoint", err)
			}

			for i := range 2 { // the second time the ARN is unknown
				if err := s.Unsubscribe(e.ctx, arn); err != nil {
					t.Errorf("Unsubscribe #%d: %v", i+1, err)
				}
				if st, err := s.State(e.ctx, arn); err != nil || st != StateNone {
					t.Errorf("State after Unsubscribe #%d = %q, %v; want none", i+1, st, err)
				}
			}
		})
	}

	t.Run("sqs is confirmed", func(t *testing.T) {
		_, arn := e.queue(t, topic, "subs-q", nil)
		if st, err := s.State(e.ctx, arn); err != nil || st != StateConfirmed {
			t.Errorf("State of an sqs subscription = %q, %v; want confirmed", st, err)
		}
	})

	t.Run("placeholders", func(t *testing.T) {
		for arn, want := range map[string]SubscriptionState{
			"":                     StateNone,
			"pending confirmation": StatePending,
			"PendingConfirmation":  StatePending,
			topic + ":00000000-0000-0000-0000-000000000000": StateNone,
		} {
			if st, err := s.State(e.ctx, arn); err != nil || st != want {
				t.Errorf("State(%q) = %q, %v; want %q", arn, st, err, want)
			}
			if err := s.Unsubscribe(e.ctx, arn); err != nil {
				t.Errorf("Unsubscribe(%q): %v", arn, err)
			}
		}
	})

	t.Run("missing topic", func(t *testing.T) {
		gone := &Subscriptions{SNS: e.sns, TopicARN: topic + "-gone"}
		_, err := gone.Subscribe(e.ctx, "u-1", ChannelSMS, "+15555550101")
		if !errs.Is(err, errs.Internal) {
			t.Errorf("Subscribe to a missing topic: err = %v, want errs.Internal", err)
		}
	})
}

// TestSubscribeRefusesBadContacts needs no emulator: nothing reaches SNS.
func TestSubscribeRefusesBadContacts(t *testing.T) {
	s := &Subscriptions{TopicARN: "arn:aws:sns:us-east-1:000000000000:never-called"} // nil client: a call would panic
	for _, c := range []struct {
		name, user, channel, endpoint string
		field, code                   string
	}{
		{"no user", "", ChannelSMS, "+15555550100", "userId", "required"},
		{"push (no such channel)", "u-1", "push", "device-token", "channel", "unsupported"},
		{"no channel", "u-1", "", "+15555550100", "channel", "required"},
		{"national number", "u-1", ChannelSMS, "0555 555 0100", "endpoint", "invalid_phone"},
		{"leading zero country", "u-1", ChannelSMS, "+05555550100", "endpoint", "invalid_phone"},
		{"too long", "u-1", ChannelSMS, "+1234567890123456", "endpoint", "invalid_phone"},
		{"email as phone", "u-1", ChannelSMS, "ana@example.com", "endpoint", "invalid_phone"},
		{"display name", "u-1", ChannelEmail, "Ana <ana@example.com>", "endpoint", "invalid_email"},
		{"no at", "u-1", ChannelEmail, "ana.example.com", "endpoint", "invalid_email"},
		{"phone as email", "u-1", ChannelEmail, "+15555550100", "endpoint", "invalid_email"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Subscribe(t.Context(), c.user, c.channel, c.endpoint)
			var ke *errs.Error
			if !errors.As(err, &ke) || ke.Kind != errs.Invalid {
				t.Fatalf("err = %v, want errs.Invalid", err)
			}
			if !slices.Contains(ke.Fields, errs.FieldError{Field: c.field, Code: c.code}) {
				t.Errorf("fields = %v, want %s: %s", ke.Fields, c.field, c.code)
			}
			if c.endpoint != "" && strings.Contains(err.Error(), c.endpoint) {
				t.Errorf("error %q contains the endpoint", err)
			}
		})
	}
}

// GIVEN Subscriptions with a DeadLetterARN WHEN a contact subscribes THEN
// the subscription carries the RedrivePolicy naming that queue, next to its
// filter policy; without one it carries none.
func TestSubscribeDeadLetter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	topic := e.topic(t, "subs-dlq")
	q, err := e.sqs.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String(unique("subs-dlq"))})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	t.Cleanup(func() { _, _ = e.sqs.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: q.QueueUrl}) })
	qa, err := e.sqs.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		t.Fatalf("GetQueueAttributes: %v", err)
	}
	dlq := qa.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]

	for _, c := range []struct {
		name, dlq, endpoint, want string
	}{
		{"with", dlq, "+15555550110", `{"deadLetterTargetArn":"` + dlq + `"}`},
		{"without", "", "+15555550111", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &Subscriptions{SNS: e.sns, TopicARN: topic, DeadLetterARN: c.dlq}
			arn, err := s.Subscribe(e.ctx, "u-1", ChannelSMS, c.endpoint)
			if err != nil {
				t.Fatalf("Subscribe: %v", err)
			}
			attrs, err := e.sns.GetSubscriptionAttributes(e.ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(arn)})
			if err != nil {
				t.Fatalf("GetSubscriptionAttributes: %v", err)
			}
			if got := attrs.Attributes["RedrivePolicy"]; got != c.want {
				t.Errorf("RedrivePolicy = %q, want %q", got, c.want)
			}
			if got, want := attrs.Attributes["FilterPolicy"], FilterPolicy([]string{"u-1"}, ChannelSMS); got != want {
				t.Errorf("FilterPolicy = %q, want %q", got, want)
			}
		})
	}
}

func TestRedrivePolicy(t *testing.T) {
	const arn = "arn:aws:sqs:eu-west-1:123456789012:kabinet-dev-delivery-dlq"
	if got, want := RedrivePolicy(arn), `{"deadLetterTargetArn":"`+arn+`"}`; got != want {
		t.Errorf("RedrivePolicy = %s, want %s", got, want)
	}
}
