package registry

import (
	"slices"
	"testing"
)

// rule returns the validity rule of typ, failing when it has none.
func rule(t *testing.T, typ DocType) Rule {
	t.Helper()
	ti, ok := Lookup(typ)
	if !ok {
		t.Fatalf("Lookup(%q) failed", typ)
	}
	if ti.Rule == nil {
		t.Fatalf("%s has no rule", typ)
	}
	return ti.Rule
}

func TestCatalogueRules(t *testing.T) {
	for _, tc := range []struct {
		name          string
		typ           DocType
		issued, birth string // "" for nil
		want          string // "" for indefinite (nil)
		wantMissing   string
	}{
		{"foreign passport: 10 years", ForeignPassport, "2017-06-20", "", "2027-06-20", ""},
		{"foreign passport issued on 29 Feb ends on 28 Feb", ForeignPassport, "2016-02-29", "", "2026-02-28", ""},
		{"foreign passport issued on 29 Feb, leap end year", ForeignPassport, "2020-02-29", "", "2030-02-28", ""},
		{"foreign passport without issue date", ForeignPassport, "", "", "", "required_for_rule"},
		{"driver's licence: 10 years", DriversLicence, "2021-11-03", "", "2031-11-03", ""},
		{"driver's licence issued on 29 Feb ends on 28 Feb", DriversLicence, "2024-02-29", "", "2034-02-28", ""},
		{"driver's licence without issue date", DriversLicence, "", "", "", "required_for_rule"},

		{"OSAGO: a year ending the day before", OSAGO, "2026-01-10", "", "2027-01-09", ""},
		{"OSAGO from 1 Jan ends on 31 Dec", OSAGO, "2026-01-01", "", "2026-12-31", ""},
		{"OSAGO from 1 Mar of a leap year ends on the last day of Feb", OSAGO, "2027-03-01", "", "2028-02-29", ""},
		{"OSAGO from 29 Feb runs a full year to 28 Feb", OSAGO, "2024-02-29", "", "2025-02-28", ""},
		{"OSAGO without start date", OSAGO, "", "", "", "required_for_rule"},

		{"medical certificate: 6 months", MedicalCertificate, "2026-01-15", "", "2026-07-15", ""},
		{"medical certificate from 31 Aug ends on 28 Feb", MedicalCertificate, "2025-08-31", "", "2026-02-28", ""},
		{"medical certificate from 31 Aug ends on 29 Feb in a leap year", MedicalCertificate, "2027-08-31", "", "2028-02-29", ""},
		{"medical certificate from 31 Dec ends on 30 Jun", MedicalCertificate, "2025-12-31", "", "2026-06-30", ""},
		{"medical certificate without issue date", MedicalCertificate, "", "", "", "required_for_rule"},

		{"SNILS is indefinite", SNILS, "2001-05-05", "", "", ""},
		{"SNILS is indefinite without dates", SNILS, "", "", "", ""},
		{"INN is indefinite", INN, "2001-05-05", "1980-01-01", "", ""},
		{"OMS policy is indefinite", OMSPolicy, "", "", "", ""},

		// Internal passport (Decree 828): replace at 20, then at 45.
		{"internal passport issued at 14 → 20th birthday", InternalPassport, "2004-07-01", "1990-05-15", "2010-05-15", ""},
		{"internal passport issued the day before the 20th birthday → 20th", InternalPassport, "2010-05-14", "1990-05-15", "2010-05-15", ""},
		{"internal passport issued on the 20th birthday → 45th", InternalPassport, "2010-05-15", "1990-05-15", "2035-05-15", ""},
		{"internal passport issued at 20 years and a day → 45th", InternalPassport, "2010-05-16", "1990-05-15", "2035-05-15", ""},
		{"internal passport issued the day before the 45th birthday → 45th", InternalPassport, "2035-05-14", "1990-05-15", "2035-05-15", ""},
		{"internal passport issued on the 45th birthday → indefinite", InternalPassport, "2025-03-10", "1980-03-10", "", ""},
		{"internal passport issued after 45 → indefinite", InternalPassport, "2026-01-20", "1970-03-10", "", ""},
		{"born 29 Feb: 45th birthday in a common year is 28 Feb", InternalPassport, "2004-03-10", "1984-02-29", "2029-02-28", ""},
		{"born 29 Feb: 20th birthday in a common century year is 28 Feb", InternalPassport, "2094-03-01", "2080-02-29", "2100-02-28", ""},
		{"born 29 Feb: 20th birthday in a leap year stays 29 Feb", InternalPassport, "2018-06-01", "2004-02-29", "2024-02-29", ""},
		{"internal passport without birth date", InternalPassport, "2010-05-16", "", "", "birth_date_required"},
		{"internal passport without either date asks for the birth date first", InternalPassport, "", "", "", "birth_date_required"},
		{"internal passport without issue date", InternalPassport, "", "1990-05-15", "", "required_for_rule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, missing := rule(t, tc.typ)(RuleInput{Issued: dayPtr(t, tc.issued), Birth: dayPtr(t, tc.birth)})
			if missing != tc.wantMissing {
				t.Errorf("missing = %q, want %q", missing, tc.wantMissing)
			}
			switch {
			case tc.want == "" && got != nil:
				t.Errorf("expires = %s, want indefinite (nil)", got)
			case tc.want != "" && got == nil:
				t.Errorf("expires = nil, want %s", tc.want)
			case tc.want != "" && got.String() != tc.want:
				t.Errorf("expires = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestUserDatedTypesHaveNoRule(t *testing.T) {
	for _, typ := range []DocType{Contract, Custom} {
		t.Run(string(typ), func(t *testing.T) {
			ti, ok := Lookup(typ)
			if !ok {
				t.Fatalf("Lookup(%q) failed", typ)
			}
			if ti.Rule != nil {
				t.Errorf("%s has a rule; its dates are the user's", typ)
			}
		})
	}
}

func TestCatalogueEntries(t *testing.T) {
	seen := map[DocType]bool{}
	for _, ti := range Catalogue() {
		t.Run(string(ti.Type), func(t *testing.T) {
			if ti.Type == "" {
				t.Fatal("entry without a type")
			}
			if seen[ti.Type] {
				t.Errorf("type %q listed twice", ti.Type)
			}
			seen[ti.Type] = true
			for _, lang := range []string{"ru", "en"} {
				if ti.Title[lang] == "" {
					t.Errorf("no %s title", lang)
				}
			}
			if ti.ExpiringDays <= 0 {
				t.Errorf("ExpiringDays = %d, want > 0", ti.ExpiringDays)
			}
			if len(ti.ReminderSteps) == 0 {
				t.Errorf("no reminder steps")
			}
			for i := 1; i < len(ti.ReminderSteps); i++ {
				if ti.ReminderSteps[i] >= ti.ReminderSteps[i-1] {
					t.Errorf("ReminderSteps = %v, want strictly descending", ti.ReminderSteps)
					break
				}
			}
			if n := len(ti.ReminderSteps); n > 0 && (ti.ReminderSteps[n-1] < 1 || ti.ReminderSteps[0] > maxRemindDay) {
				t.Errorf("ReminderSteps = %v, want within 1..%d like a user's own", ti.ReminderSteps, maxRemindDay)
			}
			if (ti.Rule == nil) != (ti.RuleText == "") {
				t.Errorf("Rule set = %v but RuleText = %q: clients would be told the wrong thing", ti.Rule != nil, ti.RuleText)
			}
			if ti.Rule != nil {
				// A rule says where it comes from, in both languages.
				for _, lang := range []string{"ru", "en"} {
					if ti.RuleTitle[lang] == "" || ti.Source[lang] == "" {
						t.Errorf("rule without its %s words or source: %q, %q", lang, ti.RuleTitle[lang], ti.Source[lang])
					}
				}
			}
			if ti.Number != nil {
				if got, ok := ti.Number(ti.NumberExample); !ok || got != ti.NumberExample {
					t.Errorf("Number(%q) = %q, %v; the example must be a valid number in its kept form", ti.NumberExample, got, ok)
				}
			} else if ti.NumberExample != "" {
				t.Errorf("NumberExample %q for a free-text number", ti.NumberExample)
			}
			if ti.DefaultVariant != "" {
				if _, ok := ti.variant(ti.DefaultVariant); !ok {
					t.Errorf("DefaultVariant %q is not among the variants", ti.DefaultVariant)
				}
			}
			values := map[string]bool{}
			for _, v := range ti.Variants {
				if v.Value == "" || values[v.Value] || v.Rule == nil || v.Title["ru"] == "" || v.Title["en"] == "" {
					t.Errorf("variant %+v: needs a unique value, a rule and ru/en titles", v)
				}
				values[v.Value] = true
			}
			got, ok := Lookup(ti.Type)
			if !ok || got.Type != ti.Type {
				t.Errorf("Lookup(%q) = %q, %v", ti.Type, got.Type, ok)
			}
		})
	}
	// Every declared type constant is in the catalogue.
	for _, typ := range []DocType{InternalPassport, ForeignPassport, DriversLicence, SNILS, INN, OMSPolicy, OSAGO, MedicalCertificate,
		BirthCertificate, MilitaryID, VehicleRegistration, VehiclePassport, DiagnosticCard, DriversMedicalCertificate, ResidencePermit,
		TemporaryResidencePermit, WorkPatent, VHIPolicy, MedicalBook, WeaponPermit, HuntingLicence, Contract, Custom} {
		if !slices.ContainsFunc(Catalogue(), func(ti TypeInfo) bool { return ti.Type == typ }) {
			t.Errorf("type %q is not in the catalogue", typ)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	for _, typ := range []DocType{"", "passport", "INTERNAL_PASSPORT", "internal_passport ", "custom\x00"} {
		t.Run(string(typ), func(t *testing.T) {
			if ti, ok := Lookup(typ); ok {
				t.Errorf("Lookup(%q) = %q, true; want not found", typ, ti.Type)
			}
		})
	}
}
