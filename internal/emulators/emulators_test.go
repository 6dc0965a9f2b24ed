package emulators_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/kabinet/kabinet/internal/emulators"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// clients builds SDK clients the way application code does: from the
// environment that emutest set from Stack.Env, so Env is under test too.
type clients struct {
	ddb *dynamodb.Client
	sns *sns.Client
	sqs *sqs.Client
}

func newClients(t *testing.T) (context.Context, clients) {
	t.Helper()
	stack := emutest.Need(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatalf("load AWS config: %v", err)
	}
	if cfg.Region != emulators.Region {
		t.Fatalf("region from env = %q, want %q", cfg.Region, emulators.Region)
	}
	c := clients{ddb: dynamodb.NewFromConfig(cfg), sns: sns.NewFromConfig(cfg), sqs: sqs.NewFromConfig(cfg)}
	// Make sure the env really routed the clients to this stack and not AWS.
	var endpoints []string
	for _, kv := range stack.Env() {
		if strings.HasPrefix(kv, "AWS_ENDPOINT_URL_") {
			endpoints = append(endpoints, kv)
		}
	}
	want := []string{
		"AWS_ENDPOINT_URL_DYNAMODB=" + stack.DynamoDBEndpoint,
		"AWS_ENDPOINT_URL_DYNAMODB_STREAMS=" + stack.DynamoDBEndpoint,
		"AWS_ENDPOINT_URL_SNS=" + stack.SNSEndpoint,
		"AWS_ENDPOINT_URL_SQS=" + stack.SNSEndpoint,
		"AWS_ENDPOINT_URL_S3=" + stack.S3Endpoint,
	}
	if !slices.Equal(endpoints, want) {
		t.Fatalf("Env endpoints = %q, want %q", endpoints, want)
	}
	for _, kv := range want {
		k, v, _ := strings.Cut(kv, "=")
		if got := os.Getenv(k); got != v {
			t.Fatalf("%s = %q after Setenv, want %q", k, got, v)
		}
	}
	return ctx, c
}

func TestDynamoDBPutGet(t *testing.T) {
	t.Parallel()
	ctx, c := newClients(t)
	table := "put-get-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	createTable(ctx, t, c.ddb, table)

	_, err := c.ddb.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(table),
		Item: map[string]ddbtypes.AttributeValue{
			"pk":    &ddbtypes.AttributeValueMemberS{Value: "doc#1"},
			"title": &ddbtypes.AttributeValueMemberS{Value: "Lease"},
			"size":  &ddbtypes.AttributeValueMemberN{Value: "1024"},
			"tags":  &ddbtypes.AttributeValueMemberSS{Value: []string{"a", "b"}},
		},
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	if err != nil {
		t.Fatalf("PutItem: %v", err)
	}
	out, err := c.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(table),
		Key:            map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "doc#1"}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("GetItem: %v", err)
	}
	if got := attrS(out.Item["title"]); got != "Lease" {
		t.Errorf("title = %q, want Lease", got)
	}
	if n, ok := out.Item["size"].(*ddbtypes.AttributeValueMemberN); !ok || n.Value != "1024" {
		t.Errorf("size = %#v, want N 1024", out.Item["size"])
	}
	if ss, ok := out.Item["tags"].(*ddbtypes.AttributeValueMemberSS); !ok || !slices.Equal(sorted(ss.Value), []string{"a", "b"}) {
		t.Errorf("tags = %#v, want SS [a b]", out.Item["tags"])
	}

	// The condition must hold: a second put of the same key fails.
	_, err = c.ddb.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(table),
		Item:                map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "doc#1"}},
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Errorf("second conditional PutItem: err = %v, want ConditionalCheckFailedException", err)
	}
}

