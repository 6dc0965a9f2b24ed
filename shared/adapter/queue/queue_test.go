package queue_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

func TestMain(m *testing.M) { emutest.Main(m) }

var at = time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)

func jobsOn(t *testing.T) *queue.Jobs {
	t.Helper()
	cl, name := testenv.Table(t, "queue") // for the clients and a unique name
	c := sqs.NewFromConfig(cl.AWS)
	urls, err := queue.Ensure(context.Background(), cl.AWS, name+"-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, u := range urls {
			_, _ = c.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(u)})
		}
	})
	return &queue.Jobs{AWS: cl.AWS, URLs: urls}
}

// TestOneJobOfAShardInFlight: the queue hands out one job of a shard at a
// time, in order, and jobs of other shards meanwhile; a copy of a job
// (same Key) is dropped. This is what makes a shard one worker's at a time.
func TestOneJobOfAShardInFlight(t *testing.T) {
	ctx := context.Background()
	jobs := jobsOn(t)
	first := reminders.Job{Class: reminders.ClassDocument, Shard: 3, Now: at}
	cont := reminders.Job{Class: reminders.ClassDocument, Shard: 3, Now: at, Cursor: "c1", Hop: 1}
	other := reminders.Job{Class: reminders.ClassDocument, Shard: 4, Now: at}
	urgent := reminders.Job{Class: reminders.ClassUrgent, Shard: 3, Now: at}
	if err := jobs.Enqueue(ctx, []reminders.Job{first, cont, other, first, urgent}); err != nil {
		t.Fatal(err)
	}
	got, err := jobs.Receive(ctx, reminders.ClassDocument, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var shards []int
	for _, r := range got {
		shards = append(shards, r.Job.Shard)
	}
	slices.Sort(shards)
	if !slices.Equal(shards, []int{3, 4}) || !got[slices.IndexFunc(got, func(r queue.Received) bool { return r.Job.Shard == 3 })].Job.Now.Equal(at) {
		t.Fatalf("received %+v, want the first job of shard 3 and the job of shard 4", got)
	}
	if more, _ := jobs.Receive(ctx, reminders.ClassDocument, 10, 0); len(more) != 0 {
		t.Errorf("while shard 3's job is in flight, received %+v", more)
	}
	for _, r := range got {
		if r.Job.Shard == 3 {
			if err := jobs.Done(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	next, err := jobs.Receive(ctx, reminders.ClassDocument, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(next) != 1 || next[0].Job != cont {
		t.Errorf("after the first was done, received %+v, want its continuation %+v", next, cont)
	}
	if err := jobs.Done(ctx, next[0]); err != nil {
		t.Fatal(err)
	}
	if rest, _ := jobs.Receive(ctx, reminders.ClassDocument, 10, 0); len(rest) != 0 {
		t.Errorf("the copy of the first job was not dropped: %+v", rest)
	}
	u, err := jobs.Receive(ctx, reminders.ClassUrgent, 10, 0)
	if err != nil || len(u) != 1 || u[0].Job != urgent {
		t.Errorf("urgent queue: %+v, %v; want the urgent job alone", u, err)
	}
}

func TestEnqueueRefusesWhatIsNotAJob(t *testing.T) {
	jobs := &queue.Jobs{URLs: map[reminders.Class]string{reminders.ClassUrgent: "http://unused"}}
	for _, j := range []reminders.Job{
		{Class: reminders.ClassDocument, Shard: 0, Now: at}, // no document queue
		{Class: "bulk", Shard: 0, Now: at},
		{Class: reminders.ClassUrgent, Shard: -1, Now: at},
		{Class: reminders.ClassUrgent, Shard: 0},
	} {
		if err := jobs.Enqueue(context.Background(), []reminders.Job{j}); !errs.Is(err, errs.Invalid) {
			t.Errorf("Enqueue(%+v) = %v, want Invalid", j, err)
		}
	}
}

func TestDecode(t *testing.T) {
	j := reminders.Job{Class: reminders.ClassUrgent, Shard: 7, Now: at, Cursor: "abc", Hop: 2}
	body, err := queue.Encode(j)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := queue.Decode(body); err != nil || got != j {
		t.Errorf("Decode(Encode(%+v)) = %+v, %v", j, got, err)
	}
	for _, bad := range []string{"", "{", `{"class":"urgent","shard":1}`, `{"class":"x","shard":1,"now":"2026-12-01T06:00:00Z"}`, `[]`} {
		if _, err := queue.Decode(bad); !errs.Is(err, errs.Invalid) {
			t.Errorf("Decode(%q) = %v, want Invalid", bad, err)
		}
	}
}
