// Time zones shown by the city people know them by, not by their IANA id:
// "Владивосток (МСК+7)" rather than "Asia/Vladivostok". Every zone of Russia
// (the RU lines of the tz database's zone1970.tab) and a few common abroad.
import type { Lang } from './i18n';

interface ZoneInfo { ru: string; en: string; russia: boolean }

const RUSSIA: Record<string, [string, string]> = {
  'Europe/Kaliningrad': ['Калининград', 'Kaliningrad'],
  'Europe/Moscow': ['Москва', 'Moscow'],
  'Europe/Kirov': ['Киров', 'Kirov'],
  'Europe/Volgograd': ['Волгоград', 'Volgograd'],
  'Europe/Astrakhan': ['Астрахань', 'Astrakhan'],
  'Europe/Saratov': ['Саратов', 'Saratov'],
  'Europe/Ulyanovsk': ['Ульяновск', 'Ulyanovsk'],
  'Europe/Samara': ['Самара', 'Samara'],
  'Asia/Yekaterinburg': ['Екатеринбург', 'Yekaterinburg'],
  'Asia/Omsk': ['Омск', 'Omsk'],
  'Asia/Novosibirsk': ['Новосибирск', 'Novosibirsk'],
  'Asia/Barnaul': ['Барнаул', 'Barnaul'],
  'Asia/Tomsk': ['Томск', 'Tomsk'],
  'Asia/Novokuznetsk': ['Новокузнецк', 'Novokuznetsk'],
  'Asia/Krasnoyarsk': ['Красноярск', 'Krasnoyarsk'],
  'Asia/Irkutsk': ['Иркутск', 'Irkutsk'],
  'Asia/Chita': ['Чита', 'Chita'],
  'Asia/Yakutsk': ['Якутск', 'Yakutsk'],
  'Asia/Khandyga': ['Хандыга', 'Khandyga'],
  'Asia/Vladivostok': ['Владивосток', 'Vladivostok'],
  'Asia/Ust-Nera': ['Усть-Нера', 'Ust-Nera'],
  'Asia/Magadan': ['Магадан', 'Magadan'],
  'Asia/Sakhalin': ['Южно-Сахалинск', 'Yuzhno-Sakhalinsk'],
  'Asia/Srednekolymsk': ['Среднеколымск', 'Srednekolymsk'],
  'Asia/Kamchatka': ['Петропавловск-Камчатский', 'Petropavlovsk-Kamchatsky'],
  'Asia/Anadyr': ['Анадырь', 'Anadyr'],
};

const ABROAD: Record<string, [string, string]> = {
  UTC: ['Всемирное координированное время', 'Coordinated Universal Time'],
  'Europe/London': ['Лондон', 'London'],
  'Europe/Berlin': ['Берлин', 'Berlin'],
  'Europe/Minsk': ['Минск', 'Minsk'],
  'Europe/Istanbul': ['Стамбул', 'Istanbul'],
  'Asia/Almaty': ['Алматы', 'Almaty'],
  'Asia/Tashkent': ['Ташкент', 'Tashkent'],
  'Asia/Dubai': ['Дубай', 'Dubai'],
};

const ZONES: Record<string, ZoneInfo> = Object.fromEntries([
  ...Object.entries(RUSSIA).map(([id, [ru, en]]) => [id, { ru, en, russia: true }]),
  ...Object.entries(ABROAD).map(([id, [ru, en]]) => [id, { ru, en, russia: false }]),
]);

/** Russia's zones, west to east. */
export const RUSSIAN_ZONES = Object.keys(RUSSIA);

/** The zones a person picks from: Russia's, then those abroad. */
export const ZONE_CHOICES = [...RUSSIAN_ZONES, ...Object.keys(ABROAD)];

/** The zone's offset from UTC in minutes at `at` (DST included). */
export function utcOffsetMinutes(zone: string, at: Date = new Date()): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(at);
  const n = (k: string) => Number(parts.find((p) => p.type === k)?.value ?? 0);
  const local = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

function offsetText(prefix: string, minutes: number): string {
  if (minutes === 0) return prefix;
  const sign = minutes > 0 ? '+' : '−';
  const a = Math.abs(minutes);
  return `${prefix}${sign}${Math.floor(a / 60)}${a % 60 ? `:${String(a % 60).padStart(2, '0')}` : ''}`;
}

/** The city a zone is named after ("Владивосток"); the IANA id's last part for zones not in the table. */
export function zoneCity(zone: string, lang: Lang): string {
  const z = ZONES[zone];
  if (z) return z[lang];
  return zone.split('/').pop()!.replace(/_/g, ' ');
}

/**
 * A zone as a choice in a list: the city and its offset, from Moscow for
 * Russia's zones in Russian ("Владивосток (МСК+7)"), else from UTC
 * ("Vladivostok (UTC+10)").
 */
export function zoneLabel(zone: string, lang: Lang, at: Date = new Date()): string {
  const off = utcOffsetMinutes(zone, at);
  const z = ZONES[zone];
  const city = zoneCity(zone, lang);
  if (zone === 'UTC') return `${city} (UTC)`;
  if (lang === 'ru' && z?.russia) return `${city} (${offsetText('МСК', off - 180)})`;
  return `${city} (${offsetText('UTC', off)})`;
}
