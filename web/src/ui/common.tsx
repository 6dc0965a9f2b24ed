import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, NetworkError, type Api } from '../api';
import type { AppConfig } from '../config';
import type { Session } from '../auth';
import { t } from '../i18n';
import { fieldText } from '../messages';
import type { Tone } from '../format';
import { Pager, type PageFetcher, type PagerState } from '../paging';

export interface Ctx {
  api: Api;
  cfg: AppConfig;
  session: Session;
  toast(msg: string, tone?: Tone): void;
  refreshBadge(): void;
}

export const AppCtx = createContext<Ctx | null>(null);

export function useApp(): Ctx {
  const c = useContext(AppCtx);
  if (!c) throw new Error('no app context');
  return c;
}

export interface Loaded<V> {
  data: V | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
  setData(v: V): void;
}

/** Runs load() on mount and whenever deps change; keeps the last answer. */
export function useLoad<V>(load: () => Promise<V>, deps: unknown[]): Loaded<V> {
  const [data, setData] = useState<V | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const my = ++seq.current;
    setLoading(true);
    setError(undefined);
    load().then(
      (v) => { if (my === seq.current) { setData(v); setLoading(false); } },
      (e) => { if (my === seq.current) { setError(e); setLoading(false); } },
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((x) => x + 1), []);
  return { data, error, loading, reload, setData };
}

export interface Paged<V> extends PagerState<V> {
  hasMore: boolean;
  more(): void;
  reload(): void;
  update(fn: (items: V[]) => V[]): void;
}

/**
 * A cursor-paged list: the first page on mount and whenever deps change (a
 * new filter starts from the first page), further pages with more().
 */
export function usePaged<V>(fetchPage: PageFetcher<V>, deps: unknown[], key?: (v: V) => string): Paged<V> {
  const [state, setState] = useState<PagerState<V> | null>(null);
  const pager = useRef<Pager<V>>();
  if (!pager.current) pager.current = new Pager<V>(setState, key);
  const p = pager.current;
  useEffect(() => { void p.reset(fetchPage); }, deps);
  const s = state ?? { ...p.state, loading: true };
  return {
    ...s,
    hasMore: s.loaded && !!s.nextCursor,
    more: () => { void p.more(); },
    reload: () => { void p.reset(); },
    update: (fn) => p.update(fn),
  };
}

/** "Show more" under a paged list (nothing when the list is complete). */
export function ShowMore({ list, testid = 'show-more' }: { list: Paged<unknown>; testid?: string }) {
  if (!list.hasMore) return null;
  return (
    <div class="show-more">
      <button type="button" class="btn" data-testid={testid} disabled={list.loadingMore || list.loading}
        aria-busy={list.loadingMore} onClick={() => list.more()}>
        {t(list.loadingMore ? 'common.loadingMore' : 'common.showMore')}
      </button>
    </div>
  );
}

/** The message to show for an error, or null when it needs none (401 goes to sign-in). */
export function errorMessage(e: unknown): string | null {
  if (!e) return null;
  if (e instanceof ApiError) {
    if (e.status === 401) return null;
    if (e.status === 503) return e.retryAfter ? t('err.unavailableRetry', { n: e.retryAfter }) : t('err.unavailable');
    if (e.status === 412) return `${e.title}. ${t('err.stale')}`;
    return e.title || t('err.generic');
  }
  if (e instanceof NetworkError) return t('err.network');
  if (e instanceof Error) return e.message || t('err.generic');
  return t('err.generic');
}

/** Shows an error: the problem's title and, unless shown next to fields, its field messages. */
export function ErrorBox({ error, shownFields = [] }: { error: unknown; shownFields?: string[] }) {
  const msg = errorMessage(error);
  if (!msg) return null;
  const rest = error instanceof ApiError ? error.errors.filter((f) => !shownFields.includes(f.field)) : [];
  return (
    <div class="alert alert-bad" role="alert" data-testid="error">
      <strong data-testid="error-title">{msg}</strong>
      {rest.length > 0 && (
        <ul>
          {rest.map((f) => <li key={f.field + f.code}>{fieldName(f.field)}: {f.message || fieldText(f.code)}</li>)}
        </ul>
      )}
    </div>
  );
}

/** A field of a request by its name in the reader's language ("issuedOn" → «дата выдачи»); unknown ones as they are. */
export function fieldName(field: string): string {
  const k = `field.${field}`;
  const s = t(k);
  return s === k ? field : s;
}

export function Loading() {
  return <p class="loading" role="status" aria-live="polite">{t('app.loading')}</p>;
}

export function Badge({ tone, children, testid }: { tone: Tone; children: ComponentChildren; testid?: string }) {
  return <span class={`badge badge-${tone}`} data-testid={testid}>{children}</span>;
}

let fieldSeq = 0;
export function useId(prefix = 'f'): string {
  const ref = useRef<string>();
  if (!ref.current) ref.current = `${prefix}-${++fieldSeq}`;
  return ref.current;
}

interface FieldProps {
  label: string;
  error?: string | null;
  hint?: string | null;
  required?: boolean;
  testid?: string;
  children: (id: string, describedBy: string | undefined, invalid: boolean) => ComponentChildren;
}

/** A labelled form control with its hint and error (aria-describedby, aria-invalid). */
export function Field({ label, error, hint, required, testid, children }: FieldProps) {
  const id = useId();
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field-invalid' : ''}`} data-testid={testid}>
      <label for={id}>
        {label}
        {required && <span class="req" aria-hidden="true"> *</span>}
      </label>
      {children(id, ids, !!error)}
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p class="field-error" id={`${id}-err`} data-testid={testid ? `${testid}-error` : undefined}>{error}</p>}
    </div>
  );
}

export function Timeline({ items }: { items: { key: string; at: string; title: ComponentChildren; sub?: ComponentChildren }[] }) {
  return (
    <ol class="timeline">
      {items.map((i) => (
        <li key={i.key}>
          <span class="timeline-dot" aria-hidden="true" />
          <div>
            <div class="timeline-title">{i.title}</div>
            <div class="timeline-sub">{i.at}{i.sub ? <> · {i.sub}</> : null}</div>
          </div>
        </li>
      ))}
    </ol>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="page-header">
      <h1 tabIndex={-1} data-testid="page-title">{title}</h1>
      {children && <div class="page-actions">{children}</div>}
    </div>
  );
}

/** Maps a server's field errors (problem+json errors[]) by field. */
export function serverFieldErrors(e: unknown): Record<string, string> {
  return e instanceof ApiError ? e.fieldErrors() : {};
}
