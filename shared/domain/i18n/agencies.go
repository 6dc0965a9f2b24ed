package i18n

import "strings"

// Gender is the grammatical gender of a Russian noun, which the past-tense
// verb agrees with: «МВД выдало», «ФНС выдала», «СФР выдал».
type Gender int

// Genders.
const (
	Masculine Gender = iota
	Feminine
	Neuter
)

// Agency is an issuing agency's name in each language and the gender of its
// Russian name.
type Agency struct {
	RU, EN string
	Gender Gender
}

// agencies are the agencies whose events Kabinet takes, by their code. The
// gender follows the head word: МВД is «министерство» (neuter), ФНС
// «служба» and Госавтоинспекция feminine, СФР «фонд» masculine.
var agencies = map[string]Agency{
	"mvd":        {"МВД России", "Ministry of Internal Affairs", Neuter},
	"fns":        {"ФНС России", "Federal Tax Service", Feminine},
	"sfr":        {"Социальный фонд России", "Social Fund of Russia", Masculine},
	"pfr":        {"Социальный фонд России", "Social Fund of Russia", Masculine},
	"gibdd":      {"Госавтоинспекция", "State Traffic Inspectorate", Feminine},
	"foms":       {"Фонд ОМС", "Compulsory Medical Insurance Fund", Masculine},
	"minzdrav":   {"Минздрав России", "Ministry of Health", Masculine},
	"mchs":       {"МЧС России", "Ministry of Emergency Situations", Neuter},
	"rosgvardia": {"Росгвардия", "National Guard", Feminine},
	"minoborony": {"Минобороны России", "Ministry of Defence", Neuter},
}

// AgencyName is the agency's name in lang. An agency Kabinet does not know
// is named by its code in capitals in either language (it is an
// abbreviation, as most agencies' names are), with a neuter verb, as for
// «ведомство».
func AgencyName(code, lang string) (string, Gender) {
	if a, ok := agencies[code]; ok {
		if lang == RU {
			return a.RU, a.Gender
		}
		return a.EN, a.Gender
	}
	return strings.ToUpper(code), Neuter
}

// Verb picks the Russian past-tense form that agrees with g:
// Verb(g, "выдал", "выдала", "выдало").
func Verb(g Gender, masculine, feminine, neuter string) string {
	switch g {
	case Feminine:
		return feminine
	case Neuter:
		return neuter
	}
	return masculine
}
