// Command reminder-worker is the Lambda the reminder job queues (SQS FIFO,
// one per class) feed through event source mappings whose maximum
// concurrency bounds the workers. Each job drains one shard of the due
// index, paced to this worker's share of the send rates, and enqueues its
// own continuation when its time runs out. A job that fails is reported
// back (with every later one of the batch: a FIFO group keeps its order),
// so SQS delivers it again; its items are claimed, so nothing is sent twice.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/queue"
	"github.com/kabinet/kabinet/shared/adapter/store/appstore"
	"github.com/kabinet/kabinet/shared/adapter/store/bookingstore"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/familystore"
	"github.com/kabinet/kabinet/shared/adapter/store/handoverstore"
	"github.com/kabinet/kabinet/shared/adapter/store/remindstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/deadlines"
	"github.com/kabinet/kabinet/shared/app/erasing"
	"github.com/kabinet/kabinet/shared/app/pipeline"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// sqsHandler is what the function does with a batch of jobs.
type sqsHandler = func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)

func main() {
	if err := run(context.Background(), os.Getenv, func(h sqsHandler) { lambda.Start(h) }); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("init failed", "function", functions.ReminderWorker, "err", err.Error())
		os.Exit(1)
	}
}

// run composes the worker from its environment — configuration, the job
// queues and send rates, clients, store, publisher — and hands its handler
// to start (lambda.Start, which never returns; a test passes its own). This
// process runs one job at a time and keeps to its share of the rates.
// Errors: configuration, REMINDERS_TOPIC_ARN or a job queue's URL unset, a
// rate or the concurrency malformed.
func run(ctx context.Context, getenv func(string) string, start func(sqsHandler)) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", functions.ReminderWorker)
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
		return err
	}
	if cfg.Reminders == "" {
		return errors.New(notify.Reminders.Env + " is not set")
	}
	p, err := pipeline.Read(getenv)
	if err != nil {
		return err
	}
	cl, err := core.NewClients(ctx)
	if err != nil {
		return err
	}
	st := core.NewStore(cfg, cl, time.Now)
	bk := bookingstore.New(st)
	places := &directory.Cache{Load: bk.LoadDirectory, Now: time.Now}
	w := &reminders.Worker{
		Store:     remindstore.New(st),
		Publisher: core.Publisher(cfg, cl),
		Places:    places,
		Deadlines: deadlines.On(appstore.New(st), docstore.New(st), log),
		// a lapsed waiting-list offer goes to the next in line
		Offers: &booking.Service{Store: bk, Places: places, Profiles: st, Now: time.Now, NewID: ids.New, Waits: bk},
		// a child's 18th birthday offers the hand-over of their documents;
		// its deadline, unredeemed, archives them
		GrownUps: &family.Service{Store: familystore.New(st), Now: time.Now, NewID: ids.New, Today: family.HolderToday(st, time.Now),
			Zone: family.HolderZone(st), Language: family.HolderLanguage(st), Handovers: handoverstore.New(st, ids.New)},
		// a person's erasure runs here, a page of it a visit, until done
		Erasures: erasing.Service(cfg, cl, st, time.Now, log),
		NewID:    ids.New,
		Log:      log,
		Queue:    pipeline.Jobs(p, cl),
		Limits:   p.Rates.Share(p.Workers).Limits(),
	}
	start(handler(w, log))
	return nil
}

// handler drains the jobs of one SQS batch in order. A message that is not
// a job is dropped (it never will be one); after a job fails, it and the
// rest of the batch are reported failed.
func handler(w *reminders.Worker, log *slog.Logger) sqsHandler {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		failed := false
		for _, rec := range ev.Records {
			if failed {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
				continue
			}
			job, err := queue.Decode(rec.Body)
			if err != nil {
				log.Warn("reminder worker: not a job, dropped", "messageId", rec.MessageId)
				continue
			}
			sum, err := w.Drain(ctx, job)
			for _, l := range sum.Metrics(job.Class, time.Now()) {
				log.Info("reminder job metrics", l.Attrs()...)
			}
			if err != nil {
				log.Warn("reminder worker: job failed; SQS delivers it again", "class", job.Class, "shard", job.Shard, "err", err.Error())
				failed = true
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
			}
		}
		return resp, nil
	}
}
