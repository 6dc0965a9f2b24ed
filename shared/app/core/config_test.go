package core

import "testing"

// GIVEN DELIVERY_DLQ_ARN in the environment WHEN Config is read THEN it is
// the DeliveryDLQ the contact subscriptions redrive to.
func TestReadConfigDeliveryDLQ(t *testing.T) {
	const arn = "arn:aws:sqs:eu-west-1:123456789012:kabinet-test-delivery-dlq"
	env := map[string]string{"TABLE_NAME": "t", "DELIVERY_DLQ_ARN": arn}
	c, err := ReadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.DeliveryDLQ != arn {
		t.Errorf("DeliveryDLQ = %q, want %q", c.DeliveryDLQ, arn)
	}
}

// GIVEN no VIDEO_BASE_URL WHEN Config is read THEN video links go to
// DefaultVideoBase; GIVEN one THEN to it.
func TestReadConfigVideoBase(t *testing.T) {
	for _, tc := range []struct{ env, want string }{{"", DefaultVideoBase}, {"https://video.example.test/r", "https://video.example.test/r"}} {
		env := map[string]string{"TABLE_NAME": "t", "VIDEO_BASE_URL": tc.env}
		c, err := ReadConfig(func(k string) string { return env[k] })
		if err != nil || c.VideoBase != tc.want {
			t.Errorf("VIDEO_BASE_URL %q: VideoBase %q, err %v; want %q", tc.env, c.VideoBase, err, tc.want)
		}
	}
}

// GIVEN no TABLE_NAME WHEN Config is read THEN it is refused.
func TestReadConfigNeedsTheTable(t *testing.T) {
	if _, err := ReadConfig(func(string) string { return "" }); err == nil {
		t.Error("a Config without a table was accepted")
	}
}
