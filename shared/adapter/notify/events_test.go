package notify

import (
	"encoding/json"
	"github.com/kabinet/kabinet/shared/domain/message"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// TestSubscriberSampleEvent checks the sample of what a queue subscriber of
// the reminders topic receives: an SQS record whose body is the SNS envelope
// with the message attributes this package sets.
func TestSubscriberSampleEvent(t *testing.T) {
	raw, err := os.ReadFile("../../../events/sqs-reminder-delivered.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.SQSEvent
	if err := json.Unmarshal(raw, &ev); err != nil || len(ev.Records) != 1 {
		t.Fatalf("not an SQS event: %v", err)
	}
	var sns events.SNSEntity
	if err := json.Unmarshal([]byte(ev.Records[0].Body), &sns); err != nil {
		t.Fatalf("body is not an SNS envelope: %v", err)
	}
	for _, name := range []string{message.AttrUserID, message.AttrChannel, message.AttrKind, message.AttrDocumentType, message.AttrDaysLeft, message.AttrDedupeID} {
		a, ok := sns.MessageAttributes[name].(map[string]any)
		if !ok || a["Value"] == "" {
			t.Errorf("attribute %s missing from the sample: %v", name, sns.MessageAttributes)
		}
	}
	if sns.Message == "" || sns.TopicArn == "" {
		t.Errorf("sample envelope incomplete: %+v", sns)
	}
}