func TestSQSSendReceiveThroughQueueURL(t *testing.T) {
	t.Parallel()
	ctx, c := newClients(t)
	stack := emutest.Need(t)
	q, err := c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("direct")})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	// Queue URLs point at the endpoint itself, so they resolve and work
	// whether a client routes by endpoint or by queue URL.
	if want := stack.SQSEndpoint + "/000000000000/direct"; *q.QueueUrl != want {
		t.Errorf("QueueUrl = %q, want %q", *q.QueueUrl, want)
	}
	got, err := c.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("direct")})
	if err != nil || *got.QueueUrl != *q.QueueUrl {
		t.Fatalf("GetQueueUrl = %v, %v; want %q", got, err, *q.QueueUrl)
	}
	_, err = c.sqs.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:    q.QueueUrl,
		MessageBody: aws.String(`{"hello":"sqs"}`),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"kind": {DataType: aws.String("String"), StringValue: aws.String("greeting")},
		},
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	msgs := receive(ctx, t, c.sqs, *q.QueueUrl, 1)
	if *msgs[0].Body != `{"hello":"sqs"}` {
		t.Errorf("body = %q", *msgs[0].Body)
	}
	if v := msgs[0].MessageAttributes["kind"]; v.StringValue == nil || *v.StringValue != "greeting" {
		t.Errorf("attribute kind = %#v, want greeting", v)
	}
	if _, err := c.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q.QueueUrl, ReceiptHandle: msgs[0].ReceiptHandle}); err != nil {
		t.Errorf("DeleteMessage: %v", err)
	}
}

// snsEnvelope is what SNS delivers to SQS without raw message delivery.
type snsEnvelope struct {
	Type              string
	MessageID         string `json:"MessageId"`
	TopicArn          string
	Subject           string
	Message           string
	MessageAttributes map[string]struct{ Type, Value string }
}

func TestSNSFanOutToSQS(t *testing.T) {
	t.Parallel()
	ctx, c := newClients(t)
	topic := createTopic(ctx, t, c.sns, "events")
	rawURL := subscribedQueue(ctx, t, c, topic, "events-raw", map[string]string{"RawMessageDelivery": "true"})
	envURL := subscribedQueue(ctx, t, c, topic, "events-envelope", nil)

	attrs := map[string]snstypes.MessageAttributeValue{
		"userId":    {DataType: aws.String("String"), StringValue: aws.String("u-1")},
		"eventType": {DataType: aws.String("String"), StringValue: aws.String("document.created")},
		"size":      {DataType: aws.String("Number"), StringValue: aws.String("42")},
	}
	if _, err := c.sns.Publish(ctx, &sns.PublishInput{
		TopicArn:          aws.String(topic),
		Message:           aws.String(`{"id":"one"}`),
		Subject:           aws.String("created"),
		MessageAttributes: attrs,
	}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	batch, err := c.sns.PublishBatch(ctx, &sns.PublishBatchInput{
		TopicArn: aws.String(topic),
		PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
			{Id: aws.String("b1"), Message: aws.String(`{"id":"two"}`), MessageAttributes: map[string]snstypes.MessageAttributeValue{
				"userId": {DataType: aws.String("String"), StringValue: aws.String("u-2")},
			}},
			{Id: aws.String("b2"), Message: aws.String(`{"id":"three"}`)},
		},
	})
	if err != nil {
		t.Fatalf("PublishBatch: %v", err)
	}
	if len(batch.Successful) != 2 || len(batch.Failed) != 0 {
		t.Fatalf("PublishBatch: %d successful, %d failed; want 2, 0", len(batch.Successful), len(batch.Failed))
	}

	// Raw delivery: the body is the message, SNS attributes become SQS ones.
	raw := map[string]sqstypes.Message{}
	for _, m := range receive(ctx, t, c.sqs, rawURL, 3) {
		raw[*m.Body] = m
	}
	one, ok := raw[`{"id":"one"}`]
	if !ok {
		t.Fatalf("raw queue bodies = %v, want the published messages", keys(raw))
	}
	for name, want := range map[string]string{"userId": "u-1", "eventType": "document.created", "size": "42"} {
		if v := one.MessageAttributes[name]; v.StringValue == nil || *v.StringValue != want {
			t.Errorf("raw message attribute %s = %#v, want %q", name, v, want)
		}
	}
	if dt := one.MessageAttributes["size"].DataType; dt == nil || *dt != "Number" {
		t.Errorf("raw message attribute size has DataType %v, want Number", dt)
	}
	if v := raw[`{"id":"two"}`].MessageAttributes["userId"]; v.StringValue == nil || *v.StringValue != "u-2" {
		t.Errorf("raw batch message userId = %#v, want u-2", v)
	}
	if _, ok := raw[`{"id":"three"}`]; !ok {
		t.Errorf("raw queue lacks the second batch entry: %v", keys(raw))
	}

	// Envelope delivery: the body is SNS's JSON notification.
	env := map[string]snsEnvelope{}
	for _, m := range receive(ctx, t, c.sqs, envURL, 3) {
		var e snsEnvelope
		if err := json.Unmarshal([]byte(*m.Body), &e); err != nil {
			t.Fatalf("envelope body %q: %v", *m.Body, err)
		}
		env[e.Message] = e
	}
	e, ok := env[`{"id":"one"}`]
	if !ok {
		t.Fatalf("envelope messages = %v, want the published ones", env)
	}
	if e.Type != "Notification" || e.TopicArn != topic || e.Subject != "created" || e.MessageID == "" {
		t.Errorf("envelope = %+v, want a Notification from %s with subject created", e, topic)
	}
	if a := e.MessageAttributes["userId"]; a.Type != "String" || a.Value != "u-1" {
		t.Errorf("envelope userId = %+v, want String u-1", a)
	}
	if a := e.MessageAttributes["size"]; a.Type != "Number" || a.Value != "42" {
		t.Errorf("envelope size = %+v, want Number 42", a)
	}
	if _, ok := env[`{"id":"three"}`]; !ok {
		t.Errorf("envelope queue lacks the second batch entry: %v", env)
	}
}

