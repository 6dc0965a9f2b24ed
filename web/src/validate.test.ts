import { describe, expect, it } from 'vitest';
import {
  addDays, checkDocumentNumber, checkEmail, checkPhone, checkRemindDays, checkServiceField, docTypeRules, isDate,
  parseRemindDays, validateDocument, validateService, validInn, validOgrn, validOgrnip, validSnils,
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
    ['internal_passport', '4510 12345', 'v.number.internal_passport'],
    ['foreign_passport', '75 1234567', null],
    ['foreign_passport', '751234567', null],
    ['foreign_passport', '12345', 'v.number.foreign_passport'],
    ['drivers_licence', '77АВ 123456', null],
    ['drivers_licence', '77ав123456', null],
    ['drivers_licence', '7712 123456', null],
    ['drivers_licence', 'АВ77 123456', 'v.number.drivers_licence'],
    ['snils', '112-233-445 95', null],
    ['snils', '112-233-445 96', 'v.checksum'],
    ['snils', '112-233', 'v.number.snils'],
    ['inn', '500100732259', null],
    ['inn', '7719045677', 'v.number.inn'],
    ['oms_policy', '1234567890123456', null],
    ['oms_policy', '123', 'v.number.oms_policy'],
    ['contract', 'Д-17/2024', null],
    ['custom', '', null],
  ])('%s %s', (type, value, want) => {
    expect(checkDocumentNumber(type, value)).toBe(want);
  });
  it('caps the length at 64', () => {
    expect(checkDocumentNumber('contract', 'x'.repeat(65))).toBe('v.tooLong');
  });
});

describe('remind days', () => {
  it('parses and checks', () => {
    expect(parseRemindDays('180, 30 7')).toEqual([180, 30, 7]);
    expect(parseRemindDays('')).toEqual([]);
    expect(checkRemindDays('180, 30')).toBeNull();
    expect(checkRemindDays('a')).toBe('v.remindDays.format');
    expect(checkRemindDays('1,2,3,4,5,6,7')).toBe('v.remindDays.tooMany');
    expect(checkRemindDays('0')).toBe('v.remindDays.range');
    expect(checkRemindDays('1096')).toBe('v.remindDays.range');
    expect(checkRemindDays('30, 30')).toBe('v.remindDays.duplicate');
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
    expect(validateDocument({ ...base, issuedOn: '' }, rule, today).issuedOn).toBe('v.requiredForRule');
  });
  it('refuses an issue date in the future', () => {
    expect(validateDocument({ ...base, issuedOn: '2026-11-23' }, rule, today).issuedOn).toBe('v.inFuture');
  });
  it('needs a title for custom documents', () => {
    const r = docTypeRules('custom', true, undefined);
    const e = validateDocument({ ...base, type: 'custom', number: '', indefinite: true }, r, today);
    expect(e.title).toBe('v.required');
  });
  it('needs an expiry date or "indefinite" when the type has no rule', () => {
    const r = docTypeRules('contract', false, undefined);
    expect(validateDocument({ ...base, type: 'contract' }, r, today).expiresOn).toBe('v.requiredOrIndefinite');
    expect(validateDocument({ ...base, type: 'contract', indefinite: true }, r, today)).toEqual({});
    expect(validateDocument({ ...base, type: 'contract', expiresOn: '2019-01-01' }, r, today).expiresOn).toBe('v.beforeIssued');
  });
  it('an indefinite rule needs no issue date', () => {
    const r = docTypeRules('snils', false, 'indefinite');
    expect(validateDocument({ ...base, type: 'snils', number: '112-233-445 95', issuedOn: '' }, r, today)).toEqual({});
  });
});

describe('contacts', () => {
  it('phone is E.164', () => {
    expect(checkPhone('+79161234567')).toBeNull();
    expect(checkPhone('89161234567')).toBe('v.phone');
    expect(checkPhone('', true)).toBe('v.required');
    expect(checkPhone('')).toBeNull();
  });
  it('e-mail', () => {
    expect(checkEmail('anna@example.ru')).toBeNull();
    expect(checkEmail('anna@example')).toBe('v.email');
    expect(checkEmail('not an email')).toBe('v.email');
  });
});

describe('dates', () => {
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
    expect(validateService(fields, {}, today)).toEqual({ fullName: 'v.required', birthDate: 'v.required', snils: 'v.required', kind: 'v.required', phone: 'v.required' });
    expect(checkServiceField(fields[1], '2026-11-23', today)).toBe('v.pastDate');
    expect(checkServiceField(fields[1], '2026-11-22', today)).toBeNull();
    expect(checkServiceField(fields[2], '112-233-445 96', today)).toBe('v.checksum');
    expect(checkServiceField(fields[2], '112 233', today)).toBe('v.format');
    expect(checkServiceField(fields[3], '77AB 123456', today)).toBe('v.format'); // Latin letters
    expect(checkServiceField(fields[4], 'other', today)).toBe('v.option');
    expect(checkServiceField(fields[5], '8916', today)).toBe('v.phone');
    expect(checkServiceField(fields[6], '1010001', today)).toBe('v.tooLong');
  });
});
