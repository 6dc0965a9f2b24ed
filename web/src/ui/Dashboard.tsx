// The managers' dashboard (#/dashboard): one view per scope the token
// carries — an agency, an institution, an organisation — with a date range
// (presets, the API's 366-day limit checked first), a service or specialist
// filter, a chart and the table of the same numbers for every figure, and
// each table as a CSV file. App.tsx loads this module (and Chart.js with it)
// only when a manager opens the page, so a citizen never downloads it.
import { useMemo, useState } from 'preact/hooks';
import { ApiError, saveBlob } from '../api';
import { managerScopes, type ManagerScope } from '../auth';
import { dateInZone, fmtDateTime } from '../format';
import { agencyName, days, getLang, t, type Lang } from '../i18n';
import { fieldText } from '../messages';
import { href, navigate } from '../router';
import {
  agencySections, chartSummary, checkRange, csvFilename, displayCell, institutionSections, orgSections, presetRange,
  PRESETS, rangeFieldsShown, rangeFormKey, serviceTitles, tableCsv, type RangeFields, type Section,
} from '../stats';
import type { AgencyStats, InstitutionStats, OrgStats } from '../types';
import { ErrorBox, Field, Loading, PageHeader, serverFieldErrors, useApp, useLoad } from './common';
import { StatsChart } from './StatsChart';

/** The zone an agency's and an organisation's days are counted in (the API's); an institution counts in its own. */
const MOSCOW = 'Europe/Moscow';
const NO_TITLES: Record<string, string> = {};

type Answer =
  | { kind: 'agency'; body: AgencyStats }
  | { kind: 'institution'; body: InstitutionStats }
  | { kind: 'org'; body: OrgStats };

/** DashboardPage is the route: the scope, range and filter live in the URL's query, so a reload or a link shows the same. */
export function DashboardPage({ query }: { query: URLSearchParams }) {
  const { api, session } = useApp();
  const lang = getLang();
  const scopes = managerScopes(session);
  const scope = scopes.find((s) => `${s.kind}:${s.id}` === query.get('scope')) ?? scopes[0];
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const filter = query.get('filter') ?? '';

  const inst = useLoad(() => (scope?.kind === 'institution' ? api.institution(scope.id) : Promise.resolve(null)), [scope?.id]);
  const zone = scope?.kind === 'institution' ? inst.data?.timeZone : MOSCOW;
  // The filter's choices: the agency's services (their titles name the tables' rows too), the institution's specialists.
  const catalogue = useLoad(async (): Promise<{ options: { value: string; label: string }[]; titles: Record<string, string> }> => {
    if (scope?.kind === 'agency') {
      const list = await api.services();
      const titles = serviceTitles(list, lang);
      return { titles, options: list.items.filter((s) => s.agency === scope.id).map((s) => ({ value: s.code, label: titles[s.code] })) };
    }
    if (scope?.kind === 'institution') {
      return { titles: {}, options: (await api.specialists(scope.id)).items.map((s) => ({ value: s.id, label: s.name })) };
    }
    return { titles: {}, options: [] };
  }, [scope?.kind, scope?.id, lang]);

  const answer = useLoad(async (): Promise<Answer | null> => {
    if (!scope) return null;
    const range = { from, to };
    if (scope.kind === 'agency') return { kind: 'agency', body: await api.agencyStats({ ...range, service: filter }) };
    if (scope.kind === 'institution') return { kind: 'institution', body: await api.institutionStats(scope.id, { ...range, specialist: filter }) };
    return { kind: 'org', body: await api.orgStats(scope.id, range) };
  }, [scope?.kind, scope?.id, from, to, filter]);

  if (!scope) {
    return <div data-testid="dashboard-page"><PageHeader title={t('stats.title')} /><p class="alert alert-warn" data-testid="stats-none">{t('stats.noScope')}</p></div>;
  }
  const go = (q: Record<string, string>) => navigate('/dashboard', { scope: `${scope.kind}:${scope.id}`, from, to, filter, ...q }, true);
  const shown = answer.data?.body;

  return (
    <div data-testid="dashboard-page" data-scope={scope.kind}>
      <PageHeader title={t('stats.title')} />
      <p class="lead">{t('stats.lead')}</p>
      {scopes.length > 1 && (
        <nav class="segmented stats-scopes" aria-label={t('stats.scopes')}>
          {scopes.map((s) => (
            <a key={`${s.kind}:${s.id}`} href={href('/dashboard', { scope: `${s.kind}:${s.id}` })}
              aria-current={s === scope ? 'page' : undefined} data-testid={`scope-${s.kind}`}>{scopeTitle(s, lang)}</a>
          ))}
        </nav>
      )}
      <h2 data-testid="scope-title">{scope.kind === 'institution' && inst.data ? inst.data.name : scopeTitle(scope, lang)}</h2>
      <RangeForm key={rangeFormKey(`${scope.kind}:${scope.id}`, { from, to, filter })}
        seed={{ from: from || shown?.from || '', to: to || shown?.to || '', filter }} zone={zone}
        filterLabel={t(scope.kind === 'agency' ? 'stats.service' : 'stats.specialist')}
        filterAll={t(scope.kind === 'agency' ? 'stats.serviceAll' : 'stats.specialistAll')}
        options={scope.kind === 'org' ? null : catalogue.data?.options ?? []}
        serverErrors={serverFieldErrors(answer.error)}
        onApply={(r) => go(r)} />
      {answer.loading && !answer.data && <Loading />}
      <StatsError error={answer.error} />
      {answer.data && !answer.error && <Answered answer={answer.data} titles={catalogue.data?.titles ?? NO_TITLES} lang={lang} />}
    </div>
  );
}

