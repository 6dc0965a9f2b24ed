package applications

import (
	"slices"
	"sync"

	"github.com/kabinet/kabinet/shared/domain/civil"

	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Option is one choice of a select field.
type Option struct {
	Value string
	Label map[string]string // by language: "ru", "en"
}

// Prefill names where a draft's field is filled from when the applicant
// did not give it.
type Prefill string

// Prefill sources.
const (
	FromProfileName      Prefill = "profile.name"
	FromProfilePhone     Prefill = "profile.phone"
	FromProfileEmail     Prefill = "profile.email"
	FromProfileBirthDate Prefill = "profile.birthDate"
	// FromInternalPassport is the number of the applicant's current
	// internal passport in the document registry.
	FromInternalPassport Prefill = "document.internal_passport"
	// FromBirthCertificate is the number of the applicant's birth
	// certificate in the document registry.
	FromBirthCertificate Prefill = "document.birth_certificate"
)

// Field is one field of an application form and its rule.
type Field struct {
	Name      string
	Label     map[string]string // by language: "ru", "en"
	Type      FieldType
	Required  bool // needed to submit; a draft may leave it empty
	Format    Format
	MaxLength int // in characters; 0: DefaultMaxLength
	Options   []Option
	Prefill   Prefill
}

// Pattern is a regular expression a client may check the value against
// before sending it; the server's rule (with checksums) is what counts.
func (f Field) Pattern() string { return formats[f.Format].pattern }

// Checksum names the control-digit algorithm the value must pass ("" none).
func (f Field) Checksum() string { return formats[f.Format].checksum }

// MaxLen is the field's length limit in characters.
func (f Field) MaxLen() int { return f.maxLength() }

// ServiceInfo is one service that takes applications.
type ServiceInfo struct {
	Code         string
	Title        map[string]string // by language: "ru", "en"
	Agency       string            // the agency whose staff handle it (the token's agency claim)
	DecisionDays int               // days from submission to the expected decision
	// WorkingDays says DecisionDays are working days of the production
	// calendar (false: calendar days). Either way the decision date is
	// moved off a day off onto the next working day.
	WorkingDays bool
	// ResponseDays is how long the applicant has to answer a request for
	// information (needs_info) before the application is refused; 0 is
	// DefaultResponseDays.
	ResponseDays int
	// Fee is the state fee, nil for a service without one: it is accrued
	// on submission and the application waits in awaiting_payment until
	// the Treasury confirms it paid.
	Fee *FeeRule
	// ForDependents says a holder may file it for a dependent (a child's
	// foreign passport): the draft then carries the dependent's name,
	// birth date and SNILS instead of the holder's (Input.Subject).
	ForDependents bool
	Fields        []Field
}

// PassportAge is the age a citizen gets the internal passport at: a
// dependent younger has none, and a service asking for it takes their birth
// certificate as the identity document instead (its birthCertificate
// field, required of them).
const PassportAge = 14

// forApplicant is s as it applies to an applicant born on birth (nil: the
// holder themself) on today: under PassportAge the internal passport is
// not required and the birth certificate is: a child under 14 has no
// internal passport, and their foreign passport is applied for on their
// birth certificate.
func (s ServiceInfo) forApplicant(birth *civil.Date, today civil.Date) ServiceInfo {
	if birth == nil || birth.YearsTo(today) >= PassportAge {
		return s
	}
	out := s
	out.Fields = slices.Clone(s.Fields)
	for i := range out.Fields {
		switch out.Fields[i].Prefill {
		case FromInternalPassport:
			out.Fields[i].Required = false
		case FromBirthCertificate:
			out.Fields[i].Required = true
		}
	}
	return out
}

// Field returns the service's field called name.
func (s ServiceInfo) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Agencies.
const (
	AgencyMVD      = "mvd"      // Ministry of Internal Affairs: passports, registration
	AgencyGIBDD    = "gibdd"    // traffic police: driver's licences
	AgencyMinzdrav = "minzdrav" // health: medical certificates
	AgencyFNS      = "fns"      // tax service: certificates
)

func l(ru, en string) map[string]string { return map[string]string{"ru": ru, "en": en} }

func opt(value, ru, en string) Option { return Option{Value: value, Label: l(ru, en)} }

// Fields several services share.
var (
	fullName = Field{Name: "fullName", Label: l("Фамилия, имя, отчество", "Full name"), Type: TypeString, Required: true,
		MaxLength: 200, Prefill: FromProfileName}
	birthDate = Field{Name: "birthDate", Label: l("Дата рождения", "Date of birth"), Type: TypeDate, Required: true,
		Format: FormatPastDate, Prefill: FromProfileBirthDate}
	phone = Field{Name: "phone", Label: l("Телефон", "Phone"), Type: TypeString, Required: true, Format: FormatPhone,
		MaxLength: 16, Prefill: FromProfilePhone}
	email = Field{Name: "email", Label: l("Электронная почта", "E-mail"), Type: TypeString, Format: FormatEmail,
		MaxLength: 254, Prefill: FromProfileEmail}
	snils = Field{Name: "snils", Label: l("СНИЛС", "SNILS"), Type: TypeString, Format: FormatSNILS, MaxLength: 14}
	inn   = Field{Name: "inn", Label: l("ИНН", "INN"), Type: TypeString, Format: FormatINN, MaxLength: 12}
	// internalPassport is the applicant's current internal passport.
	internalPassport = Field{Name: "internalPassport", Label: l("Серия и номер паспорта", "Internal passport series and number"),
		Type: TypeString, Required: true, Format: FormatPassport, MaxLength: 12, Prefill: FromInternalPassport}
	// birthCertificate is the identity document of an applicant under
	// PassportAge (forApplicant makes it required of them).
	birthCertificate = Field{Name: "birthCertificate", Label: l("Серия и номер свидетельства о рождении (до 14 лет)",
		"Birth certificate series and number (under 14)"), Type: TypeString, Format: FormatBirthCertificate, MaxLength: 20,
		Prefill: FromBirthCertificate}
	postalCode = Field{Name: "postalCode", Label: l("Почтовый индекс", "Postal code"), Type: TypeString, Required: true,
		Format: FormatPostalCode, MaxLength: 6}
	address = Field{Name: "address", Label: l("Адрес", "Address"), Type: TypeString, Required: true, MaxLength: 300}
)

func required(f Field) Field { f.Required = true; return f }

// variantOptions offers the variants of a document type as a select's
// options, so an application's choice (a 5-year or a 10-year foreign
// passport) and the registry's rule for the document it yields are one list.
func variantOptions(t registry.DocType) []Option {
	ti, _ := registry.Lookup(t)
	out := make([]Option, len(ti.Variants))
	for i, v := range ti.Variants {
		out[i] = Option{Value: v.Value, Label: v.Title}
	}
	return out
}

// Catalogue is every service that takes applications. It is built on first
// use, not by init: its labels are maps and its document variants come from
// the registry's catalogue, which is itself built on first use.
var Catalogue = sync.OnceValue(func() []ServiceInfo {
	return []ServiceInfo{
		{
			Code: "passport_replacement", Agency: AgencyMVD, DecisionDays: 10,
			Title: l("Замена паспорта гражданина РФ", "Replacement of the internal passport"),
			Fields: []Field{fullName, birthDate,
				{Name: "birthPlace", Label: l("Место рождения", "Place of birth"), Type: TypeString, Required: true, MaxLength: 200},
				internalPassport,
				{Name: "reason", Label: l("Причина замены", "Reason for replacement"), Type: TypeSelect, Required: true, Options: []Option{
					opt("age_20", "Достижение 20 лет", "Turned 20"), opt("age_45", "Достижение 45 лет", "Turned 45"),
					opt("name_change", "Смена ФИО", "Change of name"), opt("damaged", "Непригоден", "Damaged"),
					opt("error", "Ошибка в паспорте", "Error in the passport")}},
				snils, phone, email, postalCode, address},
		},
		{
			Code: "foreign_passport", Agency: AgencyMVD, DecisionDays: 30, ForDependents: true,
			Title: l("Оформление заграничного паспорта", "Foreign passport"),
			Fields: []Field{fullName, birthDate, internalPassport, birthCertificate,
				{Name: "passportKind", Label: l("Вид паспорта", "Kind of passport"), Type: TypeSelect, Required: true,
					Options: variantOptions(registry.ForeignPassport)},
				{Name: "previousPassport", Label: l("Номер прежнего загранпаспорта", "Previous foreign passport number"), Type: TypeString,
					Format: FormatForeign, MaxLength: 10},
				snils, phone, email, postalCode, address},
		},
		{
			Code: "drivers_licence_exchange", Agency: AgencyGIBDD, DecisionDays: 3,
			Fee: &FeeRule{Kopecks: 400000, Purpose: "Госпошлина за выдачу водительского удостоверения",
				Source: "НК РФ, ст. 333.33, п. 1, пп. 42 (ред. Федерального закона от 12.07.2024 № 176-ФЗ)"},
			Title: l("Замена водительского удостоверения", "Driver's licence exchange"),
			Fields: []Field{fullName, birthDate, internalPassport,
				{Name: "licenceNumber", Label: l("Номер водительского удостоверения", "Driver's licence number"), Type: TypeString,
					Required: true, Format: FormatLicence, MaxLength: 14},
				{Name: "reason", Label: l("Причина замены", "Reason for exchange"), Type: TypeSelect, Required: true, Options: []Option{
					opt("expiry", "Истечение срока", "Expiry"), opt("name_change", "Смена ФИО", "Change of name"),
					opt("damaged", "Повреждение", "Damaged"), opt("lost", "Утеря", "Lost")}},
				{Name: "medicalCertificate", Label: l("Номер медицинского заключения", "Medical certificate number"), Type: TypeString,
					Required: true, MaxLength: 30},
				inn, phone, email},
		},
		{
			Code: "medical_certificate", Agency: AgencyMinzdrav, DecisionDays: 5, ResponseDays: 14, ForDependents: true,
			Title: l("Медицинская справка", "Medical certificate"),
			Fields: []Field{fullName, birthDate, required(snils),
				{Name: "omsPolicy", Label: l("Полис ОМС", "OMS policy"), Type: TypeString, Format: FormatOMS, MaxLength: 19},
				{Name: "certificateType", Label: l("Вид справки", "Kind of certificate"), Type: TypeSelect, Required: true, Options: []Option{
					opt("086u", "086/у (для учёбы и работы)", "086/u (study and work)"),
					opt("003vu", "003-В/у (для водителей)", "003-V/u (drivers)"),
					opt("046_1", "046-1 (на оружие)", "046-1 (firearms)")}},
				phone, email},
		},
		{
			Code: "residence_registration", Agency: AgencyMVD, DecisionDays: 8,
			Title: l("Регистрация по месту жительства", "Residence registration"),
			Fields: []Field{fullName, birthDate, internalPassport,
				{Name: "registrationType", Label: l("Вид регистрации", "Kind of registration"), Type: TypeSelect, Required: true, Options: []Option{
					opt("permanent", "По месту жительства", "Permanent"), opt("temporary", "По месту пребывания", "Temporary")}},
				postalCode, address,
				{Name: "until", Label: l("Срок регистрации (для временной)", "Until (temporary registration)"), Type: TypeDate, Format: FormatDate},
				{Name: "ownerInn", Label: l("ИНН собственника жилья", "Owner's INN"), Type: TypeString, Format: FormatINN, MaxLength: 12},
				phone, email},
		},
		{
			Code: "certificate_request", Agency: AgencyFNS, DecisionDays: 10, WorkingDays: true,
			Title: l("Справка из налоговой службы", "Tax service certificate"),
			Fields: []Field{fullName, required(inn),
				{Name: "certificateType", Label: l("Вид справки", "Kind of certificate"), Type: TypeSelect, Required: true, Options: []Option{
					opt("no_tax_debt", "Об отсутствии задолженности", "No tax debt"),
					opt("tax_status", "О статусе налогоплательщика", "Taxpayer status"),
					opt("egrul_extract", "Выписка из ЕГРЮЛ/ЕГРИП", "Register extract")}},
				{Name: "ogrn", Label: l("ОГРН организации", "Organisation's OGRN"), Type: TypeString, Format: FormatOGRN, MaxLength: 13},
				{Name: "ogrnip", Label: l("ОГРНИП предпринимателя", "Entrepreneur's OGRNIP"), Type: TypeString, Format: FormatOGRNIP, MaxLength: 15},
				snils, email, postalCode},
		},
	}
})

// Lookup finds a service by code.
func Lookup(code string) (ServiceInfo, bool) {
	for _, s := range Catalogue() {
		if s.Code == code {
			return s, true
		}
	}
	return ServiceInfo{}, false
}
