// Package csvsafe neutralises spreadsheet formulas in the cells of the CSV
// files Kabinet exports (the visit journal, the organisation's view), as
// OWASP's "CSV Injection" guidance asks. Any package writing a CSV a person
// opens in Excel or LibreOffice passes every text cell through Cell.
package csvsafe

import "strings"

// separators are the characters a spreadsheet may split a line on: the
// comma the file uses, the semicolon Excel uses in ru-RU and other locales
// whose decimal mark is a comma, the tab and the pipe its import dialogue
// offers, and line breaks. Kabinet cannot know which one the reader's
// Excel picks, so a formula after any of them is a formula.
const separators = ",;\t|\r\n"

// trigger reports whether a cell starting with r is evaluated: OWASP's list
// (= + - @, tab, carriage return) and the full-width forms of the first
// four, which East Asian input methods type and Excel reads as the ASCII
// ones.
func trigger(r rune) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return true
	}
	return false
}

// Cell returns s with an apostrophe before every place a spreadsheet would
// start evaluating: the start of the cell and the start of every piece a
// separator may cut it into ("Петров;=1+2" becomes "Петров;'=1+2", which a
// ru-RU Excel shows as the text "'=1+2"), spaces before the trigger not
// counting (LibreOffice may trim them). Call it before encoding/csv, which
// quotes what needs quoting and in CRLF mode drops a lone carriage return
// (so "\r=1" would otherwise arrive as a live "=1").
func Cell(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	start := true
	for _, r := range s {
		if start && r == ' ' {
			b.WriteRune(r)
			continue
		}
		if start && trigger(r) {
			b.WriteByte('\'')
		}
		b.WriteRune(r)
		start = strings.ContainsRune(separators, r)
	}
	return b.String()
}

// Live lists the pieces of a CSV file a spreadsheet would evaluate,
// whichever separator it splits on: each piece between separators (spaces
// and a quote before it ignored) that starts with '=' or '@' or their
// full-width forms, or with '+' or '-' followed by anything but a plain
// number (a day count of "-5" is a number). The tests of every export
// assert it finds nothing.
func Live(file string) []string {
	var out []string
	for _, piece := range strings.FieldsFunc(file, func(r rune) bool { return strings.ContainsRune(separators, r) }) {
		p := strings.TrimLeft(piece, ` "`)
		if p == "" {
			continue
		}
		r := []rune(p)[0]
		switch r {
		case '=', '@', '＝', '＠':
			out = append(out, piece)
		case '+', '-', '＋', '－':
			if !number(strings.TrimRight(string([]rune(p)[1:]), `"`)) {
				out = append(out, piece)
			}
		}
	}
	return out
}

func number(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
