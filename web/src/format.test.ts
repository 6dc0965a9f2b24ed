import { describe, expect, it } from 'vitest';
import { dateInZone, daysLeftText, docTone, fmtDate, fmtKm, maskNumber } from './format';
import { parseConfig } from './config';
import { parseHash } from './router';

describe('format', () => {
  it('masks numbers but the last four characters', () => {
    expect(maskNumber('75 1234567')).toBe('•••• 4567');
    expect(maskNumber('4510 123456')).toBe('•••• 3456');
    expect(maskNumber('12')).toBe('••••');
    expect(maskNumber(undefined)).toBe('');
  });
  it('days left in words', () => {
    expect(daysLeftText(null, 'ru')).toBe('Бессрочно');
    expect(daysLeftText(18, 'ru')).toBe('Осталось 18 дней');
    expect(daysLeftText(-21, 'ru')).toBe('Просрочен на 21 день');
    expect(daysLeftText(0, 'en')).toBe('Expires today');
    expect(daysLeftText(1, 'en')).toBe('1 day left');
  });
  it('status tones', () => {
    expect(docTone('valid')).toBe('ok');
    expect(docTone('expiring')).toBe('warn');
    expect(docTone('expired')).toBe('bad');
    expect(docTone('replacement_required')).toBe('bad');
    expect(docTone('archived')).toBe('muted');
  });
  it('civil dates', () => {
    expect(fmtDate('2026-11-22', 'ru')).toBe('22.11.2026');
    expect(fmtDate(null, 'ru')).toBe('—');
    expect(dateInZone('2026-11-23T23:30:00+03:00', 'Asia/Kamchatka')).toBe('2026-11-24');
    expect(dateInZone('2026-11-23T08:00:00+03:00', 'Europe/Moscow')).toBe('2026-11-23');
  });
});

describe('config.json', () => {
  it('dev and cognito shapes', () => {
    expect(parseConfig({ apiBase: '', auth: 'dev' })).toEqual({ apiBase: '', auth: 'dev' });
    const c = parseConfig({
      apiBase: 'https://xyz.execute-api.eu-central-1.amazonaws.com/', auth: 'cognito',
      cognito: { domain: 'https://d.auth.eu-central-1.amazoncognito.com', clientId: 'abc', redirectUri: 'https://d123.cloudfront.net/' },
    });
    expect(c.apiBase).toBe('https://xyz.execute-api.eu-central-1.amazonaws.com');
    expect(c.cognito?.clientId).toBe('abc');
    expect(() => parseConfig({ auth: 'cognito' })).toThrow();
    expect(() => parseConfig({ auth: 'magic' })).toThrow();
  });
});

describe('hash routes', () => {
  it('parses the app\'s routes', () => {
    expect(parseHash('').name).toBe('documents');
    expect(parseHash('#/documents/new').name).toBe('documentNew');
    expect(parseHash('#/documents/abc/edit')).toMatchObject({ name: 'documentEdit', params: { id: 'abc' } });
    expect(parseHash('#/appointments/specialists/spec-1?reschedule=b1').query.get('reschedule')).toBe('b1');
    expect(parseHash('#/applications/new/foreign_passport')).toMatchObject({ name: 'applicationNew', params: { code: 'foreign_passport' } });
    expect(parseHash('#/nowhere').name).toBe('notFound');
  });
});

describe('fmtKm', () => {
  it('writes one decimal the language\'s way', () => {
    expect(fmtKm(2.6349, 'ru')).toBe('2,6');
    expect(fmtKm(2.6349, 'en')).toBe('2.6');
    expect(fmtKm(12, 'ru')).toBe('12,0');
  });
});
