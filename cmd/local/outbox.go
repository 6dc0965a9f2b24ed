package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// outboxSize is how many delivered messages GET /dev/outbox keeps.
const outboxSize = 200

// outbox is a sink queue subscribed to the reminders topic: it drains the
// queue into memory so GET /dev/outbox shows what a real subscriber (an SMS
// or e-mail gateway) would have received, and prints each message.
type outbox struct {
	sqs      *sqs.Client
	queueURL string
	out      io.Writer

	mu       sync.Mutex
	messages []outboxMessage
}

// outboxMessage is one SNS delivery as the subscriber saw it.
type outboxMessage struct {
	ReceivedAt time.Time         `json:"receivedAt"`
	MessageID  string            `json:"messageId"`
	Subject    string            `json:"subject,omitempty"`
	Message    string            `json:"message"`
	Attributes map[string]string `json:"attributes"`
}

func newOutbox(ctx context.Context, snsc *sns.Client, sqsc *sqs.Client, topicARN, queue string, out io.Writer) (*outbox, error) {
	q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(queue)})
	if err != nil {
		return nil, fmt.Errorf("create outbox queue: %w", err)
	}
	attrs, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return nil, fmt.Errorf("outbox queue arn: %w", err)
	}
	if _, err := snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes["QueueArn"])}); err != nil {
		return nil, fmt.Errorf("subscribe outbox: %w", err)
	}
	return &outbox{sqs: sqsc, queueURL: aws.ToString(q.QueueUrl), out: out}, nil
}

// poll drains the queue until ctx ends.
func (o *outbox) poll(ctx context.Context) {
	for ctx.Err() == nil {
		res, err := o.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(o.queueURL),
			MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		for _, m := range res.Messages {
			o.add(aws.ToString(m.Body))
			_, _ = o.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(o.queueURL), ReceiptHandle: m.ReceiptHandle})
		}
	}
}

// add records one SNS envelope (non-raw delivery keeps the attributes).
func (o *outbox) add(body string) {
	var env struct {
		MessageID         string `json:"MessageId"`
		Subject           string
		Message           string
		MessageAttributes map[string]struct{ Value string }
	}
	msg := outboxMessage{ReceivedAt: time.Now().UTC(), Message: body, Attributes: map[string]string{}}
	if json.Unmarshal([]byte(body), &env) == nil && env.MessageID != "" {
		msg.MessageID, msg.Subject, msg.Message = env.MessageID, env.Subject, env.Message
		for k, v := range env.MessageAttributes {
			msg.Attributes[k] = v.Value
		}
	}
	fmt.Fprintf(o.out, "outbox: delivered %s kind=%s channel=%s\n", msg.MessageID, msg.Attributes["kind"], msg.Attributes["channel"])
	o.mu.Lock()
	defer o.mu.Unlock()
	o.messages = append(o.messages, msg)
	if len(o.messages) > outboxSize {
		o.messages = o.messages[len(o.messages)-outboxSize:]
	}
}

// list returns the delivered messages, newest last.
func (o *outbox) list(match map[string]string) map[string]any {
	o.mu.Lock()
	defer o.mu.Unlock()
	items := []outboxMessage{}
next:
	for _, m := range o.messages {
		for k, v := range match {
			if m.Attributes[k] != v {
				continue next
			}
		}
		items = append(items, m)
	}
	return map[string]any{"items": items}
}
