package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/internal/actions"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// TestSQSBatchDrainsJobs hands the function's handler, composed from the
// environment as in Lambda (run), a batch as the event source mapping would: a
// message that is not a job (dropped), a job that fails (a shard that does
// not exist), and a real job after it, which is reported failed too (a
// FIFO group keeps its order) and drained when delivered again.
func TestSQSBatchDrainsJobs(t *testing.T) {
	ctx := context.Background()
	cl, table := testenv.Table(t, "worker")
	topic := testenv.Topic(t, cl, table)
	urls, err := queue.Ensure(ctx, cl.AWS, table+"-")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TABLE_NAME": table, "REMINDERS_TOPIC_ARN": topic, "SMS_PER_SECOND": "2", "WORKER_CONCURRENCY": "2"}
	for _, q := range queue.Queues {
		env[q.Env] = urls[q.Class]
	}
	var h sqsHandler
	if err := run(actions.Recording(t, ctx, functions.ReminderWorker), func(k string) string { return env[k] }, func(x sqsHandler) { h = x }); err != nil || h == nil {
		t.Fatalf("run: %v (handler %v)", err, h != nil)
	}
	st := allstore.New(cl.DynamoDB, table)
	svc := &registry.Service{Store: st, NewID: ids.New,
		Now: func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }}
	v, _, err := svc.CreateDocument(ctx, "alice", registry.CreateInput{Type: "custom",
		DocumentFields: registry.DocumentFields{Title: opt.Of("Pass"), ExpiresOn: opt.Of("2026-12-31")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC) // 09:00 in Moscow, the 30-day step
	var shard int
	for n := range store.DocumentShards {
		if due, _, _, _ := st.DueItems(ctx, reminders.ClassDocument, n, at, 1, ""); len(due) == 1 {
			shard = n
		}
	}
	job := func(j reminders.Job) string {
		s, err := queue.Encode(j)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	batch := events.SQSEvent{Records: []events.SQSMessage{
		{MessageId: "junk", Body: `{"hello":"world"}`},
		{MessageId: "bad", Body: job(reminders.Job{Class: reminders.ClassDocument, Shard: 999, Now: at})},
		{MessageId: "good", Body: job(reminders.Job{Class: reminders.ClassDocument, Shard: shard, Now: at})},
	}}
	resp, err := h(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	if !slices.Equal(failed, []string{"bad", "good"}) {
		t.Errorf("failures %v, want [bad good]", failed)
	}
	resp, err = h(ctx, events.SQSEvent{Records: batch.Records[2:]})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivered job: %+v, %v", resp, err)
	}
	got, err := svc.GetDocument(ctx, "alice", v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if next := got.Reminder.NextAt; next == nil || !next.Equal(time.Date(2026, 12, 24, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("after the job the document is due at %v, want its 7-day step", next)
	}
}

func TestRunNeedsItsConfiguration(t *testing.T) {
	full := map[string]string{"TABLE_NAME": "t", "REMINDERS_TOPIC_ARN": "arn", "URGENT_JOBS_QUEUE_URL": "u", "DOCUMENT_JOBS_QUEUE_URL": "d"}
	for _, tc := range []struct {
		name string
		drop string
		set  map[string]string
	}{
		{"no topic", "REMINDERS_TOPIC_ARN", nil},
		{"no document queue", "DOCUMENT_JOBS_QUEUE_URL", nil},
		{"a rate that is not a number", "", map[string]string{"SMS_PER_SECOND": "fast"}},
		{"a negative rate", "", map[string]string{"EMAIL_PER_SECOND": "-1"}},
		{"no workers", "", map[string]string{"WORKER_CONCURRENCY": "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range full {
				if k != tc.drop {
					env[k] = v
				}
			}
			for k, v := range tc.set {
				env[k] = v
			}
			if err := run(context.Background(), func(k string) string { return env[k] }, func(sqsHandler) { t.Error("started") }); err == nil {
				t.Errorf("run with %v succeeded", env)
			}
		})
	}
}
