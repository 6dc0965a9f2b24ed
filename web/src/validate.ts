// Client-side mirrors of the API's rules, for live validation. The server
// stays the judge: its problem+json field errors are always shown too.
// Each check returns the field error code the server gives for the same
// value ("invalid_number", see field-messages.ts, generated from the
// server's table), so that both say the same words; a check the server has
// no counterpart for returns an i18n key of its own ("v.*"). null: fine.
// fieldText (messages.ts) turns either into text.
import { getZone } from './prefs';
import type { ServiceField } from './types';

export type Errors = Record<string, string>;

export function digitsOnly(s: string, n: number): string | null {
  let out = '';
  for (const ch of s) {
    if (ch >= '0' && ch <= '9') out += ch;
    else if (ch !== ' ' && ch !== '-') return null;
  }
  return out.length === n ? out : null;
}

/** SNILS control number (shared/domain/registry/numbers.go ValidSNILS). */
export function validSnils(d: string): boolean {
  if (!/^\d{11}$/.test(d)) return false;
  if (d.slice(0, 9) <= '001001998') return true;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(d[i]) * (9 - i);
  let c: number;
  if (sum < 100) c = sum;
  else if (sum === 100 || sum === 101) c = 0;
  else {
    c = sum % 101;
    if (c === 100) c = 0;
  }
  return Number(d.slice(9)) === c;
}

/** INN check digits, 10 (organisation) or 12 (person) digits. */
export function validInn(d: string): boolean {
  if (!/^(\d{10}|\d{12})$/.test(d)) return false;
  const check = (w: number[], n: number) => {
    let sum = 0;
    w.forEach((k, i) => { sum += Number(d[i]) * k; });
    return (sum % 11) % 10 === Number(d[n]);
  };
  if (d.length === 10) return check([2, 4, 10, 3, 5, 9, 4, 6, 8], 9);
  return check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8], 10) && check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8], 11);
}

/** OGRN (13 digits: mod 11, last digit of the remainder) and OGRNIP (15: mod 13). */
export function validOgrn(d: string): boolean {
  if (!/^\d{13}$/.test(d)) return false;
  const r = Number(BigInt(d.slice(0, 12)) % 11n) % 10;
  return r === Number(d[12]);
}
export function validOgrnip(d: string): boolean {
  if (!/^\d{15}$/.test(d)) return false;
  const r = Number(BigInt(d.slice(0, 14)) % 13n) % 10;
  return r === Number(d[14]);
}

export function checksumOk(kind: string, value: string): boolean {
  const d = value.replace(/[\s-]/g, '');
  switch (kind) {
    case 'snils': return validSnils(d);
    case 'inn': return validInn(d);
    case 'ogrn': return validOgrn(d);
    case 'ogrnip': return validOgrnip(d);
    default: return true;
  }
}

/** Checks a document number as the server would for that type (null: fine). */
export function checkDocumentNumber(type: string, raw: string): string | null {
  const s = raw.trim();
  if (s === '') return null;
  if ([...s].length > 64) return 'invalid_text';
  switch (type) {
    case 'internal_passport':
      return digitsOnly(s, 10) ? null : 'invalid_number';
    case 'foreign_passport':
      return digitsOnly(s, 9) ? null : 'invalid_number';
    case 'drivers_licence': {
      const rs = [...cyrillicLookalikes(s.toUpperCase())].filter((c) => c !== ' ' && c !== '-');
      if (rs.length !== 10) return 'invalid_number';
      const ok = rs.every((c, i) => (c >= '0' && c <= '9') || (i >= 2 && i < 4 && c >= 'А' && c <= 'Я'));
      return ok ? null : 'invalid_number';
    }
    case 'snils': {
      const d = digitsOnly(s, 11);
      return d && validSnils(d) ? null : 'invalid_number';
    }
    case 'inn': {
      const d = digitsOnly(s, 12);
      return d && validInn(d) ? null : 'invalid_number';
    }
    case 'oms_policy':
      return digitsOnly(s, 16) ? null : 'invalid_number';
    default:
      return null;
  }
}

// Latin letters that look like the Cyrillic ones a series may hold (А, В,
// Е, К, М, Н, О, Р, С, Т, У, Х): typed on a Latin keyboard, they are meant
// as those.
const LOOKALIKE: Record<string, string> = {
  A: 'А', B: 'В', E: 'Е', K: 'К', M: 'М', H: 'Н', O: 'О', P: 'Р', C: 'С', T: 'Т', Y: 'У', X: 'Х',
};

/** s with Latin look-alike capitals replaced by their Cyrillic twins. */
export function cyrillicLookalikes(s: string): string {
  return s.replace(/[ABEKMHOPCTYX]/g, (c) => LOOKALIKE[c]);
}

export function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * Today as YYYY-MM-DD in the person's zone (the profile's, as the server
 * counts "today"; the browser's until the profile is loaded).
 */
export function todayISO(now = new Date(), timeZone: string | undefined = getZone()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).formatToParts(now);
  const get = (k: string) => parts.find((p) => p.type === k)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d + days));
  return dt.toISOString().slice(0, 10);
}

/** "180, 30 7" → [180, 30, 7]; null when a part is not a whole number. */
export function parseRemindDays(s: string): number[] | null {
  const parts = s.split(/[\s,;]+/).filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return null;
    out.push(Number(p));
  }
  return out;
}

