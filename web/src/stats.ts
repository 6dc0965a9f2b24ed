// The managers' dashboard as data: the range a request asks for, and the
// answers of GET /agency/stats, /institutions/{id}/stats and
// /organizations/{orgId}/stats shaped into tables. Every chart on the page
// is drawn from one of these tables and every CSV is written from it, so
// the chart, the table under it and the file say the same numbers.
import { buildCsv, type CsvValue } from './csv';
import { fmtDate, fmtDay } from './format';
import { loc, t, type Lang } from './i18n';
import type { AgencyStats, InstitutionStats, OrgStats, Percentiles, ServiceList } from './types';

// ---- the range ----

/** The longest range the API answers for, in days counted from `from` to `to` inclusive. */
export const MAX_RANGE_DAYS = 366;
/** The presets under the range picker, in days ending today. */
export const PRESETS = [7, 30, 90] as const;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real civil date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = ISO.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** The civil date n days after iso (before, for a negative n). */
export function addDays(iso: string, n: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** How many days from..to holds, both counted (one for a single day). */
export function rangeDays(from: string, to: string): number {
  const ms = (s: string) => { const [y, m, d] = s.split('-').map(Number); return Date.UTC(y, m - 1, d); };
  return Math.round((ms(to) - ms(from)) / 86_400_000) + 1;
}

/** The last `days` days ending on today (a preset). */
export function presetRange(days: number, today: string): { from: string; to: string } {
  return { from: addDays(today, -(days - 1)), to: today };
}

/**
 * checkRange returns the field errors the API would give for from..to, in
 * the API's own reason codes (shared/domain/stats Service.Range), so that
 * fieldText shows the server's words for them (field-messages.ts):
 * required, invalid_date, before_from (`to` before `from`), range_over_year
 * (more than MAX_RANGE_DAYS days). Empty when the range may be sent.
 */
export function checkRange(from: string, to: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!from) out.from = 'required';
  else if (!isIsoDate(from)) out.from = 'invalid_date';
  if (!to) out.to = 'required';
  else if (!isIsoDate(to)) out.to = 'invalid_date';
  if (Object.keys(out).length > 0) return out;
  if (to < from) out.to = 'before_from';
  else if (rangeDays(from, to) > MAX_RANGE_DAYS) out.to = 'range_over_year';
  return out;
}

/** The range form's fields: the dates and the filter (service or specialist, '' for all). */
export interface RangeFields { from: string; to: string; filter: string }

/**
 * rangeFormKey names the range form's instance: the scope and the range in
 * the URL. The form starts over (what was typed is dropped, the fields
 * seeded again) only when this changes, by navigation (a preset, Show,
 * back/forward, another scope), never because an answer arrived: an answer
 * arriving while the manager types must not take the typing away.
 */
export function rangeFormKey(scope: string, url: RangeFields): string {
  return [scope, url.from, url.to, url.filter].join('|');
}

/**
 * rangeFieldsShown is what the form's fields hold: each field the manager
 * has typed in (typed[f] set, '' when emptied) as typed; the others the
 * seed, which is the URL's range, or, while the URL names none, the range
 * the answer came for (the API's default), once it has come.
 */
export function rangeFieldsShown(typed: Partial<RangeFields>, seed: RangeFields): RangeFields {
  return { from: typed.from ?? seed.from, to: typed.to ?? seed.to, filter: typed.filter ?? seed.filter };
}

/** Every date of from..to in order. */
export function datesOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length <= MAX_RANGE_DAYS; d = addDays(d, 1)) out.push(d);
  return out;
}

// ---- tables ----

/** How a column's values read: a text, a count, a number of days, a share (0..1), a civil date. */
export type ColumnKind = 'text' | 'int' | 'days' | 'share' | 'date';
export interface Column { label: string; kind: ColumnKind }
export type Cell = string | number | null;

/** A table of the dashboard: what a chart draws, the table under it shows and its CSV holds. */
export interface Table {
  /** Names the CSV file (kabinet-<id>-<from>-<to>.csv) and the test ids. */
  id: string;
  title: string;
  columns: Column[];
  rows: Cell[][];
}

/** A dashboard's section: a table and how its chart draws it. */
export interface Section {
  table: Table;
  chart: ChartSpec;
  /** True when the range holds no figure for it: an empty state instead of a chart of zeros. */
  empty: boolean;
}

/** A series of a chart: a column of the table (values from `column`), drawn as bars or a line. */
export interface Series { label: string; values: (number | null)[]; type: 'bar' | 'line'; stack?: string }

