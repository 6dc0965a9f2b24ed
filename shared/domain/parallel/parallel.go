// Package parallel runs a service's independent reads at once, so that a
// request waits for one round trip to the store instead of one per read,
// while it still answers exactly as running them one after another would.
package parallel

import "sync"

// Do runs every f concurrently (the first on the caller's goroutine) and
// waits for all of them. It returns the error of the first f, in argument
// order, that failed: the error the caller would have met first had it
// run them in that order and stopped there. Each f must write only its own
// results, which the caller reads after Do returns.
func Do(fs ...func() error) error {
	if len(fs) == 0 {
		return nil
	}
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs[1:] {
		wg.Go(func() { errs[i+1] = f() })
	}
	errs[0] = fs[0]()
	wg.Wait()
	return first(errs)
}

// Fanout is how many reads of a list a request keeps in flight at once
// (Limit's n for it): about the connections the SDK's HTTP client keeps
// open to one endpoint, so a long list neither waits one item at a time
// nor opens a connection per item.
const Fanout = 16

// Limit is Do with at most n of fs running at a time (n < 1 is 1): for a
// fan-out over a list whose length the request does not bound. The error
// returned is still the first in argument order.
func Limit(n int, fs ...func() error) error {
	n = max(n, 1)
	if len(fs) <= n {
		return Do(fs...)
	}
	errs := make([]error, len(fs))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, f := range fs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = f()
		})
	}
	wg.Wait()
	return first(errs)
}

// first is the first error of errs, in order.
func first(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
