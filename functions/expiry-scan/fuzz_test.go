package main

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/kabinet/kabinet/shared/domain/message"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

var errDown = errs.E("fuzz.store", errs.Unavailable, errors.New("dynamodb unreachable"))

// downStore fails every call at once, as a store that cannot reach DynamoDB.
type downStore struct{ calls int }

func (d *downStore) DueItems(context.Context, reminders.Class, int, time.Time, int, string) ([]reminders.Due, string, int, error) {
	d.calls++
	return nil, "", 0, errDown
}
func (d *downStore) GetProfile(context.Context, string) (registry.Profile, error) {
	d.calls++
	return registry.Profile{}, errDown
}
func (d *downStore) Claim(_ context.Context, x reminders.Decision, _ time.Time) (reminders.Decision, bool, error) {
	d.calls++
	return x, false, errDown
}
func (d *downStore) Complete(context.Context, reminders.Decision, inbox.Notification, registry.Event) error {
	d.calls++
	return errDown
}
func (d *downStore) Release(context.Context, reminders.Decision) error { d.calls++; return errDown }
func (d *downStore) Advance(context.Context, reminders.Ref, *time.Time, registry.Reminder) error {
	d.calls++
	return errDown
}

type noPlaces struct{}

func (noPlaces) Institution(context.Context, string) (directory.Institution, error) {
	return directory.Institution{}, errDown
}
func (noPlaces) Specialist(context.Context, string) (directory.Specialist, error) {
	return directory.Specialist{}, errDown
}

type noPublisher struct{}

func (noPublisher) Publish(_ context.Context, msgs []message.Message) map[string]error {
	out := map[string]error{}
	for _, m := range msgs {
		out[m.ID] = errDown
	}
	return out
}

// FuzzScheduledEvent feeds arbitrary EventBridge envelopes to the expiry
// scan's handler with storage down: it never panics, refuses an event
// without a time before touching storage, and otherwise scans at the
// event's time and reports storage's failure.
func FuzzScheduledEvent(f *testing.F) {
	b, err := os.ReadFile("../../events/scheduled-expiry-scan.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"time":"0001-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"time":"9999-12-31T23:59:59+14:00","detail":null}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var ev events.EventBridgeEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return // the Lambda runtime refuses what does not decode
		}
		st := &downStore{}
		s := &reminders.Scanner{Store: st, Publisher: noPublisher{}, Places: noPlaces{},
			NewID: func() string { return "id" }, Log: slog.New(slog.DiscardHandler),
			Shards: map[reminders.Class]int{reminders.ClassUrgent: 1, reminders.ClassDocument: 1}}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		sum, err := handler(s)(ctx, ev)
		if ev.Time.IsZero() {
			if err == nil || st.calls != 0 {
				t.Fatalf("an event without a time: err %v, %d store calls", err, st.calls)
			}
			return
		}
		if err == nil {
			t.Fatalf("storage is down, yet the scan succeeded: %+v", sum)
		}
		if !errs.Is(err, errs.Unavailable) {
			t.Fatalf("err = %v, want the store's Unavailable", err)
		}
	})
}