function scopeTitle(s: ManagerScope, lang: Lang): string {
  return t(`stats.scope.${s.kind}`, { id: s.kind === 'agency' ? agencyName(s.id, lang) : s.id }, lang);
}

/** The answer's errors: 403 in words of its own; the range's field errors are shown at the fields (RangeForm), the rest as the app shows errors (503 with its Retry-After). */
function StatsError({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof ApiError && error.status === 403) {
    return <p class="alert alert-bad" role="alert" data-testid="stats-forbidden">{t('stats.forbidden')}</p>;
  }
  return <ErrorBox error={error} shownFields={['from', 'to']} />;
}

interface RangeProps {
  /** What an untyped field shows (rangeFieldsShown): the URL's range, else the answer's. */
  seed: RangeFields;
  zone: string | undefined;
  filterLabel: string; filterAll: string;
  /** The filter's choices; null: no filter (an organisation). */
  options: { value: string; label: string }[] | null;
  serverErrors: Record<string, string>;
  onApply(r: { from: string; to: string; filter: string }): void;
}

/**
 * RangeForm holds the range being typed; it is sent (onApply) only when
 * checkRange finds nothing, a preset at once. It keeps only what was typed
 * (an answer arriving re-renders it with a new seed, never remounts it:
 * rangeFormKey), so typing survives a slow answer.
 */
function RangeForm(p: RangeProps) {
  const [typed, setTyped] = useState<Partial<RangeFields>>({});
  const { from, to, filter } = rangeFieldsShown(typed, p.seed);
  const type = (f: keyof RangeFields) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setTyped((x) => ({ ...x, [f]: v }));
  };
  const [tried, setTried] = useState(false);
  const local = checkRange(from, to);
  const err = (f: 'from' | 'to') => (tried && local[f] ? fieldText(local[f]) : p.serverErrors[f] ?? null);
  const today = dateInZone(new Date().toISOString(), p.zone);

  function submit(e: Event) {
    e.preventDefault();
    setTried(true);
    if (Object.keys(checkRange(from, to)).length === 0) p.onApply({ from, to, filter });
  }
  return (
    <form class="card form stats-range" onSubmit={submit} novalidate data-testid="stats-range">
      <fieldset class="fieldset">
        <legend>{t('stats.range')}</legend>
        <div class="segmented" role="group" aria-label={t('stats.presets')}>
          {PRESETS.map((n) => {
            const r = presetRange(n, today);
            return (
              <button type="button" key={n} aria-pressed={r.from === p.seed.from && r.to === p.seed.to} data-testid={`preset-${n}`}
                onClick={() => { setTyped((x) => ({ filter: x.filter })); p.onApply({ ...r, filter }); }}>{t('stats.preset', { d: days(n) })}</button>
            );
          })}
        </div>
        <div class="field-row">
          <Field label={t('stats.from')} error={err('from')} testid="stats-from-field">
            {(id, db, invalid) => <input id={id} type="date" value={from} aria-describedby={db} aria-invalid={invalid}
              data-testid="stats-from" onInput={type('from')} />}
          </Field>
          <Field label={t('stats.to')} error={err('to')} testid="stats-to-field">
            {(id, db, invalid) => <input id={id} type="date" value={to} aria-describedby={db} aria-invalid={invalid}
              data-testid="stats-to" onInput={type('to')} />}
          </Field>
          {p.options && (
            <Field label={p.filterLabel}>
              {(id) => (
                <select id={id} value={filter} data-testid="stats-filter" onChange={type('filter')}>
                  <option value="">{p.filterAll}</option>
                  {p.options!.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
                </select>
              )}
            </Field>
          )}
          <button type="submit" class="btn btn-primary stats-apply" data-testid="stats-apply">{t('stats.show')}</button>
        </div>
      </fieldset>
    </form>
  );
}

