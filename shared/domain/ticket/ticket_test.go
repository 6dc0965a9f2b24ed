package ticket

import (
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// mustZone loads an IANA zone or stops the test.
func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// sample is a confirmed in-person booking at 10:30 on 12 December 2026 in
// Kaliningrad (08:30 UTC).
func sample(t testing.TB) Booking {
	t.Helper()
	loc := mustZone(t, "Europe/Kaliningrad")
	return Booking{
		ID:                 "01937c4e-7f3a-7b2c-9d1e-0a1b2c3d4e5f",
		ConfirmationNumber: "KB-7F3K-9Q2M",
		Status:             StatusConfirmed,
		Start:              time.Date(2026, 12, 12, 10, 30, 0, 0, loc),
		End:                time.Date(2026, 12, 12, 11, 0, 0, 0, loc),
		TimeZone:           "Europe/Kaliningrad",
		Institution:        "ГБУЗ «Городская поликлиника № 1»",
		Address:            "г. Калининград, ул. Гайдара, д. 2, каб. 214",
		Specialist:         "Иванова Анна Сергеевна",
		Specialization:     "терапевт",
		Mode:               ModeInPerson,
		Checklist:          []string{"Паспорт", "Полис ОМС", "СНИЛС"},
		CancelDeadline:     time.Date(2026, 12, 11, 10, 30, 0, 0, loc),
		StaffComment:       "повторный приём",
	}
}

func TestWhen(t *testing.T) {
	instant := time.Date(2026, 12, 12, 8, 30, 0, 0, time.UTC)
	// The zone is named by its city in the reader's language, not its IANA id.
	tests := []struct {
		zone, lang, want string
	}{
		{"Europe/Kaliningrad", "ru", "12 декабря 2026, 10:30 (Калининград, UTC+02:00)"},
		{"Europe/Kaliningrad", "en", "12 December 2026, 10:30 (Kaliningrad, UTC+02:00)"},
		{"Europe/Moscow", "ru-RU", "12 декабря 2026, 11:30 (Москва, UTC+03:00)"},
		{"Asia/Kamchatka", "ru", "12 декабря 2026, 20:30 (Петропавловск-Камчатский, UTC+12:00)"},
		{"America/St_Johns", "en", "12 December 2026, 05:00 (St Johns, UTC-03:30)"}, // a zone Kabinet has no name for: its id's city part,
		{"UTC", "", "12 December 2026, 08:30 (UTC, UTC+00:00)"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+"/"+tt.lang, func(t *testing.T) {
			if got := wordsFor(tt.lang).when(instant, mustZone(t, tt.zone)); got != tt.want {
				t.Errorf("when = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRussianMonthsAreGenitive(t *testing.T) {
	want := []string{"января", "февраля", "марта", "апреля", "мая", "июня",
		"июля", "августа", "сентября", "октября", "ноября", "декабря"}
	for i, m := range want {
		d := time.Date(2026, time.Month(i+1), 1, 12, 0, 0, 0, time.UTC)
		if got := wordsRU.longDate(d); got != "1 "+m+" 2026" {
			t.Errorf("month %d: %q", i+1, got)
		}
	}
}

func TestWordsFor(t *testing.T) {
	for lang, want := range map[string]string{"ru": "ru", "RU": "ru", "ru-RU": "ru", " ru ": "ru", "en": "en", "en-GB": "en", "": "en", "de": "en"} {
		if got := wordsFor(lang).code; got != want {
			t.Errorf("wordsFor(%q) = %s, want %s", lang, got, want)
		}
	}
}

func TestCheck(t *testing.T) {
	ok := sample(t)
	tests := []struct {
		name  string
		edit  func(*Booking)
		need  need
		field string
		code  string
	}{
		{"no zone", func(b *Booking) { b.TimeZone = "" }, 0, "time_zone", "required"},
		{"Local refused", func(b *Booking) { b.TimeZone = "Local" }, 0, "time_zone", "invalid_time_zone"},
		{"unknown zone", func(b *Booking) { b.TimeZone = "Mars/Olympus" }, 0, "time_zone", "invalid_time_zone"},
		{"no start", func(b *Booking) { b.Start = time.Time{} }, 0, "start", "required"},
		{"end before start", func(b *Booking) { b.End = b.Start.Add(-time.Minute) }, 0, "end", "not_after_start"},
		{"no id", func(b *Booking) { b.ID = "" }, needID, "id", "required"},
		{"no confirmation", func(b *Booking) { b.ConfirmationNumber = "" }, needConfirmation, "confirmation_number", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ok
			tt.edit(&b)
			_, err := check("op", b, tt.need, "")
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			fe := err.(*errs.Error).Fields
			if len(fe) != 1 || fe[0].Field != tt.field || fe[0].Code != tt.code {
				t.Errorf("fields = %v, want %s/%s", fe, tt.field, tt.code)
			}
		})
	}
	if _, err := check("op", ok, needID|needConfirmation, ""); err != nil {
		t.Errorf("valid booking: %v", err)
	}
	b := ok
	b.End = time.Time{}
	if _, err := check("op", b, 0, ""); err != nil {
		t.Errorf("zero end must be allowed: %v", err)
	}
}

func TestWebLink(t *testing.T) {
	for s, want := range map[string]bool{
		"https://meet.example/room/1?t=2": true,
		"HTTP://example.org":              true,
		"javascript:alert(1)":             false,
		"https:///nohost":                 false,
		"ftp://example.org":               false,
		"https://exa mple.org":            false,
		"https://example.org/\nX":         false,
		"":                                false,
		"example.org":                     false,
	} {
		if got := webLink(s); got != want {
			t.Errorf("webLink(%q) = %v", s, got)
		}
	}
}
