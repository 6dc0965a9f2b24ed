package pace

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)

func TestPerSecond(t *testing.T) {
	for _, tc := range []struct {
		r    float64
		want Rate
	}{
		{20, Rate{20, time.Second}},
		{20.9, Rate{20, time.Second}},
		{1, Rate{1, time.Second}},
		{0.5, Rate{1, 2 * time.Second}},
		{0.4, Rate{1, 3 * time.Second}}, // one every 2.5 s would be 0.4; every 3 s never exceeds it
		{0, Rate{}},
		{-1, Rate{}},
	} {
		if got := PerSecond(tc.r); got != tc.want {
			t.Errorf("PerSecond(%v) = %+v, want %+v", tc.r, got, tc.want)
		}
	}
}

// take drives l with a clock: every attempt either happens at once or
// waits as told, like a sender would; it returns when each event happened.
func take(l *Limits, events int, start time.Time, names ...string) []time.Time {
	now := start
	var at []time.Time
	for len(at) < events {
		if d := l.Take(now, names...); d > 0 {
			now = now.Add(d)
			continue
		}
		at = append(at, now)
	}
	return at
}

// maxInAnyWindow is the most events of at in any window [t, t+per).
func maxInAnyWindow(at []time.Time, per time.Duration) int {
	most := 0
	for i := range at {
		n := 0
		for j := i; j < len(at) && at[j].Before(at[i].Add(per)); j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}

func TestNeverMoreThanNInAnyWindow(t *testing.T) {
	for _, r := range []Rate{{1, time.Second}, {3, time.Second}, {20, time.Second}, {1, 3 * time.Second}} {
		l := New(map[string]Rate{"sms": r})
		at := take(l, 10*r.N+7, t0, "sms")
		if got := maxInAnyWindow(at, r.Per); got != r.N {
			t.Errorf("%+v: at most %d events in a window, want exactly %d (bursts up to the limit)", r, got, r.N)
		}
		// and it does not dawdle: a window's N events, then the next window's
		if span, want := at[len(at)-1].Sub(at[0]), time.Duration((len(at)-1)/r.N)*r.Per; span != want {
			t.Errorf("%+v: %d events took %s, want %s", r, len(at), span, want)
		}
	}
}

func TestTakeIsAllOrNothing(t *testing.T) {
	l := New(map[string]Rate{"sms": {1, time.Second}, "publish": {2, time.Second}})
	if d := l.Take(t0, "sms", "publish"); d != 0 {
		t.Fatalf("first event waits %s", d)
	}
	if d := l.Take(t0, "sms", "publish"); d != time.Second {
		t.Errorf("second SMS waits %s, want 1s", d)
	}
	// the refused SMS took no publish: an e-mail still goes now
	if d := l.Take(t0, "email", "publish"); d != 0 {
		t.Errorf("an e-mail after a refused SMS waits %s, want 0", d)
	}
	if d := l.Take(t0, "email", "publish"); d != time.Second {
		t.Errorf("the third publish waits %s, want 1s", d)
	}
	if d := l.Take(t0, "push"); d != 0 {
		t.Errorf("an unlimited name waits %s", d)
	}
}

func TestThrottledHalvesThenRecovers(t *testing.T) {
	l := New(map[string]Rate{"sms": {8, time.Second}})
	l.Throttled(t0, "sms")
	if got := maxInAnyWindow(take(l, 40, t0, "sms"), time.Second); got != 4 {
		t.Errorf("after throttling: %d a second, want 4", got)
	}
	l.Throttled(t0, "sms")
	l.Throttled(t0, "sms")
	l.Throttled(t0, "sms")
	if got := maxInAnyWindow(take(l, 5, t0.Add(10*time.Second), "sms"), time.Second); got != 1 {
		t.Errorf("throttled four times: %d a second, want 1 (never below one)", got)
	}
	// one doubling each Cooldown: 1, 2, 4, 8
	later := t0.Add(4 * Cooldown)
	for range 3 {
		take(l, 1, later, "sms")
		later = later.Add(Cooldown)
	}
	if got := maxInAnyWindow(take(l, 80, later, "sms"), time.Second); got != 8 {
		t.Errorf("after recovering: %d a second, want 8", got)
	}
}

func TestAnEventIsNeverRecordedBeforeTheLastOne(t *testing.T) {
	l := New(map[string]Rate{"sms": {2, time.Second}})
	l.Take(t0.Add(500*time.Millisecond), "sms")
	l.Take(t0, "sms") // a caller whose clock read earlier, queued behind
	if d := l.Take(t0.Add(time.Second), "sms"); d != 500*time.Millisecond {
		t.Errorf("third event waits %s, want 500ms (the second counts at 0.5 s, not 0)", d)
	}
}
