package registry

import (
	"fmt"
	"sync"

	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/i18n"
	"github.com/kabinet/kabinet/shared/domain/numbers"
)

// DocType names a kind of document a person can hold.
type DocType string

// The document types Kabinet knows. A type's validity rule, reminder window
// and number format live in Catalogue; "custom" and "contract" take the
// user's own dates.
const (
	InternalPassport          DocType = "internal_passport"
	ForeignPassport           DocType = "foreign_passport"
	DriversLicence            DocType = "drivers_licence"
	SNILS                     DocType = "snils"
	INN                       DocType = "inn"
	OMSPolicy                 DocType = "oms_policy"
	OSAGO                     DocType = "osago"
	MedicalCertificate        DocType = "medical_certificate_086u"
	BirthCertificate          DocType = "birth_certificate"
	MilitaryID                DocType = "military_id"
	VehicleRegistration       DocType = "vehicle_registration"
	VehiclePassport           DocType = "vehicle_passport"
	DiagnosticCard            DocType = "diagnostic_card"
	DriversMedicalCertificate DocType = "drivers_medical_certificate"
	ResidencePermit           DocType = "residence_permit"
	TemporaryResidencePermit  DocType = "temporary_residence_permit"
	WorkPatent                DocType = "work_patent"
	VHIPolicy                 DocType = "vhi_policy"
	MedicalBook               DocType = "medical_book"
	WeaponPermit              DocType = "weapon_permit"
	HuntingLicence            DocType = "hunting_licence"
	Contract                  DocType = "contract"
	// VisitAct and EPrescription are issued by a medical institution at
	// the close of a visit (the electronic registry's).
	VisitAct      DocType = "visit_act"
	EPrescription DocType = "e_prescription"
	Custom        DocType = "custom"
	// LabResult is a laboratory's result, delivered by the laboratory
	// (ingest, LabResultIssued) with its file; it does not expire.
	LabResult DocType = "lab_result"
)

// TypeInfo describes one document type: its names, how its expiry follows
// from its issue date and which act of law says so, when it starts counting
// as "expiring", the default reminder steps (days before expiry) and the
// format of its number.
type TypeInfo struct {
	Type  DocType           `json:"type"`
	Title map[string]string `json:"title"` // by language: "ru", "en"
	// Rule is nil when the user supplies the dates.
	Rule Rule `json:"-"`
	// RuleText says in words what Rule does, in English, for clients that
	// key their own text on it; RuleTitle says it in each language.
	RuleText  string            `json:"rule,omitempty"`
	RuleTitle map[string]string `json:"ruleTitle,omitempty"`
	// Source names the act of law the rule comes from, in each language.
	Source map[string]string `json:"source,omitempty"`
	// Variants are the kinds of the type whose rules differ (a standard or
	// a biometric foreign passport); the document's variant picks one.
	// DefaultVariant applies when a document names none; "" makes a
	// variant (or the user's own expiry date) necessary.
	Variants       []Variant `json:"variants,omitempty"`
	DefaultVariant string    `json:"defaultVariant,omitempty"`
	// HolderBirthDate is set for types that carry their holder's birth
	// date (a child's birth certificate): the document's holderBirthDate.
	HolderBirthDate bool `json:"holderBirthDate,omitempty"`
	// Extend is the law's extension of a document whose own expiry is the
	// argument, nil when none applies; nil for types no law extends.
	Extend func(civil.Date) *Extension `json:"-"`
	// Milestone is a date the holder must act on, from the holder's birth
	// date, for a type that does not expire (a birth certificate: the first
	// passport at 14); nil for other types.
	Milestone func(birth *civil.Date) *Milestone `json:"-"`
	// ExpiringDays is the default window before expiry in which the status is "expiring".
	ExpiringDays int `json:"expiringDays"`
	// ReminderSteps are the default days-before-expiry a reminder is due, descending.
	ReminderSteps []int `json:"reminderSteps"`
	// Number validates and normalises a document number; nil accepts any text.
	Number func(string) (string, bool) `json:"-"`
	// NumberExample shows the number's form as Kabinet keeps it, "" when
	// the number is free text.
	NumberExample string `json:"numberExample,omitempty"`
	// ReplacementGraceDays is how long a document whose rule says "replace"
	// stays usable after the replacement date (the internal passport: 90 days).
	ReplacementGraceDays int `json:"replacementGraceDays,omitempty"`
	// NeedsTitle is set for types whose name says nothing (custom documents).
	NeedsTitle bool `json:"needsTitle,omitempty"`
}

