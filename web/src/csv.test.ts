import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOM, buildCsv, csvCell, csvNumber, csvSeparator } from './csv';

// The server's cases (shared/domain/csvsafe's TestCell reads the same file).
const cases = JSON.parse(readFileSync(join(__dirname, '../../shared/domain/csvsafe/testdata/cells.json'), 'utf8')) as
  { name: string; in: string; want: string }[];

describe('csvCell guards as csvsafe.Cell does', () => {
  it('reads the shared cases', () => expect(cases.length).toBeGreaterThanOrEqual(15));
  for (const c of cases) {
    it(c.name, () => expect(csvCell(c.in)).toBe(c.want));
  }
});

describe('buildCsv', () => {
  it('starts with the BOM, ends records in CRLF, splits on ; in Russian', () => {
    const text = buildCsv(['Дата', 'Поступило'], [['02.12.2026', 3], ['03.12.2026', 0]], 'ru');
    expect(text.startsWith(BOM)).toBe(true);
    expect(text.slice(1)).toBe('Дата;Поступило\r\n02.12.2026;3\r\n03.12.2026;0\r\n');
  });
  it('splits on , in English', () => {
    expect(buildCsv(['Date', 'Received'], [['2026-12-02', 3]], 'en').slice(1)).toBe('Date,Received\r\n2026-12-02,3\r\n');
  });
  it('writes fractions with the language\'s decimal mark', () => {
    expect(buildCsv(['x'], [[85.5]], 'ru').slice(1)).toBe('x\r\n85,50\r\n');
    expect(buildCsv(['x'], [[85.5]], 'en').slice(1)).toBe('x\r\n85.50\r\n');
    expect(csvNumber(0.5, 'ru', 1)).toBe('0,5');
    expect(csvNumber(12, 'ru')).toBe('12');
  });
  it('quotes the separator, quotes and line breaks; a comma needs no quotes in a Russian file', () => {
    expect(buildCsv(['a'], [['Петров; Иванов'], ['сказал "да"'], ['две\nстроки'], ['1,5']], 'ru').slice(1))
      .toBe('a\r\n"Петров; Иванов"\r\n"сказал ""да"""\r\n"две\nстроки"\r\n1,5\r\n');
    expect(buildCsv(['a'], [['1,5']], 'en').slice(1)).toBe('a\r\n"1,5"\r\n');
  });
  it('guards every text cell against formulas, after any separator', () => {
    const text = buildCsv(['Сотрудник'], [['=HYPERLINK("http://x")'], ['Петров;=1+2'], ['@SUM(A1)'], ['+7 999']], 'ru');
    expect(text).toContain(`\r\n"'=HYPERLINK(""http://x"")"\r\n`);
    expect(text).toContain(`\r\n"Петров;'=1+2"\r\n`);
    expect(text).toContain(`\r\n'@SUM(A1)\r\n`);
    expect(text).toContain(`\r\n'+7 999\r\n`);
  });
  it('leaves null and undefined cells empty', () => {
    expect(buildCsv(['a', 'b', 'c'], [[null, 1, undefined]], 'en').slice(1)).toBe('a,b,c\r\n,1,\r\n');
  });
  it('chooses the separator by language', () => {
    expect(csvSeparator('ru')).toBe(';');
    expect(csvSeparator('en')).toBe(',');
  });
});
