package reminders

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Backlog is a JobQueue in memory: the pipeline's queues inside one
// process, the most urgent class first and each class in the order its
// jobs came. RunAll uses one.
type Backlog struct {
	mu   sync.Mutex
	jobs map[Class][]Job
	keys map[string]bool
}

// Enqueue implements JobQueue; a job whose Key the backlog already held is
// dropped, as the SQS FIFO queues do.
func (b *Backlog) Enqueue(_ context.Context, jobs []Job) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.jobs == nil {
		b.jobs, b.keys = map[Class][]Job{}, map[string]bool{}
	}
	for _, j := range jobs {
		if k := j.Key(); !b.keys[k] {
			b.keys[k] = true
			b.jobs[j.Class] = append(b.jobs[j.Class], j)
		}
	}
	return nil
}

// Next takes the next job: the oldest of the most urgent class that has one.
func (b *Backlog) Next() (Job, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range Classes {
		if q := b.jobs[c]; len(q) > 0 {
			b.jobs[c] = q[1:]
			return q[0], true
		}
	}
	return Job{}, false
}

// Pipeline is what RunAll did: the dispatch, and the work of every job
// drained after it, continuations included, added up.
type Pipeline struct {
	Summary
	Dispatch Dispatch `json:"dispatch"`
	// Jobs counts the jobs drained; Continuations those of them a worker
	// enqueued.
	Jobs          int `json:"jobs"`
	Continuations int `json:"continuations"`
}

// RunAll runs the pipeline once in this process, as /dev/expiry-scan does:
// d dispatches at now into a Backlog, and w drains every job of it, urgent
// ones first, continuations included, until none is left. d's and w's own
// Queue are not used. A job that fails is counted and the others go on.
// Errors: those of the dispatch (Unavailable, Internal).
func RunAll(ctx context.Context, d *Dispatcher, w *Worker, now time.Time) (Pipeline, error) {
	backlog := &Backlog{}
	dd, ww := *d, *w
	dd.Queue, ww.Queue = backlog, backlog
	out := Pipeline{Summary: Summary{Now: now.UTC(), ByKind: map[string]Counts{}, Complete: true}}
	dis, err := dd.Dispatch(ctx, now)
	out.Dispatch = dis
	if err != nil {
		return out, err
	}
	if ww.Log == nil {
		ww.Log = slog.Default()
	}
	start := ww.clock()
	for {
		job, ok := backlog.Next()
		if !ok {
			break
		}
		if job.Hop > 0 {
			out.Continuations++
		}
		out.Jobs++
		sum, err := ww.Drain(ctx, job)
		out.Add(sum)
		if err != nil {
			out.Complete = false
			ww.Log.Warn("reminders: a job failed", "class", job.Class, "shard", job.Shard, "err", err.Error())
		}
		if !sum.Complete && !sum.Continued {
			out.Complete = false
		}
		if ctx.Err() != nil {
			out.Complete = false
			break
		}
	}
	out.ElapsedMs = ww.clock().Sub(start).Milliseconds()
	return out, nil
}
