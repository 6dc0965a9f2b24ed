package registry

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/opt"
)

var (
	inputToday = civil.Date{Year: 2026, Month: time.June, Day: 15}
	inputBirth = civil.Date{Year: 1990, Month: time.May, Day: 15}
)

// fieldCodes lists the field errors of err as "field:code", in order; nil for no error.
func fieldCodes(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *errs.Error", err, err)
	}
	if e.Kind != errs.Invalid {
		t.Errorf("kind = %v, want invalid", e.Kind)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

// runApply applies in to d and returns the changed fields and the field errors.
func runApply(t *testing.T, d *Document, in DocumentFields, creating bool, birth *civil.Date) (changed, problems []string) {
	t.Helper()
	changed, fe := apply(d, in, creating, birth, inputToday)
	return changed, fieldCodes(t, fe.Err("test"))
}

func assertStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func assertDate(t *testing.T, what string, got *civil.Date, want string) {
	t.Helper()
	switch {
	case want == "" && got != nil:
		t.Errorf("%s = %s, want nil", what, got)
	case want != "" && got == nil:
		t.Errorf("%s = nil, want %s", what, want)
	case want != "" && got.String() != want:
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func TestApplyCreate(t *testing.T) {
	for _, tc := range []struct {
		name        string
		typ         DocType
		in          DocumentFields
		noBirth     bool
		wantErrs    []string
		wantExpires string
		wantSource  Source
		wantChanged []string
		wantIssued  string
	}{
		{name: "rule computes the expiry", typ: ForeignPassport,
			in:          DocumentFields{IssuedOn: opt.Of("2020-03-01"), Number: opt.Of("71 2345678")},
			wantExpires: "2030-03-01", wantSource: SourceRule, wantIssued: "2020-03-01",
			wantChanged: []string{"number", "issuedOn", "expiresOn"}},
		{name: "explicit expiresOn overrides the rule", typ: ForeignPassport,
			in:          DocumentFields{IssuedOn: opt.Of("2020-03-01"), ExpiresOn: opt.Of("2029-12-31")},
			wantExpires: "2029-12-31", wantSource: SourceUser, wantIssued: "2020-03-01",
			wantChanged: []string{"issuedOn", "expiresOn"}},
		{name: "expiresOn null means indefinite, from the user", typ: ForeignPassport,
			in:          DocumentFields{IssuedOn: opt.Of("2020-03-01"), ExpiresOn: opt.Null[string]()},
			wantExpires: "", wantSource: SourceUser, wantIssued: "2020-03-01",
			wantChanged: []string{"issuedOn", "expiresOn"}},
		{name: "indefinite type gets no expiry from its rule", typ: SNILS,
			in:          DocumentFields{Number: opt.Of("112-233-445 95")},
			wantExpires: "", wantSource: SourceRule,
			wantChanged: []string{"number", "expiresOn"}},
		{name: "internal passport from the owner's birth date", typ: InternalPassport,
			in:          DocumentFields{IssuedOn: opt.Of("2010-06-01")},
			wantExpires: "2035-05-15", wantSource: SourceRule, wantIssued: "2010-06-01",
			wantChanged: []string{"issuedOn", "expiresOn"}},
		{name: "contract takes the user's dates; none is indefinite", typ: Contract,
			in:          DocumentFields{},
			wantExpires: "", wantSource: SourceUser,
			wantChanged: []string{"expiresOn"}},
		{name: "contract with the user's expiry", typ: Contract,
			in:          DocumentFields{IssuedOn: opt.Of("2026-01-01"), ExpiresOn: opt.Of("2026-12-31")},
			wantExpires: "2026-12-31", wantSource: SourceUser, wantIssued: "2026-01-01",
			wantChanged: []string{"issuedOn", "expiresOn"}},
		{name: "issued today is fine", typ: MedicalCertificate,
			in:          DocumentFields{IssuedOn: opt.Of("2026-06-15")},
			wantExpires: "2026-12-15", wantSource: SourceRule, wantIssued: "2026-06-15",
			wantChanged: []string{"issuedOn", "expiresOn"}},

		{name: "rule type without issue date", typ: ForeignPassport,
			in: DocumentFields{}, wantErrs: []string{"issuedOn:required_for_rule"}},
		{name: "internal passport without the owner's birth date", typ: InternalPassport, noBirth: true,
			in: DocumentFields{IssuedOn: opt.Of("2010-06-01")}, wantErrs: []string{"expiresOn:birth_date_required"}},
		{name: "issue date in the future", typ: ForeignPassport,
			in: DocumentFields{IssuedOn: opt.Of("2026-06-16")}, wantErrs: []string{"issuedOn:in_future"}},
		{name: "impossible issue date", typ: ForeignPassport,
			in: DocumentFields{IssuedOn: opt.Of("2026-02-30")}, wantErrs: []string{"issuedOn:invalid_date"}},
		{name: "impossible expiry date", typ: Contract,
			in: DocumentFields{ExpiresOn: opt.Of("2026-13-01")}, wantErrs: []string{"expiresOn:invalid_date"}},
		{name: "expiry before issue", typ: Contract,
			in: DocumentFields{IssuedOn: opt.Of("2026-01-10"), ExpiresOn: opt.Of("2026-01-09")}, wantErrs: []string{"expiresOn:before_issued"}},
		{name: "expiry on the issue day is allowed", typ: Contract,
			in:          DocumentFields{IssuedOn: opt.Of("2026-01-10"), ExpiresOn: opt.Of("2026-01-10")},
			wantExpires: "2026-01-10", wantSource: SourceUser, wantIssued: "2026-01-10",
			wantChanged: []string{"issuedOn", "expiresOn"}},
		{name: "custom document needs a title", typ: Custom,
			in: DocumentFields{}, wantErrs: []string{"title:required"}},
		{name: "custom document with a blank title", typ: Custom,
			in: DocumentFields{Title: opt.Of("   ")}, wantErrs: []string{"title:required"}},
		{name: "several errors at once, sorted by field", typ: Custom,
			in:       DocumentFields{IssuedOn: opt.Of("tomorrow"), RemindDays: opt.Of([]int{0})},
			wantErrs: []string{"issuedOn:invalid_date", "remindDays:out_of_range", "title:required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Document{Type: tc.typ, Source: SourceUser}
			birth := &inputBirth
			if tc.noBirth {
				birth = nil
			}
			changed, problems := runApply(t, &d, tc.in, true, birth)
			assertStrings(t, "field errors", problems, tc.wantErrs)
			if tc.wantErrs != nil {
				return
			}
			assertStrings(t, "changed", changed, tc.wantChanged)
			assertDate(t, "ExpiresOn", d.ExpiresOn, tc.wantExpires)
			assertDate(t, "IssuedOn", d.IssuedOn, tc.wantIssued)
			if d.ExpiresOnSource != tc.wantSource {
				t.Errorf("ExpiresOnSource = %q, want %q", d.ExpiresOnSource, tc.wantSource)
			}
		})
	}
}

// stored returns a saved document to patch: a foreign passport whose
// expiry came from its rule, or (user) one whose expiry was typed.
func stored(t *testing.T, source Source) Document {
	t.Helper()
	return Document{
		ID: "d1", Owner: "alice", Type: ForeignPassport, Title: "Загранпаспорт", Number: "71 2345678",
		IssuedOn: dayPtr(t, "2020-03-01"), ExpiresOn: dayPtr(t, "2030-03-01"), ExpiresOnSource: source,
		RemindDays: []int{90, 30}, Source: SourceUser, Version: 3,
	}
}

func TestApplyPatch(t *testing.T) {
	for _, tc := range []struct {
		name        string
		source      Source
		in          DocumentFields
		wantErrs    []string
		wantChanged []string
		check       func(t *testing.T, d Document)
	}{
		{name: "empty patch changes nothing", source: SourceRule, in: DocumentFields{},
			check: func(t *testing.T, d Document) {
				if d.Title != "Загранпаспорт" || d.Number != "71 2345678" || !slices.Equal(d.RemindDays, []int{90, 30}) {
					t.Errorf("document changed: %+v", d)
				}
				assertDate(t, "ExpiresOn", d.ExpiresOn, "2030-03-01")
			}},
		{name: "absent fields are left alone", source: SourceRule, in: DocumentFields{RemindDays: opt.Of([]int{10})},
			wantChanged: []string{"remindDays"},
			check: func(t *testing.T, d Document) {
				if d.Title != "Загранпаспорт" || d.Number != "71 2345678" {
					t.Errorf("title/number changed: %q %q", d.Title, d.Number)
				}
				assertDate(t, "IssuedOn", d.IssuedOn, "2020-03-01")
				assertDate(t, "ExpiresOn", d.ExpiresOn, "2030-03-01")
				if d.ExpiresOnSource != SourceRule {
					t.Errorf("ExpiresOnSource = %q, want rule", d.ExpiresOnSource)
				}
			}},
		{name: "null clears the title", source: SourceRule, in: DocumentFields{Title: opt.Null[string]()},
			wantChanged: []string{"title"},
			check: func(t *testing.T, d Document) {
				if d.Title != "" {
					t.Errorf("Title = %q, want cleared", d.Title)
				}
			}},
		{name: "null clears the number", source: SourceRule, in: DocumentFields{Number: opt.Null[string]()},
			wantChanged: []string{"number"},
			check: func(t *testing.T, d Document) {
				if d.Number != "" {
					t.Errorf("Number = %q, want cleared", d.Number)
				}
			}},
		{name: "null remindDays go back to the type's defaults", source: SourceRule, in: DocumentFields{RemindDays: opt.Null[[]int]()},
			wantChanged: []string{"remindDays"},
			check: func(t *testing.T, d Document) {
				if d.RemindDays != nil {
					t.Errorf("RemindDays = %v, want nil", d.RemindDays)
				}
			}},
		{name: "expiresOn null makes it indefinite, from the user", source: SourceRule, in: DocumentFields{ExpiresOn: opt.Null[string]()},
			wantChanged: []string{"expiresOn"},
			check: func(t *testing.T, d Document) {
				assertDate(t, "ExpiresOn", d.ExpiresOn, "")
				if d.ExpiresOnSource != SourceUser {
					t.Errorf("ExpiresOnSource = %q, want user", d.ExpiresOnSource)
				}
			}},
		{name: "issuedOn of a rule-sourced document recomputes its expiry", source: SourceRule, in: DocumentFields{IssuedOn: opt.Of("2021-04-05")},
			wantChanged: []string{"issuedOn", "expiresOn"},
			check: func(t *testing.T, d Document) {
				assertDate(t, "IssuedOn", d.IssuedOn, "2021-04-05")
				assertDate(t, "ExpiresOn", d.ExpiresOn, "2031-04-05")
				if d.ExpiresOnSource != SourceRule {
					t.Errorf("ExpiresOnSource = %q, want rule", d.ExpiresOnSource)
				}
			}},
		{name: "issuedOn of a user-sourced document keeps its expiry", source: SourceUser, in: DocumentFields{IssuedOn: opt.Of("2021-04-05")},
			wantChanged: []string{"issuedOn"},
			check: func(t *testing.T, d Document) {
				assertDate(t, "ExpiresOn", d.ExpiresOn, "2030-03-01")
				if d.ExpiresOnSource != SourceUser {
					t.Errorf("ExpiresOnSource = %q, want user", d.ExpiresOnSource)
				}
			}},
		{name: "issuedOn and expiresOn together: the user's expiry wins", source: SourceRule,
			in:          DocumentFields{IssuedOn: opt.Of("2021-04-05"), ExpiresOn: opt.Of("2030-01-01")},
			wantChanged: []string{"issuedOn", "expiresOn"},
			check: func(t *testing.T, d Document) {
				assertDate(t, "ExpiresOn", d.ExpiresOn, "2030-01-01")
				if d.ExpiresOnSource != SourceUser {
					t.Errorf("ExpiresOnSource = %q, want user", d.ExpiresOnSource)
				}
			}},
		{name: "the same issue date recomputes to the same expiry: no change", source: SourceRule, in: DocumentFields{IssuedOn: opt.Of("2020-03-01")}},
		{name: "the same title: no change", source: SourceRule, in: DocumentFields{Title: opt.Of("  Загранпаспорт ")}},
		{name: "the same number typed differently: no change", source: SourceRule, in: DocumentFields{Number: opt.Of("712345678")}},
		{name: "the same reminder steps in another order: no change", source: SourceRule, in: DocumentFields{RemindDays: opt.Of([]int{30, 90})}},
		{name: "the same expiry typed by the user changes its source", source: SourceRule, in: DocumentFields{ExpiresOn: opt.Of("2030-03-01")},
			wantChanged: []string{"expiresOn"}},
		{name: "title and expiry: exactly those two", source: SourceRule,
			in:          DocumentFields{Title: opt.Of("Новый"), ExpiresOn: opt.Of("2026-08-01")},
			wantChanged: []string{"title", "expiresOn"}},
		{name: "every field at once", source: SourceRule,
			in: DocumentFields{Title: opt.Of("x"), Number: opt.Of("72 0000000"), IssuedOn: opt.Of("2022-01-01"),
				ExpiresOn: opt.Of("2031-01-01"), RemindDays: opt.Of([]int{5})},
			wantChanged: []string{"title", "number", "issuedOn", "expiresOn", "remindDays"}},
		{name: "clearing the issue date of a rule-sourced document is refused", source: SourceRule,
			in: DocumentFields{IssuedOn: opt.Null[string]()}, wantErrs: []string{"issuedOn:required_for_rule"}},
		{name: "clearing the issue date of a user-sourced document is fine", source: SourceUser,
			in: DocumentFields{IssuedOn: opt.Null[string]()}, wantChanged: []string{"issuedOn"}},
		{name: "moving the user's expiry before the issue date is refused", source: SourceUser,
			in: DocumentFields{ExpiresOn: opt.Of("2019-01-01")}, wantErrs: []string{"expiresOn:before_issued"}},
		{name: "moving the issue date after the user's expiry is refused", source: SourceUser,
			in: DocumentFields{IssuedOn: opt.Of("2026-06-01"), ExpiresOn: opt.Of("2026-05-01")}, wantErrs: []string{"expiresOn:before_issued"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := stored(t, tc.source)
			changed, problems := runApply(t, &d, tc.in, false, &inputBirth)
			assertStrings(t, "field errors", problems, tc.wantErrs)
			if tc.wantErrs != nil {
				return
			}
			assertStrings(t, "changed", changed, tc.wantChanged)
			if d.ID != "d1" || d.Owner != "alice" || d.Version != 3 || d.Type != ForeignPassport || d.Source != SourceUser {
				t.Errorf("apply touched a field a client cannot set: %+v", d)
			}
			if tc.check != nil {
				tc.check(t, d)
			}
		})
	}
}

func TestChangedFields(t *testing.T) {
	base := stored(t, SourceRule)
	for _, tc := range []struct {
		name   string
		modify func(d *Document)
		want   []string
	}{
		{"identical", func(d *Document) {}, nil},
		{"equal dates behind different pointers", func(d *Document) {
			x, y := *d.IssuedOn, *d.ExpiresOn
			d.IssuedOn, d.ExpiresOn = &x, &y
		}, nil},
		{"equal reminder slices behind different arrays", func(d *Document) { d.RemindDays = []int{90, 30} }, nil},
		{"fields a client cannot set are not reported", func(d *Document) {
			d.Version, d.Owner, d.Source = 9, "bob", SourceAgency
		}, nil},
		{"title", func(d *Document) { d.Title = "x" }, []string{"title"}},
		{"number", func(d *Document) { d.Number = "" }, []string{"number"}},
		{"issue date cleared", func(d *Document) { d.IssuedOn = nil }, []string{"issuedOn"}},
		{"expiry moved", func(d *Document) { e := d.ExpiresOn.AddDays(1); d.ExpiresOn = &e }, []string{"expiresOn"}},
		{"expiry cleared", func(d *Document) { d.ExpiresOn = nil }, []string{"expiresOn"}},
		{"expiry source only", func(d *Document) { d.ExpiresOnSource = SourceUser }, []string{"expiresOn"}},
		{"reminders reordered", func(d *Document) { d.RemindDays = []int{30, 90} }, []string{"remindDays"}},
		{"reminders cleared", func(d *Document) { d.RemindDays = nil }, []string{"remindDays"}},
		{"all, in a stable order", func(d *Document) {
			d.RemindDays, d.ExpiresOn, d.IssuedOn, d.Number, d.Title = nil, nil, nil, "", ""
		}, []string{"title", "number", "issuedOn", "expiresOn", "remindDays"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			after := base
			after.RemindDays = slices.Clone(base.RemindDays)
			tc.modify(&after)
			assertStrings(t, "changedFields", changedFields(base, after), tc.want)
		})
	}
}

func TestApplyNumbers(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  DocType
		in   string
		want string // the stored number when accepted
		err  string // the field error code when refused
	}{
		{"internal passport digits only", InternalPassport, "4510123456", "4510 123456", ""},
		{"internal passport with spaces", InternalPassport, "45 10 123456", "4510 123456", ""},
		{"internal passport with a dash", InternalPassport, "4510-123456", "4510 123456", ""},
		{"internal passport trimmed", InternalPassport, "  4510 123456 ", "4510 123456", ""},
		{"internal passport too short", InternalPassport, "451012345", "", "invalid_number"},
		{"internal passport too long", InternalPassport, "45101234567", "", "invalid_number"},
		{"internal passport with a letter", InternalPassport, "4510 12345A", "", "invalid_number"},
		{"internal passport with full-width digits", InternalPassport, "４５１０１２３４５６", "", "invalid_number"},
		{"foreign passport", ForeignPassport, "712345678", "71 2345678", ""},
		{"foreign passport too long", ForeignPassport, "7123456789", "", "invalid_number"},
		{"SNILS with a valid checksum, bare", SNILS, "11223344595", "112-233-445 95", ""},
		{"SNILS with a valid checksum, formatted", SNILS, "112-233-445 95", "112-233-445 95", ""},
		{"SNILS with spaces", SNILS, "112 233 445 95", "112-233-445 95", ""},
		{"SNILS with a wrong checksum", SNILS, "112-233-445 96", "", "invalid_number"},
		{"SNILS with two digits swapped", SNILS, "121-233-445 95", "", "invalid_number"},
		{"SNILS too short", SNILS, "112-233-445 9", "", "invalid_number"},
		{"personal INN", INN, "500100732259", "500100732259", ""},
		{"personal INN with spaces", INN, "5001 0073 2259", "500100732259", ""},
		{"personal INN with a wrong check digit", INN, "500100732258", "", "invalid_number"},
		{"organisation INN is not a person's", INN, "7707083893", "", "invalid_number"},
		{"licence with a Cyrillic series", DriversLicence, "77АВ123456", "77АВ 123456", ""},
		{"licence with a lower-case Cyrillic series", DriversLicence, "77ав123456", "77АВ 123456", ""},
		{"licence all digits", DriversLicence, "99 08 123456", "9908 123456", ""},
		{"licence with letters in the wrong place", DriversLicence, "АВ77123456", "", "invalid_number"},
		{"licence too short", DriversLicence, "77АВ12345", "", "invalid_number"},
		{"OMS policy", OMSPolicy, "1234 5678 9012 3456", "1234567890123456", ""},
		{"OMS policy too short", OMSPolicy, "123456789012345", "", "invalid_number"},
		{"OSAGO takes any text", OSAGO, "ХХХ 0123456789", "ХХХ 0123456789", ""},
		{"contract takes any text", Contract, "№ 15/2026-A", "№ 15/2026-A", ""},
		{"empty number is no number", InternalPassport, "", "", ""},
		{"blank number is no number", SNILS, "   ", "", ""},
		{"control character", OSAGO, "AB\x00123", "", "invalid_text"},
		{"65 characters", OSAGO, strings.Repeat("Я", 65), "", "invalid_text"},
		{"64 characters", OSAGO, strings.Repeat("Я", 64), strings.Repeat("Я", 64), ""},
		{"invalid UTF-8", OSAGO, "AB\xff", "", "invalid_text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Document{Type: tc.typ, Number: "old"}
			_, problems := runApply(t, &d, DocumentFields{Number: opt.Of(tc.in)}, false, &inputBirth)
			if tc.err != "" {
				assertStrings(t, "field errors", problems, []string{"number:" + tc.err})
				return
			}
			assertStrings(t, "field errors", problems, nil)
			if d.Number != tc.want {
				t.Errorf("Number = %q, want %q", d.Number, tc.want)
			}
		})
	}
}

func TestApplyRemindDays(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   opt.Value[[]int]
		want []int
		err  string
	}{
		{"sorted descending", opt.Of([]int{7, 90, 30}), []int{90, 30, 7}, ""},
		{"one step", opt.Of([]int{1}), []int{1}, ""},
		{"six steps is the most", opt.Of([]int{1, 2, 3, 4, 5, 6}), []int{6, 5, 4, 3, 2, 1}, ""},
		{"three years is the longest", opt.Of([]int{1095}), []int{1095}, ""},
		{"empty list means the type's defaults", opt.Of([]int{}), nil, ""},
		{"null means the type's defaults", opt.Null[[]int](), nil, ""},
		{"seven steps", opt.Of([]int{1, 2, 3, 4, 5, 6, 7}), nil, "too_many"},
		{"zero", opt.Of([]int{30, 0}), nil, "out_of_range"},
		{"negative", opt.Of([]int{-1}), nil, "out_of_range"},
		{"over three years", opt.Of([]int{1096}), nil, "out_of_range"},
		{"duplicate", opt.Of([]int{7, 30, 7}), nil, "duplicate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Document{Type: Custom, Title: "t", RemindDays: []int{99}}
			orig := slices.Clone(tc.in.V)
			_, problems := runApply(t, &d, DocumentFields{RemindDays: tc.in}, false, &inputBirth)
			if tc.err != "" {
				assertStrings(t, "field errors", problems, []string{"remindDays:" + tc.err})
				return
			}
			assertStrings(t, "field errors", problems, nil)
			if !slices.Equal(d.RemindDays, tc.want) || (tc.want == nil) != (d.RemindDays == nil) {
				t.Errorf("RemindDays = %v, want %v", d.RemindDays, tc.want)
			}
			if !slices.Equal(tc.in.V, orig) {
				t.Errorf("apply reordered the caller's slice: %v, was %v", tc.in.V, orig)
			}
		})
	}
}

