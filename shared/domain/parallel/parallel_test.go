package parallel_test

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/parallel"
)

func TestDo(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	for _, tc := range []struct {
		name string
		errs []error
		want error
	}{
		{"none", nil, nil},
		{"all succeed", []error{nil, nil, nil}, nil},
		{"the only failure", []error{nil, b, nil}, b},
		{"the first in argument order, not in time", []error{nil, a, b}, a},
		{"the first function's own", []error{a, b}, a},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ran atomic.Int32
			// Later functions finish first: the order of the answer must
			// not depend on which failed first in time.
			release := make([]chan struct{}, len(tc.errs))
			for i := range release {
				release[i] = make(chan struct{})
			}
			var fs []func() error
			for i, err := range tc.errs {
				fs = append(fs, func() error {
					if i+1 < len(release) {
						<-release[i+1] // wait for the next one to finish
					}
					ran.Add(1)
					close(release[i])
					return err
				})
			}
			if got := parallel.Do(fs...); got != tc.want {
				t.Errorf("Do = %v, want %v", got, tc.want)
			}
			if int(ran.Load()) != len(tc.errs) {
				t.Errorf("%d of %d functions ran", ran.Load(), len(tc.errs))
			}
		})
	}
}

// TestDoOverlaps: the functions run at the same time (each waits for all
// the others to have started), which one after another would deadlock.
func TestDoOverlaps(t *testing.T) {
	const n = 4
	var started sync.WaitGroup
	started.Add(n)
	fs := make([]func() error, n)
	for i := range fs {
		fs[i] = func() error { started.Done(); started.Wait(); return nil }
	}
	if err := parallel.Do(fs...); err != nil {
		t.Fatal(err)
	}
}

// TestLimit: never more than n at once, all of them run, and the error is
// the first in argument order.
func TestLimit(t *testing.T) {
	const n, total = 3, 20
	var running, most, ran, started atomic.Int32
	a, b := errors.New("a"), errors.New("b")
	fs := make([]func() error, total)
	for i := range fs {
		fs[i] = func() error {
			now := running.Add(1)
			for {
				m := most.Load()
				if now <= m || most.CompareAndSwap(m, now) {
					break
				}
			}
			started.Add(1)
			for started.Load() < n {
				runtime.Gosched() // n meet; without the limit the rest would pile up meanwhile
			}
			for range 100 {
				runtime.Gosched() // and stay a while
			}
			running.Add(-1)
			ran.Add(1)
			switch i {
			case 7:
				return a
			case 4, 15:
				return b
			}
			return nil
		}
	}
	if got := parallel.Limit(n, fs...); got != b {
		t.Errorf("Limit = %v, want %v (the 5th function's)", got, b)
	}
	if most.Load() > n {
		t.Errorf("%d ran at once, want at most %d", most.Load(), n)
	}
	if ran.Load() != total {
		t.Errorf("%d of %d functions ran", ran.Load(), total)
	}
}
