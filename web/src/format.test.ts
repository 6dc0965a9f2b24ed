import { describe, expect, it } from 'vitest';
import { dateInZone, daysLeftText, docTone, fmtDate, fmtDateTime, fmtKm, fmtPhone, maskNumber, zoneNote } from './format';
import { setZone } from './prefs';
import { RUSSIAN_ZONES, utcOffsetMinutes, zoneCity, zoneLabel, ZONE_CHOICES } from './zones';
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

describe('phones', () => {
  it('a Russian number as +7 999 000-00-01, others as they are', () => {
    expect(fmtPhone('+79990000001')).toBe('+7 999 000-00-01');
    expect(fmtPhone('+74951234567')).toBe('+7 495 123-45-67');
    expect(fmtPhone('+442079460958')).toBe('+442079460958');
    expect(fmtPhone(undefined)).toBe('');
  });
});

describe('time zones', () => {
  it('names every Russian zone by its city, in both languages', () => {
    expect(RUSSIAN_ZONES).toHaveLength(26);
    for (const z of RUSSIAN_ZONES) {
      expect(zoneCity(z, 'ru'), z).toMatch(/^[А-ЯЁ][а-яё -]+$/i);
      expect(zoneCity(z, 'en'), z).toMatch(/^[A-Z][A-Za-z -]+$/);
      expect(new Intl.DateTimeFormat('en', { timeZone: z }).resolvedOptions().timeZone).toBeTruthy(); // a zone the runtime knows
    }
    expect(new Set(ZONE_CHOICES).size).toBe(ZONE_CHOICES.length);
  });
  it('labels a zone with its offset: from Moscow in Russian, from UTC in English', () => {
    const at = new Date('2026-12-01T12:00:00Z');
    expect(zoneLabel('Asia/Vladivostok', 'ru', at)).toBe('Владивосток (МСК+7)');
    expect(zoneLabel('Europe/Kaliningrad', 'ru', at)).toBe('Калининград (МСК−1)');
    expect(zoneLabel('Europe/Moscow', 'ru', at)).toBe('Москва (МСК)');
    expect(zoneLabel('Asia/Vladivostok', 'en', at)).toBe('Vladivostok (UTC+10)');
    expect(zoneLabel('Asia/Kamchatka', 'en', at)).toBe('Petropavlovsk-Kamchatsky (UTC+12)');
    expect(zoneLabel('Europe/London', 'ru', new Date('2026-07-01T12:00:00Z'))).toBe('Лондон (UTC+1)');
    expect(zoneLabel('America/Argentina/Buenos_Aires', 'en', at)).toBe('Buenos Aires (UTC−3)');
    expect(utcOffsetMinutes('Asia/Kolkata', at)).toBe(330);
  });
  it('an appointment\'s times say whose clock they are on', () => {
    expect(zoneNote('Asia/Kamchatka', 'ru')).toBe('время учреждения: Петропавловск-Камчатский');
    expect(zoneNote('Europe/Kaliningrad', 'en')).toBe('institution\'s time: Kaliningrad');
  });
  it('shows the person\'s own events in the profile\'s zone', () => {
    const at = '2026-11-30T21:30:00Z';
    setZone('Asia/Vladivostok');
    try {
      expect(fmtDateTime(at, undefined, 'ru')).toBe('01.12.2026, 07:30');
      expect(fmtDateTime(at, 'Europe/Moscow', 'ru')).toBe('01.12.2026, 00:30');
    } finally {
      setZone(undefined);
    }
  });
});