func TestApplyTitle(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"plain", "Загранпаспорт", "Загранпаспорт", true},
		{"trimmed", "  Договор аренды \t", "Договор аренды", true},
		{"200 Cyrillic characters (400 bytes)", strings.Repeat("ж", 200), strings.Repeat("ж", 200), true},
		{"emoji", "Паспорт 🛂", "Паспорт 🛂", true},
		{"201 characters", strings.Repeat("ж", 201), "", false},
		{"bell character", "a\x07b", "", false},
		{"newline inside", "line\nbreak", "", false},
		{"NUL", "a\x00", "", false},
		{"DEL", "a\x7fb", "", false},
		{"C1 control", "a\u0085b", "", false},
		{"invalid UTF-8", "a\xc3", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Document{Type: Custom, Title: "old"}
			_, problems := runApply(t, &d, DocumentFields{Title: opt.Of(tc.in)}, false, &inputBirth)
			if !tc.ok {
				assertStrings(t, "field errors", problems, []string{"title:invalid_text"})
				return
			}
			assertStrings(t, "field errors", problems, nil)
			if d.Title != tc.want {
				t.Errorf("Title = %q, want %q", d.Title, tc.want)
			}
		})
	}
}

func TestValidProfile(t *testing.T) {
	full := ProfileInput{Name: "Тест Тестов", BirthDate: "1990-05-15", TimeZone: "Europe/Moscow", Language: "ru",
		Email: "test@example.ru", Phone: "+79990000000"}
	with := func(f func(p *ProfileInput)) ProfileInput { p := full; f(&p); return p }
	for _, tc := range []struct {
		name  string
		in    ProfileInput
		want  []string // field errors
		check func(t *testing.T, p Profile)
	}{
		{"full profile", full, nil, func(t *testing.T, p Profile) {
			if p.Owner != "alice" || p.Name != "Тест Тестов" || p.TimeZone != "Europe/Moscow" || p.Language != "ru" ||
				p.Email != "test@example.ru" || p.Phone != "+79990000000" {
				t.Errorf("profile = %+v", p)
			}
			assertDate(t, "BirthDate", p.BirthDate, "1990-05-15")
		}},
		{"empty profile gets the defaults", ProfileInput{}, nil, func(t *testing.T, p Profile) {
			if p.TimeZone != DefaultTimeZone || p.Language != DefaultLanguage || p.BirthDate != nil {
				t.Errorf("profile = %+v, want defaults %s/%s and no birth date", p, DefaultTimeZone, DefaultLanguage)
			}
		}},
		{"trims name, e-mail and phone", ProfileInput{Name: " A ", Email: " a@b.ru ", Phone: " +79990000000 "}, nil, func(t *testing.T, p Profile) {
			if p.Name != "A" || p.Email != "a@b.ru" || p.Phone != "+79990000000" {
				t.Errorf("profile = %+v", p)
			}
		}},
		{"zone Asia/Vladivostok", with(func(p *ProfileInput) { p.TimeZone = "Asia/Vladivostok" }), nil, nil},
		{"zone UTC", with(func(p *ProfileInput) { p.TimeZone = "UTC" }), nil, nil},
		{"zone Europe/Kaliningrad", with(func(p *ProfileInput) { p.TimeZone = "Europe/Kaliningrad" }), nil, nil},
		{"zone Local", with(func(p *ProfileInput) { p.TimeZone = "Local" }), []string{"timeZone:invalid_time_zone"}, nil},
		{"zone +03:00", with(func(p *ProfileInput) { p.TimeZone = "+03:00" }), []string{"timeZone:invalid_time_zone"}, nil},
		{"zone MSK", with(func(p *ProfileInput) { p.TimeZone = "MSK" }), []string{"timeZone:invalid_time_zone"}, nil},
		{"zone Mars/Base", with(func(p *ProfileInput) { p.TimeZone = "Mars/Base" }), []string{"timeZone:invalid_time_zone"}, nil},
		{"zone ../etc/passwd", with(func(p *ProfileInput) { p.TimeZone = "../etc/passwd" }), []string{"timeZone:invalid_time_zone"}, nil},
		{"zone /etc/localtime", with(func(p *ProfileInput) { p.TimeZone = "/etc/localtime" }), []string{"timeZone:invalid_time_zone"}, nil},
		{"zone Europe/../Europe/Moscow", with(func(p *ProfileInput) { p.TimeZone = "Europe/../Europe/Moscow" }), []string{"timeZone:invalid_time_zone"}, nil},
		{"phone E.164", with(func(p *ProfileInput) { p.Phone = "+4915112345678" }), nil, nil},
		{"phone the domestic way is kept as +7", with(func(p *ProfileInput) { p.Phone = "89990000000" }), nil, func(t *testing.T, p Profile) {
			if p.Phone != "+79990000000" {
				t.Errorf("phone = %q, want +79990000000", p.Phone)
			}
		}},
		{"phone with spaces and brackets is kept in E.164", with(func(p *ProfileInput) { p.Phone = "+7 (999) 000-00-00" }), nil, func(t *testing.T, p Profile) {
			if p.Phone != "+79990000000" {
				t.Errorf("phone = %q, want +79990000000", p.Phone)
			}
		}},
		{"phone without plus, not 8 and ten digits", with(func(p *ProfileInput) { p.Phone = "79990000000" }), []string{"phone:invalid_phone"}, nil},
		{"phone with a letter", with(func(p *ProfileInput) { p.Phone = "+7 999 000 00 0O" }), []string{"phone:invalid_phone"}, nil},
		{"phone too short", with(func(p *ProfileInput) { p.Phone = "+7999000" }), []string{"phone:invalid_phone"}, nil},
		{"phone too long", with(func(p *ProfileInput) { p.Phone = "+7999000000000000" }), []string{"phone:invalid_phone"}, nil},
		{"phone with leading zero", with(func(p *ProfileInput) { p.Phone = "+07990000000" }), []string{"phone:invalid_phone"}, nil},
		{"e-mail a@b.ru", with(func(p *ProfileInput) { p.Email = "a@b.ru" }), nil, nil},
		{"e-mail with a display name", with(func(p *ProfileInput) { p.Email = "Alice <a@b.ru>" }), []string{"email:invalid_email"}, nil},
		{"e-mail in angle brackets", with(func(p *ProfileInput) { p.Email = "<a@b.ru>" }), []string{"email:invalid_email"}, nil},
		{"e-mail without a dot in the domain", with(func(p *ProfileInput) { p.Email = "a@b" }), []string{"email:invalid_email"}, nil},
		{"e-mail without @", with(func(p *ProfileInput) { p.Email = "no-at" }), []string{"email:invalid_email"}, nil},
		{"two e-mails", with(func(p *ProfileInput) { p.Email = "a@b.ru, c@d.ru" }), []string{"email:invalid_email"}, nil},
		{"e-mail over 254 characters", with(func(p *ProfileInput) { p.Email = strings.Repeat("a", 60) + "@" + strings.Repeat("b", 200) + ".ru" }), []string{"email:invalid_email"}, nil},
		{"language en", with(func(p *ProfileInput) { p.Language = "en" }), nil, nil},
		{"language de", with(func(p *ProfileInput) { p.Language = "de" }), []string{"language:unsupported_language"}, nil},
		{"language RU", with(func(p *ProfileInput) { p.Language = "RU" }), []string{"language:unsupported_language"}, nil},
		{"language ru-RU", with(func(p *ProfileInput) { p.Language = "ru-RU" }), []string{"language:unsupported_language"}, nil},
		{"born today", with(func(p *ProfileInput) { p.BirthDate = "2026-06-15" }), nil, nil},
		{"born tomorrow", with(func(p *ProfileInput) { p.BirthDate = "2026-06-16" }), []string{"birthDate:in_future"}, nil},
		{"impossible birth date", with(func(p *ProfileInput) { p.BirthDate = "1990-02-30" }), []string{"birthDate:invalid_date"}, nil},
		{"name with a control character", with(func(p *ProfileInput) { p.Name = "A\x1bB" }), []string{"name:invalid_text"}, nil},
		{"name over 200 characters", with(func(p *ProfileInput) { p.Name = strings.Repeat("Ж", 201) }), []string{"name:invalid_text"}, nil},
		{"every field wrong, sorted", ProfileInput{Name: "\x00", BirthDate: "x", TimeZone: "Local", Language: "de", Email: "x", Phone: "x"},
			[]string{"birthDate:invalid_date", "email:invalid_email", "language:unsupported_language", "name:invalid_text", "phone:invalid_phone", "timeZone:invalid_time_zone"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := validProfile("alice", tc.in, inputToday)
			assertStrings(t, "field errors", fieldCodes(t, err), tc.want)
			if tc.want == nil && tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

// "right/" and "posix/" are directories some systems add beside the IANA
// zones (leap-second and POSIX builds); they are not zone names, and the
// embedded tzdata a Lambda falls back on does not have them, so accepting
// them makes validation depend on the host.
func TestValidProfileRefusesZoneDirectoriesOfTheHost(t *testing.T) {
	for _, zone := range []string{"right/Europe/Moscow", "posix/Europe/Moscow", "posix/UTC"} {
		t.Run(zone, func(t *testing.T) {
			_, err := validProfile("alice", ProfileInput{TimeZone: zone}, inputToday)
			assertStrings(t, "field errors", fieldCodes(t, err), []string{"timeZone:invalid_time_zone"})
		})
	}
}
