package registry

import (
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/opt"
)

// TestVariantRules checks the rules of every type whose term depends on its
// variant (and on the issue date, at month ends and on 29 February).
func TestVariantRules(t *testing.T) {
	for _, tc := range []struct {
		name        string
		typ         DocType
		variant     string
		issued      string
		want        string // "" for indefinite
		wantMissing string
	}{
		{"foreign passport, default biometric: 10 years", ForeignPassport, "", "2017-06-20", "2027-06-20", ""},
		{"foreign passport, biometric: 10 years", ForeignPassport, ForeignPassportBiometric, "2017-06-20", "2027-06-20", ""},
		{"foreign passport, standard: 5 years", ForeignPassport, ForeignPassportStandard, "2017-06-20", "2022-06-20", ""},
		{"foreign passport, standard, issued 29 Feb", ForeignPassport, ForeignPassportStandard, "2020-02-29", "2025-02-28", ""},
		{"foreign passport, standard, ends on 29 Feb of a leap year", ForeignPassport, ForeignPassportStandard, "2019-02-28", "2024-02-28", ""},
		{"foreign passport, standard, no issue date", ForeignPassport, ForeignPassportStandard, "", "", "required_for_rule"},

		{"diagnostic card, car 4–10 years: 2 years", DiagnosticCard, DiagnosticCar4to10, "2025-03-10", "2027-03-10", ""},
		{"diagnostic card, car 4–10 years from 29 Feb", DiagnosticCard, DiagnosticCar4to10, "2024-02-29", "2026-02-28", ""},
		{"diagnostic card, car over 10 years: 1 year", DiagnosticCard, DiagnosticCarOver10, "2025-12-31", "2026-12-31", ""},
		{"diagnostic card, taxi or bus: 6 months", DiagnosticCard, DiagnosticTaxiAndBus, "2026-01-15", "2026-07-15", ""},
		{"diagnostic card, taxi from 31 Aug ends on 28 Feb", DiagnosticCard, DiagnosticTaxiAndBus, "2025-08-31", "2026-02-28", ""},
		{"diagnostic card without its variant", DiagnosticCard, "", "2026-01-15", "", "variant_required"},

		{"residence permit, foreign citizen: indefinite", ResidencePermit, "", "2021-04-01", "", ""},
		{"residence permit, stateless: 10 years", ResidencePermit, ResidenceStateless, "2021-04-01", "2031-04-01", ""},

		{"work patent, 1 month", WorkPatent, "1m", "2026-01-31", "2026-02-28", ""},
		{"work patent, 3 months", WorkPatent, "3m", "2026-01-15", "2026-04-15", ""},
		{"work patent, 12 months", WorkPatent, "12m", "2026-01-15", "2027-01-15", ""},
		{"work patent without its term", WorkPatent, "", "2026-01-15", "", "variant_required"},

		{"medical book, default yearly", MedicalBook, "", "2026-03-01", "2027-03-01", ""},
		{"medical book, every 2 years", MedicalBook, MedicalBookBiennial, "2026-03-01", "2028-03-01", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, missing := rule(t, tc.typ)(RuleInput{Issued: dayPtr(t, tc.issued), Variant: tc.variant})
			if missing != tc.wantMissing {
				t.Errorf("missing = %q, want %q", missing, tc.wantMissing)
			}
			assertDate(t, "expires", got, tc.want)
		})
	}
}

