package registry

import (
	"context"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// erasurePage is how many documents one DeleteForErasure call erases.
const erasurePage = 25

// DeleteForErasure is the registry's part of owner's erasure, a page at a
// time: each of up to a page of their documents (their dependents' too,
// archived ones included) is erased as DeleteDocument erases one, with its
// history, reminder decisions, files and their stored objects, and its
// shares (so staff lose access at once) and consents' view of it going with
// it. It reports how many it erased and whether none is left; run again
// after a crash, it erases what is left. Who may call: the erasure.
// Errors: Unavailable, Internal.
func (s *Service) DeleteForErasure(ctx context.Context, owner string) (int, bool, error) {
	docs, _, err := s.Store.ListDocuments(ctx, owner, "", erasurePage)
	if err != nil {
		return 0, false, err
	}
	n := 0
	for _, d := range docs {
		if err := s.DeleteDocument(ctx, owner, d.ID); err != nil && !errs.Is(err, errs.NotFound) {
			return n, false, err
		}
		n++
	}
	return n, len(docs) == 0, nil
}

// LeaveContacts is the contacts' part of owner's erasure: the person stops
// receiving on their phone and e-mail address, and is taken off the list
// of who shares each (others sharing it keep it; the first of them left
// owns it now). The profile itself goes with the rest of the partition.
// Who may call: the erasure. Errors: Unavailable, Internal.
func (s *Service) LeaveContacts(ctx context.Context, owner string) error {
	if s.Contacts == nil {
		return nil
	}
	p, err := s.Store.GetProfile(ctx, owner)
	if err != nil {
		return err
	}
	for _, c := range []struct{ channel, addr, sub string }{
		{ChannelSMS, p.Phone, p.PhoneSubscription},
		{ChannelEmail, p.Email, p.EmailSubscription},
	} {
		if c.addr == "" {
			continue
		}
		if err := s.Contacts.Unsubscribe(ctx, owner, c.channel, c.addr, c.sub); err != nil {
			return err
		}
	}
	return nil
}
