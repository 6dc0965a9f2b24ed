package directory

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// Cache defaults.
const (
	DefaultTTL         = 5 * time.Minute
	DefaultRetryAfter  = 30 * time.Second
	DefaultLoadTimeout = 30 * time.Second
)

// Cache keeps the current Index of a Lambda's warm container. The first
// caller loads the directory; later callers get the same Index until it is
// TTL old, and then the next caller refreshes it. Concurrent callers share
// one load. When a refresh fails the old Index goes on being served, and the
// load is retried by the first call RetryAfter later; with no Index yet,
// every call tries again and gets the load's error.
//
// Set Load (and usually Now) before first use; the zero durations take the
// defaults. A Cache must not be copied after first use.
type Cache struct {
	// Load reads the whole directory, e.g. (*store.Store).LoadDirectory.
	// It runs detached from the caller's cancellation, bounded by
	// LoadTimeout, so one impatient caller cannot spoil a load others wait for.
	Load func(ctx context.Context) ([]Institution, []Specialist, error)
	// Now is the clock; time.Now when nil.
	Now         func() time.Time
	TTL         time.Duration // how long an Index is served; DefaultTTL when 0
	RetryAfter  time.Duration // pause after a failed refresh; DefaultRetryAfter when 0
	LoadTimeout time.Duration // DefaultLoadTimeout when 0

	mu   sync.Mutex
	idx  *Index
	next time.Time // when idx is stale, or when to retry after a failed refresh
	call *loadCall // the load in flight, if any
}

// loadCall is one load that any number of callers wait for.
type loadCall struct {
	done chan struct{} // closed when idx, err are set
	idx  *Index
	err  error
}

// Index returns the current index, loading or refreshing it when due. The
// HTTP handlers and booking call it on every request.
// Errors (only while no index has ever loaded): those of Load, normally
// Unavailable; Internal when the loaded data does not validate; Unavailable
// when ctx ends before the first load finishes.
func (c *Cache) Index(ctx context.Context) (*Index, error) {
	c.mu.Lock()
	old := c.idx
	if old != nil && c.now().Before(c.next) {
		c.mu.Unlock()
		return old, nil
	}
	call := c.call
	if call == nil {
		call = &loadCall{done: make(chan struct{})}
		c.call = call
		go c.load(context.WithoutCancel(ctx), call)
	}
	c.mu.Unlock()

	select {
	case <-call.done:
	case <-ctx.Done():
		if old != nil {
			return old, nil
		}
		return nil, errs.E("directory.Cache.Index", errs.Unavailable, ctx.Err())
	}
	if call.err != nil {
		if old != nil {
			return old, nil
		}
		return nil, call.err
	}
	return call.idx, nil
}

// load runs Load, builds the index and publishes the outcome to the cache
// and to everyone waiting on call.
func (c *Cache) load(ctx context.Context, call *loadCall) {
	idx, err := c.build(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	switch {
	case err == nil:
		c.idx, c.next = idx, now.Add(or(c.TTL, DefaultTTL))
	case c.idx != nil:
		c.next = now.Add(or(c.RetryAfter, DefaultRetryAfter))
	}
	c.call = nil
	call.idx, call.err = idx, err
	close(call.done)
}

func (c *Cache) build(ctx context.Context) (idx *Index, err error) {
	const op = "directory.Cache.load"
	defer func() {
		if r := recover(); r != nil {
			idx, err = nil, errs.E(op, errs.Internal, fmt.Errorf("panic in Load: %v", r))
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, or(c.LoadTimeout, DefaultLoadTimeout))
	defer cancel()
	insts, specs, err := c.Load(ctx)
	if err != nil {
		return nil, err
	}
	idx, err = NewIndex(insts, specs)
	if err != nil {
		// Stored data that does not validate is our bug, not the caller's.
		return nil, errs.E(op, errs.Internal, err)
	}
	return idx, nil
}

// Institution is Index(ctx) then Index.Institution, so a Cache serves as
// booking's Places. Errors: NotFound, and those of Index.
func (c *Cache) Institution(ctx context.Context, id string) (Institution, error) {
	x, err := c.Index(ctx)
	if err != nil {
		return Institution{}, err
	}
	return x.Institution(id)
}

// Specialist is Index(ctx) then Index.Specialist, so a Cache serves as
// booking's Places. Errors: NotFound, and those of Index.
func (c *Cache) Specialist(ctx context.Context, id string) (Specialist, error) {
	x, err := c.Index(ctx)
	if err != nil {
		return Specialist{}, err
	}
	return x.Specialist(id)
}

// Specialists is Index(ctx) then Index.Specialists, so a Cache serves as
// booking's Places (the offers of an institution's cancellation).
// Errors: NotFound, and those of Index.
func (c *Cache) Specialists(ctx context.Context, institutionID, specialization string) ([]Specialist, error) {
	x, err := c.Index(ctx)
	if err != nil {
		return nil, err
	}
	return x.Specialists(institutionID, specialization)
}

// HasSpecialization is Index(ctx) then Index.HasSpecialization, for
// booking's Places. Errors: those of Index.
func (c *Cache) HasSpecialization(ctx context.Context, specialization string) (bool, error) {
	x, err := c.Index(ctx)
	if err != nil {
		return false, err
	}
	return x.HasSpecialization(specialization), nil
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
