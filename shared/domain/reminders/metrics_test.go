package reminders_test

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/metrics"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// TestJobMetricsAreEMF: a drained job's summary is logged as EMF lines
// that say how many reminders went out and failed, in all and by class,
// how late the job began, and the messages published on each channel.
func TestJobMetricsAreEMF(t *testing.T) {
	sum := reminders.Summary{Counts: reminders.Counts{Sent: 7, Failed: 2}, LateMs: 1500,
		ByChannel: map[string]int{"sms": 5, "email": 7}}
	at := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	type key struct {
		name metrics.Name
		dims string
	}
	got := map[key]float64{}
	for _, l := range sum.Metrics(reminders.ClassUrgent, at) {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("reminder job metrics", l.Attrs()...)
		data, err := metrics.Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("not EMF: %v\n%s", err, buf.String())
		}
		for _, d := range data {
			got[key{d.Name, string(d.Dims[metrics.Class]) + "/" + d.Dims[metrics.Channel]}] = d.Value
		}
	}
	urgent := string(reminders.ClassUrgent) + "/"
	want := map[key]float64{
		{metrics.RemindersSent, "/"}: 7, {metrics.RemindersSent, urgent}: 7,
		{metrics.RemindersFailed, "/"}: 2, {metrics.RemindersFailed, urgent}: 2,
		{metrics.PipelineLateness, "/"}: 1500, {metrics.PipelineLateness, urgent}: 1500,
		{metrics.MessagesSent, "/sms"}: 5, {metrics.MessagesSent, "/email"}: 7,
	}
	if len(got) != len(want) {
		t.Errorf("got %d data, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s (%s) = %v, want %v", k.name, k.dims, got[k], v)
		}
	}
}
