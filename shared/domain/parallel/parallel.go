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
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
