import { PersonSelect, usePeople } from './Family';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { idempotencyKey } from '../api';
import { loc, t } from '../i18n';
import { daysLeftText, docStatusLabel, docTone, fmtDate, fmtDateTime, maskNumber } from '../format';
import { navigate } from '../router';
import type { Document, DocumentCreate, DocumentPatch, DocumentType, HistoryEntry } from '../types';
import {
  docTypeRules, parseRemindDays, todayISO, validateDocument, type DocumentFormValues, type Errors,
} from '../validate';
import { PAGE_SIZE } from '../paging';
import { renewalDue, sortForAction } from '../docorder';
import { fieldText } from '../messages';
import { Badge, ErrorBox, Field, Loading, PageHeader, serverFieldErrors, ShowMore, Timeline, useApp, useLoad, usePaged } from './common';
import { DocumentFiles } from './Files';
import { DocumentShares } from './Shares';

const VIEW_KEY = 'kabinet.docView';
const STATUSES = ['valid', 'expiring', 'expired', 'replacement_required', 'revoked', 'archived'] as const;


function narrow(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(max-width: 719px)').matches;
}

export function docName(d: Document, types: Map<string, DocumentType>): string {
  return d.title || loc(types.get(d.type)?.title) || d.type;
}

export function useTypes() {
  const { api } = useApp();
  return useLoad(async () => {
    const list = await api.documentTypes();
    return new Map<string, DocumentType>(list.items.map((x) => [x.type, x]));
  }, []);
}

function DocNumber({ d, name, revealed, toggle }: { d: Document; name: string; revealed: boolean; toggle(): void }) {
  if (!d.number) return <span class="muted">{t('doc.noNumber')}</span>;
  return (
    <span class="docnum">
      <span class="mono" data-testid="doc-number">{revealed ? d.number : maskNumber(d.number)}</span>
      <button type="button" class="btn-link" aria-pressed={revealed} data-testid="doc-number-toggle"
        aria-label={t(revealed ? 'doc.hideNumber' : 'doc.showNumber', { doc: name })} onClick={toggle}>
        {t(revealed ? 'doc.hide' : 'doc.show')}
      </button>
    </span>
  );
}

/** A lab result says so, and which laboratory sent it. */
function LabMark({ d }: { d: Document }) {
  if (d.type !== 'lab_result') return null;
  return <span class="lab-mark" data-testid="doc-lab"> · {d.issuer ? t('doc.labFrom', { lab: d.issuer.toUpperCase() }) : t('doc.lab')}</span>;
}

/** Overdue and still in use: an archived or revoked document's past date is history, not an alarm. */
function overdue(d: Document): boolean {
  return d.daysLeft !== null && d.daysLeft < 0 && d.status !== 'archived' && d.status !== 'revoked';
}

function DocStatus({ d }: { d: Document }) {
  return <Badge tone={docTone(d.status)} testid="doc-status">{docStatusLabel(d.status)}</Badge>;
}

