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
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/kabinet/kabinet/shared/adapter/eventbridge"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

func main() {
	ctx := context.Background()
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", core.FnIngest)
	svc, err := build(ctx, os.Getenv, log)
	if err != nil {
		log.Error("init failed", "err", err.Error())
		os.Exit(1)
	}
	lambda.Start(eventbridge.Ingest(svc))
}

func build(ctx context.Context, getenv func(string) string, log *slog.Logger) (*ingest.Service, error) {
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
		return nil, err
	}
	cl, err := core.NewClients(ctx)
	if err != nil {
		return nil, err
	}
	return core.Ingest(cfg, cl, time.Now, log), nil
}
