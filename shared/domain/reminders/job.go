package reminders

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Job is one unit of the pipeline's work: drain the items of one shard of
// one class's part of the due index that are due at Now, continuing after
// Cursor. A Job names what to do, not a claim: running it twice, or two of
// the same shard at once, sends nothing twice (each item is claimed).
type Job struct {
	Class Class     `json:"class"`
	Shard int       `json:"shard"`
	Now   time.Time `json:"now"`
	// Cursor is where in the shard a continuation resumes ("" from the
	// oldest item due).
	Cursor string `json:"cursor,omitempty"`
	// Hop counts the continuations before this job: 0 for the dispatcher's.
	Hop int `json:"hop,omitempty"`
}

// Group is the job's shard as a string: jobs of one group are drained one
// at a time, in order (the FIFO queue's message group).
func (j Job) Group() string { return strconv.Itoa(j.Shard) }

// Key names what the job does: two jobs with the same key are the same
// work, so a queue may keep one of them (SQS FIFO deduplication). It is at
// most 64 characters of [0-9a-f].
func (j Job) Key() string {
	h := sha256.Sum256([]byte(string(j.Class) + "\x00" + strconv.Itoa(j.Shard) + "\x00" +
		j.Now.UTC().Format(time.RFC3339Nano) + "\x00" + j.Cursor))
	return hex.EncodeToString(h[:])
}

// Valid reports whether the job names a class, a shard and an instant.
func (j Job) Valid() bool { return j.Class.Valid() && j.Shard >= 0 && !j.Now.IsZero() }

// JobQueue takes jobs for the workers: one queue per class, the jobs of one
// shard drained in order, one at a time (shared/adapter/queue on SQS FIFO;
// Backlog in one process).
type JobQueue interface {
	// Enqueue adds jobs, each to its class's queue, all or an error; a job
	// the queue already holds under its Key may be dropped.
	// Errors: Invalid (a job that is not Valid), Unavailable, Internal.
	Enqueue(ctx context.Context, jobs []Job) error
}

// DueReader is the part of Store the dispatcher reads.
type DueReader interface {
	DueItems(ctx context.Context, class Class, shard int, now time.Time, limit int, cursor string) ([]Due, string, int, error)
}

// Dispatcher decides, every minute, what work exists: a Job for every shard
// with something due. It is called by the reminder-dispatch function (and
// by RunAll); it never sends anything itself.
type Dispatcher struct {
	Store  DueReader
	Queue  JobQueue
	Shards map[Class]int // due-index shards of each class
	Log    *slog.Logger
	// Probes is how many shards are looked at in parallel; 16 when 0.
	Probes int
}

// Dispatch is what a Dispatcher did.
type Dispatch struct {
	Now time.Time `json:"now"`
	// Jobs counts the jobs enqueued by class.
	Jobs map[Class]int `json:"jobs"`
	// Probed counts the shards looked at; Unreadable those that could not
	// be, each of which got a job anyway (its worker will see).
	Probed     int `json:"probed"`
	Unreadable int `json:"unreadable"`
}

// Dispatch enqueues a Job at now for every shard of every class with an
// item due at now (or whose due items could not be read), the urgent ones
// first. It reads one index item per shard. now is the schedule's instant
// (the EventBridge event's time): a retried event makes the same jobs,
// which the queue drops as duplicates.
// Errors: Unavailable or Internal when the jobs could not be enqueued.
func (d *Dispatcher) Dispatch(ctx context.Context, now time.Time) (Dispatch, error) {
	now = now.UTC()
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	probes := d.Probes
	if probes <= 0 {
		probes = 16
	}
	var refs []Job
	for _, c := range Classes {
		for n := range d.Shards[c] {
			refs = append(refs, Job{Class: c, Shard: n, Now: now})
		}
	}
	found := make([]bool, len(refs))
	failed := make([]bool, len(refs))
	sem := make(chan struct{}, probes)
	var wg sync.WaitGroup
	for i, j := range refs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			due, _, _, err := d.Store.DueItems(ctx, j.Class, j.Shard, now, 1, "")
			found[i], failed[i] = len(due) > 0, err != nil
		})
	}
	wg.Wait()
	out := Dispatch{Now: now, Jobs: map[Class]int{}, Probed: len(refs)}
	var jobs []Job
	for i, j := range refs {
		if failed[i] {
			out.Unreadable++
		}
		if found[i] || failed[i] {
			jobs = append(jobs, j)
			out.Jobs[j.Class]++
		}
	}
	if out.Unreadable > 0 {
		log.Warn("reminder dispatch: shards unreadable, dispatched anyway", "unreadable", out.Unreadable)
	}
	if len(jobs) > 0 {
		if err := d.Queue.Enqueue(ctx, jobs); err != nil {
			return out, errs.E("reminders.Dispatch", errs.KindOf(err), err)
		}
	}
	log.Info("reminder dispatch", "now", now, "urgent", out.Jobs[ClassUrgent], "document", out.Jobs[ClassDocument], "probed", out.Probed)
	return out, nil
}
