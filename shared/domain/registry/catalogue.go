package registry

import (
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/numbers"
)

// DocType names a kind of document a person can hold.
type DocType string

// The document types Kabinet knows. A type's validity rule, reminder window
// and number format live in Catalogue; "custom" and "contract" take the
// user's own dates.
const (
	InternalPassport   DocType = "internal_passport"
	ForeignPassport    DocType = "foreign_passport"
	DriversLicence     DocType = "drivers_licence"
	SNILS              DocType = "snils"
	INN                DocType = "inn"
	OMSPolicy          DocType = "oms_policy"
	OSAGO              DocType = "osago"
	MedicalCertificate DocType = "medical_certificate_086u"
	Contract           DocType = "contract"
	Custom             DocType = "custom"
)

// Rule computes a document's expiry from what is known about it. It returns
// (nil, "") for an indefinite document, or ("", code) naming the missing
// input as a field error code.
type Rule func(issued, birth *civil.Date) (expires *civil.Date, missing string)

// TypeInfo describes one document type: its names, how its expiry follows
// from its issue date, when it starts counting as "expiring", the default
// reminder steps (days before expiry) and the format of its number.
type TypeInfo struct {
	Type  DocType           `json:"type"`
	Title map[string]string `json:"title"` // by language: "ru", "en"
	// Rule is nil when the user supplies the dates.
	Rule Rule `json:"-"`
	// RuleText says in words what Rule does, for clients.
	RuleText string `json:"rule,omitempty"`
	// ExpiringDays is the default window before expiry in which the status is "expiring".
	ExpiringDays int `json:"expiringDays"`
	// ReminderSteps are the default days-before-expiry a reminder is due, descending.
	ReminderSteps []int `json:"reminderSteps"`
	// Number validates and normalises a document number; nil accepts any text.
	Number func(string) (string, bool) `json:"-"`
	// ReplacementGraceDays is how long a document whose rule says "replace"
	// stays usable after the replacement date (the internal passport: 90 days).
	ReplacementGraceDays int `json:"replacementGraceDays,omitempty"`
	// NeedsTitle is set for types whose name says nothing (custom documents).
	NeedsTitle bool `json:"needsTitle,omitempty"`
}

// Catalogue lists every known type in display order.
var Catalogue = []TypeInfo{
	{Type: InternalPassport, Title: titles("Паспорт гражданина РФ", "Internal passport"),
		Rule: passportByAge, RuleText: "replace at 20 and 45 years of age (needs the owner's birth date)",
		ExpiringDays: 90, ReminderSteps: []int{180, 90, 30, 7}, Number: numbers.Passport, ReplacementGraceDays: 90},
	{Type: ForeignPassport, Title: titles("Заграничный паспорт", "Foreign passport"),
		Rule: term(10, 0, 0), RuleText: "10 years from issue",
		ExpiringDays: 90, ReminderSteps: []int{180, 90, 30, 7}, Number: numbers.ForeignPassport},
	{Type: DriversLicence, Title: titles("Водительское удостоверение", "Driver's licence"),
		Rule: term(10, 0, 0), RuleText: "10 years from issue",
		ExpiringDays: 60, ReminderSteps: []int{60, 30, 7}, Number: numbers.Licence},
	{Type: SNILS, Title: titles("СНИЛС", "SNILS"), Rule: indefinite, RuleText: "indefinite",
		ExpiringDays: 30, ReminderSteps: []int{30, 7, 1}, Number: numbers.SNILS},
	{Type: INN, Title: titles("ИНН", "INN"), Rule: indefinite, RuleText: "indefinite",
		ExpiringDays: 30, ReminderSteps: []int{30, 7, 1}, Number: numbers.PersonalINN},
	{Type: OMSPolicy, Title: titles("Полис ОМС", "OMS health insurance policy"), Rule: indefinite, RuleText: "indefinite",
		ExpiringDays: 30, ReminderSteps: []int{30, 7, 1}, Number: numbers.OMS},
	{Type: OSAGO, Title: titles("Полис ОСАГО", "OSAGO motor insurance"),
		Rule: term(1, 0, -1), RuleText: "1 year from the start date, ending the day before",
		ExpiringDays: 30, ReminderSteps: []int{30, 7, 1}},
	{Type: MedicalCertificate, Title: titles("Медицинская справка 086/у", "Medical certificate 086/u"),
		Rule: term(0, 6, 0), RuleText: "6 months from issue",
		ExpiringDays: 30, ReminderSteps: []int{30, 7, 1}},
	{Type: Contract, Title: titles("Договор", "Contract"),
		ExpiringDays: 30, ReminderSteps: []int{30, 7, 1}},
	{Type: Custom, Title: titles("Другой документ", "Other document"),
		ExpiringDays: 30, ReminderSteps: []int{30, 7, 1}, NeedsTitle: true},
}

func titles(ru, en string) map[string]string { return map[string]string{"ru": ru, "en": en} }

// Lookup returns the catalogue entry for t.
func Lookup(t DocType) (TypeInfo, bool) {
	for _, ti := range Catalogue {
		if ti.Type == t {
			return ti, true
		}
	}
	return TypeInfo{}, false
}

func indefinite(_, _ *civil.Date) (*civil.Date, string) { return nil, "" }

// term is a validity of years+months from the issue date. With days < 0 it
// ends that many days before the anniversary (OSAGO: the day before), and
// the anniversary of 29 February in a common year is 1 March, so a policy
// from 2024-02-29 runs to 2025-02-28, a full year, as insurers write it.
func term(years, months, days int) Rule {
	return func(issued, _ *civil.Date) (*civil.Date, string) {
		if issued == nil {
			return nil, "required_for_rule"
		}
		e := issued.AddYears(years).AddMonths(months)
		if days != 0 {
			e = civil.Of(issued.In(time.UTC).AddDate(years, months, days))
		}
		return &e, ""
	}
}

// passportByAge implements the internal passport's validity (Decree 828):
// one issued before 20 must be replaced on the 20th birthday, one issued
// before 45 on the 45th; one issued at 45 or later is valid indefinitely.
// A birthday on 29 February falls on 28 February in common years, as with
// any term counted in years.
func passportByAge(issued, birth *civil.Date) (*civil.Date, string) {
	if birth == nil {
		return nil, "birth_date_required"
	}
	if issued == nil {
		return nil, "required_for_rule"
	}
	for _, age := range []int{20, 45} {
		b := birth.AddYears(age)
		if issued.Before(b) {
			return &b, ""
		}
	}
	return nil, ""
}
