// Display helpers: dates, times, phones, masked numbers, status tones.
// Times of the person's own events are shown in the profile's zone
// (prefs.ts) unless a zone is given: an appointment's are in the
// institution's, labelled with its city (zoneNote).
import { days, getLang, t, type Lang } from './i18n';
import { getZone } from './prefs';
import type { DocStatus } from './types';
import { zoneCity } from './zones';

const locale = (l: Lang) => (l === 'ru' ? 'ru-RU' : 'en-GB');

/** A civil date YYYY-MM-DD as "22.11.2026" (ru) or "22 Nov 2026" (en). */
export function fmtDate(iso: string | null | undefined, lang: Lang = getLang()): string {
  if (!iso) return t('common.none');
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const opts: Intl.DateTimeFormatOptions = lang === 'ru'
    ? { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }
    : { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale(lang), opts).format(d);
}

/** An instant in a zone (the person's by default): "23.11.2026, 08:00". */
export function fmtDateTime(iso: string | null | undefined, timeZone: string | undefined = getZone(), lang: Lang = getLang()): string {
  if (!iso) return t('common.none');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(lang), {
    day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone,
  }).format(d);
}

/** The time of an instant in a zone (the person's by default): "08:00". */
export function fmtTime(iso: string, timeZone: string | undefined = getZone(), lang: Lang = getLang()): string {
  return new Intl.DateTimeFormat(locale(lang), { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
}

/** The civil date of an instant in a zone (YYYY-MM-DD; the person's zone by default). */
export function dateInZone(iso: string, timeZone: string | undefined = getZone()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone })
    .formatToParts(new Date(iso));
  const get = (k: string) => parts.find((p) => p.type === k)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** "пн, 23 нояб." for a civil date. */
export function fmtDay(iso: string, lang: Lang = getLang()): { weekday: string; day: string } {
  const [y, m, d] = iso.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d));
  return {
    weekday: new Intl.DateTimeFormat(locale(lang), { weekday: 'short', timeZone: 'UTC' }).format(dt),
    day: new Intl.DateTimeFormat(locale(lang), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(dt),
  };
}

/** "время учреждения: Калининград": says whose clock an appointment's times are on. */
export function zoneNote(timeZone: string, lang: Lang = getLang()): string {
  return t('appt.tz', { tz: zoneCity(timeZone, lang) }, lang);
}

/**
 * A phone number for reading: a Russian one as "+7 999 000-00-01", any
 * other E.164 number as it is. Links keep the E.164 form (tel:+7...).
 */
export function fmtPhone(p: string | null | undefined): string {
  if (!p) return '';
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(p.replace(/[\s\-()]/g, ''));
  return m ? `+7 ${m[1]} ${m[2]}-${m[3]}-${m[4]}` : p;
}

/** fmtKm writes a distance with one decimal in the language's way (2,6 in Russian, 2.6 in English). */
export function fmtKm(km: number, lang: Lang = getLang()): string {
  return fmtDecimal(km, lang);
}

/** A number with one decimal in the language's way: a rating «4,8», a distance «2,6». */
export function fmtDecimal(n: number, lang: Lang = getLang()): string {
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);
}

/** An amount in kopecks as money: "4 000,00 ₽" in Russian, "RUB 4,000.00" in English. */
export function fmtMoney(kopecks: number, lang: Lang = getLang()): string {
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { style: 'currency', currency: 'RUB' }).format(kopecks / 100);
}

/** Masks a document number but its last 4 characters: "•••• 4567". */
export function maskNumber(n: string | undefined | null): string {
  if (!n) return '';
  const compact = n.replace(/\s+/g, '');
  if (compact.length <= 4) return '••••';
  return `•••• ${compact.slice(-4)}`;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'info';

export function docTone(s: DocStatus): Tone {
  switch (s) {
    case 'valid': return 'ok';
    case 'expiring': return 'warn';
    case 'expired': return 'bad';
    case 'replacement_required': return 'bad';
    case 'revoked': return 'muted';
    case 'archived': return 'muted';
    default: return 'info';
  }
}

export function docStatusLabel(s: DocStatus): string {
  return t(`doc.status.${s}`);
}

/** "Осталось 18 дней", "Просрочен на 21 день", "Бессрочно". */
export function daysLeftText(n: number | null, lang: Lang = getLang()): string {
  if (n === null || n === undefined) return t('doc.indefinite', {}, lang);
  if (n === 0) return t('days.today', {}, lang);
  if (n < 0) return t('days.overdue', { d: days(-n, lang) }, lang);
  return t('days.left', { d: days(n, lang) }, lang);
}

export function bookingTone(s: string): Tone {
  switch (s) {
    case 'confirmed': return 'ok';
    case 'cancelled': return 'muted';
    case 'completed': return 'info';
    case 'no_show': return 'bad';
    default: return 'info';
  }
}

export function appTone(s: string): Tone {
  switch (s) {
    case 'draft': return 'muted';
    case 'received':
    case 'processing': return 'info';
    case 'needs_info': return 'warn';
    case 'approved': return 'ok';
    case 'rejected': return 'bad';
    case 'withdrawn': return 'muted';
    default: return 'info';
  }
}
