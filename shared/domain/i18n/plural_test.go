package i18n

import (
	"testing"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// TestPluralFormsAreCLDRs holds pluralForm to the CLDR cardinal rules as
// golang.org/x/text ships them, for every whole count up to 100 000 in
// both languages (and an unknown one, which reads English): the rules are
// written out so that no Lambda links x/text/language, not to differ.
func TestPluralFormsAreCLDRs(t *testing.T) {
	want := map[plural.Form]form{plural.One: one, plural.Few: few, plural.Many: many, plural.Other: other}
	for _, tc := range []struct {
		lang string
		tag  language.Tag
	}{{RU, language.Russian}, {EN, language.English}, {"de", language.English}} {
		for n := 0; n <= 100_000; n++ {
			cldr := plural.Cardinal.MatchPlural(tc.tag, n, 0, 0, 0, 0)
			if got := pluralForm(tc.lang, n); got != want[cldr] {
				t.Fatalf("%s %d: form %d, CLDR says %v", tc.lang, n, got, cldr)
			}
		}
	}
}
