import { describe, expect, it } from 'vitest';
import {
  addDays, checkDocumentNumber, checkEmail, checkPhone, checkRemindDays, checkServiceField, docTypeRules, isDate,
  normalisePhone, parseRemindDays, todayISO, validateDocument, validateService, validInn, validOgrn, validOgrnip, validSnils,
  type DocumentFormValues,
} from './validate';
import type { ServiceField } from './types';

describe('checksums', () => {
  it('SNILS', () => {
    expect(validSnils('11223344595')).toBe(true);
    expect(validSnils('11223344596')).toBe(false);
    expect(validSnils('00100199800')).toBe(true); // no control number up to 001-001-998
    expect(validSnils('1122334459')).toBe(false);
  });
  it('INN', () => {
    expect(validInn('7719045677')).toBe(true); // a seeded institution's
    expect(validInn('7719045678')).toBe(false);
    expect(validInn('500100732259')).toBe(true);
    expect(validInn('500100732258')).toBe(false);
  });
  it('OGRN and OGRNIP', () => {
    expect(validOgrn('1027700132195')).toBe(true);
    expect(validOgrn('1027700132196')).toBe(false);
    expect(validOgrnip('304500116000157')).toBe(true);
    expect(validOgrnip('304500116000158')).toBe(false);
  });
});

describe('document numbers, as the server normalises them', () => {
  it.each([
    ['internal_passport', '4510 123456', null],
    ['internal_passport', '4510-123456', null],
    ['internal_passport', '4510 12345', 'invalid_number'],
    ['foreign_passport', '75 1234567', null],
    ['foreign_passport', '751234567', null],
    ['foreign_passport', '12345', 'invalid_number'],
    ['drivers_licence', '77АВ 123456', null],
    ['drivers_licence', '77ав123456', null],
    ['drivers_licence', '7712 123456', null],
    ['drivers_licence', 'АВ77 123456', 'invalid_number'],
    ['drivers_licence', '77AB 123456', null], // Latin look-alikes are the Cyrillic letters
    ['drivers_licence', '99 12 345678', null],
    ['drivers_licence', '77QW 123456', 'invalid_number'],
    ['snils', '112-233-445 95', null],
    ['snils', '112-233-445 96', 'invalid_number'],
    ['snils', '112-233', 'invalid_number'],
    ['inn', '500100732259', null],
    ['inn', '7719045677', 'invalid_number'],
    ['oms_policy', '1234567890123456', null],
    ['oms_policy', '123', 'invalid_number'],
    ['contract', 'Д-17/2024', null],
    ['custom', '', null],
  ])('%s %s', (type, value, want) => {
    expect(checkDocumentNumber(type, value)).toBe(want);
  });
  it('caps the length at 64', () => {
    expect(checkDocumentNumber('contract', 'x'.repeat(65))).toBe('invalid_text');
  });
});

describe('remind days', () => {
  it('parses and checks', () => {
    expect(parseRemindDays('180, 30 7')).toEqual([180, 30, 7]);
    expect(parseRemindDays('')).toEqual([]);
    expect(checkRemindDays('180, 30')).toBeNull();
    expect(checkRemindDays('a')).toBe('v.remindDays.format');
    expect(checkRemindDays('1,2,3,4,5,6,7')).toBe('too_many');
    expect(checkRemindDays('0')).toBe('out_of_range');
    expect(checkRemindDays('1096')).toBe('out_of_range');
    expect(checkRemindDays('30, 30')).toBe('duplicate');
  });
});

describe('validateDocument', () => {
  const today = '2026-11-22';
  const base: DocumentFormValues = {
    type: 'foreign_passport', title: '', number: '75 1234567', issuedOn: '2020-01-01', manualExpiry: false,
    indefinite: false, expiresOn: '', remindDays: '',
  };
  const rule = docTypeRules('foreign_passport', false, '10 years from issue');
  it('accepts a good document', () => {
    expect(validateDocument(base, rule, today)).toEqual({});
  });
  it('needs the issue date for a rule counted from it', () => {
    expect(validateDocument({ ...base, issuedOn: '' }, rule, today).issuedOn).toBe('required_for_rule');
  });
  it('refuses an issue date in the future', () => {
    expect(validateDocument({ ...base, issuedOn: '2026-11-23' }, rule, today).issuedOn).toBe('in_future');
  });
  it('needs a title for custom documents', () => {
    const r = docTypeRules('custom', true, undefined);
    const e = validateDocument({ ...base, type: 'custom', number: '', indefinite: true }, r, today);
    expect(e.title).toBe('required');
  });
  it('needs an expiry date or "indefinite" when the type has no rule', () => {
    const r = docTypeRules('contract', false, undefined);
    expect(validateDocument({ ...base, type: 'contract' }, r, today).expiresOn).toBe('v.requiredOrIndefinite');
    expect(validateDocument({ ...base, type: 'contract', indefinite: true }, r, today)).toEqual({});
    expect(validateDocument({ ...base, type: 'contract', expiresOn: '2019-01-01' }, r, today).expiresOn).toBe('before_issued');
  });
  it('an indefinite rule needs no issue date', () => {
    const r = docTypeRules('snils', false, 'indefinite');
    expect(validateDocument({ ...base, type: 'snils', number: '112-233-445 95', issuedOn: '' }, r, today)).toEqual({});
  });
});

