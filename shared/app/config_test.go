package app

import "testing"

// GIVEN DELIVERY_DLQ_ARN in the environment WHEN Config is read THEN it is
// the DeliveryDLQ the contact subscriptions redrive to.
func TestConfigFromDeliveryDLQ(t *testing.T) {
	const arn = "arn:aws:sqs:eu-west-1:123456789012:kabinet-test-delivery-dlq"
	env := map[string]string{"TABLE_NAME": "t", "DELIVERY_DLQ_ARN": arn}
	c, err := ConfigFrom(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.DeliveryDLQ != arn {
		t.Errorf("DeliveryDLQ = %q, want %q", c.DeliveryDLQ, arn)
	}
}
