package family

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"

	"github.com/kabinet/kabinet/shared/domain/registry"
)

var _ registry.Subjects = (*Service)(nil)

// Subject implements registry.Subjects: the registry adds a document for
// a dependent only while the holder acts for them (Active), and runs its
// rules on their birth date. Errors: as Active.
func (s *Service) Subject(ctx context.Context, holder, id string) (registry.Subject, error) {
	d, err := s.Active(ctx, holder, id)
	if err != nil {
		return registry.Subject{}, err
	}
	return registry.Subject{ID: d.ID, Name: d.Name, BirthDate: d.BirthDate, SNILS: d.SNILS}, nil
}

// Profiles reads a holder's profile (the registry's Service or store).
type Profiles interface {
	GetProfile(ctx context.Context, owner string) (registry.Profile, error)
}

// HolderToday is Service.Today from the holder's profile: their civil day
// in their own zone, so a child grows up at midnight where the family
// lives.
func HolderToday(p Profiles, now func() time.Time) func(ctx context.Context, holder string) (civil.Date, error) {
	return func(ctx context.Context, holder string) (civil.Date, error) {
		prof, err := p.GetProfile(ctx, holder)
		if err != nil {
			return civil.Date{}, err
		}
		return civil.Today(now(), prof.Location()), nil
	}
}

// HolderZone is Service.Zone from the holder's profile.
func HolderZone(p Profiles) func(ctx context.Context, holder string) (*time.Location, error) {
	return func(ctx context.Context, holder string) (*time.Location, error) {
		prof, err := p.GetProfile(ctx, holder)
		if err != nil {
			return nil, err
		}
		return prof.Location(), nil
	}
}
