// Client-side mirrors of the API's rules, for live validation. The server
// stays the judge: its problem+json field errors are always shown too.
// Each check returns an i18n key (see i18n.ts, "v.*") or null.
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
  if ([...s].length > 64) return 'v.tooLong';
  switch (type) {
    case 'internal_passport':
      return digitsOnly(s, 10) ? null : 'v.number.internal_passport';
    case 'foreign_passport':
      return digitsOnly(s, 9) ? null : 'v.number.foreign_passport';
    case 'drivers_licence': {
      const rs = [...s.toUpperCase()].filter((c) => c !== ' ' && c !== '-');
      if (rs.length !== 10) return 'v.number.drivers_licence';
      const ok = rs.every((c, i) => (c >= '0' && c <= '9') || (i >= 2 && i < 4 && c >= 'А' && c <= 'Я'));
      return ok ? null : 'v.number.drivers_licence';
    }
    case 'snils': {
      const d = digitsOnly(s, 11);
      if (!d) return 'v.number.snils';
      return validSnils(d) ? null : 'v.checksum';
    }
    case 'inn': {
      const d = digitsOnly(s, 12);
      if (!d) return 'v.number.inn';
      return validInn(d) ? null : 'v.checksum';
    }
    case 'oms_policy':
      return digitsOnly(s, 16) ? null : 'v.number.oms_policy';
    default:
      return null;
  }
}

export function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** Today as YYYY-MM-DD in the browser's zone. */
export function todayISO(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
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
  if (days.length > 6) return 'v.remindDays.tooMany';
  if (days.some((d) => d < 1 || d > 1095)) return 'v.remindDays.range';
  if (new Set(days).size !== days.length) return 'v.remindDays.duplicate';
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
  if (!v.type) e.type = 'v.required';
  const title = v.title.trim();
  if ([...title].length > 200) e.title = 'v.tooLong';
  else if (rules.needsTitle && !title) e.title = 'v.required';
  const num = checkDocumentNumber(v.type, v.number);
  if (num) e.number = num;
  if (v.issuedOn) {
    if (!isDate(v.issuedOn)) e.issuedOn = 'v.date';
    else if (v.issuedOn > today) e.issuedOn = 'v.inFuture';
  } else if (rules.ruleNeedsIssued && !v.manualExpiry) {
    e.issuedOn = 'v.requiredForRule';
  }
  const userExpiry = !rules.hasRule || v.manualExpiry;
  if (userExpiry && !v.indefinite) {
    if (!v.expiresOn) e.expiresOn = 'v.requiredOrIndefinite';
    else if (!isDate(v.expiresOn)) e.expiresOn = 'v.date';
    else if (v.issuedOn && isDate(v.issuedOn) && v.expiresOn < v.issuedOn) e.expiresOn = 'v.beforeIssued';
  }
  const rd = checkRemindDays(v.remindDays);
  if (rd) e.remindDays = rd;
  return e;
}

export const E164 = /^\+[1-9][0-9]{7,14}$/;

export function checkPhone(s: string, required = false): string | null {
  const v = s.trim();
  if (!v) return required ? 'v.required' : null;
  return E164.test(v) ? null : 'v.phone';
}

export function checkEmail(s: string): string | null {
  const v = s.trim();
  if (!v) return null;
  if (v.length > 254) return 'v.tooLong';
  const at = v.lastIndexOf('@');
  if (at < 1 || /\s/.test(v) || !v.slice(at).includes('.') || v.endsWith('.')) return 'v.email';
  return null;
}

/** Checks one field of a service's form (ServiceField rules). */
export function checkServiceField(f: ServiceField, raw: string, today: string): string | null {
  const v = (raw ?? '').trim();
  if (!v) return f.required ? 'v.required' : null;
  if (f.maxLength && [...v].length > f.maxLength) return 'v.tooLong';
  if (f.type === 'select' && f.options && !f.options.some((o) => o.value === v)) return 'v.option';
  if (f.type === 'date' || f.format === 'date' || f.format === 'past_date') {
    if (!isDate(v)) return 'v.date';
    if (f.format === 'past_date' && v > today) return 'v.pastDate';
  }
  if (f.pattern) {
    let re: RegExp | null = null;
    try { re = new RegExp(f.pattern, 'u'); } catch { re = null; }
    if (re && !re.test(v)) return f.format === 'phone' ? 'v.phone' : f.format === 'email' ? 'v.email' : 'v.format';
  }
  if (f.checksum && !checksumOk(f.checksum, v)) return 'v.checksum';
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