/** What a chart draws, independent of the charting library. */
export interface ChartSpec {
  labels: string[];
  series: Series[];
  /** The value axis: counts, days, or shares shown as percentages. */
  axis: 'int' | 'days' | 'share';
  horizontal?: boolean;
}

const locale = (l: Lang) => (l === 'ru' ? 'ru-RU' : 'en-GB');

/** A cell for reading: counts grouped ("1 234"), days with at most one decimal, shares as percentages, dates as the language writes them; null as a dash. */
export function displayCell(v: Cell, kind: ColumnKind, lang: Lang): string {
  if (v === null || v === '') return '—';
  if (typeof v === 'string') return kind === 'date' ? fmtDate(v, lang) : v;
  const nf = (o: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale(lang), o).format(v);
  switch (kind) {
    case 'share': return nf({ style: 'percent', maximumFractionDigits: 1 });
    case 'days': return nf({ maximumFractionDigits: 1 });
    default: return nf({ maximumFractionDigits: 0 });
  }
}

/** A cell for the CSV file: shares as percentages (header says %), dates as the language writes them (31.12.2026 in Russian, ISO in English, as the server's exports). */
function csvCellOf(v: Cell, kind: ColumnKind, lang: Lang): CsvValue {
  if (v === null) return null;
  if (kind === 'date' && typeof v === 'string') return lang === 'ru' ? fmtDate(v, 'ru') : v;
  if (kind === 'share' && typeof v === 'number') return Math.round(v * 1000) / 10;
  return v;
}

/** tableCsv writes a table as the CSV file the export button saves (csv.ts: BOM, separator by language, guarded text). */
export function tableCsv(table: Table, lang: Lang): string {
  const header = table.columns.map((c) => (c.kind === 'share' ? `${c.label}, %` : c.label));
  return buildCsv(header, table.rows.map((r) => r.map((v, i) => csvCellOf(v, table.columns[i].kind, lang))), lang);
}

/** The name the CSV of a table is saved under. */
export function csvFilename(table: Table, from: string, to: string): string {
  return `kabinet-${table.id}-${from}-${to}.csv`;
}

const col = (key: string, kind: ColumnKind, lang: Lang): Column => ({ label: t(`stats.col.${key}`, {}, lang), kind });
const dayLabel = (iso: string, lang: Lang) => fmtDay(iso, lang).day;
const column = (rows: Cell[][], i: number) => rows.map((r) => (typeof r[i] === 'number' ? (r[i] as number) : null));
const allZero = (rows: Cell[][], from = 1) => rows.every((r) => r.slice(from).every((v) => !v));
/** The dictionary's word for key, else fallback (a status the API added after this build). */
const word = (key: string, fallback: string, lang: Lang) => { const w = t(key, {}, lang); return w === key ? fallback : w; };
const pct = (p: Percentiles | null | undefined, k: keyof Percentiles) => (p ? p[k] ?? null : null);

/** Service titles by code from GET /services, for an agency's tables; an unknown code as it is. */
export function serviceTitles(list: ServiceList | undefined, lang: Lang): Record<string, string> {
  return Object.fromEntries((list?.items ?? []).map((s) => [s.code, loc(s.title, lang)]));
}

/**
 * agencySections shapes GET /agency/stats: applications per day (every day of
 * the range, a day without any as zeros), processing time per service
 * against its term, the queue now by status and by clerk.
 */
