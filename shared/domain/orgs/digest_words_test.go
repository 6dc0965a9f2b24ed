package orgs

import (
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/registry"
)

// TestDigestWords: counts agree with their verbs by the CLDR rules, and the
// week is given by its dates as each reader writes them.
func TestDigestWords(t *testing.T) {
	sum := DigestSummary{OrgID: "acme", Week: "2026-W25", Counts: map[registry.DocType]TypeCounts{
		registry.DriversLicence: {Expiring: 1, Expired: 3},
		registry.OSAGO:          {Expiring: 5, Expired: 21},
		registry.SNILS:          {Expiring: 22, Expired: 11},
	}}
	body := digestBody(sum, time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC)) // a Wednesday
	for _, want := range []string{
		"Сводка за неделю с 15.06.2026 по 21.06.2026, организация acme",
		"Водительское удостоверение: 1 истекает, 3 истекли",
		"Полис ОСАГО: 5 истекают, 21 истёк",
		"СНИЛС: 22 истекают, 11 истекли",
		"Weekly digest, 2026-06-15 to 2026-06-21, organisation acme",
		"Driver's licence: 1 expiring, 3 expired",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("digest lacks %q:\n%s", want, body)
		}
	}
}
