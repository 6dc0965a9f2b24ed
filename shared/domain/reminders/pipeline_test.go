package reminders_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// peak is 09:00 in Moscow on 1 December 2026, when the test's document
// reminders fall due.
var peak = time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)

// dueDocuments gives n people in Moscow (both contacts) a document whose
// 30-day reminder is due at at, written in bulk, and returns their subs.
func (e *env) dueDocuments(prefix string, n int, at time.Time) []string {
	return e.dueDocumentsEvery(prefix, n, at, 0)
}

// dueDocumentsEvery is dueDocuments with the i-th person's reminder due at
// at + i*step.
func (e *env) dueDocumentsEvery(prefix string, n int, at time.Time, step time.Duration) []string {
	e.t.Helper()
	msk, _ := time.LoadLocation("Europe/Moscow")
	var docs []registry.Document
	var subs []string
	for i := range n {
		sub := fmt.Sprintf("%s%03d", prefix, i)
		e.person(sub, "Europe/Moscow")
		exp := civil.Date{Year: 2026, Month: 12, Day: 31}
		d := registry.Document{ID: ids.New(), Owner: sub, Type: registry.Custom, Title: "Pass", ExpiresOn: &exp,
			ExpiresOnSource: registry.SourceUser, Source: registry.SourceUser, CreatedAt: at, UpdatedAt: at, Version: 1}
		d.Reminder = d.Schedule(msk, at.Add(-24*time.Hour))
		due := at.Add(time.Duration(i) * step)
		d.Reminder.NextAt = &due
		docs = append(docs, d)
		subs = append(subs, sub)
	}
	if err := e.store.PutDocuments(e.ctx, docs); err != nil {
		e.t.Fatal(err)
	}
	return subs
}

// queues makes the pipeline's SQS FIFO queues for this test.
func (e *env) queues() *queue.Jobs {
	e.t.Helper()
	urls, err := queue.Ensure(e.ctx, e.cl.AWS, e.store.Table+"-")
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		for _, u := range urls {
			_, _ = e.sqs.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(u)})
		}
	})
	return &queue.Jobs{AWS: e.cl.AWS, URLs: urls}
}

// busiest is the document shard with the most items due at now, and them.
func (e *env) busiest(now time.Time) (int, []reminders.Due) {
	e.t.Helper()
	shard, most := 0, []reminders.Due(nil)
	for n := range store.DocumentShards {
		due, _, _, err := e.store.DueItems(e.ctx, reminders.ClassDocument, n, now, 100, "")
		if err != nil {
			e.t.Fatal(err)
		}
		if len(due) > len(most) {
			shard, most = n, due
		}
	}
	if len(most) < 2 {
		e.t.Fatalf("the busiest shard has %d items due", len(most))
	}
	return shard, most
}

func (e *env) publisher() message.Publisher {
	return &notify.Publisher{SNS: e.cl.SNS, TopicARN: e.topicARN}
}

func (e *env) worker(p message.Publisher, q reminders.JobQueue) *reminders.Worker {
	return &reminders.Worker{Store: e.store, Publisher: p, NewID: ids.New, Log: slog.New(slog.DiscardHandler),
		Queue: q, Clock: e.wallClock}
}

func (e *env) dispatcher(q reminders.JobQueue) *reminders.Dispatcher {
	return &reminders.Dispatcher{Store: e.store, Queue: q, Shards: store.DueShards, Log: slog.New(slog.DiscardHandler)}
}

