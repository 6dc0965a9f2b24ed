package reminders

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/message"
	"github.com/kabinet/kabinet/shared/domain/pace"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Rates are the send rates the workers keep to, in messages per second; 0
// is no limit. SNS limits SMS per account (a quota raised on request), its
// e-mail deliveries and its publishes per account and region.
type Rates struct {
	SMS     float64 `json:"smsPerSecond"`
	Email   float64 `json:"emailPerSecond"`
	Publish float64 `json:"publishPerSecond"`
}

// DefaultRates are SNS's default quotas: 20 SMS a second (transactional
// SMS, per account), 10 e-mails a second (e-mail deliveries) and 1,500
// publishes a second (Publish and PublishBatch entries, the smallest
// regions' quota; us-east-1 allows 30,000). The stack's parameters override
// them (SMS_PER_SECOND, EMAIL_PER_SECOND, PUBLISH_PER_SECOND).
var DefaultRates = Rates{SMS: 20, Email: 10, Publish: 1500}

// Share is one worker's part of r when workers run at once: each keeps to
// its share, so together they keep to r without talking to each other.
func (r Rates) Share(workers int) Rates {
	if workers <= 1 {
		return r
	}
	n := float64(workers)
	return Rates{SMS: r.SMS / n, Email: r.Email / n, Publish: r.Publish / n}
}

// Limits are r as pace limits: one per channel and one for all publishes.
func (r Rates) Limits() *pace.Limits {
	return pace.New(map[string]pace.Rate{
		registry.ChannelSMS: pace.PerSecond(r.SMS), registry.ChannelEmail: pace.PerSecond(r.Email),
		limitPublish: pace.PerSecond(r.Publish),
	})
}

// limitPublish is the pace limit every message counts against.
const limitPublish = "publish"

// Worker drains Jobs. It is called by the reminder-worker function for each
// job its class's queue delivers (and by RunAll in one process); nobody else.
type Worker struct {
	Store     Store
	Publisher message.Publisher
	// Places names a booking's institution and specialist; optional.
	Places Places
	// Deadlines decides applications' response deadlines (the reminder
	// before one, the refusal at it); optional: without it they stay due,
	// counted failed.
	Deadlines Deadlines
	// Offers ends lapsed waiting-list offers; optional (without it they
	// stay due).
	Offers Offers
	// GrownUps offers the hand-over of a child's documents at 18 and
	// archives them at its deadline; optional (without it they stay due).
	GrownUps GrownUps
	// Erasures runs people's erasures a page a visit; optional (without
	// it they stay due).
	Erasures Erasures
	NewID    func() string
	Log      *slog.Logger
	// Queue takes the continuation of a job that stops before it is done.
	Queue JobQueue
	// Clock is the wall clock: leases, pacing and the job's time budget.
	// time.Now when nil.
	Clock func() time.Time
	// Sleep waits d or until ctx ends (the pacing's and the back-off's
	// waits); a real timer when nil.
	Sleep func(ctx context.Context, d time.Duration) error
	// Limits pace the messages (Rates.Limits, of this worker's Share);
	// nil sends as fast as the publisher goes.
	Limits *pace.Limits

	PageSize int // items per due-index query
	Chunk    int // due items decided and published together
	// Parallel is how many items of a chunk are claimed and recorded at
	// once (DefaultParallel when 0): a reminder is four DynamoDB calls in a
	// row, and a worker that waits for each in turn spends its time waiting.
	Parallel int
	Lease    time.Duration // how long a claimed decision is this worker's alone
	// MaxItems bounds the due items one job takes on (0: no bound): then
	// it continues in a new job, as when its time is up.
	MaxItems int
	// Budget bounds one job's time (0: until ctx's deadline, less Margin).
	Budget time.Duration
	// Margin is the time before ctx's deadline at which a job stops taking
	// new work, so what it started is finished, recorded and continued;
	// 5 s when 0.
	Margin time.Duration
}

// Defaults of a Worker beside those it shares with the Scanner.
const (
	// DefaultWorkerChunk is smaller than a run's: a chunk is what a job
	// finishes before it can stop, paced.
	DefaultWorkerChunk = 20
	// DefaultParallel is a Worker's Parallel when unset.
	DefaultParallel = 8
	// maxBackoff bounds the wait after the publisher throttled.
	maxBackoff = 30 * time.Second
)

