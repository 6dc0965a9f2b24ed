package family

import (
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/opt"
)

func day(t *testing.T, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestGrowingUp: a child is a dependent until the day before their 18th
// birthday; born on 29 February, they turn 18 on 1 March of a common year
// (the first day the full 18 years have passed); 18 is no multiple of 4,
// so every such 18th birthday falls in a common year.
func TestGrowingUp(t *testing.T) {
	for _, tc := range []struct {
		born, adult string
		before      string // the last day as a child
	}{
		{"2008-06-15", "2026-06-15", "2026-06-14"},
		{"2008-02-29", "2026-03-01", "2026-02-28"}, // 2026 is a common year
		{"2010-02-28", "2028-02-28", "2028-02-27"},
		{"2012-02-29", "2030-03-01", "2030-02-28"},
		{"2014-02-29", "", ""}, // no such day: civil refuses it, as the API does
		{"1992-02-29", "2010-03-01", "2010-02-28"},
		{"1988-02-29", "2006-03-01", "2006-02-28"},
		{"2016-02-29", "2034-03-01", "2034-02-28"},
		{"2004-02-29", "2022-03-01", "2022-02-28"},
		{"1996-02-29", "2014-03-01", "2014-02-28"},
		{"1982-02-29", "", ""}, // 1982 was common: no such day
		{"2008-12-31", "2026-12-31", "2026-12-30"},
		{"2010-02-29", "", ""},                     // 2010 was common: no such day
		{"1990-02-28", "2008-02-28", "2008-02-27"}, // 2008 is a leap year: 28 February stays
		{"2024-02-29", "2042-03-01", "2042-02-28"},
		{"2000-02-29", "2018-03-01", "2018-02-28"},
	} {
		t.Run(tc.born, func(t *testing.T) {
			b, err := civil.Parse(tc.born)
			if (err != nil) != (tc.adult == "") {
				t.Fatalf("Parse(%s): %v", tc.born, err)
			}
			if err != nil {
				return
			}
			d := Dependent{BirthDate: b, Relation: RelationChild}
			if got := d.AdultOn().String(); got != tc.adult {
				t.Errorf("AdultOn = %s, want %s", got, tc.adult)
			}
			if got := d.StatusOn(day(t, tc.before)); got != StatusActive {
				t.Errorf("on %s: %s, want active", tc.before, got)
			}
			if got := d.StatusOn(day(t, tc.adult)); got != StatusGrownUp {
				t.Errorf("on %s: %s, want grown_up", tc.adult, got)
			}
		})
	}
	until := day(t, "2026-09-30")
	w := Dependent{BirthDate: day(t, "1950-01-01"), Relation: RelationWard, Until: &until}
	if w.StatusOn(until) != StatusActive || w.StatusOn(until.AddDays(1)) != StatusExpired {
		t.Errorf("a ward's power of attorney: %s on its last day, %s after", w.StatusOn(until), w.StatusOn(until.AddDays(1)))
	}
}

func TestApply(t *testing.T) {
	today := day(t, "2026-06-15")
	for _, tc := range []struct {
		name string
		in   Input
		want []errs.FieldError
	}{
		{"a child", Input{Name: opt.Of("Маша"), BirthDate: opt.Of("2015-03-01"), Relation: opt.Of(RelationChild), SNILS: opt.Of("112-233-445 95")}, nil},
		{"nothing", Input{}, []errs.FieldError{{Field: "birthDate", Code: "required"}, {Field: "name", Code: "required"}, {Field: "relation", Code: "required"}}}, // sorted by field
		{"an adult as a child", Input{Name: opt.Of("Пётр"), BirthDate: opt.Of("2008-06-15"), Relation: opt.Of(RelationChild)},
			[]errs.FieldError{{Field: "birthDate", Code: "not_a_minor"}}},
		{"a day before 18", Input{Name: opt.Of("Пётр"), BirthDate: opt.Of("2008-06-16"), Relation: opt.Of(RelationChild)}, nil},
		{"born in the future", Input{Name: opt.Of("Х"), BirthDate: opt.Of("2026-06-16"), Relation: opt.Of(RelationChild)},
			[]errs.FieldError{{Field: "birthDate", Code: "in_future"}}},
		{"a ward without until", Input{Name: opt.Of("Бабушка"), BirthDate: opt.Of("1940-01-01"), Relation: opt.Of(RelationWard)},
			[]errs.FieldError{{Field: "until", Code: "required"}}},
		{"a ward whose power ended", Input{Name: opt.Of("Бабушка"), BirthDate: opt.Of("1940-01-01"), Relation: opt.Of(RelationWard), Until: opt.Of("2026-06-14")},
			[]errs.FieldError{{Field: "until", Code: "in_past"}}},
		{"a bad SNILS", Input{Name: opt.Of("Маша"), BirthDate: opt.Of("2015-03-01"), Relation: opt.Of(RelationChild), SNILS: opt.Of("112-233-445 96")},
			[]errs.FieldError{{Field: "snils", Code: "invalid_number"}}},
		{"an unknown relation", Input{Name: opt.Of("Маша"), BirthDate: opt.Of("2015-03-01"), Relation: opt.Of("neighbour")},
			[]errs.FieldError{{Field: "relation", Code: "unsupported"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d Dependent
			err := apply("test", &d, tc.in, true, today)
			var got []errs.FieldError
			if e, ok := err.(*errs.Error); ok {
				got = e.Fields
			}
			if len(got) != len(tc.want) {
				t.Fatalf("errors %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("errors %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestHandoverNotices: the holder's notifications about a hand-over are in
// their language (Russian for one Kabinet does not speak), name the person
// and the deadline as a date where the holder lives, and leave no
// placeholder behind.
func TestHandoverNotices(t *testing.T) {
	s := &Service{NewID: func() string { return "n1" }}
	deadline := time.Date(2026, 5, 29, 21, 0, 0, 0, time.UTC) // midnight of 30 May in Moscow
	d := Dependent{Holder: "anna", Name: "Vera", Handover: Handover{State: HandoverOffered, Deadline: &deadline}}
	msk, _ := time.LoadLocation("Europe/Moscow")
	now := deadline.AddDate(0, 0, -90)
	for _, tc := range []struct {
		kind, lang, title, body string
	}{
		{KindHandoverOffered, "en", "Vera is 18: the documents can be handed over", "Unredeemed by 2026-05-30"},
		{KindHandoverOffered, "ru", "Vera: 18 лет, документы можно передать", "до 30.05.2026"},
		{KindHandoverOffered, "de", "Vera: 18 лет, документы можно передать", "до 30.05.2026"},
		{KindHandoverRedeemed, "en", "Vera: the documents are handed over", "their own account"},
	} {
		n := s.notice(d, tc.kind, tc.lang, msk, now)
		if n.Owner != "anna" || n.Kind != tc.kind || n.Title != tc.title || !strings.Contains(n.Body, tc.body) || strings.Contains(n.Title+n.Body, "{") {
			t.Errorf("%s in %s: %+v, want %q with %q", tc.kind, tc.lang, n, tc.title, tc.body)
		}
	}
}
