import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fieldMessages } from './field-messages';
import { fieldText } from './messages';
import {
  addDays, agencySections, checkRange, csvFilename, datesOf, displayCell, institutionSections, isIsoDate, MAX_RANGE_DAYS,
  orgSections, presetRange, rangeDays, rangeFieldsShown, rangeFormKey, tableCsv,
} from './stats';
import type { AgencyStats, InstitutionStats, OrgStats } from './types';

const agency: AgencyStats = {
  agency: 'minzdrav', from: '2026-11-30', to: '2026-12-02', asOf: '2026-12-02T10:00:00Z',
  days: [
    { date: '2026-11-30', received: 4, decided: 1, approved: 1, rejected: 0, withdrawn: 0 },
    // 2026-12-01 missing: shown as a day of zeros
    { date: '2026-12-02', received: 2, decided: 3, approved: 2, rejected: 1, withdrawn: 1 },
  ],
  processing: [
    { service: 'medical_certificate', decided: 4, workingDays: { p50: 3, p90: 7, max: 9 }, calendarDays: { p50: 4, p90: 10, max: 12 }, term: { workingDays: 5 } },
    { service: 'calendar_one', decided: 0, workingDays: { p50: null, p90: null, max: null }, calendarDays: { p50: null, p90: null, max: null }, term: { calendarDays: 30 } },
  ],
  needsInfo: { rounds: 2, calendarDays: { p50: 1, p90: 3, max: 3 } },
  overdue: 1,
  queue: { byStatus: { received: 3, processing: 2, needs_info: 0 }, byClerk: [{ clerk: 'clerk@minzdrav', open: 2 }], unassigned: 3 },
};

const institution: InstitutionStats = {
  institution: 'inst-msk-01', from: '2026-12-01', to: '2026-12-02', asOf: '2026-12-02T10:00:00Z',
  days: [
    { date: '2026-12-02', specialistId: 'sp-2', offered: 10, booked: 5, cancelledByPatient: 1, cancelledByInstitution: 0, noShows: 1, visits: 3, utilisation: 0.4 },
    { date: '2026-12-01', specialistId: 'sp-1', offered: 8, booked: 8, cancelledByPatient: 0, cancelledByInstitution: 2, noShows: 0, visits: 6, utilisation: 0.75 },
  ],
  specialists: [
    { id: 'sp-1', name: 'Иванова А. А.', offered: 8, booked: 8, cancelledByPatient: 0, cancelledByInstitution: 2, noShows: 0, visits: 6, utilisation: 0.75, leadTimeDays: { p50: 2, p90: 6, max: 8 }, waitlist: 3 },
    { id: 'sp-2', name: '=cmd|x', offered: 10, booked: 5, cancelledByPatient: 1, cancelledByInstitution: 0, noShows: 1, visits: 3, utilisation: 0.4, leadTimeDays: { p50: null, p90: null, max: null }, waitlist: 0 },
  ],
};