describe('contacts', () => {
  it('phone is E.164, or a Russian number as people write it', () => {
    expect(checkPhone('+79161234567')).toBeNull();
    expect(checkPhone('89161234567')).toBeNull();
    expect(checkPhone('8 (916) 123-45-67')).toBeNull();
    expect(checkPhone('+7 916 123-45-67')).toBeNull();
    expect(checkPhone('8916123456')).toBe('invalid_phone'); // 10 digits
    expect(checkPhone('12345')).toBe('invalid_phone');
    expect(checkPhone('', true)).toBe('required');
    expect(checkPhone('')).toBeNull();
  });
  it.each([
    ['89161234567', '+79161234567'],
    ['8 916 123-45-67', '+79161234567'],
    ['8 (916) 123 45 67', '+79161234567'],
    ['79161234567', '+79161234567'],
    ['+7 916 123-45-67', '+79161234567'],
    ['+44 20 7946 0958', '+442079460958'],
    ['  +79161234567 ', '+79161234567'],
    ['8916', '8916'],
    ['not a phone', 'not a phone'],
  ])('normalises %s to %s', (typed, want) => {
    expect(normalisePhone(typed)).toBe(want);
  });
  it('e-mail', () => {
    expect(checkEmail('anna@example.ru')).toBeNull();
    expect(checkEmail('anna@example')).toBe('invalid_email');
    expect(checkEmail('not an email')).toBe('invalid_email');
  });
});

describe('dates', () => {
  it('today is the day in the person\'s zone', () => {
    const at = new Date('2026-11-30T20:30:00Z'); // 23:30 in Moscow, already 01.12 in Vladivostok
    expect(todayISO(at, 'Europe/Moscow')).toBe('2026-11-30');
    expect(todayISO(at, 'Asia/Vladivostok')).toBe('2026-12-01');
    expect(todayISO(at, 'Europe/Kaliningrad')).toBe('2026-11-30');
  });
  it('isDate and addDays', () => {
    expect(isDate('2024-02-29')).toBe(true);
    expect(isDate('2023-02-29')).toBe(false);
    expect(isDate('2023-2-1')).toBe(false);
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });
});

describe('service fields (rules from GET /services)', () => {
  const fields: ServiceField[] = [
    { name: 'fullName', label: { ru: 'ФИО' }, type: 'string', required: true, maxLength: 200 },
    { name: 'birthDate', label: { ru: 'Дата рождения' }, type: 'date', required: true, format: 'past_date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 200 },
    { name: 'snils', label: { ru: 'СНИЛС' }, type: 'string', required: true, format: 'snils', pattern: '^\\d{3}-?\\d{3}-?\\d{3}[ -]?\\d{2}$', checksum: 'snils', maxLength: 14 },
    { name: 'licenceNumber', label: { ru: 'ВУ' }, type: 'string', required: false, format: 'licence', pattern: '^\\d{2}[0-9А-Я]{2} ?\\d{6}$', maxLength: 11 },
    { name: 'kind', label: { ru: 'Вид' }, type: 'select', required: true, maxLength: 200, options: [{ value: '086u', label: { ru: '086/у' } }] },
    { name: 'phone', label: { ru: 'Телефон' }, type: 'string', required: true, format: 'phone', pattern: '^\\+[1-9]\\d{7,14}$', maxLength: 16 },
    { name: 'postalCode', label: { ru: 'Индекс' }, type: 'string', required: false, format: 'postal_code', pattern: '^\\d{6}$', maxLength: 6 },
  ];
  const today = '2026-11-22';
  const good = { fullName: 'Анна', birthDate: '1990-04-12', snils: '112-233-445 95', licenceNumber: '77АВ 123456', kind: '086u', phone: '+79161234567', postalCode: '101000' };
  it('accepts good values', () => {
    expect(validateService(fields, good, today)).toEqual({});
  });
  it('flags each rule', () => {
    expect(validateService(fields, {}, today)).toEqual({ fullName: 'required', birthDate: 'required', snils: 'required', kind: 'required', phone: 'required' });
    expect(checkServiceField(fields[1], '2026-11-23', today)).toBe('in_future');
    expect(checkServiceField(fields[1], '2026-11-22', today)).toBeNull();
    expect(checkServiceField(fields[2], '112-233-445 96', today)).toBe('invalid_snils');
    expect(checkServiceField(fields[2], '112 233', today)).toBe('invalid_snils');
    expect(checkServiceField(fields[3], '77AB 123456', today)).toBe('invalid_licence'); // the service's own pattern: Cyrillic only
    expect(checkServiceField(fields[4], 'other', today)).toBe('unknown_option');
    expect(checkServiceField(fields[5], '8916', today)).toBe('invalid_phone');
    expect(checkServiceField(fields[6], '1010001', today)).toBe('too_long');
    expect(checkServiceField({ ...fields[0], pattern: '^[А-Я]+$', format: 'mystery' }, 'abc', today)).toBe('v.format');
  });
});