// TestNewTypeRules: the fixed-term and indefinite types added with the
// catalogue "as the law has it", at their boundaries.
func TestNewTypeRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		typ    DocType
		issued string
		want   string // "" for indefinite
	}{
		{"birth certificate: indefinite", BirthCertificate, "2015-05-12", ""},
		{"military ID: indefinite", MilitaryID, "2010-01-01", ""},
		{"vehicle registration: indefinite", VehicleRegistration, "2020-01-01", ""},
		{"vehicle passport: indefinite", VehiclePassport, "2020-01-01", ""},
		{"hunting licence: indefinite", HuntingLicence, "2012-09-01", ""},
		{"temporary residence permit: 3 years", TemporaryResidencePermit, "2026-01-10", "2029-01-10"},
		{"temporary residence permit from 29 Feb", TemporaryResidencePermit, "2024-02-29", "2027-02-28"},
		{"driver's medical certificate: 12 months", DriversMedicalCertificate, "2025-12-31", "2026-12-31"},
		{"driver's medical certificate from 29 Feb", DriversMedicalCertificate, "2024-02-29", "2025-02-28"},
		{"VHI: a year ending the day before", VHIPolicy, "2026-01-01", "2026-12-31"},
		{"VHI from 29 Feb: a full year", VHIPolicy, "2024-02-29", "2025-02-28"},
		{"weapon permit: 5 years", WeaponPermit, "2021-11-30", "2026-11-30"},
		{"weapon permit from 29 Feb", WeaponPermit, "2024-02-29", "2029-02-28"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, missing := rule(t, tc.typ)(RuleInput{Issued: dayPtr(t, tc.issued)})
			if missing != "" {
				t.Fatalf("missing = %q", missing)
			}
			assertDate(t, "expires", got, tc.want)
		})
	}
}

// TestLicenceExtension: decree No. 353 extends by 3 years, once, the
// licences whose own expiry falls in 2022–2025; the boundary days decide.
func TestLicenceExtension(t *testing.T) {
	for _, tc := range []struct {
		expires string
		want    string // "" for no extension
	}{
		{"2021-12-31", ""},
		{"2022-01-01", "2025-01-01"},
		{"2022-05-01", "2025-05-01"}, // ends in 2025 after the extension: not extended again
		{"2024-02-29", "2027-02-28"},
		{"2024-07-15", "2027-07-15"},
		{"2025-12-31", "2028-12-31"},
		{"2026-01-01", ""},
	} {
		t.Run(tc.expires, func(t *testing.T) {
			d := Document{Type: DriversLicence, ExpiresOn: dayPtr(t, tc.expires)}
			x := d.Extension()
			switch {
			case tc.want == "" && x != nil:
				t.Fatalf("extended to %s, want no extension", x.Until)
			case tc.want == "":
				assertDate(t, "ValidUntil", d.ValidUntil(), tc.expires)
				return
			case x == nil:
				t.Fatalf("not extended, want %s", tc.want)
			}
			if x.Until.String() != tc.want || x.Reason != ReasonPP353 {
				t.Errorf("extension = %s (%s), want %s (pp353)", x.Until, x.Reason, tc.want)
			}
			if !strings.Contains(x.Note["ru"], "ПП № 353") || !strings.Contains(x.Note["ru"], "в России") || !strings.Contains(x.Note["en"], "Russia") {
				t.Errorf("note = %v: must name the decree and that it holds in Russia", x.Note)
			}
			assertDate(t, "ValidUntil", d.ValidUntil(), tc.want)
		})
	}
	// Other types are not extended, whatever their date.
	for _, typ := range []DocType{ForeignPassport, InternalPassport, DriversMedicalCertificate, VehicleRegistration} {
		d := Document{Type: typ, ExpiresOn: dayPtr(t, "2024-07-15")}
		if x := d.Extension(); x != nil {
			t.Errorf("%s extended to %s", typ, x.Until)
		}
	}
}