describe('the range', () => {
  it('counts days with both ends included', () => {
    expect(rangeDays('2026-12-01', '2026-12-01')).toBe(1);
    expect(rangeDays('2026-01-01', '2026-12-31')).toBe(365);
    expect(rangeDays('2028-01-01', '2028-12-31')).toBe(366);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
  it('presets end today and hold that many days', () => {
    expect(presetRange(7, '2026-12-02')).toEqual({ from: '2026-11-26', to: '2026-12-02' });
    expect(rangeDays(presetRange(90, '2026-12-02').from, '2026-12-02')).toBe(90);
  });
  it('refuses what the API refuses, with its codes', () => {
    expect(checkRange('2026-12-01', '2026-12-02')).toEqual({});
    expect(checkRange('', '2026-12-02')).toEqual({ from: 'required' });
    expect(checkRange('2026-02-30', '2026-12-02')).toEqual({ from: 'invalid_date' });
    expect(checkRange('2026-12-02', '2026-12-01')).toEqual({ to: 'before_from' });
    const from = '2026-01-01';
    expect(checkRange(from, addDays(from, MAX_RANGE_DAYS - 1))).toEqual({});
    expect(checkRange(from, addDays(from, MAX_RANGE_DAYS))).toEqual({ to: 'range_over_year' });
    expect(isIsoDate('2026-13-01')).toBe(false);
  });
  it('says what the server says: its reason codes, its words', () => {
    // The reasons the server's range check adds (shared/domain/stats Service.Range).
    const go = readFileSync(new URL('../../shared/domain/stats/service.go', import.meta.url), 'utf8');
    const body = go.slice(go.indexOf('func (s *Service) Range('));
    const server = new Set([...body.slice(0, body.indexOf('\n}\n')).matchAll(/fe\.Add\("(?:from|to)", "([a-z_]+)"\)/g)].map((m) => m[1]));
    expect([...server].sort()).toEqual(['before_from', 'invalid_date', 'range_over_year']);
    const cases: [string, string][] = [['2026-02-30', '2026-12-02'], ['2026-12-02', '2026-12-01'], ['2026-01-01', '2027-01-02']];
    const codes = cases.flatMap(([f, t]) => Object.values(checkRange(f, t)));
    expect(codes).toEqual(['invalid_date', 'before_from', 'range_over_year']);
    for (const c of codes) {
      expect(server.has(c), c).toBe(true);
      expect(Object.hasOwn(fieldMessages, c), c).toBe(true);
    }
    expect(fieldText('range_over_year', 'ru')).toBe('делает диапазон длиннее 366 дней');
    expect(fieldText('range_over_year', 'en')).toBe('makes the range longer than 366 days');
    expect(fieldText('before_from', 'ru')).toBe('не может быть раньше начала периода');
  });
  it('lists every date of the range', () => {
    expect(datesOf('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });
});

describe('the range form', () => {
  const scope = 'agency:minzdrav';
  const none = { from: '', to: '', filter: '' };
  const answered = { from: '2026-11-03', to: '2026-12-02', filter: '' };

  it('keeps what was typed when an answer arrives while typing', () => {
    // The URL names no range: the fields wait for the answer's (the API's default).
    const key = rangeFormKey(scope, none);
    const typed = { from: '2026-10-01' };
    expect(rangeFieldsShown(typed, none)).toEqual({ from: '2026-10-01', to: '', filter: '' });
    // The answer arrives: the same form (its key is the URL's, unchanged), the typed date kept, the untouched one seeded.
    expect(rangeFormKey(scope, none)).toBe(key);
    expect(rangeFieldsShown(typed, answered)).toEqual({ from: '2026-10-01', to: '2026-12-02', filter: '' });
    // A field emptied by the manager stays empty.
    expect(rangeFieldsShown({ to: '' }, answered)).toEqual({ from: '2026-11-03', to: '', filter: '' });
    expect(rangeFieldsShown({ filter: 'medical_certificate' }, answered).filter).toBe('medical_certificate');
  });
  it('starts over only when the URL\'s range or scope changes (a preset, Show, back/forward)', () => {
    const url = { from: '2026-11-26', to: '2026-12-02', filter: '' };
    const keys = new Set([
      rangeFormKey(scope, none),
      rangeFormKey(scope, url),
      rangeFormKey(scope, { ...url, from: '2026-11-27' }),
      rangeFormKey(scope, { ...url, to: '2026-12-01' }),
      rangeFormKey(scope, { ...url, filter: 'medical_certificate' }),
      rangeFormKey('institution:inst-msk-01', url),
    ]);
    expect(keys.size).toBe(6);
    expect(rangeFormKey(scope, { ...url })).toBe(rangeFormKey(scope, url));
  });
});

describe('numbers for reading', () => {
  it('shares as percentages, days with a decimal, counts grouped, nothing as a dash', () => {
    expect(displayCell(0.756, 'share', 'ru')).toBe('75,6\u00a0%');
    expect(displayCell(0.756, 'share', 'en')).toBe('75.6%');
    expect(displayCell(1, 'share', 'en')).toBe('100%');
    expect(displayCell(2.5, 'days', 'ru')).toBe('2,5');
    expect(displayCell(12345, 'int', 'ru')).toBe('12\u00a0345');
    expect(displayCell(12345, 'int', 'en')).toBe('12,345');
    expect(displayCell(null, 'days', 'ru')).toBe('—');
    expect(displayCell('2026-12-02', 'date', 'ru')).toBe('02.12.2026');
    expect(displayCell('2026-12-02', 'date', 'en')).toBe('2 Dec 2026');
  });
});

describe('agencySections', () => {
  const titles = { medical_certificate: 'Медицинская справка' };
  const [flow, proc, byStatus, byClerk] = agencySections(agency, titles, 'ru');

  it('has every day of the range, a day without applications as zeros, in the chart as in the table', () => {
    expect(flow.table.rows).toEqual([
      ['2026-11-30', 4, 1, 1, 0, 0],
      ['2026-12-01', 0, 0, 0, 0, 0],
      ['2026-12-02', 2, 3, 2, 1, 1],
    ]);
    expect(flow.chart.series.map((s) => s.values)).toEqual([[4, 0, 2], [1, 0, 3]]);
    expect(flow.chart.labels).toHaveLength(3);
    expect(flow.empty).toBe(false);
  });
  it('puts each service against its term in the term\'s unit', () => {
    expect(proc.table.rows[0]).toEqual(['Медицинская справка', 4, 3, 7, 9, 4, 10, 12, 5, 'раб. дни']);
    expect(proc.table.rows[1]).toEqual(['calendar_one', 0, null, null, null, null, null, null, 30, 'кал. дни']);
    expect(proc.chart.series.map((s) => [s.type, s.values])).toEqual([
      ['bar', [3, null]], ['bar', [7, null]], ['bar', [5, 30]],
    ]);
  });
  it('shows the queue by status in words, without empty statuses, and the unassigned', () => {
    expect(byStatus.table.rows).toEqual([['Принято', 3], ['На рассмотрении', 2]]);
    expect(byClerk.table.rows).toEqual([['clerk@minzdrav', 2], ['Не назначено', 3]]);
  });
  it('is empty when the range holds nothing', () => {
    const none = agencySections({ ...agency, days: [], processing: [], queue: { byStatus: {}, byClerk: [], unassigned: 0 } }, {}, 'en');
    expect(none.map((s) => s.empty)).toEqual([true, true, true, true]);
  });
});

describe('institutionSections', () => {
  const [perDay, totals, lead] = institutionSections(institution, 'ru');
  it('lists days oldest first with the specialist\'s name and utilisation', () => {
    expect(perDay.table.rows).toEqual([
      ['2026-12-01', 'Иванова А. А.', 8, 8, 0, 2, 0, 6, 0.75],
      ['2026-12-02', '=cmd|x', 10, 5, 1, 0, 1, 3, 0.4],
    ]);
    // a line per specialist over every day, a day without slots blank
    expect(perDay.chart.series.map((s) => [s.label, s.values])).toEqual([
      ['Иванова А. А.', [0.75, null]], ['=cmd|x', [null, 0.4]],
    ]);
    expect(perDay.chart.axis).toBe('share');
  });
  it('splits cancellations by whom and no-shows', () => {
    expect(totals.chart.series.map((s) => s.values)).toEqual([[0, 1], [2, 0], [0, 1]]);
    expect(lead.table.rows).toEqual([['Иванова А. А.', 2, 6, 8, 3], ['=cmd|x', null, null, null, 0]]);
  });
  it('exports a table as the file a Russian Excel opens: BOM, ;, percentages, guarded names', () => {
    const text = tableCsv(perDay.table, 'ru');
    const lines = text.slice(1).split('\r\n');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(lines[0]).toBe('Дата;Специалист;Мест;Записей;Отменил пациент;Отменило учреждение;Неявки;Приёмов;Загрузка, %');
    expect(lines[1]).toBe('01.12.2026;Иванова А. А.;8;8;0;2;0;6;75');
    expect(lines[2]).toBe("02.12.2026;'=cmd|x;10;5;1;0;1;3;40");
    expect(csvFilename(perDay.table, '2026-12-01', '2026-12-02')).toBe('kabinet-specialists-per-day-2026-12-01-2026-12-02.csv');
  });
  it('in English: , and ISO dates', () => {
    const lines = tableCsv(institutionSections(institution, 'en')[0].table, 'en').slice(1).split('\r\n');
    expect(lines[0]).toBe('Date,Specialist,Places,Booked,Cancelled by patient,Cancelled by institution,No-shows,Visits,"Utilisation, %"');
    expect(lines[1]).toBe('2026-12-01,Иванова А. А.,8,8,0,2,0,6,75');
  });
});

describe('orgSections', () => {
  const org: OrgStats = {
    org: 'org-romashka', from: '2026-11-01', to: '2026-12-01', asOf: '2026-12-01T10:00:00Z',
    points: [
      { date: '2026-11-24', byStatus: { valid: 5, expired: 1, expiring: 2 } },
      { date: '2026-11-17', byStatus: { valid: 6, expiring: 1, other: 1 } },
    ],
  };
  it('orders the points and the statuses, unknown statuses last, missing ones as zeros', () => {
    const [s] = orgSections(org, 'ru');
    expect(s.table.columns.map((c) => c.label)).toEqual(['Дата', 'Действителен', 'Истекает', 'Просрочен', 'other']);
    expect(s.table.rows).toEqual([['2026-11-17', 6, 1, 0, 1], ['2026-11-24', 5, 2, 1, 0]]);
    expect(s.chart.series.every((x) => x.stack === 's')).toBe(true);
  });
  it('is empty without points', () => {
    expect(orgSections({ ...org, points: [] }, 'en')[0].empty).toBe(true);
  });
});
