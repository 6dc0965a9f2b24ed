package usertext_test

import (
	"testing"

	"github.com/kabinet/kabinet/shared/domain/usertext"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int
		want     string
		ok       bool
	}{
		{"plain", "Иван Петров", 200, "Иван Петров", true},
		{"trimmed", "  Иван  ", 200, "Иван", true},
		{"NFC: E with a combining diaeresis is Ё", "Е\u0308лкин", 200, "Ёлкин", true},
		{"NFC counts composed characters", "Е\u0308", 1, "Ё", true},
		{"punctuation and symbols", "ООО «Ромашка» №1 — 100 ₽", 200, "ООО «Ромашка» №1 — 100 ₽", true},
		{"a no-break space", "Иван\u00a0Петров", 200, "Иван\u00a0Петров", true},
		{"too long", "абв", 2, "", false},
		{"invalid UTF-8", "Иван\xff", 200, "", false},
		{"U+FFFD, a decoder's replacement", "Иван\ufffd", 200, "", false},
		{"right-to-left override", "Петров\u202eвонавИ", 200, "", false},
		{"left-to-right embedding", "a\u202ab", 200, "", false},
		{"right-to-left isolate", "a\u2067b", 200, "", false},
		{"right-to-left mark", "a\u200fb", 200, "", false},
		{"zero-width space", "a\u200bb", 200, "", false},
		{"zero-width joiner", "a\u200db", 200, "", false},
		{"soft hyphen", "a\u00adb", 200, "", false},
		{"BOM inside", "a\ufeffb", 200, "", false},
		{"a control", "a\x07b", 200, "", false},
		{"a line break", "a\nb", 200, "", false},
		{"a line separator", "a\u2028b", 200, "", false},
		{"private use", "a\ue000b", 200, "", false},
		{"unassigned", "a\U000E0080b", 200, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := usertext.Line(tc.in, tc.max)
			if ok != tc.ok || (ok && got != tc.want) {
				t.Errorf("Line(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestLines(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"line breaks and tabs", "опоздал\n\tна 5 минут", "опоздал\n\tна 5 минут", true},
		{"CRLF stored as LF", "a\r\nb", "a\nb", true},
		{"a lone CR", "a\rb", "", false},
		{"bidi override", "a\n\u202eb", "", false},
		{"NFC", "е\u0308ж", "ёж", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := usertext.Lines(tc.in, 100)
			if ok != tc.ok || (ok && got != tc.want) {
				t.Errorf("Lines(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}