// TestExtendedLicenceStatusAndReminders is the case from the issue: a
// licence issued on 2014-07-15 is valid on 2026-12-01 until 2027-07-15,
// and its reminders count towards that date, with no "expired" ones.
func TestExtendedLicenceStatusAndReminders(t *testing.T) {
	msk := schedZone(t, "Europe/Moscow")
	var d Document
	d.Type = DriversLicence
	if _, fe := apply(&d, DocumentFields{IssuedOn: opt.Of("2014-07-15")}, true, nil, day(t, "2026-12-01")); fe.Err("test") != nil {
		t.Fatal(fe.Err("test"))
	}
	assertDate(t, "ExpiresOn (the licence's own date)", d.ExpiresOn, "2024-07-15")
	assertDate(t, "ValidUntil", d.ValidUntil(), "2027-07-15")

	for _, tc := range []struct {
		today      string
		wantStatus Status
		wantLeft   int
	}{
		{"2024-07-16", StatusValid, 1094}, // the day after the printed date
		{"2026-12-01", StatusValid, 226},
		{"2027-05-16", StatusExpiring, 60},
		{"2027-07-15", StatusExpiring, 0},
		{"2027-07-16", StatusExpired, -1},
	} {
		st, left := d.StatusOn(day(t, tc.today))
		if st != tc.wantStatus || left == nil || *left != tc.wantLeft {
			t.Errorf("on %s: %s, %v days left; want %s, %d", tc.today, st, fmtLeft(left), tc.wantStatus, tc.wantLeft)
		}
	}

	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	r := d.Schedule(msk, now)
	if r.Next == nil || r.Next.Key() != "before-60" || r.Next.Date.String() != "2027-05-16" {
		t.Fatalf("next reminder = %+v, want before-60 on 2027-05-16", r.Next)
	}
	// A licence that had its "expired" reminder and repeats under the
	// printed date picks up the extended date's steps, not more repeats.
	last := day(t, "2026-11-14")
	d.Reminder = Reminder{LastDate: &last, Acked: true}
	r = d.Schedule(msk, now)
	if r.Next == nil || r.Next.Key() != "before-60" {
		t.Fatalf("next reminder after the printed date's repeats = %+v, want before-60", r.Next)
	}
	// Walk every step to the extended date and beyond: the first
	// "expired" step is the day after 2027-07-15.
	d.Reminder = Reminder{}
	at := now
	for i := 0; i < 6; i++ {
		r := d.Schedule(msk, at)
		if r.Next == nil {
			t.Fatal("no next step")
		}
		if r.Next.Kind == StepExpired {
			if got := r.Next.Date.String(); got != "2027-07-16" {
				t.Errorf("expired step on %s, want 2027-07-16", got)
			}
			return
		}
		d.Reminder = r.Sent(*r.Next)
		at = *r.NextAt
	}
	t.Error("no expired step within six steps")
}

// TestFirstPassportMilestone: a child's birth certificate reminds before
// the 14th birthday (the first passport) and never says "expired".
func TestFirstPassportMilestone(t *testing.T) {
	msk := schedZone(t, "Europe/Moscow")
	d := Document{Type: BirthCertificate, HolderBirthDate: dayPtr(t, "2013-02-10")}
	m := d.Milestone()
	if m == nil || m.Kind != MilestoneFirstPassport || m.On.String() != "2027-02-10" {
		t.Fatalf("milestone = %+v, want first_passport on 2027-02-10", m)
	}
	if st, left := d.StatusOn(day(t, "2027-03-01")); st != StatusValid || left != nil {
		t.Errorf("status after the milestone = %s, %v; want valid, indefinite", st, fmtLeft(left))
	}
	var keys []string
	at := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	for i := 0; i < 10; i++ {
		r := d.Schedule(msk, at)
		if r.Next == nil {
			break
		}
		keys = append(keys, r.Next.Key()+"@"+r.Next.Date.String())
		d.Reminder = r.Sent(*r.Next)
		at = *r.NextAt
	}
	assertStrings(t, "steps", keys, []string{"before-60@2026-12-12", "before-30@2027-01-11", "before-7@2027-02-03"})

	for _, tc := range []struct {
		name string
		d    Document
	}{
		{"no holder birth date", Document{Type: BirthCertificate}},
		{"holder already 14", Document{Type: BirthCertificate, HolderBirthDate: dayPtr(t, "2000-01-01")}},
		{"another type", Document{Type: MilitaryID, HolderBirthDate: dayPtr(t, "2013-02-10")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := tc.d.Schedule(msk, at); r.Next != nil {
				t.Errorf("next = %+v, want nothing", r.Next)
			}
		})
	}
}