function useDocActions(onChanged: (d: Document) => void) {
  const { api, toast } = useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function run(id: string, what: 'archive' | 'unarchive' | 'renew') {
    setBusy(`${what}-${id}`);
    setError(null);
    try {
      if (what === 'renew') {
        const app = await api.renew(id, idempotencyKey());
        toast(t('doc.renewStarted'));
        navigate(`/applications/${app.id}`);
        return;
      }
      const d = what === 'archive' ? await api.archive(id) : await api.unarchive(id);
      toast(t(what === 'archive' ? 'doc.archived' : 'doc.unarchived'));
      onChanged(d);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }
  return { busy, error, run };
}

// DocActions are a document's buttons. Renewal is offered for the types
// GET /document-types gives a renewalService (POST /documents/{id}/renew
// answers 409 not_renewable for the others): as the primary button when it
// is due (expired, expiring, needing replacement), else as a plain one, so
// that the one loud button on the screen is the one to press.
function DocActions({ d, types, busy, run, compact, inView }: {
  d: Document; types: Map<string, DocumentType>; busy: string | null; run(id: string, what: 'archive' | 'unarchive' | 'renew'): void;
  compact?: boolean; inView?: boolean;
}) {
  const archived = d.status === 'archived';
  const renewable = !!types.get(d.type)?.renewalService;
  return (
    <div class={`actions${compact ? ' actions-compact' : ''}`}>
      {!archived && d.status !== 'revoked' && (renewable || d.renewalApplicationId) && (d.renewalApplicationId ? (
        <a class="btn btn-small" href={`#/applications/${d.renewalApplicationId}`} data-testid="doc-renewal">{t('doc.renewOpen')}</a>
      ) : (
        <button type="button" class={`btn btn-small${renewalDue(d.status) ? ' btn-primary' : ''}`} data-testid="doc-renew"
          data-due={renewalDue(d.status)} disabled={busy === `renew-${d.id}`}
          onClick={() => run(d.id, 'renew')}>{t('doc.renew')}</button>
      ))}
      {!inView && <a class="btn btn-small" href={`#/documents/${d.id}`} data-testid="doc-view">{t('doc.view')}</a>}
      <button type="button" class="btn btn-small" data-testid={archived ? 'doc-unarchive' : 'doc-archive'}
        disabled={busy === `${archived ? 'unarchive' : 'archive'}-${d.id}`}
        onClick={() => run(d.id, archived ? 'unarchive' : 'archive')}>
        {t(archived ? 'doc.unarchive' : 'doc.archive')}
      </button>
      {!inView && <a class="btn btn-small btn-ghost" href={`#/documents/${d.id}?history=1`} data-testid="doc-history">{t('doc.history')}</a>}
    </div>
  );
}

export function DocumentsPage() {
  const { api } = useApp();
  const types = useTypes();
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const [subject, setSubject] = useState('');
  const people = usePeople();
  // A new filter starts again from the first page.
  const docs = usePaged((cursor) => api.documents({ status: status || undefined, type: type || undefined, subject: subject || undefined, limit: PAGE_SIZE, cursor }),
    [status, type, subject], (d) => d.id);
  const [view, setView] = useState<'table' | 'cards'>(() => {
    const saved = localStorage.getItem(VIEW_KEY);
    if (narrow()) return 'cards';
    return saved === 'cards' || saved === 'table' ? saved : 'table';
  });
  const [revealed, setRevealed] = useState<Set<string>>(new Set());
  const actions = useDocActions((d) => {
    docs.update((items) => items.map((x) => (x.id === d.id ? d : x)));
  });
  const typeMap = types.data ?? new Map<string, DocumentType>();

  function pickView(v: 'table' | 'cards') {
    setView(v);
    localStorage.setItem(VIEW_KEY, v);
  }
  function toggle(id: string) {
    const next = new Set(revealed);
    if (next.has(id)) next.delete(id); else next.add(id);
    setRevealed(next);
  }

  // What needs action first (docorder.ts). The API pages oldest first; the
  // order is of the pages loaded so far, which for most people is all of them.
  const items = useMemo(() => sortForAction(docs.items), [docs.items]);
  return (
    <section data-testid="documents-page">
      <PageHeader title={t('doc.title')}>
        <a class="btn btn-primary" href="#/documents/new" data-testid="doc-add">{t('doc.add')}</a>
      </PageHeader>
      <div class="toolbar">
        <Field label={t('doc.filter.status')}>
          {(id) => (
            <select id={id} value={status} data-testid="doc-filter-status" onChange={(e) => setStatus(e.currentTarget.value)}>
              <option value="">{t('common.all')}</option>
              {STATUSES.map((s) => <option key={s} value={s}>{docStatusLabel(s)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('doc.filter.type')}>
          {(id) => (
            <select id={id} value={type} data-testid="doc-filter-type" onChange={(e) => setType(e.currentTarget.value)}>
              <option value="">{t('common.all')}</option>
              {[...typeMap.values()].map((x) => <option key={x.type} value={x.type}>{loc(x.title)}</option>)}
            </select>
          )}
        </Field>
        {(people.data?.length ?? 0) > 0 && (
          <Field label={t('family.whose')}>
            {(id) => (
              <select id={id} value={subject} data-testid="doc-filter-subject" onChange={(e) => setSubject(e.currentTarget.value)}>
                <option value="">{t('common.all')}</option>
                <option value="self">{t('family.me')}</option>
                {people.data!.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select>
            )}
          </Field>
        )}
        <div class="segmented" role="group" aria-label={t('doc.view.label')}>
          <button type="button" aria-pressed={view === 'table'} data-testid="view-table" onClick={() => pickView('table')}>
            {t('doc.view.table')}
          </button>
          <button type="button" aria-pressed={view === 'cards'} data-testid="view-cards" onClick={() => pickView('cards')}>
            {t('doc.view.cards')}
          </button>
        </div>
      </div>
      <ErrorBox error={docs.error || types.error || actions.error} />
      {docs.loading && !docs.loaded ? <Loading /> : items.length === 0 ? (docs.error ? null : (
        <p class="empty" data-testid="doc-empty">{t('doc.empty')}</p>
      )) : view === 'table' ? (
        <div class="table-wrap">
          <table class="table" data-testid="doc-table">
            <thead>
              <tr>
                <th scope="col">{t('doc.col.type')}</th>
                <th scope="col">{t('doc.col.number')}</th>
                <th scope="col">{t('doc.col.issued')}</th>
                <th scope="col">{t('doc.col.validUntil')}</th>
                <th scope="col">{t('doc.col.status')}</th>
                <th scope="col">{t('doc.col.daysLeft')}</th>
                <th scope="col">{t('doc.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => {
                const name = docName(d, typeMap);
                return (
                  <tr key={d.id} data-testid="doc-row" data-doc-id={d.id} data-doc-type={d.type}>
                    <th scope="row"><a href={`#/documents/${d.id}`}>{name}</a>{d.subjectName && <span class="muted small" data-testid="doc-subject-name"> · {d.subjectName}</span>}<LabMark d={d} /></th>
                    <td><DocNumber d={d} name={name} revealed={revealed.has(d.id)} toggle={() => toggle(d.id)} /></td>
                    <td>{fmtDate(d.issuedOn)}</td>
                    <td>{d.expiresOn ? fmtDate(d.expiresOn) : t('doc.indefinite')}</td>
                    <td><DocStatus d={d} /></td>
                    <td class={overdue(d) ? 'text-bad' : ''}>{daysLeftText(d.daysLeft)}</td>
                    <td><DocActions d={d} types={typeMap} busy={actions.busy} run={actions.run} compact /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <ul class="cards" data-testid="doc-cards">
          {items.map((d) => {
            const name = docName(d, typeMap);
            return (
              <li key={d.id} class={`card doc-card tone-${docTone(d.status)}`} data-testid="doc-card" data-doc-id={d.id} data-doc-type={d.type}>
                <div class="doc-card-head">
                  <h2 class="h3"><a href={`#/documents/${d.id}`}>{name}</a>{d.subjectName && <span class="muted small"> · {d.subjectName}</span>}<LabMark d={d} /></h2>
                  <DocStatus d={d} />
                </div>
                <dl class="kv">
                  <dt>{t('doc.col.number')}</dt>
                  <dd><DocNumber d={d} name={name} revealed={revealed.has(d.id)} toggle={() => toggle(d.id)} /></dd>
                  <dt>{t('doc.col.issued')}</dt>
                  <dd>{fmtDate(d.issuedOn)}</dd>
                  <dt>{t('doc.col.validUntil')}</dt>
                  <dd>{d.expiresOn ? fmtDate(d.expiresOn) : t('doc.indefinite')}</dd>
                  <dt>{t('doc.col.daysLeft')}</dt>
                  <dd class={overdue(d) ? 'text-bad' : ''}>{daysLeftText(d.daysLeft)}</dd>
                </dl>
                <DocActions d={d} types={typeMap} busy={actions.busy} run={actions.run} />
              </li>
            );
          })}
        </ul>
      )}
      {items.length > 0 && <ShowMore list={docs} />}
    </section>
  );
}

const EMPTY: DocumentFormValues = {
  type: '', title: '', number: '', issuedOn: '', manualExpiry: false, indefinite: false, expiresOn: '', remindDays: '',
};

function ruleText(dt: DocumentType | undefined): string {
  if (!dt?.rule) return '';
  const key = dt.rule === 'indefinite' ? 'doc.rule.indefinite' : `doc.rule.${dt.type}`;
  const s = t(key);
  return s === key ? dt.rule : s;
}

/** Add (no id) or edit a document, with live validation and the server's field errors. */
export function DocumentForm({ id, subject: initialSubject = '' }: { id?: string; subject?: string }) {
  const { api, toast } = useApp();
  const types = useTypes();
  const [v, setV] = useState<DocumentFormValues>(EMPTY);
  const [orig, setOrig] = useState<{ doc: Document; etag: string } | null>(null);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErr, setServerErr] = useState<unknown>(null);
  const [serverFields, setServerFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [loadErr, setLoadErr] = useState<unknown>(null);
  const [key] = useState(idempotencyKey);
  const [subject, setSubject] = useState(initialSubject);
  const editing = !!id;

  useEffect(() => {
    if (!id) return;
    api.document(id).then(({ body: d, etag }) => {
      setOrig({ doc: d, etag: etag ?? `"${d.version}"` });
      setV({
        type: d.type, title: d.title ?? '', number: d.number ?? '', issuedOn: d.issuedOn ?? '',
        manualExpiry: d.expiresOnSource === 'user', indefinite: d.expiresOn === null,
        expiresOn: d.expiresOn ?? '', remindDays: d.remindDays.join(', '),
      });
    }, setLoadErr);
  }, [id]);

  const dt = types.data?.get(v.type);
  const rules = docTypeRules(v.type, dt?.needsTitle, dt?.rule);
  const today = todayISO();
  const clientErr: Errors = useMemo(() => validateDocument(v, rules, today), [v, dt]);

  function set<K extends keyof DocumentFormValues>(k: K, val: DocumentFormValues[K]) {
    setV((old) => ({ ...old, [k]: val }));
    setTouched((tt) => new Set(tt).add(k));
    // A field's server error is stale once the field changes.
    setServerFields((sf) => { const n = { ...sf }; delete n[k]; return n; });
  }
  function err(k: string): string | null {
    if (serverFields[k]) return serverFields[k];
    if (clientErr[k] && (submitted || touched.has(k))) return fieldText(clientErr[k]);
    return null;
  }

  // What POST /documents gets: only what was filled in.
  function createBody(): DocumentCreate {
    const userExpiry = !rules.hasRule || v.manualExpiry;
    const out: DocumentCreate = { type: v.type as DocumentCreate['type'] };
    if (subject) out.subject = subject;
    const rd = parseRemindDays(v.remindDays) ?? [];
    if (v.title.trim()) out.title = v.title.trim();
    if (v.number.trim()) out.number = v.number.trim();
    if (v.issuedOn) out.issuedOn = v.issuedOn;
    if (userExpiry) out.expiresOn = v.indefinite ? null : v.expiresOn;
    if (rd.length) out.remindDays = rd;
    return out;
  }

  // What PATCH /documents/{id} gets: only what changed (null clears).
  function patchBody(): DocumentPatch {
    const userExpiry = !rules.hasRule || v.manualExpiry;
    const out: DocumentPatch = {};
    const rd = parseRemindDays(v.remindDays) ?? [];
    const d = orig!.doc;
    if (v.title.trim() !== (d.title ?? '')) out.title = v.title.trim() || null;
    if (v.number.trim() !== (d.number ?? '')) out.number = v.number.trim() || null;
    if (v.issuedOn !== (d.issuedOn ?? '')) out.issuedOn = v.issuedOn || null;
    if (userExpiry) {
      const exp = v.indefinite ? null : v.expiresOn;
      if (exp !== d.expiresOn || d.expiresOnSource !== 'user') out.expiresOn = exp;
    }
    if (rd.join(',') !== d.remindDays.join(',')) out.remindDays = rd.length ? rd : null;
    return out;
  }

  async function submit(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    setServerErr(null);
    if (Object.keys(clientErr).length > 0) {
      const first = document.querySelector<HTMLElement>('.field-invalid input, .field-invalid select');
      first?.focus();
      return;
    }
    setBusy(true);
    try {
      let saved: Document;
      if (editing) {
        const patch = patchBody();
        if (Object.keys(patch).length === 0) { navigate(`/documents/${id}`); return; }
        saved = (await api.updateDocument(id!, patch, orig!.etag)).body;
        toast(t('doc.updated'));
      } else {
        saved = await api.createDocument(createBody(), key);
        toast(t('doc.created'));
      }
      navigate(editing ? `/documents/${saved.id}` : subject ? `/family/${subject}` : '/documents');
    } catch (ex) {
      setServerErr(ex);
      setServerFields(serverFieldErrors(ex));
    } finally {
      setBusy(false);
    }
  }

  if (loadErr) return <ErrorBox error={loadErr} />;
  if (types.loading || (editing && !orig)) return <Loading />;
  const typeList = [...(types.data?.values() ?? [])];
  const numberHint = v.type ? t(`doc.form.numberHint.${v.type}`) : '';
  const shown = ['type', 'title', 'number', 'issuedOn', 'expiresOn', 'remindDays'];

  return (
    <section data-testid="document-form">
      <PageHeader title={t(editing ? 'doc.form.editTitle' : 'doc.form.newTitle')} />
      <form class="card form" onSubmit={submit} novalidate>
        <ErrorBox error={serverErr} shownFields={shown} />
        {!editing && <PersonSelect value={subject} onChange={setSubject} label={t('family.whose')} testid="doc-subject" />}
        <Field label={t('doc.form.type')} required error={err('type')}>
          {(fid, db, invalid) => (
            <select id={fid} value={v.type} disabled={editing} aria-describedby={db} aria-invalid={invalid}
              data-testid="doc-type" onChange={(e) => set('type', e.currentTarget.value)}>
              <option value="">{t('doc.form.chooseType')}</option>
              {typeList.map((x) => <option key={x.type} value={x.type}>{loc(x.title)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('doc.form.title')} required={rules.needsTitle} error={err('title')} hint={t('doc.form.titleHint')}>
          {(fid, db, invalid) => (
            <input id={fid} value={v.title} maxLength={200} aria-describedby={db} aria-invalid={invalid}
              data-testid="doc-title" onInput={(e) => set('title', e.currentTarget.value)} />
          )}
        </Field>
        <Field label={t('doc.form.number')} error={err('number')}
          hint={numberHint.startsWith('doc.form.') ? null : numberHint}>
          {(fid, db, invalid) => (
            <input id={fid} value={v.number} maxLength={64} autocomplete="off" aria-describedby={db} aria-invalid={invalid}
              data-testid="doc-number-input" onInput={(e) => set('number', e.currentTarget.value)}
              onBlur={() => setTouched((tt) => new Set(tt).add('number'))} />
          )}
        </Field>
        <Field label={t('doc.form.issuedOn')} required={rules.ruleNeedsIssued && !v.manualExpiry} error={err('issuedOn')}>
          {(fid, db, invalid) => (
            <input id={fid} type="date" value={v.issuedOn} max={today} aria-describedby={db} aria-invalid={invalid}
              data-testid="doc-issued" onInput={(e) => set('issuedOn', e.currentTarget.value)} />
          )}
        </Field>
        {rules.hasRule && (
          <div class="rule-box">
            <p class="hint" data-testid="doc-rule">{t('doc.form.rule', { rule: ruleText(dt) })}</p>
            <label class="check">
              <input type="checkbox" checked={v.manualExpiry} data-testid="doc-manual-expiry"
                onChange={(e) => set('manualExpiry', e.currentTarget.checked)} />
              {t('doc.form.manualExpiry')}
            </label>
          </div>
        )}
        {(!rules.hasRule || v.manualExpiry) && (
          <fieldset class="fieldset">
            <legend class="sr-only">{t('doc.form.expiresOn')}</legend>
            <label class="check">
              <input type="checkbox" checked={v.indefinite} data-testid="doc-indefinite"
                onChange={(e) => set('indefinite', e.currentTarget.checked)} />
              {t('doc.form.indefinite')}
            </label>
            {!v.indefinite && (
              <Field label={t('doc.form.expiresOn')} required error={err('expiresOn')}>
                {(fid, db, invalid) => (
                  <input id={fid} type="date" value={v.expiresOn} min={v.issuedOn || undefined} aria-describedby={db}
                    aria-invalid={invalid} data-testid="doc-expires" onInput={(e) => set('expiresOn', e.currentTarget.value)} />
                )}
              </Field>
            )}
          </fieldset>
        )}
        {rules.hasRule && !v.manualExpiry && serverFields.expiresOn && (
          <p class="field-error" role="alert" data-testid="doc-expires-server-error">{serverFields.expiresOn}</p>
        )}
        <Field label={t('doc.remindDays')} error={err('remindDays')}
          hint={t('doc.remindDaysHint', { d: (dt?.reminderSteps ?? []).join(', ') || '—' })}>
          {(fid, db, invalid) => (
            <input id={fid} value={v.remindDays} inputMode="numeric" aria-describedby={db} aria-invalid={invalid}
              data-testid="doc-remind" placeholder={(dt?.reminderSteps ?? []).join(', ')}
              onInput={(e) => set('remindDays', e.currentTarget.value)} />
          )}
        </Field>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="doc-submit">
            {t(editing ? 'common.save' : 'doc.form.submitNew')}
          </button>
          <a class="btn btn-ghost" href={editing ? `#/documents/${id}` : '#/documents'}>{t('common.cancel')}</a>
        </div>
      </form>
    </section>
  );
}

function historyTitle(h: HistoryEntry): string {
  if (h.action === 'updated') {
    const f = (h.fields ?? []).map((x) => t(`field.${x}`));
    return f.length ? t('hist.updated', { fields: f.join(', ') }) : t('hist.updatedNoFields');
  }
  return t(`hist.${h.action}`);
}

export function DocumentView({ id }: { id: string }) {
  const { api, toast } = useApp();
  const types = useTypes();
  const doc = useLoad(() => api.document(id), [id]);
  const hist = useLoad(() => api.history(id), [id]);
  const [revealed, setRevealed] = useState(false);
  const [confirmDel, setConfirmDel] = useState(false);
  const [delErr, setDelErr] = useState<unknown>(null);
  const actions = useDocActions((d) => { doc.setData({ body: d, etag: `"${d.version}"` }); hist.reload(); });

  useEffect(() => {
    if (hist.data && new URLSearchParams(location.hash.split('?')[1] ?? '').get('history')) {
      document.getElementById('history')?.scrollIntoView();
    }
  }, [hist.data]);

  async function del() {
    try {
      await api.deleteDocument(id);
      toast(t('doc.deleted'));
      navigate('/documents');
    } catch (e) {
      setDelErr(e);
    }
  }

  if (doc.error) return <ErrorBox error={doc.error} />;
  if (!doc.data) return <Loading />;
  const d = doc.data.body;
  const typeMap = types.data ?? new Map<string, DocumentType>();
  const name = docName(d, typeMap);
  return (
    <section data-testid="document-view">
      <PageHeader title={name}>
        <a class="btn" href={`#/documents/${d.id}/edit`} data-testid="doc-edit">{t('common.edit')}</a>
        <a class="btn btn-ghost" href="#/documents">{t('common.back')}</a>
      </PageHeader>
      <ErrorBox error={actions.error || delErr} />
      <div class="grid-2">
        <div class="card">
          <h2 class="h3">{t('doc.details')}</h2>
          <dl class="kv">
            <dt>{t('doc.col.type')}</dt><dd>{loc(typeMap.get(d.type)?.title) || d.type}</dd>
            <dt>{t('doc.col.status')}</dt><dd><DocStatus d={d} /></dd>
            <dt>{t('doc.col.number')}</dt>
            <dd><DocNumber d={d} name={name} revealed={revealed} toggle={() => setRevealed(!revealed)} /></dd>
            <dt>{t('doc.col.issued')}</dt><dd>{fmtDate(d.issuedOn)}</dd>
            <dt>{t('doc.col.validUntil')}</dt><dd>{d.expiresOn ? fmtDate(d.expiresOn) : t('doc.indefinite')}</dd>
            <dt>{t('doc.col.daysLeft')}</dt><dd>{daysLeftText(d.daysLeft)}</dd>
            <dt>{t('doc.source')}</dt><dd>{t(`doc.source.${d.expiresOnSource}`)}</dd>
            <dt>{t('doc.remindDays')}</dt><dd>{d.remindDays.join(', ') || t('common.none')}</dd>
            {d.issuer && <><dt>{t('doc.issuer')}</dt><dd>{d.issuer}</dd></>}
          </dl>
          {d.revokedAt && <p class="alert alert-bad">{t('doc.revoked', { date: fmtDateTime(d.revokedAt) })}{d.revokedReason ? `: ${d.revokedReason}` : ''}</p>}
          {d.replacedBy && <p><a href={`#/documents/${d.replacedBy}`}>{t('doc.replacedBy')}</a></p>}
          <DocActions d={d} types={typeMap} busy={actions.busy} run={actions.run} inView />
          <div class="danger-zone">
            {!confirmDel ? (
              <button type="button" class="btn btn-small btn-danger" data-testid="doc-delete" onClick={() => setConfirmDel(true)}>
                {t('common.delete')}
              </button>
            ) : (
              <div class="confirm" role="group" aria-label={t('common.confirmDelete')}>
                <span>{t('common.confirmDelete')}</span>
                <button type="button" class="btn btn-small btn-danger" data-testid="doc-delete-confirm" onClick={del}>{t('common.yes')}</button>
                <button type="button" class="btn btn-small" onClick={() => setConfirmDel(false)}>{t('common.no')}</button>
              </div>
            )}
          </div>
        </div>
        <div class="card" id="history">
          <h2 class="h3">{t('doc.history')}</h2>
          <ErrorBox error={hist.error} />
          {hist.data && (hist.data.items.length === 0 ? <p class="muted">{t('doc.historyEmpty')}</p> : (
            <div data-testid="doc-timeline">
              <Timeline items={hist.data.items.map((h) => ({
                key: h.id,
                at: fmtDateTime(h.at),
                title: historyTitle(h),
                sub: t('hist.actor', { actor: h.actor }),
              }))} />
            </div>
          ))}
        </div>
      </div>
      <div class="grid-2">
        <DocumentFiles docId={d.id} />
        <DocumentShares docId={d.id} />
      </div>
    </section>
  );
}
