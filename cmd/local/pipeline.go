package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// localWorkers is how many worker goroutines read each class's queue.
const localWorkers = 2

// localJobBudget bounds one job's time, as the worker function's timeout
// does in AWS: a longer one continues in a new job.
const localJobBudget = 50 * time.Second

// dispatchEveryMinute runs the dispatcher at each minute of real time, as
// the deployed schedule does.
func dispatchEveryMinute(ctx context.Context, d *reminders.Dispatcher, out io.Writer) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			dis, err := d.Dispatch(ctx, now.Truncate(time.Minute))
			switch {
			case err != nil && ctx.Err() == nil:
				fmt.Fprintln(out, "reminder dispatch failed:", err)
			case dis.Jobs[reminders.ClassUrgent]+dis.Jobs[reminders.ClassDocument] > 0:
				fmt.Fprintf(out, "reminder dispatch %s: %d urgent, %d document jobs\n", now.Format(time.TimeOnly),
					dis.Jobs[reminders.ClassUrgent], dis.Jobs[reminders.ClassDocument])
			}
		}
	}
}

// runWorkers reads the emulator's job queues with localWorkers goroutines
// per class until ctx ends, as the worker function's event sources do, and
// prints what each job sent. It returns when every goroutine has stopped.
func runWorkers(ctx context.Context, jobs *queue.Jobs, w *reminders.Worker, out io.Writer, log *slog.Logger) {
	var wg sync.WaitGroup
	for _, class := range reminders.Classes {
		for range localWorkers {
			wg.Go(func() {
				for ctx.Err() == nil {
					got, err := jobs.Receive(ctx, class, 1, time.Second)
					if err != nil {
						if ctx.Err() == nil {
							log.Warn("local worker: receive failed", "class", class, "err", err.Error())
							sleepCtx(ctx, time.Second)
						}
						continue
					}
					for _, r := range got {
						jctx, cancel := context.WithTimeout(ctx, localJobBudget+10*time.Second)
						sum, err := w.Drain(jctx, r.Job)
						cancel()
						if err != nil {
							// Left in the queue: SQS delivers it again after its visibility timeout.
							fmt.Fprintf(out, "reminder job %s/%d failed: %v\n", r.Job.Class, r.Job.Shard, err)
							continue
						}
						if err := jobs.Done(ctx, r); err != nil && ctx.Err() == nil {
							log.Warn("local worker: could not delete a drained job", "err", err.Error())
						}
						if sum.Due > 0 {
							fmt.Fprintf(out, "reminder job %s/%d: due %d, sent %d, failed %d, skipped %d%s\n", r.Job.Class, r.Job.Shard,
								sum.Due, sum.Sent, sum.Failed, sum.Skipped, map[bool]string{true: ", continued"}[sum.Continued])
						}
					}
				}
			})
		}
	}
	wg.Wait()
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
