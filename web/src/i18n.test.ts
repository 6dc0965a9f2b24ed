import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agencyName, count, days, dictionaries, duration, loc, pluralCategory, t } from './i18n';
import { fieldText } from './messages';
import { fieldMessages } from './field-messages';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx)$/.test(f) && !f.endsWith('.test.ts') ? [p] : [];
  });
}

describe('dictionaries', () => {
  it('ru and en have the same keys', () => {
    const ru = Object.keys(dictionaries.ru).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en).toEqual(ru);
  });

  it('no string is empty and the placeholders agree', () => {
    for (const [k, ruText] of Object.entries(dictionaries.ru)) {
      const enText = dictionaries.en[k];
      expect(ruText.trim(), k).not.toBe('');
      expect(enText.trim(), k).not.toBe('');
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(ph(enText), k).toEqual(ph(ruText));
    }
  });

  it('every literal key the code translates exists', () => {
    const missing: string[] = [];
    for (const file of sourceFiles(join(__dirname))) {
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) {
        if (!(m[1] in dictionaries.ru)) missing.push(`${file}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every status the API can send has a label in both languages', () => {
    const statuses: Record<string, string[]> = {
      'doc.status': ['valid', 'expiring', 'expired', 'replacement_required', 'revoked', 'archived'],
      bstatus: ['confirmed', 'cancelled', 'completed', 'no_show'],
      astatus: ['draft', 'received', 'processing', 'needs_info', 'approved', 'rejected', 'withdrawn'],
      hist: ['created', 'updated', 'archived', 'unarchived', 'renewal_started', 'reminder_sent', 'reminder_acked',
        'reminder_snoozed', 'replaced', 'revoked', 'handed_over'],
      'book.event': ['booked', 'rescheduled', 'cancelled', 'visit'],
      'appt.mode': ['in_person', 'video'],
      'doc.source': ['user', 'rule', 'agency'],
      'profile.sub': ['confirmed', 'pending', 'none'],
    };
    for (const [prefix, values] of Object.entries(statuses)) {
      for (const v of values) {
        expect(dictionaries.ru[`${prefix}.${v}`], `${prefix}.${v}`).toBeTruthy();
        expect(dictionaries.en[`${prefix}.${v}`], `${prefix}.${v}`).toBeTruthy();
      }
    }
  });

  it('maps the document statuses to the issue\'s Russian words', () => {
    expect(t('doc.status.valid', {}, 'ru')).toBe('Действителен');
    expect(t('doc.status.expiring', {}, 'ru')).toBe('Истекает');
    expect(t('doc.status.expired', {}, 'ru')).toBe('Просрочен');
    expect(t('doc.status.replacement_required', {}, 'ru')).toBe('Требует замены');
    expect(t('doc.status.archived', {}, 'ru')).toBe('В архиве');
    expect(t('doc.indefinite', {}, 'ru')).toBe('Бессрочно');
    expect(t('doc.renew', {}, 'ru')).toBe('Продлить');
  });
});

describe('t', () => {
  it('fills placeholders and falls back to the key', () => {
    expect(t('apps.submitted', { n: 'KB-2026-00000001' }, 'en')).toBe('Application submitted. Number: KB-2026-00000001');
    expect(t('no.such.key', {}, 'en')).toBe('no.such.key');
  });
});

describe('plurals', () => {
  it('follows Russian rules', () => {
    // CLDR's examples for ru (Intl.PluralRules).
    expect([1, 2, 5, 11, 12, 14, 21, 22, 25, 101, 111, 0, 1.5].map((n) => pluralCategory(n, 'ru'))).toEqual(
      ['one', 'few', 'many', 'many', 'many', 'many', 'one', 'few', 'many', 'one', 'many', 'many', 'other']);
    expect([1, 2, 0, 21].map((n) => pluralCategory(n, 'en'))).toEqual(['one', 'other', 'other', 'other']);
    expect(days(1, 'ru')).toBe('1 день');
    expect(days(3, 'ru')).toBe('3 дня');
    expect(days(18, 'ru')).toBe('18 дней');
    expect(days(1, 'en')).toBe('1 day');
    expect(days(7, 'en')).toBe('7 days');
    expect(days(-21, 'ru')).toBe('-21 день');
  });
  it('counts every counted word', () => {
    expect(count('reviews', 74, 'ru')).toBe('74 отзыва');
    expect(count('reviews', 1, 'ru')).toBe('1 отзыв');
    expect(count('reviews', 11, 'ru')).toBe('11 отзывов');
    expect(count('reviews', 1, 'en')).toBe('1 review');
    expect(count('reviews', 74, 'en')).toBe('74 reviews');
    expect(count('reviews', 1234, 'ru')).toBe('1\u00a0234 отзыва');
    for (const w of ['days', 'hours', 'minutes', 'reviews']) {
      for (const c of ['one', 'few', 'many', 'other']) expect(dictionaries.ru[`${w}.${c}`], `${w}.${c}`).toContain('{n}');
    }
  });
  it('says a deadline in hours or minutes', () => {
    expect(duration(120, 'ru')).toBe('2 часа');
    expect(duration(60, 'ru')).toBe('1 час');
    expect(duration(300, 'ru')).toBe('5 часов');
    expect(duration(90, 'ru')).toBe('90 минут');
    expect(duration(120, 'en')).toBe('2 hours');
  });
});

describe('words from the server', () => {
  it('field errors read as the server\'s problem+json says them', () => {
    expect(fieldText('required', 'ru')).toBe(fieldMessages.required.ru);
    expect(fieldText('required', 'en')).toBe(fieldMessages.required.en);
    expect(fieldText('invalid_phone', 'ru')).toBe(fieldMessages.invalid_phone.ru);
    expect(fieldText('v.remindDays.format', 'ru')).toBe('Введите целые числа через запятую');
  });
  it('agencies by name', () => {
    expect(agencyName('gibdd', 'ru')).toBe('Госавтоинспекция');
    expect(agencyName('mvd', 'en')).toBe('Ministry of Internal Affairs');
    expect(agencyName('xyz', 'ru')).toBe('XYZ');
  });
});

describe('loc', () => {
  it('picks the language, then Russian', () => {
    expect(loc({ ru: 'СНИЛС', en: 'SNILS' }, 'en')).toBe('SNILS');
    expect(loc({ ru: 'СНИЛС' }, 'en')).toBe('СНИЛС');
    expect(loc(undefined, 'en')).toBe('');
  });
});
