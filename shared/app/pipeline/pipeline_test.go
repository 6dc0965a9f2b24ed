package pipeline

import (
	"testing"

	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// GIVEN the queues' URLs and no rates WHEN the pipeline's configuration is
// read THEN the rates are SNS's defaults divided over DefaultWorkers; given
// rates and a concurrency, those; malformed ones are refused.
func TestRead(t *testing.T) {
	env := map[string]string{"URGENT_JOBS_QUEUE_URL": "u", "DOCUMENT_JOBS_QUEUE_URL": "d"}
	getenv := func(k string) string { return env[k] }
	p, err := Read(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if p.Rates != reminders.DefaultRates || p.Workers != DefaultWorkers ||
		p.Queues[reminders.ClassUrgent] != "u" || p.Queues[reminders.ClassDocument] != "d" {
		t.Errorf("defaults: %+v", p)
	}
	env["SMS_PER_SECOND"], env["EMAIL_PER_SECOND"], env["PUBLISH_PER_SECOND"], env["WORKER_CONCURRENCY"] = "200", "0", "9000", "40"
	if p, err = Read(getenv); err != nil {
		t.Fatal(err)
	}
	if want := (reminders.Rates{SMS: 200, Email: 0, Publish: 9000}); p.Rates != want || p.Workers != 40 {
		t.Errorf("set: %+v, want %+v over 40", p, want)
	}
	if share := p.Rates.Share(p.Workers); share.SMS != 5 || share.Publish != 225 {
		t.Errorf("a worker's share %+v, want 5 SMS and 225 publishes a second", share)
	}
	for k, v := range map[string]string{"SMS_PER_SECOND": "fast", "EMAIL_PER_SECOND": "-1", "PUBLISH_PER_SECOND": "NaN",
		"WORKER_CONCURRENCY": "0", "DOCUMENT_JOBS_QUEUE_URL": ""} {
		bad := map[string]string{}
		for kk, vv := range env {
			bad[kk] = vv
		}
		bad[k] = v
		if _, err := Read(func(k string) string { return bad[k] }); err == nil {
			t.Errorf("%s=%q accepted", k, v)
		}
	}
}
