// Package pace keeps a sender under its rates: at most N events in any
// window of length Per, for each of several named limits at once (SMS,
// e-mail, publishes). It reads time only from its callers, so a test drives
// it with a clock of its own; it never sleeps itself, it says how long to
// wait. It is safe for concurrent use.
package pace

import (
	"math"
	"sync"
	"time"
)

// Rate is at most N events in any window of length Per. The zero Rate (N 0)
// is no limit.
type Rate struct {
	N   int
	Per time.Duration
}

// PerSecond is the strictest Rate that never exceeds r events in any second:
// floor(r) a second when r >= 1, one every ceil(1/r) seconds below that; no
// limit when r <= 0 or r is not a number.
func PerSecond(r float64) Rate {
	switch {
	case !(r > 0) || math.IsInf(r, 1):
		return Rate{}
	case r >= 1:
		return Rate{N: int(r), Per: time.Second}
	}
	return Rate{N: 1, Per: time.Duration(math.Ceil(1/r)) * time.Second}
}

// Unlimited reports whether r is no limit.
func (r Rate) Unlimited() bool { return r.N <= 0 }

// Cooldown is how long a limit stays halved after Throttled, and how long
// each doubling back towards its Rate waits after that.
const Cooldown = 30 * time.Second

// window is one limit: a ring of the times of its last N events.
type window struct {
	rate      Rate
	times     []time.Time // the last rate.N events, oldest at next
	next      int
	allowed   int       // events allowed per window now: rate.N, or fewer after throttling
	slowUntil time.Time // when allowed may double back towards rate.N
}

// wait is how long from now until one more event is allowed (0: now).
func (w *window) wait(now time.Time) time.Duration {
	if w.allowed < w.rate.N && !now.Before(w.slowUntil) {
		w.allowed = min(w.rate.N, 2*w.allowed)
		w.slowUntil = now.Add(Cooldown)
	}
	// The allowed-th most recent event must have left the window.
	kth := w.times[(w.next-w.allowed+len(w.times))%len(w.times)]
	if kth.IsZero() {
		return 0
	}
	if free := kth.Add(w.rate.Per); free.After(now) {
		return free.Sub(now)
	}
	return 0
}

func (w *window) record(now time.Time) {
	w.times[w.next] = now
	w.next = (w.next + 1) % len(w.times)
}

// Limits is a set of named limits.
type Limits struct {
	mu      sync.Mutex
	windows map[string]*window
}

// New makes the limits rates names; a name it does not list, or with the
// zero Rate, is not limited.
func New(rates map[string]Rate) *Limits {
	l := &Limits{windows: map[string]*window{}}
	for name, r := range rates {
		if r.Unlimited() {
			continue
		}
		l.windows[name] = &window{rate: r, times: make([]time.Time, r.N), allowed: r.N}
	}
	return l
}

// Take records one event at now under every one of names and returns 0 if
// each of them allows one now; otherwise it records nothing and returns
// how long to wait before trying again. The events a caller records must be
// the ones it then performs at once: the limit counts when they happen.
func (l *Limits) Take(now time.Time, names ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, n := range names {
		// Callers read their clocks before they queue here: an event
		// never counts as earlier than one recorded before it.
		if w := l.windows[n]; w != nil {
			if last := w.times[(w.next-1+len(w.times))%len(w.times)]; now.Before(last) {
				now = last
			}
		}
	}
	for _, n := range names {
		if w := l.windows[n]; w != nil {
			wait = max(wait, w.wait(now))
		}
	}
	if wait > 0 {
		return wait
	}
	for _, n := range names {
		if w := l.windows[n]; w != nil {
			w.record(now)
		}
	}
	return 0
}

// Throttled halves what names allow per window (never below one event) for
// Cooldown from now, after which they double back each Cooldown: the
// service behind them said "too fast" although the configured rate was kept.
func (l *Limits) Throttled(now time.Time, names ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, n := range names {
		if w := l.windows[n]; w != nil {
			w.allowed = max(1, w.allowed/2)
			w.slowUntil = now.Add(Cooldown)
		}
	}
}
