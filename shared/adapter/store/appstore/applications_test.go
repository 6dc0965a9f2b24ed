package appstore_test

import (
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store/appstore"

	"github.com/kabinet/kabinet/shared/domain/applications"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/inbox"
)

// TestReceiptCounterIsAtomic: concurrent numbers never repeat, whatever
// counters they are taken from; with the counters taken in turn they are
// 1, 2, 3, ... with no gap; each year starts again.
func TestReceiptCounterIsAtomic(t *testing.T) {
	st, ctx := newDirStore(t)
	const n = 200
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			seq, err := st.NextReceiptSeq(ctx, 2026)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Error(err)
			case seen[seq] || seq < 1:
				t.Errorf("sequence %d handed out twice (or not positive)", seq)
			}
			seen[seq] = true
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("%d numbers for %d calls", len(seen), n)
	}

	var turn atomic.Int64
	st.Shard = func() int { return int(turn.Add(1)-1) % appstore.ReceiptShards }
	for i := int64(1); i <= 2*appstore.ReceiptShards+3; i++ {
		if seq, err := st.NextReceiptSeq(ctx, 2027); err != nil || seq != i {
			t.Fatalf("number %d of 2027 with the counters in turn = %d, %v", i, seq, err)
		}
	}
}

func TestApplicationStore(t *testing.T) {
	st, ctx := newDirStore(t)
	now := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	draft := applications.Application{ID: ids.New(), Owner: "alice", ServiceCode: "certificate_request", Agency: "fns",
		Fields: map[string]string{"inn": "7707083893"}, Status: applications.StatusDraft, CreatedAt: now, UpdatedAt: now, Version: 1}
	idem := &idempotency.Key{Key: "k1", Hash: "h1", Expires: time.Now().Add(time.Hour)}
	if _, replayed, err := st.CreateApplication(ctx, draft, idem); err != nil || replayed {
		t.Fatalf("create: %v %v", replayed, err)
	}
	// the same key and request: the first draft, not a second
	again := draft
	again.ID = ids.New()
	got, replayed, err := st.CreateApplication(ctx, again, idem)
	if err != nil || !replayed || got.ID != draft.ID {
		t.Fatalf("replay: %v %v %v", got.ID, replayed, err)
	}
	if _, _, err := st.CreateApplication(ctx, again, &idempotency.Key{Key: "k1", Hash: "other", Expires: time.Now().Add(time.Hour)}); !errs.Is(err, errs.Invalid) {
		t.Errorf("reused key: %v", err)
	}
	if owner, err := st.ApplicationOwner(ctx, draft.ID); err != nil || owner != draft.Owner {
		t.Errorf("owner = %q, %v, want %q", owner, err, draft.Owner)
	}
	if got, err = st.GetApplication(ctx, draft.Owner, draft.ID); err != nil || !reflect.DeepEqual(got, draft) {
		t.Errorf("get:\n got %+v\nwant %+v (%v)", got, draft, err)
	}
	if _, err := st.GetApplication(ctx, "mallory", draft.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("someone else's: %v", err)
	}

	// submitted: in the agency's queue by submission time
	submit := func(a applications.Application, at time.Time) applications.Application {
		t.Helper()
		next := a
		next.Status, next.Version, next.SubmittedAt = applications.StatusReceived, a.Version+1, &at
		due := civil.Date{Year: 2026, Month: 6, Day: 25}
		next.ExpectedDecision, next.ReceiptNumber = &due, applications.ReceiptNumber(2026, int64(at.Second()))
		next.Timeline = []applications.Entry{{At: at, Actor: a.Owner, Role: applications.RoleApplicant, From: a.Status, To: next.Status}}
		n := inbox.Notification{ID: ids.New(), Owner: a.Owner, Kind: applications.KindStatus, Title: "t", Body: "b", CreatedAt: at}
		stored, _, err := st.SaveTransition(ctx, next, a.Version, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		return stored
	}
	later := applications.Application{ID: ids.New(), Owner: "bob", ServiceCode: "certificate_request", Agency: "fns",
		Fields: map[string]string{}, Status: applications.StatusDraft, CreatedAt: now, UpdatedAt: now, Version: 1}
	if _, _, err := st.CreateApplication(ctx, later, nil); err != nil {
		t.Fatal(err)
	}
	b := submit(later, now.Add(2*time.Second))
	a := submit(draft, now.Add(time.Second))
	queue, next, err := st.AgencyQueue(ctx, "fns", applications.StatusReceived, "", "", 1)
	if err != nil || len(queue) != 1 || queue[0].ID != a.ID || next == "" {
		t.Fatalf("queue page 1: %v %q %v", queue, next, err)
	}
	queue, _, err = st.AgencyQueue(ctx, "fns", applications.StatusReceived, "", next, 10)
	if err != nil || len(queue) != 1 || queue[0].ID != b.ID {
		t.Fatalf("queue page 2: %v %v", queue, err)
	}
	if _, _, err := st.AgencyQueue(ctx, "mvd", applications.StatusReceived, "", next, 10); !errs.Is(err, errs.Malformed) {
		t.Errorf("cursor of another queue: %v", err)
	}
	if _, _, err := st.AgencyQueue(ctx, "fns", applications.StatusReceived, "", "garbage", 10); !errs.Is(err, errs.Malformed) {
		t.Errorf("garbage cursor: %v", err)
	}
	// a stale version loses
	if _, _, err := st.SaveTransition(ctx, a, 1, inbox.Notification{ID: ids.New(), Owner: "alice", CreatedAt: now}, nil); !errs.Is(err, errs.Conflict) {
		t.Errorf("stale transition: %v", err)
	}
	// a submitted application is no draft
	if err := st.DeleteDraft(ctx, "alice", a.ID); !errs.Is(err, errs.Conflict) {
		t.Errorf("delete submitted: %v", err)
	}
	if err := st.UpdateDraft(ctx, a, a.Version); !errs.Is(err, errs.Conflict) {
		t.Errorf("update submitted: %v", err)
	}
	notes, _, err := st.ListNotifications(ctx, "alice", false, "", 10)
	if err != nil || len(notes) != 1 || notes[0].Kind != applications.KindStatus {
		t.Errorf("inbox: %v %v", notes, err)
	}
}
