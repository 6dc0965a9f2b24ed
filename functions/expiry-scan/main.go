// Command expiry-scan is the Lambda the EventBridge schedule triggers every
// 15 minutes. It sends the document reminders due at the event's time
// (never the clock's: a replayed event replays that moment) and returns the
// run's summary.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

func main() {
	ctx := context.Background()
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", "expiry-scan")
	scanner, err := build(ctx, os.Getenv, log)
	if err != nil {
		log.Error("init failed", "err", err.Error())
		os.Exit(1)
	}
	lambda.Start(handler(scanner))
}

func build(ctx context.Context, getenv func(string) string, log *slog.Logger) (*reminders.Scanner, error) {
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
		return nil, err
	}
	cl, err := core.NewClients(ctx)
	if err != nil {
		return nil, err
	}
	return core.Scanner(cfg, cl, log)
}

// handler runs one scan for a scheduled event.
func handler(s *reminders.Scanner) func(context.Context, events.EventBridgeEvent) (reminders.Summary, error) {
	return func(ctx context.Context, ev events.EventBridgeEvent) (reminders.Summary, error) {
		if ev.Time.IsZero() {
			return reminders.Summary{}, errors.New("scheduled event without a time")
		}
		return s.Run(ctx, ev.Time)
	}
}
