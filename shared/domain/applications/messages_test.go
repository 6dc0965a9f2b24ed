package applications

import (
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/wordscan"
	"github.com/kabinet/kabinet/shared/domain/civil"
)

// TestStatusTextsInRussian: every status of every service, in Russian
// words only, the expected decision, the date to answer a request for
// information by, the invitation's time and the pickup's last day as
// 31.12.2026.
func TestStatusTextsInRussian(t *testing.T) {
	due := civil.Date{Year: 2026, Month: time.December, Day: 31}
	answerBy := time.Date(2026, time.December, 31, 9, 0, 0, 0, time.UTC)
	for _, svc := range Catalogue() {
		for st := range statusNames {
			title, body := render(Application{Status: st, ReceiptNumber: "KB-2026-000123", ExpectedDecision: &due,
				ResponseDue: &answerBy, Invitation: &Invitation{At: answerBy, Place: "Москва, ул. Тверская, 1"},
				Pickup: &Pickup{Place: "Москва, ул. Тверская, 1", Until: due}}, svc, "", "", "ru")
			for _, s := range []string{title, body} {
				if w := wordscan.Latin(s); len(w) > 0 {
					t.Errorf("%s/%s: %q has Latin words %q", svc.Code, st, s, w)
				}
			}
			if st == StatusReceived && !strings.Contains(body, "Ожидаемый срок решения — 31.12.2026.") {
				t.Errorf("%s: %q", svc.Code, body)
			}
			if st == StatusNeedsInfo && !strings.Contains(body, "Ответьте до 31.12.2026.") {
				t.Errorf("%s: %q", svc.Code, body)
			}
			if st == StatusInvited && !strings.Contains(body, "документов 31.12.2026 09:00 по адресу") {
				t.Errorf("%s: %q", svc.Code, body)
			}
			if st == StatusReadyForPickup && !strings.Contains(body, "Тверская, 1 до 31.12.2026.") {
				t.Errorf("%s: %q", svc.Code, body)
			}
		}
	}
}
