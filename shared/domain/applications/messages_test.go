package applications

import (
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/wordscan"
	"github.com/kabinet/kabinet/shared/domain/civil"
)

// TestStatusTextsInRussian: every status of every service, in Russian
// words only, the expected decision as 31.12.2026.
func TestStatusTextsInRussian(t *testing.T) {
	due := civil.Date{Year: 2026, Month: time.December, Day: 31}
	for _, svc := range Catalogue() {
		for st := range statusNames {
			title, body := render(Application{Status: st, ReceiptNumber: "KB-2026-000123", ExpectedDecision: &due}, svc, "", "ru")
			for _, s := range []string{title, body} {
				if w := wordscan.Latin(s); len(w) > 0 {
					t.Errorf("%s/%s: %q has Latin words %q", svc.Code, st, s, w)
				}
			}
			if st == StatusReceived && !strings.Contains(body, "Ожидаемый срок решения — 31.12.2026.") {
				t.Errorf("%s: %q", svc.Code, body)
			}
		}
	}
}
