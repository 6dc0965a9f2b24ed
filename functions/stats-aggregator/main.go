// Command stats-aggregator is the Lambda the table's change stream
// triggers: every change of an application, a booking, a slot or a
// waiting-list entry moves the managers' dashboards' counters, each
// change once (shared/adapter/store/statsstore), whatever the stream
// redelivers.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/store/statsfeed"
	"github.com/kabinet/kabinet/shared/app/aggregate"
	"github.com/kabinet/kabinet/shared/app/core"
)

// streamHandler is what the function does with a batch of stream records.
type streamHandler = func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

func main() {
	if err := run(context.Background(), os.Getenv, func(h streamHandler) { lambda.Start(h) }); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("init failed", "function", functions.StatsAggregator, "err", err.Error())
		os.Exit(1)
	}
}

// run composes the aggregator from its environment and hands its handler
// to start (lambda.Start, which never returns; a test passes its own).
// Errors: configuration.
func run(ctx context.Context, getenv func(string) string, start func(streamHandler)) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", functions.StatsAggregator)
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
		return err
	}
	cl, err := core.NewClients(ctx)
	if err != nil {
		return err
	}
	start(handler(aggregate.New(core.NewStore(cfg, cl, time.Now), time.Now), log))
	return nil
}

// handler applies a batch and reports the records it could not apply by
// their sequence numbers (partial batch responses): the mapping retries
// from the first of them, and the records before it are not read again.
// A record that does not convert is reported too; its retries end in the
// failure queue. The log line counts records, never says what they hold.
func handler(agg *statsfeed.Aggregator, log *slog.Logger) streamHandler {
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		var out events.DynamoDBEventResponse
		seq := map[string]string{}
		var changes []statsfeed.Change
		for _, r := range ev.Records {
			c, err := statsfeed.FromLambda(r)
			if err != nil {
				log.Error("stream record does not convert", "eventID", r.EventID, "error", err.Error())
				out.BatchItemFailures = append(out.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
				continue
			}
			seq[c.ID] = r.Change.SequenceNumber
			changes = append(changes, c)
		}
		failed, err := agg.Apply(ctx, changes)
		for _, id := range failed {
			out.BatchItemFailures = append(out.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq[id]})
		}
		if err != nil {
			log.Error("stats batch", "records", len(ev.Records), "failed", len(out.BatchItemFailures), "error", err.Error())
		} else {
			log.Info("stats batch", "records", len(ev.Records), "failed", len(out.BatchItemFailures))
		}
		return out, nil
	}
}