// TestApplyVariantAndHolderBirth checks the two new document fields.
func TestApplyVariantAndHolderBirth(t *testing.T) {
	for _, tc := range []struct {
		name        string
		typ         DocType
		in          DocumentFields
		wantErrs    []string
		wantExpires string
		wantVariant string
	}{
		{name: "standard foreign passport: 5 years", typ: ForeignPassport,
			in:          DocumentFields{IssuedOn: opt.Of("2020-03-01"), Variant: opt.Of(ForeignPassportStandard)},
			wantExpires: "2025-03-01", wantVariant: ForeignPassportStandard},
		{name: "foreign passport without a variant: biometric", typ: ForeignPassport,
			in: DocumentFields{IssuedOn: opt.Of("2020-03-01")}, wantExpires: "2030-03-01"},
		{name: "unknown variant", typ: ForeignPassport,
			in: DocumentFields{IssuedOn: opt.Of("2020-03-01"), Variant: opt.Of("gold")}, wantErrs: []string{"variant:unknown_variant"}},
		{name: "variant of a type without variants", typ: SNILS,
			in: DocumentFields{Variant: opt.Of(ForeignPassportStandard)}, wantErrs: []string{"variant:not_for_type"}},
		{name: "diagnostic card needs its variant", typ: DiagnosticCard,
			in: DocumentFields{IssuedOn: opt.Of("2026-01-10")}, wantErrs: []string{"variant:variant_required"}},
		{name: "diagnostic card with the printed date needs none", typ: DiagnosticCard,
			in: DocumentFields{IssuedOn: opt.Of("2026-01-10"), ExpiresOn: opt.Of("2027-01-10")}, wantExpires: "2027-01-10"},
		{name: "taxi diagnostic card", typ: DiagnosticCard,
			in:          DocumentFields{IssuedOn: opt.Of("2026-01-10"), Variant: opt.Of(DiagnosticTaxiAndBus)},
			wantExpires: "2026-07-10", wantVariant: DiagnosticTaxiAndBus},
		{name: "birth certificate with the holder's birth date", typ: BirthCertificate,
			in: DocumentFields{IssuedOn: opt.Of("2013-02-20"), HolderBirthDate: opt.Of("2013-02-10")}},
		{name: "birth certificate issued before the birth", typ: BirthCertificate,
			in: DocumentFields{IssuedOn: opt.Of("2013-02-01"), HolderBirthDate: opt.Of("2013-02-10")}, wantErrs: []string{"issuedOn:before_birth"}},
		{name: "holder born in the future", typ: BirthCertificate,
			in: DocumentFields{HolderBirthDate: opt.Of("2027-01-01")}, wantErrs: []string{"holderBirthDate:in_future"}},
		{name: "holder birth date on another type", typ: MilitaryID,
			in: DocumentFields{HolderBirthDate: opt.Of("2000-01-01")}, wantErrs: []string{"holderBirthDate:not_for_type"}},
		{name: "holder birth date not a date", typ: BirthCertificate,
			in: DocumentFields{HolderBirthDate: opt.Of("10.02.2013")}, wantErrs: []string{"holderBirthDate:invalid_date"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Document{Type: tc.typ}
			_, problems := runApply(t, &d, tc.in, true, &inputBirth)
			assertStrings(t, "errors", problems, tc.wantErrs)
			if tc.wantErrs != nil {
				return
			}
			assertDate(t, "expires", d.ExpiresOn, tc.wantExpires)
			if d.Variant != tc.wantVariant {
				t.Errorf("variant = %q, want %q", d.Variant, tc.wantVariant)
			}
		})
	}
}

// TestChangingVariantRecomputesRuleExpiry: a passport entered as biometric
// and corrected to the standard kind gets the 5-year date; a date the user
// typed stays.
func TestChangingVariantRecomputesRuleExpiry(t *testing.T) {
	d := Document{Type: ForeignPassport}
	runApply(t, &d, DocumentFields{IssuedOn: opt.Of("2020-03-01")}, true, nil)
	changed, problems := runApply(t, &d, DocumentFields{Variant: opt.Of(ForeignPassportStandard)}, false, nil)
	assertStrings(t, "errors", problems, nil)
	assertStrings(t, "changed", changed, []string{"expiresOn", "variant"})
	assertDate(t, "expires", d.ExpiresOn, "2025-03-01")

	d = Document{Type: ForeignPassport}
	runApply(t, &d, DocumentFields{IssuedOn: opt.Of("2020-03-01"), ExpiresOn: opt.Of("2030-02-01")}, true, nil)
	runApply(t, &d, DocumentFields{Variant: opt.Of(ForeignPassportStandard)}, false, nil)
	assertDate(t, "user's expiry", d.ExpiresOn, "2030-02-01")
}
