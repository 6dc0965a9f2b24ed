package directory_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

var t0 = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

// loader is a fake store: Load counts its calls and fails while err is set.
type loader struct {
	calls atomic.Int32
	mu    sync.Mutex
	err   error
}

func (l *loader) load(context.Context) ([]directory.Institution, []directory.Specialist, error) {
	l.calls.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return nil, nil, l.err
	}
	insts, specs := fixture()
	return insts, specs, nil
}

func (l *loader) fail(err error) { l.mu.Lock(); l.err = err; l.mu.Unlock() }

var errDown = errs.E("store.LoadDirectory", errs.Unavailable, errors.New("connection refused"))

func TestCacheSchedule(t *testing.T) {
	// Each step sets the clock and the store's health, calls Index, and
	// checks how many loads happened so far and which index came back.
	type step struct {
		at        time.Duration // since t0
		down      bool
		wantLoads int32
		want      string // "new": a fresh index; "same": the previous one; "error"
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"loads once, refreshes after the TTL", []step{
			{at: 0, wantLoads: 1, want: "new"},
			{at: 4 * time.Minute, wantLoads: 1, want: "same"},
			{at: 5*time.Minute - time.Nanosecond, wantLoads: 1, want: "same"},
			{at: 5 * time.Minute, wantLoads: 2, want: "new"},
			{at: 9 * time.Minute, wantLoads: 2, want: "same"},
			{at: 10 * time.Minute, wantLoads: 3, want: "new"},
		}},
		{"keeps the old index while refreshes fail, retrying after 30 s", []step{
			{at: 0, wantLoads: 1, want: "new"},
			{at: 6 * time.Minute, down: true, wantLoads: 2, want: "same"},
			{at: 6*time.Minute + 10*time.Second, down: true, wantLoads: 2, want: "same"},
			{at: 6*time.Minute + 30*time.Second, down: true, wantLoads: 3, want: "same"},
			{at: 7 * time.Minute, wantLoads: 4, want: "new"},
			{at: 11 * time.Minute, wantLoads: 4, want: "same"},
		}},
		{"with nothing loaded, every call tries and fails", []step{
			{at: 0, down: true, wantLoads: 1, want: "error"},
			{at: time.Second, down: true, wantLoads: 2, want: "error"},
			{at: 2 * time.Second, wantLoads: 3, want: "new"},
			{at: 3 * time.Second, down: true, wantLoads: 3, want: "same"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l loader
			now := t0
			c := &directory.Cache{Load: l.load, Now: func() time.Time { return now }}
			var prev *directory.Index
			for i, s := range tt.steps {
				now = t0.Add(s.at)
				l.fail(nil)
				if s.down {
					l.fail(errDown)
				}
				x, err := c.Index(context.Background())
				if n := l.calls.Load(); n != s.wantLoads {
					t.Errorf("step %d (+%v): %d loads, want %d", i, s.at, n, s.wantLoads)
				}
				switch s.want {
				case "error":
					if !errs.Is(err, errs.Unavailable) || x != nil {
						t.Errorf("step %d (+%v): Index = %p, %v; want the store's Unavailable error", i, s.at, x, err)
					}
					continue
				case "same":
					if err != nil || x != prev {
						t.Errorf("step %d (+%v): Index = %p, %v; want the previous %p", i, s.at, x, err, prev)
					}
				case "new":
					if err != nil || x == nil || x == prev {
						t.Errorf("step %d (+%v): Index = %p, %v; want a new index", i, s.at, x, err)
					}
				}
				prev = x
			}
		})
	}
}

func TestCacheConcurrentCallersShareOneLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var loads atomic.Int32
		release := make(chan struct{})
		c := &directory.Cache{Now: func() time.Time { return t0 },
			Load: func(context.Context) ([]directory.Institution, []directory.Specialist, error) {
				loads.Add(1)
				<-release
				insts, specs := fixture()
				return insts, specs, nil
			}}
		const callers = 20
		got := make([]*directory.Index, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				x, err := c.Index(context.Background())
				if err != nil {
					t.Errorf("caller %d: %v", i, err)
				}
				got[i] = x
			})
		}
		synctest.Wait() // every caller is now waiting for the one load
		if n := loads.Load(); n != 1 {
			t.Errorf("%d loads in flight, want 1", n)
		}
		close(release)
		wg.Wait()
		for i, x := range got {
			if x == nil || x != got[0] {
				t.Errorf("caller %d got index %p, caller 0 got %p", i, x, got[0])
			}
		}
		if n := loads.Load(); n != 1 {
			t.Errorf("%d loads, want 1", n)
		}
	})
}

func TestCacheCallerGivesUp(t *testing.T) {
	tests := []struct {
		name      string
		preloaded bool
		wantErr   bool
	}{
		{"first load: Unavailable", false, true},
		{"refresh: the old index", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				now := t0
				release := make(chan struct{})
				block := false
				c := &directory.Cache{Now: func() time.Time { return now },
					Load: func(context.Context) ([]directory.Institution, []directory.Specialist, error) {
						if block {
							<-release
						}
						insts, specs := fixture()
						return insts, specs, nil
					}}
				var old *directory.Index
				if tt.preloaded {
					old, _ = c.Index(context.Background())
					now = now.Add(time.Hour)
				}
				block = true
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				x, err := c.Index(ctx)
				switch {
				case tt.wantErr && !errs.Is(err, errs.Unavailable):
					t.Errorf("Index = %p, %v; want Unavailable", x, err)
				case !tt.wantErr && (err != nil || x != old):
					t.Errorf("Index = %p, %v; want the old %p", x, err, old)
				}
				// The load goes on for the next caller, unspoilt by the timeout.
				close(release)
				x, err = c.Index(context.Background())
				if err != nil || x == nil || x == old {
					t.Errorf("next Index = %p, %v; want the new index", x, err)
				}
			})
		})
	}
}

func TestCacheInvalidDataIsInternal(t *testing.T) {
	c := &directory.Cache{Now: func() time.Time { return t0 },
		Load: func(context.Context) ([]directory.Institution, []directory.Specialist, error) {
			insts, specs := fixture()
			specs[0].InstitutionID = "missing"
			return insts, specs, nil
		}}
	if _, err := c.Index(context.Background()); !errs.Is(err, errs.Internal) {
		t.Errorf("Index err = %v, want Internal", err)
	}
}

func TestCachePlaces(t *testing.T) {
	var l loader
	c := &directory.Cache{Load: l.load, Now: func() time.Time { return t0 }}
	tests := []struct {
		name string
		call func() error
		want errs.Kind
		ok   bool
	}{
		{"institution", func() error { _, err := c.Institution(context.Background(), "a"); return err }, 0, true},
		{"specialist", func() error { _, err := c.Specialist(context.Background(), "a-1"); return err }, 0, true},
		{"missing institution", func() error { _, err := c.Institution(context.Background(), "zz"); return err }, errs.NotFound, false},
		{"missing specialist", func() error { _, err := c.Specialist(context.Background(), "zz"); return err }, errs.NotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.ok && err != nil || !tt.ok && !errs.Is(err, tt.want) {
				t.Errorf("err = %v, want ok=%v kind %v", err, tt.ok, tt.want)
			}
		})
	}
	if n := l.calls.Load(); n != 1 {
		t.Errorf("%d loads, want 1", n)
	}
}