export function checkRemindDays(s: string): string | null {
  const days = parseRemindDays(s);
  if (days === null) return 'v.remindDays.format';
  if (days.length > 6) return 'too_many';
  if (days.some((d) => d < 1 || d > 1095)) return 'out_of_range';
  if (new Set(days).size !== days.length) return 'duplicate';
  return null;
}

export interface DocumentFormValues {
  type: string;
  title: string;
  number: string;
  issuedOn: string;
  manualExpiry: boolean;
  indefinite: boolean;
  expiresOn: string;
  remindDays: string;
}

export interface DocTypeRules {
  needsTitle?: boolean;
  hasRule: boolean; // the type computes the expiry date itself
  ruleNeedsIssued: boolean; // the rule counts from the issue date
}

export function docTypeRules(_type: string, needsTitle?: boolean, rule?: string): DocTypeRules {
  const hasRule = !!rule;
  const ruleNeedsIssued = hasRule && rule !== 'indefinite';
  return { needsTitle, hasRule, ruleNeedsIssued };
}

export function validateDocument(v: DocumentFormValues, rules: DocTypeRules, today: string): Errors {
  const e: Errors = {};
  if (!v.type) e.type = 'required';
  const title = v.title.trim();
  if ([...title].length > 200) e.title = 'invalid_text';
  else if (rules.needsTitle && !title) e.title = 'required';
  const num = checkDocumentNumber(v.type, v.number);
  if (num) e.number = num;
  if (v.issuedOn) {
    if (!isDate(v.issuedOn)) e.issuedOn = 'invalid_date';
    else if (v.issuedOn > today) e.issuedOn = 'in_future';
  } else if (rules.ruleNeedsIssued && !v.manualExpiry) {
    e.issuedOn = 'required_for_rule';
  }
  const userExpiry = !rules.hasRule || v.manualExpiry;
  if (userExpiry && !v.indefinite) {
    if (!v.expiresOn) e.expiresOn = 'v.requiredOrIndefinite';
    else if (!isDate(v.expiresOn)) e.expiresOn = 'invalid_date';
    else if (v.issuedOn && isDate(v.issuedOn) && v.expiresOn < v.issuedOn) e.expiresOn = 'before_issued';
  }
  const rd = checkRemindDays(v.remindDays);
  if (rd) e.remindDays = rd;
  return e;
}

export const E164 = /^\+[1-9][0-9]{7,14}$/;

/**
 * A phone as typed, in E.164: spaces, dashes, dots and brackets dropped, and
 * a Russian number written the domestic way (8 999 000-00-01, 11 digits
 * starting with 8) or without its plus (7 999 ...) given its +7. Anything
 * else is returned as it is, for the check to refuse.
 */
export function normalisePhone(s: string): string {
  const v = s.trim();
  const compact = v.replace(/[\s\-().]/g, '');
  if (/^8\d{10}$/.test(compact)) return `+7${compact.slice(1)}`;
  if (/^7\d{10}$/.test(compact)) return `+${compact}`;
  if (/^\+\d+$/.test(compact)) return compact;
  return v;
}

export function checkPhone(s: string, required = false): string | null {
  const v = s.trim();
  if (!v) return required ? 'required' : null;
  return E164.test(normalisePhone(v)) ? null : 'invalid_phone';
}

export function checkEmail(s: string): string | null {
  const v = s.trim();
  if (!v) return null;
  if (v.length > 254) return 'invalid_email';
  const at = v.lastIndexOf('@');
  if (at < 1 || /\s/.test(v) || !v.slice(at).includes('.') || v.endsWith('.')) return 'invalid_email';
  return null;
}

// The field error code the server gives a value that breaks a service
// field's format (shared/domain/applications/rules.go, formats).
const FORMAT_CODES: Record<string, string> = {
  snils: 'invalid_snils', inn: 'invalid_inn', ogrn: 'invalid_ogrn', ogrnip: 'invalid_ogrnip',
  passport: 'invalid_passport', foreign: 'invalid_passport', birth_certificate: 'invalid_birth_certificate', licence: 'invalid_licence', oms: 'invalid_oms',
  phone: 'invalid_phone', email: 'invalid_email', postal_code: 'invalid_postal_code', date: 'invalid_date', past_date: 'invalid_date',
};

/** Checks one field of a service's form (ServiceField rules). */
export function checkServiceField(f: ServiceField, raw: string, today: string): string | null {
  const v = (raw ?? '').trim();
  if (!v) return f.required ? 'required' : null;
  if (f.maxLength && [...v].length > f.maxLength) return 'too_long';
  if (f.type === 'select' && f.options && !f.options.some((o) => o.value === v)) return 'unknown_option';
  if (f.type === 'date' || f.format === 'date' || f.format === 'past_date') {
    if (!isDate(v)) return 'invalid_date';
    if (f.format === 'past_date' && v > today) return 'in_future';
  }
  const bad = (f.format && FORMAT_CODES[f.format]) || 'v.format';
  if (f.pattern) {
    let re: RegExp | null = null;
    try { re = new RegExp(f.pattern, 'u'); } catch { re = null; }
    if (re && !re.test(v)) return bad;
  }
  if (f.checksum && !checksumOk(f.checksum, v)) return bad;
  return null;
}

export function validateService(fields: ServiceField[], values: Record<string, string>, today: string): Errors {
  const e: Errors = {};
  for (const f of fields) {
    const r = checkServiceField(f, values[f.name] ?? '', today);
    if (r) e[f.name] = r;
  }
  return e;
}
