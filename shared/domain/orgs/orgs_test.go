package orgs_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/orgs"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

func TestMain(m *testing.M) { emutest.Main(m) }

var now = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

// TestDigestPublishesCounts builds an organisation's weekly digest against
// DynamoDB Local and publishes it to a fauxqs topic whose sink queue
// subscribes with a filter on kind and orgId, as an organisation's
// subscriber would.
func TestDigestPublishesCounts(t *testing.T) {
	ctx := context.Background()
	cl, name := testenv.Table(t, "orgs")
	topic := testenv.Topic(t, cl, name)
	sq := sqs.NewFromConfig(cl.AWS)
	q, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.SNS.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
		Endpoint:   aws.String(attrs.Attributes["QueueArn"]),
		Attributes: map[string]string{"FilterPolicy": `{"kind":["org_digest"],"orgId":["acme"]}`}}); err != nil {
		t.Fatal(err)
	}

	st := allstore.New(cl.DynamoDB, name)
	clock := func() time.Time { return now }
	docs := &registry.Service{Store: st, Now: clock, NewID: ids.New}
	svc := &orgs.Service{Store: st, Now: clock, NewID: ids.New, Publisher: &notify.Publisher{SNS: cl.SNS, TopicARN: topic}}
	add := func(sub, typ, exp string) {
		in := registry.CreateInput{Type: typ, DocumentFields: registry.DocumentFields{Title: opt.Of("x"), ExpiresOn: opt.Of(exp)}}
		if _, _, err := docs.CreateDocument(ctx, sub, in, nil); err != nil {
			t.Fatal(err)
		}
	}
	add("bob", "medical_certificate_086u", "2026-06-20")   // expiring
	add("bob", "custom", "2026-06-01")                     // expired, but not consented
	add("carol", "medical_certificate_086u", "2026-05-01") // expired
	add("carol", "osago", "2027-06-01")                    // valid
	add("dave", "medical_certificate_086u", "2026-06-01")  // no consent to acme
	for _, c := range []struct{ sub, org string }{{"bob", "acme"}, {"carol", "acme"}, {"dave", "other"}} {
		if _, _, err := svc.Grant(ctx, c.sub, orgs.ConsentInput{OrganizationID: c.org, DocumentTypes: []string{"medical_certificate_086u", "osago"}}); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := svc.Digest(ctx, "acme", now)
	if err != nil {
		t.Fatal(err)
	}
	want := orgs.TypeCounts{Expiring: 1, Expired: 1}
	if got := sum.Counts[registry.MedicalCertificate]; got != want || len(sum.Counts) != 1 || sum.Week != "2026-W25" {
		t.Errorf("summary = %+v", sum)
	}
	var got []string
	for tries := 0; tries < 20 && len(got) == 0; tries++ {
		res, err := sq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10,
			WaitTimeSeconds: 1, MessageAttributeNames: []string{"All"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res.Messages {
			var env struct {
				Message           string
				MessageAttributes map[string]struct{ Value string }
			}
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &env); err != nil {
				t.Fatal(err)
			}
			if env.MessageAttributes["kind"].Value != "org_digest" || env.MessageAttributes["orgId"].Value != "acme" {
				t.Errorf("attributes = %v", env.MessageAttributes)
			}
			got = append(got, env.Message)
		}
	}
	if len(got) != 1 {
		t.Fatalf("delivered %d digests", len(got))
	}
	if !strings.Contains(got[0], "1 истекает, 1 истёк") || !strings.Contains(got[0], "1 expiring, 1 expired") {
		t.Errorf("digest = %q", got[0])
	}
	if _, err := svc.Digest(ctx, "bad org!", now); err == nil {
		t.Error("an invalid org id was accepted")
	}
}
