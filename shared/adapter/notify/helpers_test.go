package notify

import (
	"context"
	"encoding/json"
	"github.com/kabinet/kabinet/shared/domain/message"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/shared/adapter/awsconf"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// env is one test's view of the emulator stack: clients built the way the
// functions build them, from awsconf.Load and the environment emutest set.
type env struct {
	ctx context.Context
	cfg aws.Config
	sns *sns.Client
	sqs *sqs.Client
}

func newEnv(t *testing.T) env {
	t.Helper()
	emutest.Need(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	cfg, err := awsconf.Load(ctx)
	if err != nil {
		t.Fatalf("awsconf.Load: %v", err)
	}
	return env{ctx: ctx, cfg: cfg, sns: sns.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg)}
}

// unique returns prefix with a random suffix, so parallel tests never share
// a topic or queue in the one emulator.
func unique(prefix string) string {
	return prefix + "-" + strconv.FormatUint(rand.Uint64(), 36)
}

// topic creates a topic and deletes it when the test ends.
func (e env) topic(t *testing.T, prefix string) string {
	t.Helper()
	out, err := e.sns.CreateTopic(e.ctx, &sns.CreateTopicInput{Name: aws.String(unique(prefix))})
	if err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}
	arn := aws.ToString(out.TopicArn)
	t.Cleanup(func() {
		_, _ = e.sns.DeleteTopic(context.Background(), &sns.DeleteTopicInput{TopicArn: aws.String(arn)})
	})
	return arn
}

// queue creates a queue, subscribes it to topic with the subscription
// attributes attrs and returns the queue URL and the subscription ARN.
func (e env) queue(t *testing.T, topic, prefix string, attrs map[string]string) (url, subARN string) {
	t.Helper()
	q, err := e.sqs.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String(unique(prefix))})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	url = aws.ToString(q.QueueUrl)
	t.Cleanup(func() {
		_, _ = e.sqs.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	})
	qa, err := e.sqs.GetQueueAttributes(e.ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		t.Fatalf("GetQueueAttributes: %v", err)
	}
	sub, err := e.sns.Subscribe(e.ctx, &sns.SubscribeInput{
		TopicArn:              aws.String(topic),
		Protocol:              aws.String("sqs"),
		Endpoint:              aws.String(qa.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]),
		Attributes:            attrs,
		ReturnSubscriptionArn: true,
	})
	if err != nil {
		t.Fatalf("Subscribe queue: %v", err)
	}
	return url, aws.ToString(sub.SubscriptionArn)
}

// receive long-polls url until n messages have arrived, deleting each, and
// fails the test if fewer arrive within 10 s. It stops at n: use
// expectEmpty to show nothing more arrives.
func (e env) receive(t *testing.T, url string, n int) []sqstypes.Message {
	t.Helper()
	var got []sqstypes.Message
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < n && time.Now().Before(deadline) {
		got = append(got, e.poll(t, url, 1)...)
	}
	if len(got) != n {
		t.Fatalf("received %d messages, want %d", len(got), n)
	}
	return got
}

// expectEmpty fails the test if a message arrives on url within a second.
func (e env) expectEmpty(t *testing.T, url string) {
	t.Helper()
	for _, m := range e.poll(t, url, 1) {
		t.Errorf("unexpected message delivered: %.200s", aws.ToString(m.Body))
	}
}

// poll makes one ReceiveMessage call and deletes what it got.
func (e env) poll(t *testing.T, url string, wait int32) []sqstypes.Message {
	t.Helper()
	out, err := e.sqs.ReceiveMessage(e.ctx, &sqs.ReceiveMessageInput{
		QueueUrl:              aws.String(url),
		MaxNumberOfMessages:   10,
		WaitTimeSeconds:       wait,
		MessageAttributeNames: []string{"All"},
	})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	for _, m := range out.Messages {
		if _, err := e.sqs.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
			t.Fatalf("DeleteMessage: %v", err)
		}
	}
	return out.Messages
}

// envelope is the JSON SNS delivers to an SQS queue without raw delivery.
type envelope struct {
	Type              string
	TopicArn          string
	Subject           string
	Message           string
	MessageAttributes map[string]struct{ Type, Value string }
}

func parseEnvelope(t *testing.T, m sqstypes.Message) envelope {
	t.Helper()
	var e envelope
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &e); err != nil {
		t.Fatalf("envelope %.200q: %v", aws.ToString(m.Body), err)
	}
	return e
}

// rawBodies returns the bodies of raw-delivered messages.
func rawBodies(msgs []sqstypes.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, aws.ToString(m.Body))
	}
	return out
}

// msg builds a valid Message for user on channel.
func msg(id, user, channel, body string) message.Message {
	return message.Message{
		ID:      id,
		Subject: "Your document expires soon",
		Body:    body,
		Attributes: map[string]string{
			message.AttrUserID:       user,
			message.AttrChannel:      channel,
			message.AttrKind:         "document_expiring",
			message.AttrDocumentType: "passport",
			message.AttrDaysLeft:     "30",
		},
	}
}

func ids(failed map[string]error) []string { return slices.Sorted(maps.Keys(failed)) }