// consume runs n workers as goroutines on the SQS queues until both are
// empty, as the local runner and Lambda's event source do, and returns the
// summaries of the jobs they drained.
func (e *env) consume(jobs *queue.Jobs, w *reminders.Worker, n int) []reminders.Summary {
	e.t.Helper()
	var (
		mu   sync.Mutex
		sums []reminders.Summary
		wg   sync.WaitGroup
	)
	for i := range n {
		wg.Go(func() {
			empty := 0
			for empty < 3 {
				class := reminders.Classes[(i+empty)%len(reminders.Classes)]
				got, err := jobs.Receive(e.ctx, class, 1, 0)
				if err != nil {
					e.t.Error(err)
					return
				}
				if len(got) == 0 {
					empty++
					time.Sleep(30 * time.Millisecond)
					continue
				}
				empty = 0
				sum, err := w.Drain(e.ctx, got[0].Job)
				if err != nil {
					e.t.Errorf("drain %+v: %v", got[0].Job, err)
					continue
				}
				if err := jobs.Done(e.ctx, got[0]); err != nil {
					e.t.Error(err)
				}
				mu.Lock()
				sums = append(sums, sum)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return sums
}

// counts is how many times each dedupe id was delivered.
func counts(msgs []delivered) map[string]int {
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.Attrs["dedupeId"]]++
	}
	return seen
}

func total(sums []reminders.Summary) (sum reminders.Summary) {
	for _, s := range sums {
		sum.Add(s)
		sum.Continued = sum.Continued || s.Continued
	}
	return sum
}

// TestWorkersAtOnceSendEachReminderOnce: four workers drain the queues at
// once, after two dispatches of the same minute (an EventBridge retry) and
// one of the next; and four workers drain the very same job at once (SQS
// delivering it again while it is in flight). Each reminder goes out once.
func TestWorkersAtOnceSendEachReminderOnce(t *testing.T) {
	e := newEnv(t)
	e.setWall(peak)
	const people = 60
	e.dueDocuments("w", people, peak)
	jobs := e.queues()
	d := e.dispatcher(jobs)
	for _, at := range []time.Time{peak, peak, peak.Add(time.Minute)} {
		if _, err := d.Dispatch(e.ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	sum := total(e.consume(jobs, e.worker(e.publisher(), jobs), 4))
	msgs := e.drain()
	if seen := counts(msgs); len(msgs) != 2*people || len(seen) != 2*people {
		t.Errorf("four workers delivered %d messages, %d distinct; want %d and %d", len(msgs), len(seen), 2*people, 2*people)
	}
	if sum.Sent != people {
		t.Errorf("sent %d, want %d (%+v)", sum.Sent, people, sum)
	}
	byChannel := map[string]int{}
	for _, m := range msgs {
		byChannel[m.Attrs["channel"]]++
	}
	if !maps.Equal(sum.ByChannel, byChannel) {
		t.Errorf("published by channel %v, want what arrived: %v", sum.ByChannel, byChannel)
	}

	t.Run("the same job drained four times at once", func(t *testing.T) {
		e.dueDocuments("x", 30, peak.Add(time.Hour))
		shard, due := e.busiest(peak.Add(time.Hour))
		w := e.worker(e.publisher(), &reminders.Backlog{})
		w.Chunk = 1 // interleave the four as finely as possible
		job := reminders.Job{Class: reminders.ClassDocument, Shard: shard, Now: peak.Add(time.Hour)}
		var wg sync.WaitGroup
		sums := make([]reminders.Summary, 4)
		for i := range sums {
			wg.Go(func() {
				var err error
				if sums[i], err = w.Drain(e.ctx, job); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		msgs := e.drain()
		if seen := counts(msgs); len(msgs) != 2*len(due) || len(seen) != 2*len(due) {
			t.Errorf("delivered %d messages, %d distinct; want %d and %d", len(msgs), len(seen), 2*len(due), 2*len(due))
		}
		if got := total(sums).Sent; got != len(due) {
			t.Errorf("sent %d, want %d", got, len(due))
		}
	})
}

// TestOldJobAndNewJobNeverDuplicate is TestOldRunAndNewRunNeverDuplicate for
// workers: a late delivery of the 06:00 job and the 07:00 job of the same
// shard overlap at one moment of the wall clock.
func TestOldJobAndNewJobNeverDuplicate(t *testing.T) {
	e := newEnv(t)
	e.setWall(peak.Add(time.Hour + 30*time.Second))
	subs := e.dueDocuments("o", 40, peak)
	pub := &meanwhile{next: e.publisher()}
	w := e.worker(pub, &reminders.Backlog{})
	var sent atomic.Int64
	drainAll := func(at time.Time) {
		for n := range store.DocumentShards {
			sum, err := w.Drain(e.ctx, reminders.Job{Class: reminders.ClassDocument, Shard: n, Now: at})
			if err != nil {
				t.Error(err)
			}
			sent.Add(int64(sum.Sent))
		}
	}
	pub.run = func() { drainAll(peak.Add(time.Hour)) }
	drainAll(peak)
	msgs := e.drain()
	if seen := counts(msgs); len(msgs) != 2*len(subs) || len(seen) != 2*len(subs) {
		t.Errorf("delivered %d messages, %d distinct; want %d and %d", len(msgs), len(seen), 2*len(subs), 2*len(subs))
	}
	if sent.Load() != int64(len(subs)) {
		t.Errorf("sent %d, want %d", sent.Load(), len(subs))
	}
}

// killing is the real publisher that cancels the job's context right
// after its first call published: the worker dies between publishing a
// chunk and recording it.
type killing struct {
	next   message.Publisher
	cancel context.CancelFunc
	once   atomic.Bool
	killed []string
}

func (k *killing) Publish(ctx context.Context, msgs []message.Message) map[string]error {
	failed := k.next.Publish(ctx, msgs)
	if k.once.CompareAndSwap(false, true) {
		for _, m := range msgs {
			k.killed = append(k.killed, m.ID)
		}
		k.cancel()
	}
	return failed
}

// TestWorkerKilledMidBatch: a worker's context ends after it published its
// first chunk and before it recorded it. That chunk's reminders go out at
// most once more (after their leases end), the rest exactly once, and none
// is lost.
func TestWorkerKilledMidBatch(t *testing.T) {
	e := newEnv(t)
	e.setWall(peak)
	subs := e.dueDocuments("k", 40, peak)
	ctx, cancel := context.WithCancel(e.ctx)
	pub := &killing{next: e.publisher(), cancel: cancel}
	w := e.worker(pub, &reminders.Backlog{})
	w.Chunk = 5
	d := e.dispatcher(&reminders.Backlog{})
	if _, err := reminders.RunAll(ctx, d, w, peak); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if len(pub.killed) == 0 {
		t.Fatal("the worker published nothing before it was killed")
	}
	// A minute later the dead worker's leases still hold; six minutes
	// later they have ended and its chunk goes out again.
	for _, wall := range []time.Duration{time.Minute, 6 * time.Minute} {
		e.setWall(peak.Add(wall))
		if _, err := reminders.RunAll(e.ctx, e.dispatcher(&reminders.Backlog{}), e.worker(e.publisher(), nil), peak.Add(wall)); err != nil {
			t.Fatal(err)
		}
	}
	msgs := e.drain()
	seen := counts(msgs)
	if len(seen) != 2*len(subs) {
		t.Errorf("%d distinct messages delivered, want %d: one lost", len(seen), 2*len(subs))
	}
	for id, n := range seen {
		switch {
		case n > 2:
			t.Errorf("%s delivered %d times", id, n)
		case n == 2 && !slices.Contains(pub.killed, id):
			t.Errorf("%s delivered twice but was not in the killed chunk", id)
		}
	}
	sum, err := reminders.RunAll(e.ctx, e.dispatcher(&reminders.Backlog{}), e.worker(e.publisher(), nil), peak.Add(7*time.Minute))
	if err != nil || sum.Due != 0 {
		t.Errorf("still due afterwards: %+v, %v", sum, err)
	}
}

// recording is the real publisher that notes, for every message it
// publishes, the injected clock's time and the message, in order.
type recording struct {
	next  message.Publisher
	clock func() time.Time
	mu    sync.Mutex
	at    []time.Time
	msgs  []message.Message
	// fail lists, call by call, the error each whole call fails with (nil:
	// published): a fault sequence such as "throttled twice, then fine".
	fail []error
}

func (r *recording) Publish(ctx context.Context, msgs []message.Message) map[string]error {
	r.mu.Lock()
	if len(r.fail) > 0 {
		err := r.fail[0]
		r.fail = r.fail[1:]
		if err != nil {
			r.mu.Unlock()
			failed := map[string]error{}
			for _, m := range msgs {
				failed[m.ID] = err
			}
			return failed
		}
	}
	now := r.clock()
	for _, m := range msgs {
		r.at = append(r.at, now)
		r.msgs = append(r.msgs, m)
	}
	r.mu.Unlock()
	return r.next.Publish(ctx, msgs)
}

// timesOf are the publish times of the messages on channel.
func (r *recording) timesOf(channel string) []time.Time {
	var out []time.Time
	for i, m := range r.msgs {
		if m.Attributes[message.AttrChannel] == channel {
			out = append(out, r.at[i])
		}
	}
	return out
}

// mostInASecond is the most of at in any second [t, t+1s).
func mostInASecond(at []time.Time) int {
	at = slices.Clone(at)
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	most := 0
	for i := range at {
		n := 0
		for j := i; j < len(at) && at[j].Before(at[i].Add(time.Second)); j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}

// TestPacingNeverExceedsTheRate: with 3 SMS and 5 e-mails a second, no
// second of the injected clock sees more, every reminder still goes, and
// the pace is kept, not undershot by much.
func TestPacingNeverExceedsTheRate(t *testing.T) {
	e := newEnv(t)
	e.setWall(peak)
	const people, sms, email = 45, 3, 5
	e.dueDocuments("p", people, peak)
	rec := &recording{next: e.publisher(), clock: e.wallClock}
	w := e.worker(rec, nil)
	w.Limits = reminders.Rates{SMS: sms, Email: email}.Limits()
	w.Sleep = func(_ context.Context, d time.Duration) error { e.setWall(e.wallClock().Add(d)); return nil }
	sum, err := reminders.RunAll(e.ctx, e.dispatcher(nil), w, peak)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != people {
		t.Errorf("sent %d, want %d (%+v)", sum.Sent, people, sum)
	}
	for _, tc := range []struct {
		channel string
		rate    int
	}{{"sms", sms}, {"email", email}} {
		at := rec.timesOf(tc.channel)
		if len(at) != people {
			t.Errorf("%s: %d published, want %d", tc.channel, len(at), people)
		}
		if got := mostInASecond(at); got > tc.rate {
			t.Errorf("%s: %d in one second, want at most %d", tc.channel, got, tc.rate)
		}
	}
	// 45 SMS at 3 a second take 14 s of the clock after the first burst.
	if span := e.wallClock().Sub(peak); span < 14*time.Second || span > 16*time.Second {
		t.Errorf("the pipeline took %s of the clock, want about 14 s", span)
	}
	if got := len(e.drain()); got != 2*people {
		t.Errorf("delivered %d, want %d", got, 2*people)
	}
}

// TestThrottlingKeepsEveryReminderInOrder: SNS throttles a worker's first
// two calls. Nothing is dropped, the worker backs off twice (1 s, 2 s), and
// the shard's reminders go out in the order they fell due.
func TestThrottlingKeepsEveryReminderInOrder(t *testing.T) {
	e := newEnv(t)
	e.setWall(peak.Add(time.Hour))
	e.dueDocumentsEvery("t", 60, peak, time.Minute)
	shard, due := e.busiest(peak.Add(time.Hour))
	dueAt := map[string]time.Time{}
	for _, d := range due {
		dueAt[d.Document.ID] = *d.Document.Reminder.NextAt
	}
	throttled := errs.E("sns", errs.Unavailable, errors.New("Throttled"))
	rec := &recording{next: e.publisher(), clock: e.wallClock, fail: []error{throttled, throttled}}
	w := e.worker(rec, &reminders.Backlog{})
	w.Limits, w.Chunk = reminders.Rates{}.Limits(), 2
	var slept []time.Duration
	w.Sleep = func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		e.setWall(e.wallClock().Add(d))
		return nil
	}
	sum, err := w.Drain(e.ctx, reminders.Job{Class: reminders.ClassDocument, Shard: shard, Now: peak.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != len(due) || sum.Throttled != 2 || !sum.Complete {
		t.Errorf("sent %d, throttled %d, complete %v; want %d, 2, true (%+v)", sum.Sent, sum.Throttled, sum.Complete, len(due), sum)
	}
	if want := []time.Duration{time.Second, 2 * time.Second}; !slices.Equal(slept, want) {
		t.Errorf("backed off %v, want %v", slept, want)
	}
	var order []time.Time
	for _, m := range rec.msgs {
		doc, _, _ := strings.Cut(m.ID, ".")
		order = append(order, dueAt[doc])
	}
	if !slices.IsSortedFunc(order, time.Time.Compare) {
		t.Errorf("published out of due order: %v", order)
	}
	if got := len(counts(e.drain())); got != 2*len(due) {
		t.Errorf("%d distinct messages delivered, want %d", got, 2*len(due))
	}
}

// TestBookingRemindersGoBeforeOlderDocumentReminders: 40 document
// reminders fell due at 09:00 Moscow, three booking reminders at 09:20-09:30.
// The pipeline sends the bookings first; the single loop of today sends
// oldest first, the bookings last.
func TestBookingRemindersGoBeforeOlderDocumentReminders(t *testing.T) {
	for _, tc := range []struct {
		name          string
		bookingsFirst bool
	}{{"pipeline", true}, {"single loop", false}} {
		t.Run(tc.name, func(t *testing.T) {
			e, svc := bookingEnv(t)
			e.setWall(peak.Add(30 * time.Minute))
			e.dueDocuments("d", 40, peak)
			starts := []string{"2026-12-01T08:20:00Z", "2026-12-01T08:25:00Z", "2026-12-01T08:30:00Z"}
			e.slots(starts...)
			for i, s := range starts {
				sub := fmt.Sprintf("b%d", i)
				e.person(sub, "Europe/Moscow")
				e.book(svc, sub, s, "2026-12-01T05:00:00Z") // at 08:00 Moscow: "in 2 hours" at 09:20-09:30
			}
			rec := &recording{next: e.publisher(), clock: e.wallClock}
			now := peak.Add(30 * time.Minute)
			if tc.bookingsFirst {
				if _, err := reminders.RunAll(e.ctx, e.dispatcher(nil), e.worker(rec, nil), now); err != nil {
					t.Fatal(err)
				}
			} else {
				e.scanner = e.newScanner(rec)
				e.scan(now.Format(time.RFC3339))
			}
			var kinds []string
			for _, m := range rec.msgs {
				kinds = append(kinds, m.Attributes[message.AttrKind])
			}
			if len(kinds) != 2*43 {
				t.Fatalf("published %d messages, want %d", len(kinds), 2*43)
			}
			firstDoc := slices.Index(kinds, "document_expiring")
			lastBooking := -1
			for i, k := range kinds {
				if k == "booking_upcoming" {
					lastBooking = i
				}
			}
			if got := lastBooking < firstDoc; got != tc.bookingsFirst {
				t.Errorf("last booking message at %d, first document message at %d; bookings first = %v, want %v",
					lastBooking, firstDoc, got, tc.bookingsFirst)
			}
			e.drain()
		})
	}
}

// TestContinuationFinishesWithoutTheNextDispatch: a job may take on only 1
// item, so every shard's job with more stops early; its continuations
// drain the rest from the queue, with one dispatch.
func TestContinuationFinishesWithoutTheNextDispatch(t *testing.T) {
	e := newEnv(t)
	e.setWall(peak)
	const people = 50
	e.dueDocuments("c", people, peak)
	jobs := e.queues()
	if _, err := e.dispatcher(jobs).Dispatch(e.ctx, peak); err != nil {
		t.Fatal(err)
	}
	w := e.worker(e.publisher(), jobs)
	w.MaxItems, w.Chunk = 1, 1
	sums := e.consume(jobs, w, 2)
	sum := total(sums)
	if sum.Sent != people {
		t.Errorf("sent %d of %d with one dispatch (%+v)", sum.Sent, people, sum)
	}
	continued := 0
	for _, s := range sums {
		if s.Continued {
			continued++
		}
	}
	// 50 jobs' worth of items over at most 32 shards: at least 18 continuations
	if continued < people-store.DocumentShards || len(sums) != people {
		t.Errorf("%d jobs, %d of them continued; want %d jobs, at least %d continued", len(sums), continued, people, people-store.DocumentShards)
	}
	if got := len(counts(e.drain())); got != 2*people {
		t.Errorf("%d distinct messages delivered, want %d", got, 2*people)
	}
}
