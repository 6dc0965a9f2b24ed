// Package testenv gives an integration test what most of them start from:
// the AWS clients built as the functions build them, pointed at the local
// emulators (emutest), and a DynamoDB table and SNS topic of the test's own.
// Tests of packages that shared/app/core is built from may use it only from
// their external test packages (package x_test): it imports shared/app/core.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/shared/adapter/objects"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/app/core"
)

// Table makes a table of store.Schema named prefix-<random> and deletes it
// when the test ends, and returns the clients and the table's name. Like
// emutest.Need, it skips the test (or fails it, under
// KABINET_REQUIRE_EMULATORS=1) when the emulators are missing.
func Table(t *testing.T, prefix string) (core.Clients, string) {
	t.Helper()
	emutest.Need(t)
	ctx := context.Background()
	cl, err := core.NewClients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := prefix + "-" + hex.EncodeToString(b[:])
	if err := store.EnsureTable(ctx, cl.DynamoDB, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = cl.DynamoDB.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return cl, name
}

// Topic makes an SNS topic called name, deleted when the test ends, and
// returns its ARN.
func Topic(t *testing.T, cl core.Clients, name string) string {
	t.Helper()
	out, err := cl.SNS.CreateTopic(context.Background(), &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.TopicArn)
	t.Cleanup(func() {
		_, _ = cl.SNS.DeleteTopic(context.Background(), &sns.DeleteTopicInput{TopicArn: aws.String(arn)})
	})
	return arn
}

// Drain receives and deletes everything in the queue at url and returns it
// in the order received. It stops when a receive comes back empty and the
// queue reports nothing waiting, in flight or delayed: a receive whose
// response was lost on the way (the SDK then retries it, and the messages
// it took stay in flight) is waited out by its one-second visibility
// timeout instead of being counted as "nothing more". It gives up after
// 30 seconds.
func Drain(t *testing.T, c *sqs.Client, url string) []sqstypes.Message {
	t.Helper()
	ctx := context.Background()
	var out []sqstypes.Message
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		res, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
			MaxNumberOfMessages: 10, VisibilityTimeout: 1, MessageAttributeNames: []string{"All"}})
		if err != nil {
			t.Fatalf("receive: %v", err)
		}
		for _, m := range res.Messages {
			out = append(out, m)
			if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatalf("delete: %v", err)
			}
		}
		if len(res.Messages) > 0 {
			continue
		}
		if queued(t, c, url) == 0 {
			return out
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("queue %s not drained in 30 s (%d received)", url, len(out))
	return nil
}

// queued is the queue's count of messages waiting, in flight and delayed.
func queued(t *testing.T, c *sqs.Client, url string) int {
	t.Helper()
	res, err := c.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible, sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed}})
	if err != nil {
		t.Fatalf("queue attributes: %v", err)
	}
	n := 0
	for _, v := range res.Attributes {
		k, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("queue attribute %q: %v", v, err)
		}
		n += k
	}
	return n
}

// Verified marks the phone and e-mail of owner's saved profile as proved,
// as entering the codes sent to them does (registry.Service.VerifyContact,
// tested on the emulators in shared/app/core): for tests of what is sent
// to a person, who receives nothing on a contact they have not proved.
func Verified(t *testing.T, st *store.Store, owner string) {
	t.Helper()
	ctx := context.Background()
	p, err := st.GetProfile(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version == 0 {
		t.Fatalf("Verified: %s has no profile", owner)
	}
	p.PhoneVerified, p.EmailVerified = p.Phone != "", p.Email != ""
	prev := p.Version
	p.Version++
	if err := st.PutProfile(ctx, p, prev); err != nil {
		t.Fatal(err)
	}
}

// Bucket makes an S3 bucket called prefix-<random> on the emulator and
// empties and removes it when the test ends, and returns its name.
func Bucket(t *testing.T, cl core.Clients, prefix string) string {
	t.Helper()
	ctx := context.Background()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := prefix + "-" + hex.EncodeToString(b[:])
	client := objects.New(cl.AWS, name, true, time.Now)
	sdk := s3.NewFromConfig(cl.AWS, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := sdk.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		for _, p := range []string{"files/", "staging/", "issued/"} {
			_ = client.DeletePrefix(ctx, p)
		}
		_, _ = sdk.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)})
	})
	return name
}

// Objects lists every key in bucket, for tests that prove erasure left none.
func Objects(t *testing.T, cl core.Clients, bucket string) []string {
	t.Helper()
	keys, err := objects.New(cl.AWS, bucket, true, time.Now).List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return keys
}
