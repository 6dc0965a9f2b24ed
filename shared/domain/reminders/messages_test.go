package reminders

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/wordscan"
	"github.com/kabinet/kabinet/shared/domain/booking"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// TestRenderedRussianReminders renders every reminder a Russian reader
// can get — each document type before, on and after its deadline, a
// licence extended by decree No. 353, a first passport, each booking step
// in every Russian zone — and checks the words: no Latin, plurals by the
// CLDR rules, dates as 31.12.2026, the zone as a city.
func TestRenderedRussianReminders(t *testing.T) {
	today := civil.Date{Year: 2026, Month: time.June, Day: 15}
	var texts []text
	for _, ti := range registry.Catalogue() {
		for _, left := range []int{-31, -1, 0, 1, 3, 5, 21, 22, 74} {
			exp := today.AddDays(left)
			texts = append(texts, render(registry.Document{Type: ti.Type, Title: ti.Title["ru"], ExpiresOn: &exp}, today, "ru"))
		}
	}
	printed := civil.Date{Year: 2024, Month: time.July, Day: 15}
	lic := render(registry.Document{Type: registry.DriversLicence, ExpiresOn: &printed}, civil.Date{Year: 2027, Month: time.May, Day: 16}, "ru")
	born := civil.Date{Year: 2012, Month: time.July, Day: 8}
	child := render(registry.Document{Type: registry.BirthCertificate, HolderBirthDate: &born}, today, "ru")
	texts = append(texts, lic, child)
	msk, _ := time.LoadLocation("Europe/Moscow")
	var cross []text
	for _, zone := range []string{"Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
		"Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka"} {
		b := booking.Booking{TimeZone: zone, Start: time.Date(2026, 12, 16, 8, 0, 0, 0, time.UTC), ConfirmationNumber: "KB-7F3K-9Q2M"}
		for _, step := range []registry.Step{{Kind: booking.StepDayBefore}, {Kind: booking.StepTwoHours}} {
			at := b.Start.Add(-2 * time.Hour)
			if step.Kind == booking.StepDayBefore {
				at = b.Start.Add(-24 * time.Hour)
			}
			own, _ := time.LoadLocation(zone)
			texts = append(texts, renderBooking(b, step, at, own, "Терапевт", "Городская поликлиника № 3", "ru"))
			// a person in Moscow is told their own time as well
			cross = append(cross, renderBooking(b, step, at, msk, "Терапевт", "Городская поликлиника № 3", "ru"))
		}
	}
	for _, x := range append(slices.Clone(texts), cross...) {
		for _, s := range []string{x.subject, x.body, x.sms} {
			if w := wordscan.Latin(s); len(w) > 0 {
				t.Errorf("%q has Latin words %q", s, w)
			}
		}
	}

	for _, tc := range []struct{ got, want string }{
		{texts[4].body, "через 3 дня"}, // the internal passport, 3 days left
		{texts[5].body, "через 5 дней"},
		{texts[6].body, "через 21 день"},
		{texts[7].body, "через 22 дня"},
		{texts[8].body, "через 74 дня"},
		{texts[4].body, "18.06.2026"},
		{lic.body, "15.07.2027 (продлено на 3 года по ПП № 353, действует в России), через 60 дней"},
		{child.body, "Через 23 дня, 08.07.2026, владельцу документа «Свидетельство о рождении» исполнится 14 лет"},
		{texts[len(texts)-2].body, "(Петропавловск-Камчатский)"},
		{texts[len(texts)-1].sms, "приём через 2 часа"},
		// 08:00Z is 20:00 in Kamchatka, 11:00 in Moscow
		{cross[len(cross)-1].sms, "в 20:00 (Петропавловск-Камчатский; по вашему времени 11:00)"},
		{cross[2].sms, "(Москва)"}, // the same clock: no second time
	} {
		if !strings.Contains(tc.got, tc.want) {
			t.Errorf("%q lacks %q", tc.got, tc.want)
		}
	}
}
