// Package wordscan finds the words of a Russian text that are written in
// Latin letters only — English or technical strings that must not reach a
// Russian reader — outside the names that are written so in Russian too
// (SMS, PDF, a QR code). Tests use it on message templates, on the web
// client's Russian dictionary and on rendered messages.
package wordscan

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Allowed are the words a Russian text may write in Latin letters: names
// of formats, protocols and brands that Russian writes this way, with why.
var Allowed = map[string]string{
	"SMS":             "the channel's name in Russian too",
	"PDF":             "a file format",
	"CSV":             "a file format",
	"JPEG":            "an image format (the files people attach)",
	"PNG":             "an image format (the files people attach)",
	"HEIC":            "an image format (the files people attach)",
	"ICS":             "a file format (the calendar file)",
	"ics":             "the calendar file's extension, «(.ics)»",
	"JSON":            "a data format, named in request errors",
	"QR":              "«QR-код», the Russian name of the code",
	"Push":            "«Push-уведомления», the Russian name of the channel",
	"UTC":             "the offset of a time zone, «UTC+03:00»",
	"English":         "the English language's own name in the language menu",
	"If-Match":        "an HTTP header, named in the error about it",
	"Idempotency-Key": "an HTTP header, named in the error about it",
	"DELETE":          "the word an account's erasure is confirmed with, sent as is, named in the error about it",
}

var (
	// placeholders are template holes: fmt verbs, {name}, <name>.
	placeholders = regexp.MustCompile(`%[-+# 0-9.*]*[a-zA-Z]|\{[^{}]*\}|<[^<>]*>`)
	urls         = regexp.MustCompile(`(https?|mailto):[^\s«»"]+`)
	words        = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}'’-]*`)
	roman        = regexp.MustCompile(`^[IVXLCDM]+$`)
)

// Latin returns the words of s written in Latin letters only and not
// allowed, in order. Placeholders and URLs are not words; a Roman numeral
// (a birth certificate's series) is a number.
func Latin(s string) []string {
	s = urls.ReplaceAllString(placeholders.ReplaceAllString(s, " "), " ")
	var out []string
	for _, w := range words.FindAllString(s, -1) {
		w = strings.TrimRight(w, ".-'’")
		if w == "" || !latinOnly(w) || roman.MatchString(w) {
			continue
		}
		if _, ok := Allowed[w]; ok {
			continue
		}
		if head, _, ok := strings.Cut(w, "-"); ok && Allowed[head] != "" && !latinOnly(strings.TrimPrefix(w, head+"-")) {
			continue // «QR-код», «Push-уведомления»
		}
		out = append(out, w)
	}
	return slices.Compact(out)
}

// latinOnly reports whether w has a Latin letter and no Cyrillic one. A
// token with a digit is a code (a booking number KB-7F3K-9Q2M), not a word.
func latinOnly(w string) bool {
	latin := false
	for _, r := range w {
		switch {
		case unicode.Is(unicode.Cyrillic, r), unicode.IsDigit(r):
			return false
		case unicode.Is(unicode.Latin, r):
			latin = true
		}
	}
	return latin
}

// Cyrillic reports whether s has a Cyrillic letter: a Russian text.
func Cyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}