func TestSNSFilterPolicyOnUserID(t *testing.T) {
	t.Parallel()
	ctx, c := newClients(t)
	topic := createTopic(ctx, t, c.sns, "filtered")
	url := subscribedQueue(ctx, t, c, topic, "filtered-u1", map[string]string{
		"RawMessageDelivery": "true",
		"FilterPolicy":       `{"userId":["u-1"]}`,
	})
	for _, p := range []struct{ body, user string }{{"for-u1", "u-1"}, {"for-u2", "u-2"}, {"for-nobody", ""}, {"for-u1-again", "u-1"}} {
		in := &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(p.body)}
		if p.user != "" {
			in.MessageAttributes = map[string]snstypes.MessageAttributeValue{
				"userId": {DataType: aws.String("String"), StringValue: aws.String(p.user)},
			}
		}
		if _, err := c.sns.Publish(ctx, in); err != nil {
			t.Fatalf("Publish %s: %v", p.body, err)
		}
	}
	var bodies []string
	for _, m := range receive(ctx, t, c.sqs, url, 2) {
		bodies = append(bodies, *m.Body)
	}
	if want := []string{"for-u1", "for-u1-again"}; !slices.Equal(sorted(bodies), want) {
		t.Errorf("delivered %q, want %q", bodies, want)
	}
	// Nothing else arrives: the filtered-out messages were dropped.
	out, err := c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	for _, m := range out.Messages {
		t.Errorf("filtered-out message delivered: %q", *m.Body)
	}
}

func TestStartFailsWithLogTailAndCleansUp(t *testing.T) {
	emutest.Need(t)
	t.Parallel()
	// Hold DynamoDB Local's port so it cannot bind.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fauxqsPort := free.Addr().(*net.TCPAddr).Port
	free.Close()

	start := time.Now()
	s, err := emulators.Start(context.Background(), emulators.Options{
		DynamoDBPort: busy.Addr().(*net.TCPAddr).Port,
		FauxqsPort:   fauxqsPort,
	})
	if err == nil {
		_ = s.Stop()
		t.Fatal("Start succeeded on a port in use")
	}
	t.Logf("Start failed after %s as it should: %v", time.Since(start).Round(time.Millisecond), err)
	msg := err.Error()
	if !strings.Contains(msg, "dynamodb-local") || !strings.Contains(msg, "log tail") {
		t.Errorf("error %q does not name dynamodb-local and include its log tail", msg)
	}
	if !strings.Contains(msg, "Address already in use") && !strings.Contains(msg, "BindException") {
		t.Errorf("log tail in %q does not show the bind failure", msg)
	}
	// fauxqs, started alongside, was stopped again.
	if conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(fauxqsPort), time.Second); err == nil {
		conn.Close()
		t.Errorf("fauxqs still listening on %d after the failed Start", fauxqsPort)
	}
}