export function agencySections(a: AgencyStats, titles: Record<string, string>, lang: Lang): Section[] {
  const byDate = new Map(a.days.map((d) => [d.date, d]));
  const dates = datesOf(a.from, a.to);
  const flowRows: Cell[][] = dates.map((date) => {
    const d = byDate.get(date);
    return [date, d?.received ?? 0, d?.decided ?? 0, d?.approved ?? 0, d?.rejected ?? 0, d?.withdrawn ?? 0];
  });
  const flow: Table = {
    id: 'applications-per-day',
    title: t('stats.agency.flow', {}, lang),
    columns: [col('date', 'date', lang), col('received', 'int', lang), col('decided', 'int', lang),
      col('approved', 'int', lang), col('rejected', 'int', lang), col('withdrawn', 'int', lang)],
    rows: flowRows,
  };

  // Each service against its own term, in the term's unit: most count
  // working days, some calendar days (applications/terms.go).
  const procRows: Cell[][] = a.processing.map((p) => {
    const working = p.term?.workingDays !== undefined || p.term?.calendarDays === undefined;
    const unit = working ? p.workingDays : p.calendarDays;
    return [
      titles[p.service] ?? p.service, p.decided,
      pct(p.workingDays, 'p50'), pct(p.workingDays, 'p90'), pct(p.workingDays, 'max'),
      pct(p.calendarDays, 'p50'), pct(p.calendarDays, 'p90'), pct(p.calendarDays, 'max'),
      (working ? p.term?.workingDays : p.term?.calendarDays) ?? null,
      t(working ? 'stats.unit.working' : 'stats.unit.calendar', {}, lang),
      pct(unit, 'p50'), pct(unit, 'p90'),
    ];
  });
  const proc: Table = {
    id: 'processing-time',
    title: t('stats.agency.processing', {}, lang),
    columns: [col('service', 'text', lang), col('decided', 'int', lang),
      col('wdP50', 'days', lang), col('wdP90', 'days', lang), col('wdMax', 'days', lang),
      col('cdP50', 'days', lang), col('cdP90', 'days', lang), col('cdMax', 'days', lang),
      col('term', 'days', lang), col('termUnit', 'text', lang)],
    rows: procRows.map((r) => r.slice(0, 10)),
  };

  const statusRows: Cell[][] = Object.entries(a.queue.byStatus)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => [word(`astatus.${s}`, s, lang), n]);
  const byStatus: Table = {
    id: 'queue-by-status',
    title: t('stats.agency.byStatus', {}, lang),
    columns: [col('status', 'text', lang), col('open', 'int', lang)],
    rows: statusRows,
  };
  const clerkRows: Cell[][] = a.queue.byClerk.map((c) => [c.clerk, c.open]);
  if (a.queue.unassigned > 0) clerkRows.push([t('stats.unassigned', {}, lang), a.queue.unassigned]);
  const byClerk: Table = {
    id: 'queue-by-clerk',
    title: t('stats.agency.byClerk', {}, lang),
    columns: [col('clerk', 'text', lang), col('open', 'int', lang)],
    rows: clerkRows,
  };

  return [
    {
      table: flow, empty: allZero(flowRows),
      chart: { labels: dates.map((d) => dayLabel(d, lang)), axis: 'int', series: [
        { label: flow.columns[1].label, values: column(flowRows, 1), type: 'bar' },
        { label: flow.columns[2].label, values: column(flowRows, 2), type: 'bar' },
      ] },
    },
    {
      table: proc, empty: procRows.length === 0,
      chart: { labels: procRows.map((r) => `${r[0]} (${r[9]})`), axis: 'days', series: [
        { label: t('stats.col.p50', {}, lang), values: column(procRows, 10), type: 'bar' },
        { label: t('stats.col.p90', {}, lang), values: column(procRows, 11), type: 'bar' },
        { label: proc.columns[8].label, values: column(procRows, 8), type: 'bar' },
      ] },
    },
    {
      table: byStatus, empty: statusRows.length === 0,
      chart: { labels: statusRows.map((r) => String(r[0])), axis: 'int', horizontal: true, series: [
        { label: byStatus.columns[1].label, values: column(statusRows, 1), type: 'bar' },
      ] },
    },
    {
      table: byClerk, empty: clerkRows.length === 0,
      chart: { labels: clerkRows.map((r) => String(r[0])), axis: 'int', horizontal: true, series: [
        { label: byClerk.columns[1].label, values: column(clerkRows, 1), type: 'bar' },
      ] },
    },
  ];
}

/**
 * institutionSections shapes GET /institutions/{id}/stats: utilisation per
 * specialist and day (a line per specialist, a day without slots left
 * blank), cancellations by whom and no-shows per specialist, lead time from
 * booking to visit and the waiting list.
 */
