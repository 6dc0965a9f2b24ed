// Command reminder-dispatch is the Lambda an EventBridge schedule triggers
// every minute. It decides which shards of the due index have something due
// at the event's time (never the clock's: a retried event makes the same
// jobs, which the FIFO queues drop) and enqueues a job for each on its
// class's queue; reminder-worker drains them.
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
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/remindstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/pipeline"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// eventHandler is what the function does with a scheduled event.
type eventHandler = func(context.Context, events.EventBridgeEvent) (reminders.Dispatch, error)

func main() {
	if err := run(context.Background(), os.Getenv, func(h eventHandler) { lambda.Start(h) }); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("init failed", "function", functions.ReminderDispatch, "err", err.Error())
		os.Exit(1)
	}
}

// run composes the dispatcher from its environment — configuration, the
// job queues, clients, store — and hands its handler to start (lambda.Start,
// which never returns; a test passes its own).
// Errors: configuration, a job queue's URL unset.
func run(ctx context.Context, getenv func(string) string, start func(eventHandler)) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", functions.ReminderDispatch)
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
		return err
	}
	p, err := pipeline.Read(getenv)
	if err != nil {
		return err
	}
	cl, err := core.NewClients(ctx)
	if err != nil {
		return err
	}
	d := &reminders.Dispatcher{Store: remindstore.New(core.NewStore(cfg, cl, time.Now)), Queue: pipeline.Jobs(p, cl), Shards: store.DueShards, Log: log}
	start(handler(d))
	return nil
}

// handler dispatches the jobs of one scheduled event.
func handler(d *reminders.Dispatcher) eventHandler {
	return func(ctx context.Context, ev events.EventBridgeEvent) (reminders.Dispatch, error) {
		if ev.Time.IsZero() {
			return reminders.Dispatch{}, errors.New("scheduled event without a time")
		}
		return d.Dispatch(ctx, ev.Time)
	}
}
