package wordscan

import (
	"slices"
	"testing"
)

func TestLatin(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Срок действия истекает 31.12.2026, через 3 дня.", nil},
		{"Кабинет: приём завтра в 11:00 (Калининград, UTC+02:00).", nil},
		{"Покажите QR-код в регистратуре; Push-уведомления; SMS и PDF", nil},
		{"Укажите её или expiresOn", []string{"expiresOn"}},
		{"Приём в 11:00 (Europe/Kaliningrad)", []string{"Europe", "Kaliningrad"}},
		{"Срок «%s» истекает %s, через {days}; <ведомство>", nil},
		{"Подробнее: https://example.test/a?b=c", nil},
		{"IV-МЮ 123456", nil},
		{"Номер записи KB-7F3K-9Q2M.", nil},
		{"Статус: approved", []string{"approved"}},
		{"Your document", nil}, // no Cyrillic word around, but Latin() is only asked about Russian texts
	} {
		got := Latin(tc.in)
		if tc.in == "Your document" {
			if len(got) != 2 {
				t.Errorf("Latin(%q) = %q; an English text is all Latin words", tc.in, got)
			}
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Latin(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
