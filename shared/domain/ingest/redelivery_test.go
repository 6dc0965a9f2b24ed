package ingest_test

import (
	"context"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/ingest"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// lockstep is the real store whose first n EventClaim calls are each held
// until all n have read: so every delivery finds no claim and goes on to
// write, the interleaving that only the claim's condition can resolve. Left
// to the scheduler, most copies would see the first one's claim and never
// race. Later calls (a copy re-checking the claim) pass straight through.
type lockstep struct {
	ingest.Store
	mu    sync.Mutex
	n     int
	calls int
	all   chan struct{}
}

func newLockstep(s ingest.Store, n int) *lockstep {
	return &lockstep{Store: s, n: n, all: make(chan struct{})}
}

func (l *lockstep) EventClaim(ctx context.Context, owner, eventID string) (ingest.Claim, bool, error) {
	c, ok, err := l.Store.EventClaim(ctx, owner, eventID)
	l.mu.Lock()
	l.calls++
	held := l.calls <= l.n
	if l.calls == l.n {
		close(l.all)
	}
	l.mu.Unlock()
	if held {
		<-l.all
	}
	return c, ok, err
}

// TestConcurrentRedeliveryAppliesOnce: EventBridge delivers at least once,
// and copies of one event can arrive at the same moment on several Lambda
// instances. Exactly one applies it — one document, one history entry, one
// notification, one claim — and every other copy answers duplicate, naming
// the same document.
func TestConcurrentRedeliveryAppliesOnce(t *testing.T) {
	revoked := event("ev-rv", ingest.DocumentRevoked, map[string]any{"citizenId": "alice", "agency": "mvd",
		"type": "foreign_passport", "number": "75 1234567", "reason": "Утрачен"})
	for _, tc := range []struct {
		name     string
		held     bool // mvd issued alice foreign passport 75 1234567 before the event
		copies   int
		ev       ingest.Event
		wantHist []registry.Action // the document's history, newest first
	}{
		{"a document issued, two copies", false, 2, event("ev-c2", ingest.DocumentIssued, issued("alice", "76 1234567", "")),
			[]registry.Action{registry.ActionCreated}},
		{"a document issued, eight copies", false, 8, event("ev-c8", ingest.DocumentIssued, issued("alice", "76 1234567", "")),
			[]registry.Action{registry.ActionCreated}},
		{"a document revoked, eight copies", true, 8, revoked,
			[]registry.Action{registry.ActionRevoked, registry.ActionCreated}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			// held: the issue wrote one notification and one claim of its own.
			held := 0
			if tc.held {
				e.issue("alice", "75 1234567")
				held = 1
			}
			e.svc.Store = newLockstep(e.store, tc.copies)
			results := make([]ingest.Result, tc.copies)
			failures := make([]error, tc.copies)
			var wg sync.WaitGroup
			for i := range tc.copies {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i], failures[i] = e.svc.Handle(e.ctx, tc.ev)
				}()
			}
			wg.Wait()

			var applied []ingest.Result
			outcomes := map[string]int{}
			for i, r := range results {
				if failures[i] != nil {
					t.Errorf("copy %d: %v (kind %v)", i, failures[i], errs.KindOf(failures[i]))
					continue
				}
				outcomes[r.Outcome]++
				if r.Outcome == ingest.OutcomeApplied {
					applied = append(applied, r)
				}
			}
			if got, want := outcomes, map[string]int{ingest.OutcomeApplied: 1, ingest.OutcomeDuplicate: tc.copies - 1}; !maps.Equal(got, want) {
				t.Fatalf("outcomes = %v, want %v", got, want)
			}
			for i, r := range results {
				if r.DocumentID != applied[0].DocumentID {
					t.Errorf("copy %d names document %q, want %q", i, r.DocumentID, applied[0].DocumentID)
				}
			}

			docs := e.documents("alice")
			if got, want := len(docs), 1; got != want {
				t.Fatalf("%d documents, want %d", got, want)
			}
			h, err := e.docs.History(e.ctx, "alice", docs[0].ID, 100, "")
			if err != nil {
				t.Fatal(err)
			}
			var hist []registry.Action
			for _, ev := range h.Items {
				hist = append(hist, ev.Action)
			}
			if !slices.Equal(hist, tc.wantHist) {
				t.Errorf("history = %v, want %v", hist, tc.wantHist)
			}
			if got, want := len(e.notifications("alice")), 1+held; got != want {
				t.Errorf("%d notifications, want %d", got, want)
			}
			kinds := map[string]int{}
			for _, it := range e.items("alice") {
				if k, ok := it["kind"].(*types.AttributeValueMemberS); ok {
					kinds[k.Value]++
				}
			}
			if got, want := kinds["event_claim"], 1+held; got != want {
				t.Errorf("%d event claims stored, want %d (items by kind %v)", got, want, kinds)
			}
		})
	}
}