function Answered({ answer, titles, lang }: { answer: Answer; titles: Record<string, string>; lang: Lang }) {
  const sections = useMemo((): Section[] => {
    switch (answer.kind) {
      case 'agency': return agencySections(answer.body, titles, lang);
      case 'institution': return institutionSections(answer.body, lang);
      default: return orgSections(answer.body, lang);
    }
  }, [answer, titles, lang]);
  const b = answer.body;
  return (
    <div data-testid="stats-answer" data-from={b.from} data-to={b.to}>
      <p class="muted small" data-testid="stats-asof">{t('stats.asOf', { at: fmtDateTime(b.asOf) })}</p>
      {answer.kind === 'agency' && <AgencyFigures a={answer.body} lang={lang} />}
      {sections.map((s) => <StatsSection key={s.table.id} section={s} lang={lang} from={b.from} to={b.to} />)}
    </div>
  );
}

/** The agency's single numbers: overdue, the queue now, the needs-information round trips. */
function AgencyFigures({ a, lang }: { a: AgencyStats; lang: Lang }) {
  const open = Object.values(a.queue.byStatus).reduce((x, y) => x + y, 0);
  const n = (v: number | null) => displayCell(v, 'days', lang);
  const figs: [string, string, number][] = [
    ['overdue', t('stats.fig.overdue'), a.overdue],
    ['queue', t('stats.fig.queue'), open],
    ['unassigned', t('stats.fig.unassigned'), a.queue.unassigned],
    ['needsInfo', t('stats.fig.needsInfo'), a.needsInfo.rounds],
  ];
  const p = a.needsInfo.calendarDays;
  return (
    <section class="card" aria-label={t('stats.figures')}>
      <dl class="figures">
        {figs.map(([id, label, v]) => (
          <div key={id} class={`figure${id === 'overdue' && v > 0 ? ' figure-bad' : ''}`} data-testid={`fig-${id}`}>
            <dt>{label}</dt><dd>{displayCell(v, 'int', lang)}</dd>
          </div>
        ))}
      </dl>
      {a.needsInfo.rounds > 0 && (
        <p class="small" data-testid="fig-needsInfoDays">{t('stats.fig.needsInfoDays', { p50: n(p.p50), p90: n(p.p90), max: n(p.max) })}</p>
      )}
    </section>
  );
}

/** A chart, the table of its numbers under it and the table's CSV; the empty state when the range holds nothing for it. */
function StatsSection({ section, lang, from, to }: { section: Section; lang: Lang; from: string; to: string }) {
  const { toast } = useApp();
  const { table } = section;
  const titleId = `stats-${table.id}-title`;
  function exportCsv() {
    const name = csvFilename(table, from, to);
    saveBlob(new Blob([tableCsv(table, lang)], { type: 'text/csv;charset=utf-8' }), name);
    toast(t('stats.csvSaved', { name }));
  }
  return (
    <section class="card stats-section" aria-labelledby={titleId} data-testid={`stats-${table.id}`}>
      <div class="slots-head">
        <h2 id={titleId} class="h3">{table.title}</h2>
        {!section.empty && (
          <button type="button" class="btn btn-small" data-testid={`csv-${table.id}`} onClick={exportCsv}
            aria-label={t('stats.csvLabel', { title: table.title })}>{t('stats.csv')}</button>
        )}
      </div>
      {section.empty ? <p class="empty" data-testid="stats-empty">{t('stats.empty')}</p> : (
        <>
          <StatsChart spec={section.chart} lang={lang} label={chartSummary(section, lang)} testid={`chart-${table.id}`} />
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('stats.tableOf', { title: table.title })}>
            <table class="table stats-table" data-testid={`table-${table.id}`}>
              <thead>
                <tr>{table.columns.map((c, i) => <th key={i} scope="col" class={c.kind === 'text' || c.kind === 'date' ? undefined : 'num'}>{c.label}</th>)}</tr>
              </thead>
              <tbody>
                {table.rows.map((r, i) => (
                  <tr key={i}>
                    {r.map((v, j) => {
                      const c = table.columns[j];
                      const text = displayCell(v, c.kind, lang);
                      return j === 0
                        ? <th key={j} scope="row">{text}</th>
                        : <td key={j} class={c.kind === 'text' || c.kind === 'date' ? undefined : 'num'}>{text}</td>;
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
