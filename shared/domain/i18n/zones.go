package i18n

import "strings"

// zoneCities name the zones of Russia (and the neighbours' a Russian
// reader meets) by their main city, as people say the time: «11:00
// (Калининград)», not Europe/Kaliningrad.
var zoneCities = map[string][2]string{ // ru, en
	"Europe/Kaliningrad": {"Калининград", "Kaliningrad"},
	"Europe/Moscow":      {"Москва", "Moscow"},
	"Europe/Simferopol":  {"Симферополь", "Simferopol"},
	"Europe/Kirov":       {"Киров", "Kirov"},
	"Europe/Volgograd":   {"Волгоград", "Volgograd"},
	"Europe/Astrakhan":   {"Астрахань", "Astrakhan"},
	"Europe/Saratov":     {"Саратов", "Saratov"},
	"Europe/Ulyanovsk":   {"Ульяновск", "Ulyanovsk"},
	"Europe/Samara":      {"Самара", "Samara"},
	"Asia/Yekaterinburg": {"Екатеринбург", "Yekaterinburg"},
	"Asia/Omsk":          {"Омск", "Omsk"},
	"Asia/Novosibirsk":   {"Новосибирск", "Novosibirsk"},
	"Asia/Barnaul":       {"Барнаул", "Barnaul"},
	"Asia/Tomsk":         {"Томск", "Tomsk"},
	"Asia/Novokuznetsk":  {"Новокузнецк", "Novokuznetsk"},
	"Asia/Krasnoyarsk":   {"Красноярск", "Krasnoyarsk"},
	"Asia/Irkutsk":       {"Иркутск", "Irkutsk"},
	"Asia/Chita":         {"Чита", "Chita"},
	"Asia/Yakutsk":       {"Якутск", "Yakutsk"},
	"Asia/Khandyga":      {"Хандыга", "Khandyga"},
	"Asia/Vladivostok":   {"Владивосток", "Vladivostok"},
	"Asia/Ust-Nera":      {"Усть-Нера", "Ust-Nera"},
	"Asia/Magadan":       {"Магадан", "Magadan"},
	"Asia/Sakhalin":      {"Южно-Сахалинск", "Yuzhno-Sakhalinsk"},
	"Asia/Srednekolymsk": {"Среднеколымск", "Srednekolymsk"},
	"Asia/Kamchatka":     {"Петропавловск-Камчатский", "Petropavlovsk-Kamchatsky"},
	"Asia/Anadyr":        {"Анадырь", "Anadyr"},
	"Europe/Minsk":       {"Минск", "Minsk"},
	"Asia/Almaty":        {"Алматы", "Almaty"},
	"Asia/Tashkent":      {"Ташкент", "Tashkent"},
	"UTC":                {"всемирное время", "UTC"},
}

// ZoneName is the city an IANA zone is known by, in lang; a zone without
// one is named by the last part of its id ("America/New_York": "New York").
func ZoneName(lang, zone string) string {
	if c, ok := zoneCities[zone]; ok {
		if lang == RU {
			return c[0]
		}
		return c[1]
	}
	city := zone[strings.LastIndexByte(zone, '/')+1:]
	return strings.ReplaceAll(city, "_", " ")
}
