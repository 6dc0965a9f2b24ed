package directory

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kabinet/kabinet/shared/domain/civil"
)

// Demo returns a made-up but realistic directory: 18 institutions of every
// type in Moscow, Kazan, Kaliningrad (UTC+2) and Petropavlovsk-Kamchatsky
// (UTC+12), each with 2 to 4 specialists or service windows. Ids are stable
// ("inst-msk-01", "spec-msk-01-1") and every INN carries valid check digits.
// The local runner and the seeding tool write it with store.PutDirectory;
// tests use it as a fixture. Every call returns fresh slices.
func Demo() ([]Institution, []Specialist) {
	var insts []Institution
	var specs []Specialist
	for _, d := range demo() {
		insts = append(insts, d.inst)
		for i, sp := range d.specs {
			sp.ID = fmt.Sprintf("spec-%s-%d", strings.TrimPrefix(d.inst.ID, "inst-"), i+1)
			sp.InstitutionID = d.inst.ID
			sp.Modes = slices.Clone(sp.Modes) // inPerson and both are shared
			specs = append(specs, sp)
		}
	}
	return insts, specs
}

type demoInst struct {
	inst  Institution
	specs []Specialist
}

// Time zones of the demo cities.
const (
	zoneMoscow      = "Europe/Moscow"
	zoneKaliningrad = "Europe/Kaliningrad"
	zoneKamchatka   = "Asia/Kamchatka"
)

