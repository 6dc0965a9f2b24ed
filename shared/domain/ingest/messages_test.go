package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/wordscan"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// TestIssuedAndRevokedTextsInRussian: the agency is named in Russian with
// the verb agreeing with it, the date as 20.03.2026, no Latin word.
func TestIssuedAndRevokedTextsInRussian(t *testing.T) {
	issued := civil.Date{Year: 2026, Month: time.March, Day: 20}
	d := registry.Document{Type: registry.DriversLicence, IssuedOn: &issued}
	for _, tc := range []struct{ agency, issued, revoked string }{
		{"gibdd", "Госавтоинспекция выдала документ «Водительское удостоверение» (дата выдачи 20.03.2026)", "Госавтоинспекция аннулировала"},
		{"mvd", "МВД России выдало", "МВД России аннулировало"},
		{"fns", "ФНС России выдала", "ФНС России аннулировала"},
		{"sfr", "Социальный фонд России выдал", "Социальный фонд России аннулировал"},
	} {
		t.Run(tc.agency, func(t *testing.T) {
			in := issuedText(d, tc.agency, true, "ru")
			out := revokedText(d, tc.agency, "утрата", "ru")
			if !strings.Contains(in.body, tc.issued) || !strings.HasPrefix(out.body, tc.revoked) {
				t.Errorf("issued %q, revoked %q", in.body, out.body)
			}
			for _, s := range []string{in.title, in.body, out.title, out.body} {
				if w := wordscan.Latin(s); len(w) > 0 {
					t.Errorf("%q has Latin words %q", s, w)
				}
			}
		})
	}
	if en := issuedText(d, "gibdd", false, "en"); !strings.HasPrefix(en.body, "State Traffic Inspectorate issued your Driver's licence on 2026-03-20") {
		t.Errorf("en: %q", en.body)
	}
}
