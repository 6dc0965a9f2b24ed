// Package usertext decides what text a person may store: names, titles,
// numbers, reasons and comments. Stored text reaches other people (an
// organisation's view and CSV, staff screens, SMS), so it is one canonical
// form (NFC: "Ё" typed as E and a combining diaeresis is the same name as
// the precomposed one) and carries nothing that changes how the text
// around it is shown: no bidirectional controls (U+202E would show
// "Петров" reversed on an organisation's screen), zero-width or other
// format characters, controls, private-use or unassigned code points, and
// no U+FFFD, which is what a JSON decoder makes of invalid UTF-8 and lone
// surrogates. Invalid UTF-8 itself is refused before decoding (httpapi).
package usertext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Line returns s trimmed and NFC-normalised, ok false when it is not valid
// UTF-8, holds a character a one-line text may not (see the package
// comment; a line break is one), or is longer than max characters after
// normalisation. For names, titles, numbers and reasons.
func Line(s string, max int) (string, bool) { return clean(s, max, false) }

// Lines is Line for text of several lines (comments): line breaks ("\n",
// and "\r\n" stored as "\n") and tabs are allowed.
func Lines(s string, max int) (string, bool) { return clean(s, max, true) }

func clean(s string, max int, multiline bool) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	s = strings.TrimSpace(norm.NFC.String(s))
	for _, r := range s {
		if !allowed(r, multiline) {
			return "", false
		}
	}
	return s, utf8.RuneCountInString(s) <= max
}

// allowed is letters, marks, digits, punctuation, symbols and spaces (Zs),
// and in several lines "\n" and "\t". That leaves out Cc (controls), Cf
// (format: bidi controls U+202A–U+202E and U+2066–U+2069, marks U+200E,
// U+200F, zero-width U+200B–U+200D, soft hyphen), Co, Cs, unassigned code
// points and the line and paragraph separators (Zl, Zp).
func allowed(r rune, multiline bool) bool {
	switch {
	case r == utf8.RuneError:
		return false
	case r == '\n' || r == '\t':
		return multiline
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs)
}