// Variant is one kind of a document type with its own validity rule.
type Variant struct {
	Value string            `json:"value"`
	Title map[string]string `json:"title"` // by language, with the term: "Биометрический, на 10 лет"
	Rule  Rule              `json:"-"`
}

// variant returns the variant value names, or the default for "".
func (ti TypeInfo) variant(value string) (Variant, bool) {
	if value == "" {
		value = ti.DefaultVariant
	}
	for _, v := range ti.Variants {
		if v.Value == value {
			return v, true
		}
	}
	return Variant{}, false
}

// Variants of the foreign passport, which the foreign passport
// application's passportKind field offers with the same values.
const (
	ForeignPassportBiometric = "biometric_10y"
	ForeignPassportStandard  = "standard_5y"
)

// Variants of the diagnostic card: the vehicle's age and use.
const (
	DiagnosticCar4to10   = "car_4_10_years"
	DiagnosticCarOver10  = "car_over_10_years"
	DiagnosticTaxiAndBus = "taxi_bus"
)

// Variants of the residence permit.
const (
	ResidenceForeignCitizen = "foreign_citizen"
	ResidenceStateless      = "stateless"
)

// Variants of the medical book: how often the holder's work needs the
// periodic examination.
const (
	MedicalBookYearly   = "yearly"
	MedicalBookBiennial = "every_2_years"
)

// Default reminder policies.
var (
	stepsLong  = []int{180, 90, 30, 7}
	stepsShort = []int{30, 7, 1}
)

