package registry

import (
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

// RuleInput is what a validity rule may look at.
type RuleInput struct {
	// Issued is the issue date (a policy's start, a medical book's last
	// examination); nil when not given.
	Issued *civil.Date
	// Birth is the holder's birth date: the document's own holderBirthDate
	// where the type takes one, else the owner's profile; nil when unknown.
	Birth *civil.Date
	// Variant is the document's variant (TypeInfo.Variants), "" when the
	// owner chose none; a rule falls back to the type's default.
	Variant string
}

// Rule computes a document's expiry from what is known about it. It returns
// (nil, "") for an indefinite document, or (nil, code) naming the missing
// input as a field error code: "required_for_rule" (the issue date),
// "birth_date_required" (the holder's birth date), "variant_required".
type Rule func(in RuleInput) (expires *civil.Date, missing string)

// Codes a Rule returns for what it lacks.
const (
	missingIssued  = "required_for_rule"
	missingBirth   = "birth_date_required"
	missingVariant = "variant_required"
)

// missingField is the request field a rule's missing code is reported on.
// A missing birth date is reported on expiresOn: the owner can type the
// date instead, or fill in the profile.
func missingField(code string) string {
	switch code {
	case missingBirth:
		return "expiresOn"
	case missingVariant:
		return "variant"
	}
	return "issuedOn"
}

func indefinite(RuleInput) (*civil.Date, string) { return nil, "" }

// term is a validity of years+months from the issue date. With days < 0 it
// ends that many days before the anniversary (OSAGO: the day before), and
// the anniversary of 29 February in a common year is 1 March, so a policy
// from 2024-02-29 runs to 2025-02-28, a full year, as insurers write it.
func term(years, months, days int) Rule {
	return func(in RuleInput) (*civil.Date, string) {
		if in.Issued == nil {
			return nil, missingIssued
		}
		e := in.Issued.AddYears(years).AddMonths(months)
		if days != 0 {
			e = civil.Of(in.Issued.In(time.UTC).AddDate(years, months, days))
		}
		return &e, ""
	}
}

// byVariant applies the rule of the document's variant (def when it names
// none), or asks for the variant when there is no default. A variant the
// type does not list never reaches it: apply refuses it first.
func byVariant(def string, vs []Variant) Rule {
	return func(in RuleInput) (*civil.Date, string) {
		want := in.Variant
		if want == "" {
			want = def
		}
		for _, v := range vs {
			if v.Value == want {
				return v.Rule(in)
			}
		}
		return nil, missingVariant
	}
}

// passportByAge implements the internal passport's validity (the Regulation
// on the passport, Government decree No. 2267 of 23 December 2023, as No.
// 828 of 8 July 1997 before it): one issued before 20 must be replaced on
// the 20th birthday, one issued before 45 on the 45th; one issued at 45 or
// later is valid indefinitely. A birthday on 29 February falls on 28
// February in common years, as with any term counted in years.
func passportByAge(in RuleInput) (*civil.Date, string) {
	if in.Birth == nil {
		return nil, missingBirth
	}
	if in.Issued == nil {
		return nil, missingIssued
	}
	for _, age := range []int{20, 45} {
		b := in.Birth.AddYears(age)
		if in.Issued.Before(b) {
			return &b, ""
		}
	}
	return nil, ""
}

// Extension is a validity that the law prolonged beyond the date on the
// document: until Until, for Reason (a stable code), explained by Note in
// each language. Status and reminders follow Until.
type Extension struct {
	Until  civil.Date
	Reason string
	Note   map[string]string // by language: "ru", "en"
}

// ReasonPP353 is the extension of driver's licences by Government decree
// No. 353 of 12 March 2022.
const ReasonPP353 = "pp353"

// Driver's licences that expire within these dates are valid three years
// longer: Government decree No. 353 of 12 March 2022 as amended by No. 626
// of 9 April 2022 and No. 2269 of 23 December 2023, which reached licences
// expiring up to the end of 2025.
// The extension counts once, from the date on the licence: a licence that
// expired in 2022 and now runs to 2025 is not extended again. It holds in
// Russia only; abroad the printed date counts.
var (
	pp353From = civil.Date{Year: 2022, Month: time.January, Day: 1}
	pp353To   = civil.Date{Year: 2025, Month: time.December, Day: 31}
)

const pp353Years = 3

// extendPP353 is the driver's licence's extension for a licence whose own
// expiry is exp, or nil when exp is outside the decree's dates.
func extendPP353(exp civil.Date) *Extension {
	if exp.Before(pp353From) || exp.After(pp353To) {
		return nil
	}
	return &Extension{Until: exp.AddYears(pp353Years), Reason: ReasonPP353, Note: titles(
		"продлено на 3 года по ПП № 353, действует в России",
		"extended by 3 years by Government decree No. 353; valid in Russia only")}
}

// MilestoneKind names a date a document's holder must act on although the
// document itself does not expire.
type MilestoneKind string

// Milestones.
const (
	// MilestoneFirstPassport: the holder of a birth certificate turns 14
	// and must get an internal passport (the Regulation on the passport,
	// decree No. 2267).
	MilestoneFirstPassport MilestoneKind = "first_passport"
)

// Milestone is a date the holder must act on, with what to do.
type Milestone struct {
	Kind MilestoneKind
	On   civil.Date
	Note map[string]string // by language: "ru", "en"
}

// firstPassportAge is when a citizen must get the internal passport.
const firstPassportAge = 14

// firstPassport is the 14th birthday of a birth certificate's holder.
func firstPassport(birth *civil.Date) *Milestone {
	if birth == nil {
		return nil
	}
	return &Milestone{Kind: MilestoneFirstPassport, On: birth.AddYears(firstPassportAge), Note: titles(
		"в 14 лет нужно получить паспорт гражданина РФ",
		"at 14 the holder must get an internal passport")}
}
