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
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/orgs"
)

func main() {
	ctx := context.Background()
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", core.FnOrgDigest)
	svc, err := build(ctx, os.Getenv)
	if err != nil {
		log.Error("init failed", "err", err.Error())
		os.Exit(1)
	}
	lambda.Start(handler(svc, log))
}

func build(ctx context.Context, getenv func(string) string) (*orgs.Service, error) {
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
		return nil, err
	}
	if cfg.Reminders == "" {
		return nil, errors.New("REMINDERS_TOPIC_ARN is not set")
	}
	cl, err := core.NewClients(ctx)
	if err != nil {
		return nil, err
	}
	return core.Orgs(cfg, cl, time.Now), nil
}

// handler runs one weekly digest for a scheduled event.
func handler(svc *orgs.Service, log *slog.Logger) func(context.Context, events.EventBridgeEvent) (orgs.DigestRun, error) {
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