func TestToolsDirMissingSaysMakeTools(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("KABINET_TOOLS", empty)
	_, err := emulators.ToolsDir()
	if err == nil || !strings.Contains(err.Error(), "make tools") || !strings.Contains(err.Error(), empty) {
		t.Errorf("ToolsDir with empty KABINET_TOOLS: err = %v, want one naming %s and `make tools`", err, empty)
	}
	_, err = emulators.Start(context.Background(), emulators.Options{ToolsDir: empty})
	if err == nil || !strings.Contains(err.Error(), "make tools") {
		t.Errorf("Start with empty ToolsDir: err = %v, want `make tools`", err)
	}
}

func TestRepoRoot(t *testing.T) {
	root, err := emulators.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(root + "/go.mod")
	if err != nil || !strings.Contains(string(data), "module github.com/kabinet/kabinet") {
		t.Errorf("RepoRoot = %s, whose go.mod does not declare the module (%v)", root, err)
	}
}

func createTable(ctx context.Context, t *testing.T, c *dynamodb.Client, name string) {
	t.Helper()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
	})
	if err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(c, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 10*time.Second); err != nil {
		t.Fatalf("table %s not active: %v", name, err)
	}
}

func createTopic(ctx context.Context, t *testing.T, c *sns.Client, name string) string {
	t.Helper()
	out, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateTopic %s: %v", name, err)
	}
	return *out.TopicArn
}

// subscribedQueue creates a queue, subscribes it to topic with attrs and
// returns its URL.
func subscribedQueue(ctx context.Context, t *testing.T, c clients, topic, name string, attrs map[string]string) string {
	t.Helper()
	q, err := c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateQueue %s: %v", name, err)
	}
	qa, err := c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		t.Fatalf("GetQueueAttributes %s: %v", name, err)
	}
	sub, err := c.sns.Subscribe(ctx, &sns.SubscribeInput{
		TopicArn:              aws.String(topic),
		Protocol:              aws.String("sqs"),
		Endpoint:              aws.String(qa.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]),
		Attributes:            attrs,
		ReturnSubscriptionArn: true,
	})
	if err != nil {
		t.Fatalf("Subscribe %s: %v", name, err)
	}
	if sub.SubscriptionArn == nil || !strings.HasPrefix(*sub.SubscriptionArn, topic+":") {
		t.Fatalf("SubscriptionArn = %v, want one under %s", sub.SubscriptionArn, topic)
	}
	return *q.QueueUrl
}

// receive long-polls queueURL until it has n messages, deleting each, and
// fails the test if fewer arrive within 10 s.
func receive(ctx context.Context, t *testing.T, c *sqs.Client, queueURL string, n int) []sqstypes.Message {
	t.Helper()
	var got []sqstypes.Message
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < n && time.Now().Before(deadline) {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(queueURL),
			MaxNumberOfMessages:         10,
			WaitTimeSeconds:             1,
			MessageAttributeNames:       []string{"All"},
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			t.Fatalf("ReceiveMessage %s: %v", queueURL, err)
		}
		for _, m := range out.Messages {
			if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatalf("DeleteMessage: %v", err)
			}
		}
		got = append(got, out.Messages...)
	}
	if len(got) != n {
		t.Fatalf("received %d messages from %s, want %d", len(got), queueURL, n)
	}
	return got
}

func attrS(v ddbtypes.AttributeValue) string {
	if s, ok := v.(*ddbtypes.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
