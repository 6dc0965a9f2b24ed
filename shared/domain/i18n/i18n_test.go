package i18n

import (
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

// TestPluralFormsFollowCLDR checks the forms against the integer examples
// CLDR gives with its ru and en cardinal rules (plurals.xml:
// ru one "1, 21, 31, 41, 51, 61, 71, 81, 101, 1001, …", few "2~4, 22~24,
// 32~34, …, 102, 1002, …", many "0, 5~19, 100, 1000, 10000, …";
// en one "1", other "0, 2~16, 100, 1000, …").
func TestPluralFormsFollowCLDR(t *testing.T) {
	review := Word{One: "отзыв", Few: "отзыва", Many: "отзывов", Other: "отзыва"}
	cases := map[string][]int{
		"отзыв":   {1, 21, 31, 41, 51, 61, 71, 81, 101, 1001},
		"отзыва":  {2, 3, 4, 22, 23, 24, 32, 33, 34, 42, 43, 44, 52, 53, 54, 62, 102, 1002},
		"отзывов": {0, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100, 1000, 10000, 100000, 1000000, 111, 112, 114},
	}
	for want, ns := range cases {
		for _, n := range ns {
			if got := review.Form(RU, n); got != want {
				t.Errorf("ru %d: %q, want %q", n, got, want)
			}
		}
	}
	for n, want := range map[int]string{1: "day", 0: "days", 2: "days", 16: "days", 100: "days", 1000: "days", 21: "days"} {
		if got := DaysEN.Form(EN, n); got != want {
			t.Errorf("en %d: %q, want %q", n, got, want)
		}
	}
	for _, tc := range []struct{ got, want string }{
		{review.Count(RU, 74), "74 отзыва"},
		{Days(RU, 3), "3 дня"},
		{Days(RU, 11), "11 дней"},
		{Days(RU, 21), "21 день"},
		{Days(RU, -1), "-1 день"},
		{Months(RU, 5), "5 месяцев"},
		{Years(RU, 10), "10 лет"},
		{Years(RU, 3), "3 года"},
		{Days(EN, 1), "1 day"},
		{Months(EN, 12), "12 months"},
		{Days("", 2), "2 days"}, // an unknown language reads English
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestDates(t *testing.T) {
	d := civil.Date{Year: 2026, Month: time.December, Day: 31}
	for _, tc := range []struct{ got, want string }{
		{Date(RU, d), "31.12.2026"},
		{Date(EN, d), "2026-12-31"},
		{Date(RU, civil.Date{Year: 2027, Month: time.March, Day: 5}), "05.03.2027"},
		{DayMonth(RU, time.Date(2026, 12, 16, 11, 0, 0, 0, time.UTC)), "16 декабря"},
		{DayMonth(EN, time.Date(2026, 12, 16, 11, 0, 0, 0, time.UTC)), "16 December"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestAgencyNames(t *testing.T) {
	for _, tc := range []struct {
		code, lang, want string
		verb             string
	}{
		{"gibdd", RU, "Госавтоинспекция", "выдала"},
		{"mvd", RU, "МВД России", "выдало"},
		{"fns", RU, "ФНС России", "выдала"},
		{"sfr", RU, "Социальный фонд России", "выдал"},
		{"minzdrav", RU, "Минздрав России", "выдал"},
		{"gibdd", EN, "State Traffic Inspectorate", "выдала"},
		{"xyz", RU, "XYZ", "выдало"},
	} {
		name, g := AgencyName(tc.code, tc.lang)
		if name != tc.want || Verb(g, "выдал", "выдала", "выдало") != tc.verb {
			t.Errorf("%s/%s: %q %q, want %q %q", tc.code, tc.lang, name, Verb(g, "выдал", "выдала", "выдало"), tc.want, tc.verb)
		}
	}
}