export function institutionSections(s: InstitutionStats, lang: Lang): Section[] {
  const names = new Map(s.specialists.map((x) => [x.id, x.name]));
  const name = (id: string) => names.get(id) ?? id;
  const days = [...s.days].sort((a, b) => (a.date === b.date ? name(a.specialistId).localeCompare(name(b.specialistId)) : a.date < b.date ? -1 : 1));
  const dayRows: Cell[][] = days.map((d) => [d.date, name(d.specialistId), d.offered, d.booked, d.cancelledByPatient,
    d.cancelledByInstitution, d.noShows, d.visits, d.utilisation ?? null]);
  const perDay: Table = {
    id: 'specialists-per-day',
    title: t('stats.inst.utilisation', {}, lang),
    columns: [col('date', 'date', lang), col('specialist', 'text', lang), col('offered', 'int', lang), col('booked', 'int', lang),
      col('cancelledByPatient', 'int', lang), col('cancelledByInstitution', 'int', lang), col('noShows', 'int', lang),
      col('visits', 'int', lang), col('utilisation', 'share', lang)],
    rows: dayRows,
  };
  const dates = datesOf(s.from, s.to);
  const util = new Map(days.map((d) => [`${d.date}|${d.specialistId}`, d.utilisation ?? null]));
  const inDays = new Set(days.map((d) => d.specialistId));

  const spec = s.specialists;
  const specRows: Cell[][] = spec.map((x) => [x.name, x.offered, x.booked, x.cancelledByPatient, x.cancelledByInstitution,
    x.noShows, x.visits, x.utilisation ?? null]);
  const totals: Table = {
    id: 'specialists',
    title: t('stats.inst.cancellations', {}, lang),
    columns: [col('specialist', 'text', lang), col('offered', 'int', lang), col('booked', 'int', lang),
      col('cancelledByPatient', 'int', lang), col('cancelledByInstitution', 'int', lang), col('noShows', 'int', lang),
      col('visits', 'int', lang), col('utilisation', 'share', lang)],
    rows: specRows,
  };
  const leadRows: Cell[][] = spec.map((x) => [x.name, pct(x.leadTimeDays, 'p50'), pct(x.leadTimeDays, 'p90'),
    pct(x.leadTimeDays, 'max'), x.waitlist ?? null]);
  const lead: Table = {
    id: 'lead-time',
    title: t('stats.inst.leadTime', {}, lang),
    columns: [col('specialist', 'text', lang), col('leadP50', 'days', lang), col('leadP90', 'days', lang),
      col('leadMax', 'days', lang), col('waitlist', 'int', lang)],
    rows: leadRows,
  };

  return [
    {
      table: perDay, empty: dayRows.length === 0 || allZero(dayRows, 2),
      chart: {
        labels: dates.map((d) => dayLabel(d, lang)), axis: 'share',
        series: spec.filter((x) => inDays.has(x.id)).map((x) => ({
          label: x.name, type: 'line' as const, values: dates.map((d) => util.get(`${d}|${x.id}`) ?? null),
        })),
      },
    },
    {
      table: totals, empty: specRows.length === 0 || allZero(specRows.map((r) => [r[0], r[3], r[4], r[5]])),
      chart: { labels: specRows.map((r) => String(r[0])), axis: 'int', series: [
        { label: totals.columns[3].label, values: column(specRows, 3), type: 'bar', stack: 'c' },
        { label: totals.columns[4].label, values: column(specRows, 4), type: 'bar', stack: 'c' },
        { label: totals.columns[5].label, values: column(specRows, 5), type: 'bar', stack: 'n' },
      ] },
    },
    {
      table: lead, empty: leadRows.length === 0 || allZero(leadRows),
      chart: { labels: leadRows.map((r) => String(r[0])), axis: 'days', series: [
        { label: lead.columns[1].label, values: column(leadRows, 1), type: 'bar' },
        { label: lead.columns[2].label, values: column(leadRows, 2), type: 'bar' },
      ] },
    },
  ];
}

/** The document statuses in the order the organisation's table shows them; others the API adds follow. */
const ORG_STATUSES = ['valid', 'expiring', 'expired', 'replacement_required', 'revoked', 'archived'];

/** orgSections shapes GET /organizations/{orgId}/stats: the staff documents by status at each point in time. */
export function orgSections(o: OrgStats, lang: Lang): Section[] {
  const points = [...o.points].sort((a, b) => (a.date < b.date ? -1 : 1));
  const seen = new Set(points.flatMap((p) => Object.keys(p.byStatus)));
  const statuses = [...ORG_STATUSES.filter((s) => seen.has(s)), ...[...seen].filter((s) => !ORG_STATUSES.includes(s)).sort()];
  const label = (s: string) => word(`doc.status.${s}`, s, lang);
  const rows: Cell[][] = points.map((p) => [p.date, ...statuses.map((s) => p.byStatus[s] ?? 0)]);
  const table: Table = {
    id: 'staff-documents',
    title: t('stats.org.documents', {}, lang),
    columns: [col('date', 'date', lang), ...statuses.map((s) => ({ label: label(s), kind: 'int' as const }))],
    rows,
  };
  return [{
    table, empty: rows.length === 0 || allZero(rows),
    chart: { labels: points.map((p) => dayLabel(p.date, lang)), axis: 'int',
      series: statuses.map((s, i) => ({ label: label(s), values: column(rows, i + 1), type: 'bar' as const, stack: 's' })) },
  }];
}

/** A short summary of a chart for its canvas's aria-label: the title and where the numbers are. */
export function chartSummary(section: Section, lang: Lang): string {
  return t('stats.chartSummary', { title: section.table.title, n: section.table.rows.length }, lang);
}
