package registry_test

import (
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// TestStatusPrecedence pins which status wins when a document is in more
// than one state at once: archived wins over everything, revoked over every
// date-derived status. An archived document is out of the person's way
// (replaced, or put away by them), so it must not surface as revoked in the
// active list; a revoked one must not read as expired or valid, because the
// agency's word outranks its dates.
func TestStatusPrecedence(t *testing.T) {
	today := civil.Date{Year: 2026, Month: time.June, Day: 15}
	at := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	in := func(n int) *civil.Date { d := today.AddDays(n); return &d }
	for _, tc := range []struct {
		name     string
		archived bool
		revoked  bool
		typ      registry.DocType
		expires  *civil.Date
		want     registry.Status
	}{
		{"archived and revoked: archived", true, true, registry.ForeignPassport, in(200), registry.StatusArchived},
		{"archived and revoked, indefinite: archived", true, true, registry.SNILS, nil, registry.StatusArchived},
		{"archived and expired: archived", true, false, registry.ForeignPassport, in(-10), registry.StatusArchived},
		{"archived, revoked and expired: archived", true, true, registry.ForeignPassport, in(-10), registry.StatusArchived},
		{"revoked and valid: revoked", false, true, registry.ForeignPassport, in(200), registry.StatusRevoked},
		{"revoked and expiring: revoked", false, true, registry.ForeignPassport, in(5), registry.StatusRevoked},
		{"revoked and expired: revoked", false, true, registry.ForeignPassport, in(-10), registry.StatusRevoked},
		{"revoked in replacement grace: revoked", false, true, registry.InternalPassport, in(-1), registry.StatusRevoked},
		{"revoked, indefinite: revoked", false, true, registry.SNILS, nil, registry.StatusRevoked},
		{"neither, expired: expired", false, false, registry.ForeignPassport, in(-10), registry.StatusExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := registry.Document{Type: tc.typ, ExpiresOn: tc.expires}
			if tc.archived {
				d.ArchivedAt = &at
			}
			if tc.revoked {
				d.RevokedAt, d.RevokedReason = &at, "lost"
			}
			got, left := d.StatusOn(today)
			if got != tc.want {
				t.Errorf("StatusOn = %q, want %q", got, tc.want)
			}
			// Whatever wins, the days left still come from the dates.
			switch {
			case tc.expires == nil && left != nil:
				t.Errorf("days left = %d, want none (indefinite)", *left)
			case tc.expires != nil && (left == nil || *left != today.DaysUntil(*tc.expires)):
				t.Errorf("days left = %v, want %d", left, today.DaysUntil(*tc.expires))
			}
		})
	}
}
