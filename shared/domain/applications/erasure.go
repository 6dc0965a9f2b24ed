package applications

import (
	"context"

	"github.com/kabinet/kabinet/shared/domain/registry"
)

// erasurePage is how many applications one read of WithdrawForErasure takes.
const erasurePage = 50

// WithdrawForErasure is the applications' part of owner's erasure: every
// submitted application still open is withdrawn by its applicant through
// the one transition path (the agency's queue and its clerk's count follow,
// and the applicant is told), so no agency goes on working a case whose
// applicant left. Drafts need nothing here: they are the applicant's alone
// and go with the rest of the person's partition. The agency's record of a
// case it received is the agency's to keep under its own retention rules
// (210-FZ art. 6, 125-FZ); what Kabinet holds is the applicant's copy,
// which the erasure removes afterwards. Its work is bounded by the cap on
// open applications (limits), however many a person filed; run again, it
// finds only what is left. It returns how many it withdrew.
// Who may call: the erasure. Errors: Conflict (changed meanwhile; run
// again), Unavailable, Internal.
func (s *Service) WithdrawForErasure(ctx context.Context, owner string) (int, error) {
	var p registry.Profile
	n, after := 0, ""
	for {
		list, next, err := s.Store.ListApplications(ctx, owner, after, erasurePage)
		if err != nil {
			return n, err
		}
		for _, a := range list {
			if CheckTransition(a.Status, StatusWithdrawn, RoleApplicant) != nil {
				continue // a draft, or decided already
			}
			if p.Version == 0 {
				if p, err = s.Profiles.GetProfile(ctx, owner); err != nil {
					return n, err
				}
			}
			if _, _, err := s.move(ctx, a, a, StatusWithdrawn, owner, RoleApplicant, "", "", p, nil); err != nil {
				return n, err
			}
			n++
		}
		if next == "" {
			return n, nil
		}
		after = next
	}
}
