package core_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/verify"
)

// TestRemoveSharersConcurrent: the owner removing two sharers at the same
// moment as a third person proves the contact. Each removal reads the
// record once and writes against the version it read (the filter
// narrowed first, the proof taken back with the write), so the changes
// race on the record: the losers start over from it, and in the end the
// record and the filter hold exactly the owner, the one left and the
// newcomer, and the two removed are reachable no more. Removing one of
// them again answers NotFound.
func TestRemoveSharersConcurrent(t *testing.T) {
	for _, c := range sharedContacts {
		t.Run(c.field, func(t *testing.T) {
			t.Parallel()
			e := newContactsEnv(t)
			var arn string
			for _, who := range []string{"alice", "bob", "carol", "dan"} {
				e.advance(verify.Window) // the contact's hourly cap
				arn = e.verified(t, who, c)
			}
			e.advance(verify.Window)
			e.put(t, "erin", c, c.endpoint)
			code := e.code(t, "erin", c.channel)

			alice, _ := e.docs.GetProfile(e.ctx, "alice")
			states, err := e.docs.ContactStates(e.ctx, alice)
			if err != nil {
				t.Fatal(err)
			}
			st := stateOf(states, c.channel)
			if len(st.Sharers) != 3 {
				t.Fatalf("alice sees %d sharers, want bob, carol and dan", len(st.Sharers))
			}
			bob, carol := st.Sharers[0].ID, st.Sharers[1].ID // in the order they joined

			var wg sync.WaitGroup
			failed := make([]error, 3)
			wg.Go(func() { failed[0] = e.docs.RemoveSharer(e.ctx, "alice", bob) })
			wg.Go(func() { failed[1] = e.docs.RemoveSharer(e.ctx, "alice", carol) })
			wg.Go(func() {
				_, _, failed[2] = e.docs.VerifyContact(e.ctx, "erin", registry.VerifyInput{Channel: c.channel, Address: c.endpoint, Code: code})
			})
			wg.Wait()
			for i, err := range failed {
				if err != nil {
					t.Fatalf("change %d: %v", i, err)
				}
			}
			e.expectShared(t, c, arn, "alice", "dan", "erin")
			for who, want := range map[string]bool{"bob": false, "carol": false, "dan": true, "erin": true} {
				p, err := e.docs.GetProfile(e.ctx, who)
				if err != nil {
					t.Fatal(err)
				}
				if got := slices.Contains(p.Reachable(), c.channel); got != want {
					t.Errorf("%s reachable on the %s: %v, want %v", who, c.field, got, want)
				}
			}
			if err := e.docs.RemoveSharer(e.ctx, "alice", bob); !errs.Is(err, errs.NotFound) {
				t.Errorf("removing bob again: %v, want NotFound", err)
			}
		})
	}
}