// Opening hours.
var (
	monFri  = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	monSat  = append(monFri[:5:5], time.Saturday)
	allWeek = append(monSat[:6:6], time.Sunday)
	tueSat  = []time.Weekday{time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
)

// hours opens days from open to close; join several calls with append.
func hours(days []time.Weekday, open, close string) []Hours {
	out := make([]Hours, len(days))
	for i, d := range days {
		out[i] = Hours{Weekday: d, Open: open, Close: close}
	}
	return out
}

// polyclinicHours: weekdays 08:00–20:00, Saturday 09:00–15:00.
func polyclinicHours() []Hours {
	return append(hours(monFri, "08:00", "20:00"), hours([]time.Weekday{time.Saturday}, "09:00", "15:00")...)
}

func licence(number string) Licence { return Licence{Number: number, Status: LicenceActive} }

// paediatricMaxAge: a paediatrician sees children, under 18.
const paediatricMaxAge = 17

var (
	inPerson = []string{ModeInPerson}
	both     = []string{ModeInPerson, ModeVideo}
)

func demo() []demoInst {
	return []demoInst{
		// Moscow
		{Institution{ID: "inst-msk-01", Name: "Городская поликлиника № 1", Type: TypePolyclinic, INN: "7719012343",
			Address: "Семёновская пл., 3", City: "Москва", Phone: "+74953661201", TimeZone: zoneMoscow,
			Lat: 55.78297, Lon: 37.71921, Hours: polyclinicHours(),
			Licence: licence("Л041-01137-77/00368259")}, // no deadline of its own: a polyclinic's, until the start
			[]Specialist{
				{Name: "Смирнова Ольга Викторовна", Specialization: "Терапевт", Rating: 4.8, Reviews: 312,
					Certificates: []string{"Сертификат специалиста «Терапия», 2023"}, Modes: both},
				{Name: "Кузнецов Андрей Павлович", Specialization: "Педиатр", Rating: 4.9, Reviews: 204,
					Certificates: []string{"Аккредитация «Педиатрия», 2022"}, Modes: both, MaxAge: paediatricMaxAge},
				{Name: "Фёдорова Наталья Игоревна", Specialization: "Офтальмолог", Rating: 4.6, Reviews: 97,
					Certificates: []string{"Аккредитация «Офтальмология», 2021"}, Modes: inPerson},
				{Name: "Белов Сергей Алексеевич", Specialization: "Невролог", Rating: 4.5, Reviews: 143,
					Certificates: []string{"Сертификат специалиста «Неврология», 2020"}, Modes: both},
			}},
		{Institution{ID: "inst-msk-02", Name: "Городская клиническая больница № 15", Type: TypeHospital, INN: "7719045677",
			Address: "ул. Вешняковская, 23", City: "Москва", Phone: "+74953750071", TimeZone: zoneMoscow,
			Lat: 55.71961, Lon: 37.81702, Hours: hours(monFri, "08:00", "16:00"),
			Licence: licence("Л041-01137-77/00294417"), CancelDeadline: 24 * time.Hour},
			[]Specialist{
				{Name: "Орлов Дмитрий Николаевич", Specialization: "Хирург", Rating: 4.7, Reviews: 88,
					Certificates: []string{"Аккредитация «Хирургия», 2022"}, Modes: inPerson},
				{Name: "Захарова Елена Борисовна", Specialization: "Кардиолог", Rating: 4.9, Reviews: 156,
					Certificates: []string{"Аккредитация «Кардиология», 2023", "Удостоверение «Эхокардиография», 2021"}, Modes: both},
				{Name: "Григорьев Павел Ильич", Specialization: "Травматолог-ортопед", Rating: 4.4, Reviews: 61,
					Certificates: []string{"Сертификат специалиста «Травматология и ортопедия», 2019"}, Modes: inPerson},
			}},
		{Institution{ID: "inst-msk-03", Name: "МФЦ района Басманный", Type: TypeMFC, INN: "7701082396",
			Address: "ул. Новая Басманная, 16, стр. 1", City: "Москва", Phone: "+74955870101", TimeZone: zoneMoscow,
			Lat: 55.77004, Lon: 37.65318, Hours: hours(allWeek, "08:00", "20:00"), CancelDeadline: time.Hour},
			[]Specialist{
				{Name: "Окно 1 — паспорта", Specialization: "Паспорт РФ", Modes: inPerson},
				{Name: "Окно 2 — регистрация по месту жительства", Specialization: "Регистрация по месту жительства", Modes: inPerson},
				{Name: "Окно 3 — СНИЛС и ИНН", Specialization: "СНИЛС и ИНН", Modes: inPerson},
			}},
		{Institution{ID: "inst-msk-04", Name: "Стоматологическая поликлиника № 12", Type: TypeDental, INN: "7725098765",
			Address: "Ленинский пр-т, 20", City: "Москва", Phone: "+74959542312", TimeZone: zoneMoscow,
			Lat: 55.72248, Lon: 37.59826, Hours: append(hours(monFri, "08:00", "21:00"), hours([]time.Weekday{time.Saturday}, "09:00", "18:00")...),
			Licence: licence("Л041-01137-77/00417730"), CancelDeadline: 4 * time.Hour},
			[]Specialist{
				{Name: "Алексеева Марина Юрьевна", Specialization: "Стоматолог-терапевт", Rating: 4.8, Reviews: 421,
					Certificates: []string{"Аккредитация «Стоматология терапевтическая», 2022"}, Price: 2500, Modes: inPerson},
				{Name: "Тихонов Роман Евгеньевич", Specialization: "Ортодонт", Rating: 4.7, Reviews: 133,
					Certificates: []string{"Аккредитация «Ортодонтия», 2021"}, Price: 3500, Modes: both},
			}},
		{Institution{ID: "inst-msk-05", Name: "Клинико-диагностическая лаборатория «Здоровье»", Type: TypeLaboratory, INN: "7710024680",
			Address: "ул. Тверская, 12, стр. 2", City: "Москва", Phone: "+74956290415", TimeZone: zoneMoscow,
			Lat: 55.76361, Lon: 37.60662, Hours: append(hours(monFri, "07:30", "19:00"), hours([]time.Weekday{time.Saturday, time.Sunday}, "08:00", "14:00")...),
			Licence:        Licence{Number: "ЛО-77-01-014523", Status: LicenceActive, ValidUntil: &civil.Date{Year: 2027, Month: time.December, Day: 31}},
			CancelDeadline: time.Hour},
			[]Specialist{
				{Name: "Процедурный кабинет № 1 — забор крови", Specialization: "Забор анализов", Rating: 4.6, Reviews: 512, Price: 350, Modes: inPerson},
				{Name: "Процедурный кабинет № 2 — ПЦР-тесты", Specialization: "Забор анализов", Rating: 4.5, Reviews: 208, Price: 350, Modes: inPerson},
			}},
		{Institution{ID: "inst-msk-06", Name: "Дворец бракосочетания № 1", Type: TypeRegistryOffice, INN: "7702035712",
			Address: "ул. Грибоедова, 10", City: "Москва", Phone: "+74956231720", TimeZone: zoneMoscow,
			Lat: 55.76203, Lon: 37.63725, Hours: hours(tueSat, "10:00", "18:00"), CancelDeadline: 24 * time.Hour},
			[]Specialist{
				{Name: "Зал 1 — торжественная регистрация брака", Specialization: "Регистрация брака", Modes: inPerson},
				{Name: "Окно 2 — приём заявлений", Specialization: "Приём заявлений", Modes: inPerson},
			}},

		// Kazan
		{Institution{ID: "inst-kzn-01", Name: "Городская поликлиника № 7", Type: TypePolyclinic, INN: "1657013576",
			Address: "ул. Чуйкова, 54", City: "Казань", Phone: "+78435220357", TimeZone: zoneMoscow,
			Lat: 55.82702, Lon: 49.11806, Hours: polyclinicHours(),
			Licence: licence("Л041-01185-16/00321148"), CancelDeadline: 2 * time.Hour},
			[]Specialist{
				{Name: "Хабибуллина Гульнара Рашидовна", Specialization: "Терапевт", Rating: 4.7, Reviews: 265,
					Certificates: []string{"Аккредитация «Терапия», 2022"}, Modes: both},
				{Name: "Сафин Ильдар Маратович", Specialization: "Педиатр", Rating: 4.8, Reviews: 190,
					Certificates: []string{"Аккредитация «Педиатрия», 2023"}, Modes: both, MaxAge: paediatricMaxAge},
				{Name: "Галиева Алсу Фаридовна", Specialization: "Офтальмолог", Rating: 4.6, Reviews: 74,
					Certificates: []string{"Сертификат специалиста «Офтальмология», 2020"}, Modes: inPerson},
			}},
		{Institution{ID: "inst-kzn-02", Name: "Республиканская клиническая больница", Type: TypeHospital, INN: "1660031423",
			Address: "Оренбургский тракт, 138", City: "Казань", Phone: "+78432373500", TimeZone: zoneMoscow,
			Lat: 55.73662, Lon: 49.20361, Hours: hours(monFri, "08:00", "17:00"),
			Licence: licence("Л041-01185-16/00298031"), CancelDeadline: 24 * time.Hour},
			[]Specialist{
				{Name: "Никитин Артём Владимирович", Specialization: "Кардиолог", Rating: 4.9, Reviews: 301,
					Certificates: []string{"Аккредитация «Кардиология», 2021"}, Modes: both},
				{Name: "Валиева Лейсан Ринатовна", Specialization: "Эндокринолог", Rating: 4.7, Reviews: 118,
					Certificates: []string{"Аккредитация «Эндокринология», 2022"}, Modes: both},
				{Name: "Зарипов Руслан Айдарович", Specialization: "Хирург", Rating: 4.6, Reviews: 92,
					Certificates: []string{"Аккредитация «Хирургия», 2020"}, Modes: inPerson},
			}},
		{Institution{ID: "inst-kzn-03", Name: "МФЦ Вахитовского района", Type: TypeMFC, INN: "1655027189",
			Address: "ул. Пушкина, 26", City: "Казань", Phone: "+78432921601", TimeZone: zoneMoscow,
			Lat: 55.79208, Lon: 49.12303, Hours: hours(monSat, "08:00", "20:00"), CancelDeadline: time.Hour},
			[]Specialist{
				{Name: "Окно 1 — паспорта", Specialization: "Паспорт РФ", Modes: inPerson},
				{Name: "Окно 2 — недвижимость", Specialization: "Регистрация недвижимости", Modes: inPerson},
				{Name: "Окно 3 — пособия и выплаты", Specialization: "Социальные выплаты", Modes: inPerson},
			}},
		{Institution{ID: "inst-kzn-04", Name: "МРЭО ГИБДД МВД по Республике Татарстан", Type: TypeTrafficPolice, INN: "1659019478",
			Address: "ул. Гудованцева, 43", City: "Казань", Phone: "+78432911760", TimeZone: zoneMoscow,
			Lat: 55.82352, Lon: 49.13618, Hours: hours(tueSat, "09:00", "18:00"), CancelDeadline: 2 * time.Hour},
			[]Specialist{
				{Name: "Окно 1 — регистрация транспортных средств", Specialization: "Регистрация ТС", Modes: inPerson},
				{Name: "Окно 2 — водительские удостоверения", Specialization: "Водительское удостоверение", Modes: inPerson},
				{Name: "Кабинет 5 — теоретический экзамен", Specialization: "Экзамен", Modes: inPerson},
			}},

		// Kaliningrad
		{Institution{ID: "inst-kgd-01", Name: "Городская поликлиника № 3", Type: TypePolyclinic, INN: "3906011230",
			Address: "Ленинский пр-т, 30", City: "Калининград", Phone: "+74012533347", TimeZone: zoneKaliningrad,
			Lat: 54.70808, Lon: 20.51051, Hours: polyclinicHours(),
			Licence: licence("Л041-01176-39/00344570"), CancelDeadline: 2 * time.Hour},
			[]Specialist{
				{Name: "Соколова Ирина Александровна", Specialization: "Терапевт", Rating: 4.6, Reviews: 178,
					Certificates: []string{"Аккредитация «Терапия», 2023"}, Modes: both},
				{Name: "Ермаков Виталий Олегович", Specialization: "Педиатр", Rating: 4.8, Reviews: 99,
					Certificates: []string{"Аккредитация «Педиатрия», 2021"}, Modes: both, MaxAge: paediatricMaxAge},
			}},
		{Institution{ID: "inst-kgd-02", Name: "Областная клиническая больница Калининградской области", Type: TypeHospital, INN: "3906058132",
			Address: "ул. Клиническая, 74", City: "Калининград", Phone: "+74012578302", TimeZone: zoneKaliningrad,
			Lat: 54.72253, Lon: 20.48707, Hours: hours(monFri, "08:00", "16:00"),
			Licence: licence("Л041-01176-39/00290063"), CancelDeadline: 24 * time.Hour},
			[]Specialist{
				{Name: "Морозов Константин Петрович", Specialization: "Невролог", Rating: 4.7, Reviews: 84,
					Certificates: []string{"Аккредитация «Неврология», 2022"}, Modes: both},
				{Name: "Лебедева Анна Сергеевна", Specialization: "Кардиолог", Rating: 4.8, Reviews: 127,
					Certificates: []string{"Аккредитация «Кардиология», 2020"}, Modes: both},
				{Name: "Волков Михаил Андреевич", Specialization: "Офтальмолог", Rating: 4.5, Reviews: 56,
					Certificates: []string{"Сертификат специалиста «Офтальмология», 2019"}, Modes: inPerson},
			}},
		{Institution{ID: "inst-kgd-03", Name: "Отдел по вопросам миграции ОМВД по Центральному району", Type: TypePassportOffice, INN: "3906037291",
			Address: "ул. Театральная, 28", City: "Калининград", Phone: "+74012216455", TimeZone: zoneKaliningrad,
			Lat: 54.71954, Lon: 20.50122, Hours: hours(tueSat, "09:00", "18:00"), CancelDeadline: 2 * time.Hour},
			[]Specialist{
				{Name: "Окно 1 — паспорт РФ", Specialization: "Паспорт РФ", Modes: inPerson},
				{Name: "Окно 2 — заграничный паспорт", Specialization: "Заграничный паспорт", Modes: inPerson},
			}},
		{Institution{ID: "inst-kgd-04", Name: "Межрайонная ИФНС России № 8 по Калининградской области", Type: TypeTaxOffice, INN: "3906120479",
			Address: "ул. Сергеева, 14", City: "Калининград", Phone: "+74012995012", TimeZone: zoneKaliningrad,
			Lat: 54.71389, Lon: 20.50497, Hours: hours(monFri, "09:00", "18:00"), CancelDeadline: time.Hour},
			[]Specialist{
				{Name: "Окно 1 — ИНН физических лиц", Specialization: "ИНН", Modes: inPerson},
				{Name: "Окно 2 — налоговые вычеты", Specialization: "Налоговые вычеты", Modes: both},
				{Name: "Окно 3 — регистрация ИП", Specialization: "Регистрация бизнеса", Modes: inPerson},
			}},

		// Petropavlovsk-Kamchatsky
		{Institution{ID: "inst-pkc-01", Name: "Камчатская краевая больница", Type: TypeHospital, INN: "4101009871",
			Address: "ул. Ленинградская, 112", City: "Петропавловск-Камчатский", Phone: "+74152423035", TimeZone: zoneKamchatka,
			Lat: 53.04425, Lon: 158.63907, Hours: hours(monFri, "08:00", "16:00"),
			Licence: licence("Л041-01190-41/00303126"), CancelDeadline: 24 * time.Hour},
			[]Specialist{
				{Name: "Кравченко Евгений Сергеевич", Specialization: "Хирург", Rating: 4.6, Reviews: 72,
					Certificates: []string{"Аккредитация «Хирургия», 2021"}, Modes: inPerson},
				{Name: "Ким Светлана Вячеславовна", Specialization: "Кардиолог", Rating: 4.8, Reviews: 64,
					Certificates: []string{"Аккредитация «Кардиология», 2022"}, Modes: both},
			}},
		{Institution{ID: "inst-pkc-02", Name: "Городская поликлиника № 3", Type: TypePolyclinic, INN: "4101025633",
			Address: "пр-т Победы, 63", City: "Петропавловск-Камчатский", Phone: "+74152252140", TimeZone: zoneKamchatka,
			Lat: 53.07064, Lon: 158.62017, Hours: polyclinicHours(),
			Licence: licence("Л041-01190-41/00351902"), CancelDeadline: 2 * time.Hour},
			[]Specialist{
				{Name: "Дмитриева Татьяна Олеговна", Specialization: "Терапевт", Rating: 4.5, Reviews: 131,
					Certificates: []string{"Аккредитация «Терапия», 2020"}, Modes: both},
				{Name: "Шевченко Алексей Викторович", Specialization: "Педиатр", Rating: 4.7, Reviews: 86,
					Certificates: []string{"Аккредитация «Педиатрия», 2022"}, Modes: both, MaxAge: paediatricMaxAge},
				{Name: "Пак Юлия Геннадьевна", Specialization: "Стоматолог-терапевт", Rating: 4.6, Reviews: 49,
					Certificates: []string{"Аккредитация «Стоматология терапевтическая», 2021"}, Modes: inPerson},
			}},
		{Institution{ID: "inst-pkc-03", Name: "МФЦ Камчатского края", Type: TypeMFC, INN: "4101044788",
			Address: "ул. Пограничная, 17", City: "Петропавловск-Камчатский", Phone: "+74152302402", TimeZone: zoneKamchatka,
			Lat: 53.05953, Lon: 158.62702, Hours: hours(monSat, "09:00", "19:00"), CancelDeadline: time.Hour},
			[]Specialist{
				{Name: "Окно 1 — паспорта", Specialization: "Паспорт РФ", Modes: inPerson},
				{Name: "Окно 2 — материнский капитал", Specialization: "Социальные выплаты", Modes: inPerson},
			}},
		{Institution{ID: "inst-pkc-04", Name: "Отдел ЗАГС Петропавловск-Камчатского городского округа", Type: TypeRegistryOffice, INN: "4101063519",
			Address: "ул. Советская, 35", City: "Петропавловск-Камчатский", Phone: "+74152423391", TimeZone: zoneKamchatka,
			Lat: 53.01905, Lon: 158.65103, Hours: hours(tueSat, "09:00", "17:00"), CancelDeadline: 24 * time.Hour},
			[]Specialist{
				{Name: "Кабинет 1 — регистрация рождения", Specialization: "Регистрация рождения", Modes: inPerson},
				{Name: "Зал 2 — регистрация брака", Specialization: "Регистрация брака", Modes: inPerson},
			}},
	}
}
