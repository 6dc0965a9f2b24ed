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
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/appstore"
	"github.com/kabinet/kabinet/shared/adapter/store/bookingstore"
	"github.com/kabinet/kabinet/shared/adapter/store/docstore"
	"github.com/kabinet/kabinet/shared/adapter/store/familystore"
	"github.com/kabinet/kabinet/shared/adapter/store/handoverstore"
	"github.com/kabinet/kabinet/shared/adapter/store/remindstore"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/app/deadlines"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// eventHandler is what the function does with a scheduled event.
type eventHandler = func(context.Context, events.EventBridgeEvent) (reminders.Summary, error)

func main() {
	if err := run(context.Background(), os.Getenv, func(h eventHandler) { lambda.Start(h) }); err != nil {
		slog.New(slog.NewJSONHandler(os.Stdout, nil)).Error("init failed", "function", functions.ExpiryScan, "err", err.Error())
		os.Exit(1)
	}
}

// run composes the scan from its environment — configuration, clients,
// store, publisher, the applications service for response deadlines,
// scanner — and hands its handler to start (lambda.Start,
// which never returns; a test passes its own).
// Errors: configuration, REMINDERS_TOPIC_ARN unset.
func run(ctx context.Context, getenv func(string) string, start func(eventHandler)) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("function", functions.ExpiryScan)
	cfg, err := core.ReadConfig(getenv)
	if err != nil {
		return err
	}
	if cfg.Reminders == "" {
		return errors.New(notify.Reminders.Env + " is not set")
	}
	cl, err := core.NewClients(ctx)
	if err != nil {
		return err
	}
	st := core.NewStore(cfg, cl, time.Now)
	bk := bookingstore.New(st)
	places := &directory.Cache{Load: bk.LoadDirectory, Now: time.Now}
	scanner := &reminders.Scanner{
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
		NewID:  ids.New,
		Log:    log,
		Shards: store.DueShards,
	}
	start(handler(scanner))
	return nil
}

// handler runs one scan for a scheduled event.
func handler(s *reminders.Scanner) eventHandler {
	return func(ctx context.Context, ev events.EventBridgeEvent) (reminders.Summary, error) {
		if ev.Time.IsZero() {
			return reminders.Summary{}, errors.New("scheduled event without a time")
		}
		return s.Run(ctx, ev.Time)
	}
}
