package reminders_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/notify"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/inbox"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// crashing is the real store whose Complete or Advance fails once, as if
// the run died right there: the step before it (the publish, the record)
// happened for real, the step itself did not. DynamoDB Local cannot be made
// to fail one chosen write, hence this fake.
type crashing struct {
	reminders.Store
	op string // "Complete" or "Advance"

	mu      sync.Mutex
	crashed bool
}

var errCrash = errors.New("injected crash")

func (c *crashing) crashNow(op string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.op != op || c.crashed {
		return false
	}
	c.crashed = true
	return true
}

func (c *crashing) Complete(ctx context.Context, d reminders.Decision, n inbox.Notification, ev registry.Event) error {
	if c.crashNow("Complete") {
		return errs.E("test.Complete", errs.Unavailable, errCrash)
	}
	return c.Store.Complete(ctx, d, n, ev)
}

func (c *crashing) Advance(ctx context.Context, ref reminders.Ref, read *time.Time, next registry.Reminder) error {
	if c.crashNow("Advance") {
		return errs.E("test.Advance", errs.Unavailable, errCrash)
	}
	return c.Store.Advance(ctx, ref, read, next)
}

// TestRunAfterACrashSendsNothingTwice: a run publishes a reminder and dies
// before it is all written down. The next run must finish the job exactly
// as the design says.
//
//   - Died after recording the decision sent, before moving the document to
//     its next step: the next run finds the decision sent and only moves the
//     document on; nothing is published again, and the document stops being due.
//   - Died after publishing, before recording it sent: the decision is still
//     pending under the dead run's lease. Until the lease ends nobody
//     touches it; then the next run publishes once more, with the same
//     message ids (consumers deduplicate on them: "a crash between the two
//     may repeat one message"), records it and moves on.
func TestRunAfterACrashSendsNothingTwice(t *testing.T) {
	type run struct {
		at       string
		want     []string // delivered, as summarize prints them
		wantSent int
		wantSkip int
	}
	first := []string{"anna/email/document_expiring/30", "anna/sms/document_expiring/30"}
	for _, tc := range []struct {
		name  string
		crash string
		runs  []run // after the crashing run at 06:00 UTC
		// sameIDs: a repeated publish carries the ids of the first one.
		sameIDs bool
	}{
		{name: "crash before advancing", crash: "Advance",
			runs: []run{
				{at: "2026-12-01T06:02:00Z", want: nil, wantSkip: 1}, // found sent: moved on, not republished
				{at: "2026-12-01T06:10:00Z", want: nil},              // no longer due
			}},
		{name: "crash before recording", crash: "Complete", sameIDs: true,
			runs: []run{
				{at: "2026-12-01T06:02:00Z", want: nil, wantSkip: 1}, // the dead run's lease still holds
				{at: "2026-12-01T06:10:00Z", want: first, wantSent: 1},
				{at: "2026-12-01T06:15:00Z", want: nil},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.person("anna", "Europe/Moscow")
			doc := e.document("anna", "2026-12-31", time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC))
			healthy := e.scanner
			e.scanner = e.newScanner(&notify.Publisher{SNS: e.cl.SNS, TopicARN: e.topicARN})
			e.scanner.Store = &crashing{Store: healthy.Store, op: tc.crash}

			e.scan("2026-12-01T06:00:00Z")
			firstMsgs := e.drain()
			if got := summarize(firstMsgs); !slices.Equal(got, first) {
				t.Fatalf("the crashing run delivered %v, want %v", got, first)
			}
			ids := dedupeIDs(firstMsgs)
			if slices.Contains(ids, "") {
				t.Fatalf("a message without a dedupeId: %v", ids)
			}
			e.scanner = healthy
			for _, r := range tc.runs {
				sum := e.scan(r.at)
				msgs := e.drain()
				if got := summarize(msgs); !slices.Equal(got, r.want) {
					t.Errorf("run at %s delivered %v, want %v (summary %+v)", r.at, got, r.want, sum)
				}
				if len(msgs) > 0 && tc.sameIDs {
					if got := dedupeIDs(msgs); !slices.Equal(got, ids) {
						t.Errorf("run at %s republished with ids %v, want the first run's %v", r.at, got, ids)
					}
				}
				if sum.Sent != r.wantSent || sum.Skipped != r.wantSkip || sum.Failed != 0 {
					t.Errorf("run at %s: sent %d, skipped %d, failed %d; want %d, %d, 0 (%+v)",
						r.at, sum.Sent, sum.Skipped, sum.Failed, r.wantSent, r.wantSkip, sum)
				}
			}

			// The document moved to its next step, 7 days before expiry at
			// 09:00 Moscow, and the step is on record once.
			e.clock = time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
			v, err := e.docs.GetDocument(e.ctx, "anna", doc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := v.Reminder.NextAt, time.Date(2026, 12, 24, 6, 0, 0, 0, time.UTC); got == nil || !got.Equal(want) {
				t.Errorf("next reminder at %v, want %v", got, want)
			}
			hist, err := e.docs.History(e.ctx, "anna", doc.ID, 100, "")
			if err != nil {
				t.Fatal(err)
			}
			var steps []string
			for _, ev := range hist.Items {
				if ev.Action == registry.ActionReminderSent {
					steps = append(steps, ev.Step)
				}
			}
			if want := []string{"before-30"}; !slices.Equal(steps, want) {
				t.Errorf("reminders on record = %v, want %v", steps, want)
			}
			page, err := (&inbox.Service{Store: e.store, Now: time.Now}).List(e.ctx, "anna", false, 100, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := len(page.Items); got != 1 {
				t.Errorf("inbox holds %d notifications, want 1", got)
			}
		})
	}
}

func dedupeIDs(msgs []delivered) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Attrs["dedupeId"])
	}
	slices.Sort(out)
	return out
}