func (w *Worker) clock() time.Time {
	if w.Clock != nil {
		return w.Clock()
	}
	return time.Now()
}

func (w *Worker) sleep(ctx context.Context, d time.Duration) error {
	if w.Sleep != nil {
		return w.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Drain sends what is due at job.Now in job's shard, oldest first, from
// job.Cursor on, in chunks paced to Limits. It stops early when its time is
// nearly up (Budget, or Margin before ctx's deadline) or after MaxItems,
// and then enqueues the job's continuation, which resumes after the last
// chunk it finished, so nothing due waits for the next dispatch. When the
// publisher throttles (or is down), the chunk's unsent items stay due: the
// worker slows its pace, waits (doubling up to 30 s) and reads them again,
// in order, before anything after them. Summary.Complete is false when the
// job stopped early; Summary.Continued says it enqueued its continuation
// (not when it had no time to start, or met only a throttling publisher:
// then the next minute's job takes the shard up).
//
// Errors: Invalid (job), Unavailable or Internal when the shard could not
// be read before any work was done, or the continuation could not be
// enqueued: the caller lets the job be delivered again (what it did stays
// done; its items are claimed).
func (w *Worker) Drain(ctx context.Context, job Job) (Summary, error) {
	const op = "reminders.Drain"
	start := w.clock()
	sum := Summary{Now: job.Now.UTC(), ByKind: map[string]Counts{}, Complete: true,
		LateMs: max(0, start.Sub(job.Now).Milliseconds())}
	if !job.Valid() {
		return sum, errs.E(op, errs.Invalid, errors.New("job without a class, shard or instant"))
	}
	log := w.Log
	if log == nil {
		log = slog.Default()
	}
	pageSize, chunkSize, lease := w.PageSize, w.Chunk, w.Lease
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	if chunkSize <= 0 {
		chunkSize = DefaultWorkerChunk
	}
	if lease <= 0 {
		lease = DefaultLease
	}
	stop := w.stopAt(ctx, start)
	r := newSender(sum.Now, &sum)
	r.store, r.places, r.newID, r.log, r.lease, r.clock = w.Store, w.Places, w.NewID, log, lease, w.clock
	r.deadlines = w.Deadlines
	r.offers = w.Offers
	r.grownUps = w.GrownUps
	r.erasures = w.Erasures
	r.parallel = w.Parallel
	if r.parallel <= 0 {
		r.parallel = DefaultParallel
	}
	p := &pacer{w: w, stop: stop}
	r.publish = p.publish
	if w.Limits == nil {
		r.publish = w.Publisher.Publish
	}

	cursor, items, backoff := job.Cursor, 0, time.Duration(0)
	done := false
	for !done {
		if w.out(ctx, stop) || (w.MaxItems > 0 && items >= w.MaxItems) {
			break
		}
		page, next, n, err := w.Store.DueItems(ctx, job.Class, job.Shard, sum.Now, pageSize, cursor)
		sum.Read += n
		if err != nil {
			if items == 0 {
				return w.finish(sum, start), err
			}
			log.Warn("reminder worker: shard unreadable; continuing later", "err", err.Error())
			break
		}
		done = next == ""
		for chunk := range slices.Chunk(page, chunkSize) {
			if w.out(ctx, stop) || (w.MaxItems > 0 && items >= w.MaxItems) {
				done = false
				break
			}
			items += len(chunk)
			if r.chunk(ctx, chunk) == 0 {
				backoff = 0
				cursor = chunk[len(chunk)-1].Pos
				continue
			}
			// What failed stays due, right after cursor. Out of time: the
			// continuation sends it; throttled or down: wait, then read
			// it again before anything after it.
			done = false
			if p.ranOut {
				stop = w.clock()
				break
			}
			sum.Throttled++
			backoff = min(max(2*backoff, time.Second), maxBackoff)
			if w.clock().Add(backoff).After(stop) || w.sleep(ctx, backoff) != nil {
				stop = w.clock()
			}
			break
		}
	}
	// A job continues only when it got on: one that met nothing but a
	// throttling or failing publisher, or had no time to start, leaves its
	// shard to the next dispatch rather than chaining idle continuations.
	if !done {
		sum.Complete = false
	}
	if !done && items > 0 && (sum.Sent > 0 || sum.Throttled == 0) {
		next := Job{Class: job.Class, Shard: job.Shard, Now: sum.Now, Cursor: cursor, Hop: job.Hop + 1}
		if err := w.Queue.Enqueue(ctx, []Job{next}); err != nil {
			return w.finish(sum, start), errs.E(op, errs.KindOf(err), err)
		}
		sum.Continued = true
	}
	sum = w.finish(sum, start)
	log.Info("reminder worker", "class", job.Class, "shard", job.Shard, "now", sum.Now, "hop", job.Hop,
		"read", sum.Read, "due", sum.Due, "sent", sum.Sent, "failed", sum.Failed, "skipped", sum.Skipped,
		"throttled", sum.Throttled, "continued", sum.Continued, "elapsedMs", sum.ElapsedMs)
	return sum, nil
}

func (w *Worker) finish(sum Summary, start time.Time) Summary {
	sum.ElapsedMs = w.clock().Sub(start).Milliseconds()
	return sum
}

// stopAt is when a job that started at start stops taking new work: after
// Budget, and Margin before ctx's deadline; the zero time for neither.
func (w *Worker) stopAt(ctx context.Context, start time.Time) time.Time {
	var stop time.Time
	if w.Budget > 0 {
		stop = start.Add(w.Budget)
	}
	if d, ok := ctx.Deadline(); ok {
		margin := w.Margin
		if margin <= 0 {
			margin = deadlineMargin
		}
		if end := d.Add(-margin); stop.IsZero() || end.Before(stop) {
			stop = end
		}
	}
	if stop.IsZero() {
		stop = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return stop
}

// out reports whether the job must stop taking new work.
func (w *Worker) out(ctx context.Context, stop time.Time) bool {
	return ctx.Err() != nil || !w.clock().Before(stop)
}

// pacer publishes a job's messages paced to its worker's Limits.
type pacer struct {
	w    *Worker
	stop time.Time
	// ranOut says a message was not sent because it could only have gone
	// after stop.
	ranOut bool
}

// publish sends msgs in order, each when the limits allow its channel and
// one more publish, in batches of what may go at once (at most 10, one
// PublishBatch call). A message that could only go after stop is not sent
// (Unavailable: it stays due and the job's continuation sends it). When the
// publisher answers Unavailable (SNS throttling included), the limits of
// what failed slow down (pace.Limits.Throttled).
func (p *pacer) publish(ctx context.Context, msgs []message.Message) map[string]error {
	const op = "reminders.pace"
	w := p.w
	failed := map[string]error{}
	var batch []message.Message
	flush := func() {
		if len(batch) == 0 {
			return
		}
		res := w.Publisher.Publish(ctx, batch)
		var slow []string
		for _, m := range batch {
			if err, bad := res[m.ID]; bad && errs.Is(err, errs.Unavailable) {
				slow = append(slow, m.Attributes[message.AttrChannel], limitPublish)
			}
		}
		if len(slow) > 0 {
			w.Limits.Throttled(w.clock(), slow...)
		}
		maps.Copy(failed, res)
		batch = nil
	}
	for i, m := range msgs {
		for {
			d := w.Limits.Take(w.clock(), m.Attributes[message.AttrChannel], limitPublish)
			if d == 0 {
				batch = append(batch, m)
				if len(batch) == maxBatch {
					flush()
				}
				break
			}
			flush() // what may go now goes before the wait
			var err error
			if w.clock().Add(d).After(p.stop) {
				p.ranOut = true
				err = errors.New("not sent: the job's time is up")
			} else if serr := w.sleep(ctx, d); serr != nil {
				err = serr
			}
			if err != nil {
				for _, rest := range msgs[i:] {
					failed[rest.ID] = errs.E(op, errs.Unavailable, err)
				}
				return failed
			}
		}
	}
	flush()
	return failed
}

// maxBatch is what one PublishBatch call takes.
const maxBatch = 10
