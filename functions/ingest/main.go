// Command ingest is the Lambda an EventBridge rule on the agencies' bus
// invokes with each DocumentIssued and DocumentRevoked event. It applies the
// event once (a redelivered event is answered "duplicate") and returns what
// it did.
//
// A failed event is returned as an error naming the reason and the refused
// fields. EventBridge invokes the function asynchronously: Lambda retries a
// failed invocation and then sends the event, with that error, to the
// function's on-failure destination (an SQS dead-letter queue). A malformed
// event is an errs.Invalid error: it wrote nothing and will fail the same way
// on every retry, so the retries only delay it reaching the queue.
//
// The same function applies laboratories' LabResultIssued events (their
// results copied into people's files) and GuardDuty Malware Protection's
// scan results on the files bucket.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/eventbridge"
	"github.com/kabinet/kabinet/shared/adapter/store/appstore"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/ingeststore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/filing/intake"
	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// eventHandler is what the function does with a bus event.
type eventHandler = func(context.Context, events.EventBridgeEvent) (ingest.Result, error)

func main() {
	if err := run(context.Background(), os.Getenv, func(h eventHandler) { lambda.Start(h) }); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("init failed", "function", functions.Ingest, "err", err.Error())
		os.Exit(1)
	}
}

// run composes the ingestion from its environment — configuration,
// clients, store, the registry and applications services (an issued
// document closes the application it answers, which tells the person), the
// ingest service with laboratories' results when there is a files bucket,
// and GuardDuty's scan verdicts on that bucket — and hands its handler to start (lambda.Start, which
// never returns; a test passes its own). Errors: configuration.
func run(ctx context.Context, getenv func(string) string, start func(eventHandler)) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", functions.Ingest)
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
		return err
	}
	cl, err := core.NewClients(ctx)
	if err != nil {
		return err
	}
	st := docstore.New(core.NewStore(cfg, cl, time.Now))
	docs := &registry.Service{Store: st, Now: time.Now, NewID: ids.New}
	apps := &applications.Service{Store: appstore.New(st.Store), Profiles: docs, Documents: docs, Renewals: docs, Now: time.Now, NewID: ids.New,
		Log: log}
	svc := &ingest.Service{Store: ingeststore.New(st), Now: time.Now, NewID: ids.New, Log: log, Applications: apps, Payments: apps,
		Labs: intake.Labs(cfg, cl, time.Now, log)}
	start(eventbridge.Events(svc, intake.ScanVerdicts(cfg, cl, time.Now)))
	return nil
}