// Catalogue lists every known type in display order. It is built on first
// use, not by init: its titles are maps, and a package-level map is made
// on every cold start of every function, whether it reads the catalogue or
// not.
var Catalogue = sync.OnceValue(func() []TypeInfo {
	return []TypeInfo{
		{Type: InternalPassport, Title: titles("Паспорт гражданина РФ", "Internal passport"),
			Rule: passportByAge, RuleText: "replace at 20 and 45 years of age (needs the owner's birth date)",
			RuleTitle: titles("заменить в 20 и 45 лет (нужна дата рождения)", "replace at 20 and 45 years of age (needs the owner's birth date)"),
			Source: titles("Положение о паспорте гражданина РФ, постановление Правительства РФ от 23.12.2023 № 2267",
				"Regulation on the passport of a citizen of the Russian Federation, Government decree No. 2267 of 23 December 2023"),
			ExpiringDays: 90, ReminderSteps: stepsLong, Number: numbers.Passport, NumberExample: "4510 123456", ReplacementGraceDays: 90},
		withVariants(TypeInfo{Type: ForeignPassport, Title: titles("Заграничный паспорт", "Foreign passport"),
			RuleText:  "10 years from issue (biometric), 5 years (standard)",
			RuleTitle: titles("10 лет с даты выдачи (биометрический), 5 лет (старого образца)", "10 years from issue (biometric), 5 years (standard)"),
			Source: titles("Федеральный закон от 15.08.1996 № 114-ФЗ «О порядке выезда из РФ и въезда в РФ», ст. 10",
				"Federal Law No. 114-FZ of 15 August 1996 on leaving and entering the Russian Federation, art. 10"),
			DefaultVariant: ForeignPassportBiometric,
			Variants: []Variant{
				{Value: ForeignPassportBiometric, Title: titles("Биометрический, на 10 лет", "Biometric, 10 years"), Rule: term(10, 0, 0)},
				{Value: ForeignPassportStandard, Title: titles("Старого образца, на 5 лет", "Standard, 5 years"), Rule: term(5, 0, 0)},
			},
			ExpiringDays: 90, ReminderSteps: stepsLong, Number: numbers.ForeignPassport, NumberExample: "75 1234567"}),
		{Type: DriversLicence, Title: titles("Водительское удостоверение", "Driver's licence"),
			Rule: term(10, 0, 0), RuleText: "10 years from issue; licences expiring in 2022–2025 are extended by 3 years (valid in Russia)",
			RuleTitle: titles("10 лет с даты выдачи; истекающие в 2022–2025 годах продлены на 3 года (действуют в России)",
				"10 years from issue; licences expiring in 2022–2025 are extended by 3 years (valid in Russia)"),
			Source: titles("Федеральный закон от 10.12.1995 № 196-ФЗ «О безопасности дорожного движения», ст. 25; постановление Правительства РФ от 12.03.2022 № 353 (ред. от 23.12.2023 № 2269)",
				"Federal Law No. 196-FZ of 10 December 1995 on road safety, art. 25; Government decree No. 353 of 12 March 2022 (as amended by No. 2269 of 23 December 2023)"),
			Extend:       extendPP353,
			ExpiringDays: 60, ReminderSteps: []int{60, 30, 7}, Number: numbers.Licence, NumberExample: "9912 345678"},
		{Type: SNILS, Title: titles("СНИЛС", "SNILS"), Rule: indefinite, RuleText: "indefinite", RuleTitle: titles("бессрочно", "indefinite"),
			Source:       titles("Федеральный закон от 01.04.1996 № 27-ФЗ", "Federal Law No. 27-FZ of 1 April 1996"),
			ExpiringDays: 30, ReminderSteps: stepsShort, Number: numbers.SNILS, NumberExample: "112-233-445 95"},
		{Type: INN, Title: titles("ИНН", "INN"), Rule: indefinite, RuleText: "indefinite", RuleTitle: titles("бессрочно", "indefinite"),
			Source:       titles("Налоговый кодекс РФ, ст. 84", "Tax Code of the Russian Federation, art. 84"),
			ExpiringDays: 30, ReminderSteps: stepsShort, Number: numbers.PersonalINN, NumberExample: "500100732259"},
		{Type: OMSPolicy, Title: titles("Полис ОМС", "OMS health insurance policy"), Rule: indefinite, RuleText: "indefinite", RuleTitle: titles("бессрочно", "indefinite"),
			Source:       titles("Федеральный закон от 29.11.2010 № 326-ФЗ, ст. 45", "Federal Law No. 326-FZ of 29 November 2010, art. 45"),
			ExpiringDays: 30, ReminderSteps: stepsShort, Number: numbers.OMS, NumberExample: "1234567890123456"},
		{Type: OSAGO, Title: titles("Полис ОСАГО", "OSAGO motor insurance"),
			Rule: term(1, 0, -1), RuleText: "1 year from the start date, ending the day before",
			RuleTitle:    titles("1 год с даты начала, до дня накануне", "1 year from the start date, ending the day before"),
			Source:       titles("Федеральный закон от 25.04.2002 № 40-ФЗ, ст. 10", "Federal Law No. 40-FZ of 25 April 2002, art. 10"),
			ExpiringDays: 30, ReminderSteps: stepsShort},
		{Type: MedicalCertificate, Title: titles("Медицинская справка 086/у", "Medical certificate 086/u"),
			Rule: term(0, 6, 0), RuleText: "6 months from issue",
			RuleTitle:    titles("6 месяцев с даты выдачи", "6 months from issue"),
			Source:       titles("Приказ Минздрава России от 15.12.2014 № 834н", "Order of the Ministry of Health No. 834n of 15 December 2014"),
			ExpiringDays: 30, ReminderSteps: stepsShort},
		{Type: BirthCertificate, Title: titles("Свидетельство о рождении", "Birth certificate"),
			Rule: indefinite, RuleText: "indefinite; at 14 the holder must get an internal passport",
			RuleTitle: titles("бессрочно; в 14 лет нужно получить паспорт", "indefinite; at 14 the holder must get an internal passport"),
			Source: titles("Федеральный закон от 15.11.1997 № 143-ФЗ «Об актах гражданского состояния»; паспорт с 14 лет — постановление Правительства РФ от 23.12.2023 № 2267",
				"Federal Law No. 143-FZ of 15 November 1997 on civil status records; the passport at 14: Government decree No. 2267 of 23 December 2023"),
			HolderBirthDate: true, Milestone: firstPassport,
			ExpiringDays: 30, ReminderSteps: []int{60, 30, 7}, Number: numbers.BirthCertificate, NumberExample: "IV-МЮ 123456"},
		{Type: MilitaryID, Title: titles("Военный билет", "Military ID"), Rule: indefinite, RuleText: "indefinite", RuleTitle: titles("бессрочно", "indefinite"),
			Source: titles("Федеральный закон от 28.03.1998 № 53-ФЗ «О воинской обязанности и военной службе»",
				"Federal Law No. 53-FZ of 28 March 1998 on military duty and military service"),
			ExpiringDays: 30, ReminderSteps: stepsShort, Number: numbers.MilitaryID, NumberExample: "АВ 1234567"},
		{Type: VehicleRegistration, Title: titles("Свидетельство о регистрации ТС", "Vehicle registration certificate"),
			Rule: indefinite, RuleText: "indefinite (replaced when the owner or the vehicle's data change)",
			RuleTitle: titles("бессрочно (заменяется при смене владельца или данных ТС)", "indefinite (replaced when the owner or the vehicle's data change)"),
			Source: titles("Федеральный закон от 03.08.2018 № 283-ФЗ «О государственной регистрации транспортных средств»",
				"Federal Law No. 283-FZ of 3 August 2018 on the registration of vehicles"),
			ExpiringDays: 30, ReminderSteps: stepsShort, Number: numbers.VehicleRegistration, NumberExample: "99 12 345678"},
		{Type: VehiclePassport, Title: titles("Паспорт транспортного средства (ПТС)", "Vehicle passport"),
			Rule: indefinite, RuleText: "indefinite", RuleTitle: titles("бессрочно", "indefinite"),
			Source: titles("Федеральный закон от 03.08.2018 № 283-ФЗ; электронный ПТС — решение Коллегии ЕЭК от 22.09.2015 № 112",
				"Federal Law No. 283-FZ of 3 August 2018; the electronic passport: Decision No. 112 of the Eurasian Economic Commission Board of 22 September 2015"),
			ExpiringDays: 30, ReminderSteps: stepsShort, Number: numbers.VehiclePassport, NumberExample: "77 УА 123456"},
		withVariants(TypeInfo{Type: DiagnosticCard, Title: titles("Диагностическая карта (техосмотр)", "Vehicle inspection certificate"),
			RuleText: "by the vehicle's age and use: 2 years for cars 4 to 10 years old, 1 year for older ones, 6 months for taxis and buses",
			RuleTitle: titles("по возрасту и назначению ТС: 2 года для легковых от 4 до 10 лет, 1 год — старше 10 лет, 6 месяцев — такси и автобусы",
				"by the vehicle's age and use: 2 years for cars 4 to 10 years old, 1 year for older ones, 6 months for taxis and buses"),
			Source: titles("Федеральный закон от 01.07.2011 № 170-ФЗ «О техническом осмотре транспортных средств», ст. 15",
				"Federal Law No. 170-FZ of 1 July 2011 on vehicle inspection, art. 15"),
			Variants: []Variant{
				{Value: DiagnosticCar4to10, Title: titles("Легковой автомобиль от 4 до 10 лет — на 2 года", "Car 4 to 10 years old: 2 years"), Rule: term(2, 0, 0)},
				{Value: DiagnosticCarOver10, Title: titles("Легковой автомобиль старше 10 лет — на 1 год", "Car over 10 years old: 1 year"), Rule: term(1, 0, 0)},
				{Value: DiagnosticTaxiAndBus, Title: titles("Такси, автобус — на 6 месяцев", "Taxi or bus: 6 months"), Rule: term(0, 6, 0)},
			},
			ExpiringDays: 30, ReminderSteps: []int{30, 14, 3}}),
		{Type: DriversMedicalCertificate, Title: titles("Медицинское заключение водителя 003-В/у", "Driver's medical certificate 003-V/u"),
			Rule: term(1, 0, 0), RuleText: "12 months from issue, for the traffic police",
			RuleTitle: titles("12 месяцев с даты выдачи — для предъявления в Госавтоинспекцию", "12 months from issue, for the traffic police"),
			Source: titles("Приказ Минздрава России от 15.06.2015 № 344н, приложение № 3",
				"Order of the Ministry of Health No. 344n of 15 June 2015, appendix 3"),
			ExpiringDays: 30, ReminderSteps: stepsShort},
		withVariants(TypeInfo{Type: ResidencePermit, Title: titles("Вид на жительство", "Residence permit"),
			RuleText:  "indefinite for a foreign citizen, 10 years for a stateless person",
			RuleTitle: titles("бессрочно для иностранного гражданина, 10 лет для лица без гражданства", "indefinite for a foreign citizen, 10 years for a stateless person"),
			Source: titles("Федеральный закон от 25.07.2002 № 115-ФЗ «О правовом положении иностранных граждан в РФ», ст. 8",
				"Federal Law No. 115-FZ of 25 July 2002 on the legal status of foreign citizens, art. 8"),
			DefaultVariant: ResidenceForeignCitizen,
			Variants: []Variant{
				{Value: ResidenceForeignCitizen, Title: titles("Иностранный гражданин — бессрочно", "Foreign citizen: indefinite"), Rule: indefinite},
				{Value: ResidenceStateless, Title: titles("Лицо без гражданства — на 10 лет", "Stateless person: 10 years"), Rule: term(10, 0, 0)},
			},
			ExpiringDays: 180, ReminderSteps: []int{180, 90, 30}}),
		{Type: TemporaryResidencePermit, Title: titles("Разрешение на временное проживание", "Temporary residence permit"),
			Rule: term(3, 0, 0), RuleText: "3 years from issue",
			RuleTitle:    titles("3 года с даты выдачи", "3 years from issue"),
			Source:       titles("Федеральный закон от 25.07.2002 № 115-ФЗ, ст. 6", "Federal Law No. 115-FZ of 25 July 2002, art. 6"),
			ExpiringDays: 180, ReminderSteps: []int{180, 90, 30}},
		withVariants(TypeInfo{Type: WorkPatent, Title: titles("Патент на работу", "Work patent"),
			RuleText:     "1 to 12 months from issue, as paid for",
			RuleTitle:    titles("от 1 до 12 месяцев с даты выдачи — на оплаченный срок", "1 to 12 months from issue, as paid for"),
			Source:       titles("Федеральный закон от 25.07.2002 № 115-ФЗ, ст. 13.3", "Federal Law No. 115-FZ of 25 July 2002, art. 13.3"),
			Variants:     patentTerms(),
			ExpiringDays: 14, ReminderSteps: []int{14, 7, 2}}),
		{Type: VHIPolicy, Title: titles("Полис ДМС", "Voluntary health insurance policy"),
			Rule: term(1, 0, -1), RuleText: "the contract's term, usually 1 year from the start date, ending the day before",
			RuleTitle:    titles("срок договора, обычно 1 год с даты начала, до дня накануне", "the contract's term, usually 1 year from the start date, ending the day before"),
			Source:       titles("Гражданский кодекс РФ, ст. 927, 940; Закон РФ от 27.11.1992 № 4015-1", "Civil Code of the Russian Federation, arts. 927 and 940; Law No. 4015-1 of 27 November 1992"),
			ExpiringDays: 30, ReminderSteps: stepsShort},
		withVariants(TypeInfo{Type: MedicalBook, Title: titles("Личная медицинская книжка", "Medical book"),
			RuleText:  "the next periodic examination: 1 year after the last one (2 years for some work)",
			RuleTitle: titles("следующий периодический медосмотр: через 1 год после последнего (для некоторых работ — через 2 года)", "the next periodic examination: 1 year after the last one (2 years for some work)"),
			Source: titles("Приказ Минздрава России от 28.01.2021 № 29н (периодические медицинские осмотры)",
				"Order of the Ministry of Health No. 29n of 28 January 2021 (periodic medical examinations)"),
			DefaultVariant: MedicalBookYearly,
			Variants: []Variant{
				{Value: MedicalBookYearly, Title: titles("Медосмотр раз в год", "Examination every year"), Rule: term(1, 0, 0)},
				{Value: MedicalBookBiennial, Title: titles("Медосмотр раз в 2 года", "Examination every 2 years"), Rule: term(2, 0, 0)},
			},
			ExpiringDays: 30, ReminderSteps: stepsShort}),
		{Type: WeaponPermit, Title: titles("Разрешение на хранение и ношение оружия", "Weapon permit"),
			Rule: term(5, 0, 0), RuleText: "5 years from issue; apply to extend at least a month before",
			RuleTitle:    titles("5 лет с даты выдачи; продление — не позднее чем за месяц", "5 years from issue; apply to extend at least a month before"),
			Source:       titles("Федеральный закон от 13.12.1996 № 150-ФЗ «Об оружии», ст. 13", "Federal Law No. 150-FZ of 13 December 1996 on weapons, art. 13"),
			ExpiringDays: 90, ReminderSteps: []int{90, 60, 35}},
		{Type: HuntingLicence, Title: titles("Охотничий билет", "Hunting licence"), Rule: indefinite, RuleText: "indefinite", RuleTitle: titles("бессрочно", "indefinite"),
			Source: titles("Федеральный закон от 24.07.2009 № 209-ФЗ «Об охоте», ст. 21",
				"Federal Law No. 209-FZ of 24 July 2009 on hunting, art. 21"),
			ExpiringDays: 30, ReminderSteps: stepsShort},
		{Type: Contract, Title: titles("Договор", "Contract"),
			ExpiringDays: 30, ReminderSteps: stepsShort},
		{Type: VisitAct, Title: titles("Акт оказания медицинской услуги", "Act of medical service"), Rule: indefinite, RuleText: "indefinite",
			RuleTitle: titles("бессрочно", "indefinite"),
			Source: titles("Приказ Минздрава России от 30.11.2017 № 965н (медицинская помощь с применением телемедицинских технологий)",
				"Order of the Ministry of Health No. 965n of 30 November 2017 (medical care by telemedicine)"),
			ExpiringDays: 30, ReminderSteps: stepsShort},
		// An e-prescription's term is the prescriber's (15 days to a year by
		// the drug): the date is given, never computed.
		{Type: EPrescription, Title: titles("Электронный рецепт", "E-prescription"),
			Source: titles("Приказ Минздрава России от 24.11.2021 № 1094н (формы рецептов и сроки их действия)",
				"Order of the Ministry of Health No. 1094n of 24 November 2021 (prescription forms and their terms)"),
			ExpiringDays: 7, ReminderSteps: []int{3, 1}},
		{Type: Custom, Title: titles("Другой документ", "Other document"),
			ExpiringDays: 30, ReminderSteps: stepsShort, NeedsTitle: true},
		{Type: LabResult, Title: titles("Результат анализов", "Lab result"), Rule: indefinite, RuleText: "indefinite", RuleTitle: titles("бессрочно", "indefinite"),
			Source: titles("Результат, который прислала лаборатория; срок действия у него не установлен",
				"A result the laboratory sent; it has no term of validity"),
			ExpiringDays: 30, ReminderSteps: stepsShort, NeedsTitle: true},
	}
})

func titles(ru, en string) map[string]string { return map[string]string{"ru": ru, "en": en} }

// withVariants gives a type with variants the rule that dispatches on them.
func withVariants(ti TypeInfo) TypeInfo {
	ti.Rule = byVariant(ti.DefaultVariant, ti.Variants)
	return ti
}

// patentTerms are the work patent's terms, one a month count: a patent is
// issued for 1 to 12 months and runs for the months its holder paid for.
func patentTerms() []Variant {
	out := make([]Variant, 0, 12)
	for n := 1; n <= 12; n++ {
		out = append(out, Variant{Value: fmt.Sprintf("%dm", n),
			Title: titles(i18n.Months(i18n.RU, n), i18n.Months(i18n.EN, n)), Rule: term(0, n, 0)})
	}
	return out
}

// Lookup returns the catalogue entry for t.
func Lookup(t DocType) (TypeInfo, bool) {
	for _, ti := range Catalogue() {
		if ti.Type == t {
			return ti, true
		}
	}
	return TypeInfo{}, false
}
