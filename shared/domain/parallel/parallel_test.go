package parallel_test

import (
	"errors"
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
