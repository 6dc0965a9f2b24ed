// Command org-digest is the Lambda a weekly EventBridge schedule triggers:
// every organisation gets its digest of employees' expiring and expired
// documents (consented types only) through the notifications topic. It
// takes "now" from the event's time, so a replayed event replays that week.
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
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/orgstore"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/orgs"
)

// eventHandler is what the function does with a scheduled event.
type eventHandler = func(context.Context, events.EventBridgeEvent) (orgs.DigestRun, error)

func main() {
	if err := run(context.Background(), os.Getenv, func(h eventHandler) { lambda.Start(h) }); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("init failed", "function", functions.OrgDigest, "err", err.Error())
		os.Exit(1)
	}
}

// run composes the digest from its environment — configuration, clients,
// store, publisher, the organisations' service — and hands its handler to
// start (lambda.Start, which never returns; a test passes its own).
// Errors: configuration, REMINDERS_TOPIC_ARN unset.
func run(ctx context.Context, getenv func(string) string, start func(eventHandler)) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", functions.OrgDigest)
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
		return err
	}
	if cfg.Reminders == "" {
		return errors.New("REMINDERS_TOPIC_ARN is not set")
	}
	cl, err := core.NewClients(ctx)
	if err != nil {
		return err
	}
	st := core.NewStore(cfg, cl, time.Now)
	// each run's counts are also the organisation's dashboard's point
	svc := &orgs.Service{Store: orgstore.New(docstore.New(st)), Now: time.Now, NewID: ids.New, Publisher: core.Publisher(cfg, cl),
		Points: statsstore.New(st)}
	start(handler(svc, log))
	return nil
}

// handler runs one weekly digest for a scheduled event.
func handler(svc *orgs.Service, log *slog.Logger) eventHandler {
	return func(ctx context.Context, ev events.EventBridgeEvent) (orgs.DigestRun, error) {
		if ev.Time.IsZero() {
			return orgs.DigestRun{}, errors.New("scheduled event without a time")
		}
		run, err := svc.DigestAll(ctx, ev.Time)
		if err == nil {
			log.Info("org digest", "organizations", run.Organizations, "published", run.Published, "failed", len(run.Failed))
		}
		return run, err
	}
}
