package remindstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// TestClaimTakesOnlyAPendingDecision walks one reminder decision through
// the runs that meet it. A decision whose lease ended may be taken over only
// while it is still pending: once it is recorded sent, no later run may
// claim it again, however old its lease, or the same reminder would be
// published twice.
func TestClaimTakesOnlyAPendingDecision(t *testing.T) {
	ctx := context.Background()
	cl, name := testenv.Table(t, "claim")
	st := allstore.New(cl.DynamoDB, name)
	const lease = 5 * time.Minute
	t0 := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	decision := func(now time.Time) reminders.Decision {
		return reminders.Decision{Owner: "anna", DocID: "doc-1", Key: "2026-12-31#before-30", LeaseUntil: now.Add(lease)}
	}
	var held reminders.Decision // the decision as the last run that claimed it holds it
	for _, step := range []struct {
		name        string
		now         time.Time
		before      func(t *testing.T) // what the holder does first, at now
		wantClaimed bool
		wantStatus  string
		wantSent    []string
	}{
		{name: "the first run creates it", now: t0,
			wantClaimed: true, wantStatus: reminders.DecisionPending},
		{name: "a concurrent run finds it leased", now: at(time.Minute),
			wantClaimed: false, wantStatus: reminders.DecisionPending},
		{name: "after the holder released it, with SMS sent, the next run takes it over", now: at(2 * time.Minute),
			before: func(t *testing.T) {
				held.SentChannels = []string{registry.ChannelSMS}
				if err := st.Release(ctx, held); err != nil {
					t.Fatalf("Release: %v", err)
				}
			},
			wantClaimed: true, wantStatus: reminders.DecisionPending, wantSent: []string{registry.ChannelSMS}},
		{name: "at the very end of that run's lease it is still held", now: at(2*time.Minute + lease),
			wantClaimed: false, wantStatus: reminders.DecisionPending, wantSent: []string{registry.ChannelSMS}},
		{name: "after its lease lapsed, a pending decision is taken over", now: at(10 * time.Minute),
			wantClaimed: true, wantStatus: reminders.DecisionPending, wantSent: []string{registry.ChannelSMS}},
		{name: "once recorded sent, it is not claimed even with its lease long over", now: at(time.Hour),
			before: func(t *testing.T) {
				held.SentChannels = []string{registry.ChannelSMS, registry.ChannelEmail}
				if err := st.Complete(ctx, held, inbox.Notification{}, registry.Event{}); err != nil {
					t.Fatalf("Complete: %v", err)
				}
			},
			wantClaimed: false, wantStatus: reminders.DecisionSent, wantSent: []string{registry.ChannelSMS, registry.ChannelEmail}},
		{name: "nor a day later", now: at(24 * time.Hour),
			wantClaimed: false, wantStatus: reminders.DecisionSent, wantSent: []string{registry.ChannelSMS, registry.ChannelEmail}},
	} {
		t.Run(step.name, func(t *testing.T) {
			if step.before != nil {
				step.before(t)
			}
			got, claimed, err := st.Claim(ctx, decision(step.now), step.now)
			if err != nil {
				t.Fatalf("Claim: %v", err)
			}
			if claimed != step.wantClaimed {
				t.Errorf("claimed = %v, want %v (stored %+v)", claimed, step.wantClaimed, got)
			}
			if got.Status != step.wantStatus {
				t.Errorf("status = %q, want %q", got.Status, step.wantStatus)
			}
			if !slices.Equal(got.SentChannels, step.wantSent) {
				t.Errorf("sent channels = %v, want %v", got.SentChannels, step.wantSent)
			}
			if claimed {
				held = got
			}
		})
	}
}
