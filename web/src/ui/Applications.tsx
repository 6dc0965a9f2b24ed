import { PersonSelect, usePeople } from './Family';
import { Fragment } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { idempotencyKey, type WithETag } from '../api';
import { agencyName, days, loc, t } from '../i18n';
import { fieldText } from '../messages';
import { appTone, fmtDate, fmtDateTime, fmtPhone } from '../format';
import { navigate } from '../router';
import type { Application, Document, Person, Profile, Service } from '../types';
import { todayISO, validateService, type Errors } from '../validate';
import { PAGE_SIZE } from '../paging';
import { Badge, ErrorBox, Field, Loading, PageHeader, serverFieldErrors, ShowMore, Timeline, useApp, useLoad, usePaged } from './common';
import { FeeCard, InvitationCard, PickupCard, RespondCard } from './AppActions';

function serviceTitle(services: Service[] | undefined, code: string): string {
  const s = services?.find((x) => x.code === code);
  return s ? loc(s.title) : code;
}

export function ApplicationsPage() {
  const { api } = useApp();
  const apps = usePaged((cursor) => api.applications({ limit: PAGE_SIZE, cursor }), [], (a) => a.id);
  const services = useLoad(() => api.services(), []);
  const items = apps.items;
  return (
    <section data-testid="applications-page">
      <PageHeader title={t('apps.title')} />
      <ErrorBox error={apps.error || services.error} />
      <div class="grid-2 grid-apps">
        <div>
          <h2>{t('apps.mine')}</h2>
          {apps.loading && !apps.loaded ? <Loading /> : items.length === 0 ? (apps.error ? null : <p class="empty" data-testid="apps-empty">{t('apps.empty')}</p>) : (<>
            <ul class="cards" data-testid="apps-list">
              {items.map((a) => (
                <li key={a.id} class="card" data-testid="app-item" data-status={a.status}>
                  <div class="doc-card-head">
                    <h3 class="h3"><a href={`#/applications/${a.id}`}>{serviceTitle(services.data?.items, a.serviceCode)}</a></h3>
                    <Badge tone={appTone(a.status)}>{t(`astatus.${a.status}`)}</Badge>
                  </div>
                  <p class="muted small">
                    {a.receiptNumber ? <>{t('apps.receipt')}: <span class="mono">{a.receiptNumber}</span></> : fmtDateTime(a.updatedAt)}
                    {a.expectedDecisionDate && <> · {t('apps.expected')}: {fmtDate(a.expectedDecisionDate)}</>}
                  </p>
                  <a class="btn btn-small" href={`#/applications/${a.id}`}>{t(a.status === 'draft' ? 'apps.continue' : 'apps.open')}</a>
                </li>
              ))}
            </ul>
            <ShowMore list={apps} />
          </>)}
        </div>
        <div>
          <h2>{t('apps.catalogue')}</h2>
          {services.loading && !services.data ? <Loading /> : (
            <ul class="cards" data-testid="service-list">
              {(services.data?.items ?? []).map((s) => (
                <li key={s.code} class="card" data-testid="service-item" data-code={s.code}>
                  <h3 class="h3">{loc(s.title)}</h3>
                  <p class="muted small">{t('apps.agency', { a: agencyName(s.agency) })} · {t('apps.decisionDays', { d: days(s.decisionDays) })}</p>
                  <a class="btn btn-primary btn-small" href={`#/applications/new/${s.code}`} data-testid="service-apply">{t('apps.apply')}</a>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}

/** Values for a service's fields from the profile and documents (field.prefill). */
export function prefill(s: Service, profile: Profile | undefined, docs: Document[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of s.fields) {
    if (!f.prefill) continue;
    const [src, name] = f.prefill.split('.', 2);
    let v: unknown;
    if (src === 'profile' && profile) v = (profile as unknown as Record<string, unknown>)[name];
    if (src === 'document' && docs) v = docs.find((d) => d.type === name && d.status !== 'archived' && d.number)?.number;
    if (typeof v === 'string' && v) out[f.name] = v;
  }
  return out;
}

export function NewApplicationPage({ code }: { code: string }) {
  const { api } = useApp();
  const services = useLoad(() => api.services(), []);
  const profile = useLoad(() => api.profile().then((r) => r.body), []);
  const docs = useLoad(() => api.documents().then((r) => r.items), []);
  const people = usePeople();
  // For whom: the holder, or (where the service allows it) a dependent.
  const [subject, setSubject] = useState('');
  const svc = services.data?.items.find((s) => s.code === code);
  if (services.error) return <ErrorBox error={services.error} />;
  if (services.loading || profile.loading || docs.loading) return <Loading />;
  if (!svc) return <p class="alert alert-bad" role="alert">{t('err.notFound')}: {code}</p>;
  const person = people.data?.find((p) => p.id === subject);
  // Each person's own papers only: a holder's list holds their children's too.
  const theirs = (docs.data ?? []).filter((d) => (d.subject ?? '') === (person?.id ?? ''));
  const initial = person ? prefillFor(svc, profile.data, person, theirs) : prefill(svc, profile.data, theirs);
  return (
    <>
      {svc.forDependents && (
        <div class="card form">
          <PersonSelect value={subject} onChange={setSubject} label={t('family.applicant')} testid="app-subject" />
        </div>
      )}
      <ApplicationForm key={subject} service={svc} initial={initial} subject={subject || undefined} />
    </>
  );
}

/** prefill for a dependent: their name, birth date and SNILS; the contacts stay the holder's. */
export function prefillFor(s: Service, profile: Profile | undefined, person: Person, docs: Document[]): Record<string, string> {
  const out = prefill(s, profile, docs);
  for (const f of s.fields) {
    if (f.prefill === 'profile.name') out[f.name] = person.name;
    if (f.prefill === 'profile.birthDate') out[f.name] = person.birthDate;
    if (f.name === 'snils' && person.snils) out[f.name] = person.snils;
  }
  return out;
}

function ApplicationForm({ service, initial, app, onSubmitted, subject }: {
  service: Service; initial: Record<string, string>; app?: WithETag<Application>; onSubmitted?(a: WithETag<Application>): void;
  subject?: string;
}) {
  const { api, toast } = useApp();
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [remote, setRemote] = useState<{ busy: boolean; errors: Record<string, string>; valid: boolean | null }>({ busy: false, errors: {}, valid: null });
  const [saved, setSaved] = useState<WithETag<Application> | undefined>(app);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [createKey] = useState(idempotencyKey);
  const [submitKey] = useState(idempotencyKey);
  const today = todayISO();
  const clientErr: Errors = useMemo(() => validateService(service.fields, values, today), [values]);
  const seq = useRef(0);

  // Live server check, debounced: POST /applications/validate.
  useEffect(() => {
    const my = ++seq.current;
    setRemote((r) => ({ ...r, busy: true }));
    const timer = setTimeout(() => {
      api.validateApplication(service.code, nonEmpty(values), subject ?? app?.body.subject).then((res) => {
        if (my !== seq.current) return;
        const errors: Record<string, string> = {};
        for (const e of res.errors) if (!(e.field in errors)) errors[e.field] = e.message || fieldText(e.code);
        setRemote({ busy: false, errors, valid: res.valid });
      }, () => { if (my === seq.current) setRemote((r) => ({ ...r, busy: false })); });
    }, 400);
    return () => clearTimeout(timer);
  }, [values]);

  const serverFields = serverFieldErrors(error);
  function errFor(name: string): string | null {
    const show = submitted || touched.has(name);
    if (serverFields[name] || serverFields[`fields.${name}`]) return serverFields[name] ?? serverFields[`fields.${name}`];
    if (!show) return null;
    if (clientErr[name]) return fieldText(clientErr[name]);
    return remote.errors[name] ?? remote.errors[`fields.${name}`] ?? null;
  }

  function set(name: string, v: string) {
    setValues((old) => ({ ...old, [name]: v }));
    setTouched((tt) => new Set(tt).add(name));
  }

  async function save(): Promise<WithETag<Application>> {
    if (!saved) {
      const created = await api.createApplication(service.code, nonEmpty(values), createKey, subject);
      setSaved(created);
      return created;
    }
    const patch: Record<string, string | null> = {};
    for (const f of service.fields) {
      const now = (values[f.name] ?? '').trim();
      const was = saved.body.fields[f.name] ?? '';
      if (now !== was) patch[f.name] = now === '' ? null : now;
    }
    if (Object.keys(patch).length === 0) return saved;
    const res = await api.patchApplication(saved.body.id, patch, saved.etag ?? `"${saved.body.version}"`);
    setSaved(res);
    return res;
  }

  async function saveDraft() {
    setBusy(true);
    setError(null);
    try {
      const wasNew = !saved;
      const res = await save();
      toast(t('apps.draftSaved'));
      if (wasNew) navigate(`/applications/${res.body.id}`, undefined, true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    setError(null);
    if (Object.keys(clientErr).length > 0) {
      document.querySelector<HTMLElement>('.field-invalid input, .field-invalid select')?.focus();
      return;
    }
    setBusy(true);
    try {
      const draft = await save();
      const done = await api.submitApplication(draft.body.id, submitKey);
      toast(t('apps.submitted', { n: done.body.receiptNumber ?? '' }));
      if (onSubmitted) onSubmitted(done);
      else navigate(`/applications/${done.body.id}`, undefined, true);
    } catch (ex) {
      setError(ex);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section data-testid="application-form" data-service={service.code}>
      <PageHeader title={t('apps.formTitle', { s: loc(service.title) })}>
        <a class="btn btn-ghost" href="#/applications">{t('common.back')}</a>
      </PageHeader>
      <p class="muted">{t('apps.agency', { a: agencyName(service.agency) })} · {t('apps.decisionDays', { d: days(service.decisionDays) })}</p>
      <form class="card form" onSubmit={submit} novalidate>
        <ErrorBox error={error} shownFields={service.fields.flatMap((f) => [f.name, `fields.${f.name}`])} />
        {service.fields.map((f) => (
          <Field key={f.name} label={loc(f.label)} required={f.required} error={errFor(f.name)} testid={`field-${f.name}`}>
            {(id, db, invalid) => f.type === 'select' ? (
              <select id={id} value={values[f.name] ?? ''} aria-describedby={db} aria-invalid={invalid} data-testid={`input-${f.name}`}
                onChange={(e) => set(f.name, e.currentTarget.value)}>
                <option value="">{t('apps.choose')}</option>
                {(f.options ?? []).map((o) => <option key={o.value} value={o.value}>{loc(o.label)}</option>)}
              </select>
            ) : (
              <input id={id} type={f.type === 'date' ? 'date' : f.format === 'phone' ? 'tel' : f.format === 'email' ? 'email' : 'text'}
                value={values[f.name] ?? ''} maxLength={f.maxLength || undefined} aria-describedby={db} aria-invalid={invalid}
                max={f.format === 'past_date' ? today : undefined} data-testid={`input-${f.name}`}
                autocomplete={f.format === 'phone' ? 'tel' : f.format === 'email' ? 'email' : f.name === 'fullName' ? 'name' : 'off'}
                onInput={(e) => set(f.name, e.currentTarget.value)}
                onBlur={() => setTouched((tt) => new Set(tt).add(f.name))} />
            )}
          </Field>
        ))}
        <p class="hint" role="status" aria-live="polite" data-testid="remote-check">
          {remote.busy ? t('apps.checking') : remote.valid ? t('apps.checkedOk') : ''}
        </p>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="app-submit">{t('apps.submit')}</button>
          <button type="button" class="btn" disabled={busy} data-testid="app-save-draft" onClick={saveDraft}>{t('apps.saveDraft')}</button>
        </div>
      </form>
    </section>
  );
}

function nonEmpty(v: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (x.trim() !== '') out[k] = x.trim();
  return out;
}

export function ApplicationPage({ id }: { id: string }) {
  const { api, toast } = useApp();
  const app = useLoad(() => api.application(id), [id]);
  const services = useLoad(() => api.services(), []);
  const [withdrawing, setWithdrawing] = useState(false);
  const [comment, setComment] = useState('');
  const [confirmDel, setConfirmDel] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (app.error) return <ErrorBox error={app.error} />;
  if (!app.data || !services.data) return <Loading />;
  const a = app.data.body;
  const svc = services.data.items.find((s) => s.code === a.serviceCode);

  if (a.status === 'draft' && svc) {
    return (
      <>
        <ApplicationForm key={a.id} service={svc} initial={{ ...a.fields }} app={app.data} onSubmitted={(x) => app.setData(x)} />
        {a.documentId && <p class="muted"><a href={`#/documents/${a.documentId}`}>{t('apps.linkedDoc')}</a></p>}
        <ErrorBox error={error} />
        <div class="danger-zone">
          {!confirmDel ? (
            <button type="button" class="btn btn-small btn-danger" data-testid="app-delete" onClick={() => setConfirmDel(true)}>{t('apps.deleteDraft')}</button>
          ) : (
            <div class="confirm">
              <span>{t('common.confirmDelete')}</span>
              <button type="button" class="btn btn-small btn-danger" onClick={async () => {
                try { await api.deleteApplication(a.id); toast(t('apps.draftDeleted')); navigate('/applications'); } catch (e) { setError(e); }
              }}>{t('common.yes')}</button>
              <button type="button" class="btn btn-small" onClick={() => setConfirmDel(false)}>{t('common.no')}</button>
            </div>
          )}
        </div>
      </>
    );
  }

  async function withdraw(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      app.setData({ body: await api.withdrawApplication(a.id, comment.trim()), etag: null });
      toast(t('apps.withdrawn'));
      setWithdrawing(false);
    } catch (ex) {
      setError(ex);
    }
  }

  const canWithdraw = ['awaiting_payment', 'received', 'processing', 'needs_info', 'invited'].includes(a.status);
  return (
    <section data-testid="application-view" data-status={a.status}>
      <PageHeader title={serviceTitle(services.data.items, a.serviceCode)}>
        <a class="btn btn-ghost" href="#/applications">{t('common.back')}</a>
      </PageHeader>
      <ErrorBox error={error} />
      {a.status === 'needs_info' && <RespondCard a={a} svc={svc} onDone={(x) => app.setData({ body: x, etag: null })} />}
      {a.status === 'invited' && <InvitationCard a={a} />}
      {a.status === 'ready_for_pickup' && <PickupCard a={a} />}
      {a.fee && <FeeCard a={a} />}
      <div class="grid-2">
        <div class="card">
          {a.receiptNumber && (
            <p class="confirmation-number">
              <span class="muted">{t('apps.receipt')}</span>
              <strong class="mono" data-testid="receipt-number">{a.receiptNumber}</strong>
            </p>
          )}
          {a.receiptNumber && (
            <p>
              <button type="button" class="btn btn-small" data-testid="receipt-pdf"
                onClick={async () => {
                  setError(null);
                  try { await api.download(api.receiptPath(a.id), `receipt-${a.receiptNumber}.pdf`); } catch (ex) { setError(ex); }
                }}>{t('apps.receiptPdf')}</button>
            </p>
          )}
          <dl class="kv">
            <dt>{t('apps.status')}</dt><dd><Badge tone={appTone(a.status)} testid="app-status">{t(`astatus.${a.status}`)}</Badge></dd>
            {a.submittedAt && <><dt>{t('apps.submittedAt')}</dt><dd>{fmtDateTime(a.submittedAt)}</dd></>}
            <dt>{t('apps.expected')}</dt><dd data-testid="app-expected">{fmtDate(a.expectedDecisionDate)}</dd>
          </dl>
          <h2 class="h3">{t('apps.fields')}</h2>
          <dl class="kv">
            {(svc?.fields ?? Object.keys(a.fields).map((name) => ({ name, label: { ru: name, en: name }, options: undefined as undefined | { value: string; label: Record<string, string> }[], format: undefined as string | undefined })))
              .filter((f) => a.fields[f.name])
              .map((f) => (
                <Fragment key={f.name}>
                  <dt>{loc(f.label)}</dt>
                  <dd>{fieldValue(f, a.fields[f.name])}</dd>
                </Fragment>
              ))}
          </dl>
          {a.documentId && <p><a href={`#/documents/${a.documentId}`}>{t('apps.linkedDoc')}</a></p>}
          {canWithdraw && (
            <div class="danger-zone">
              <button type="button" class="btn btn-danger btn-small" aria-expanded={withdrawing} data-testid="app-withdraw"
                onClick={() => setWithdrawing(!withdrawing)}>{t('apps.withdraw')}</button>
              {withdrawing && (
                <form class="inline-form" onSubmit={withdraw}>
                  <Field label={t('apps.withdrawComment')} hint={t('common.optional')}>
                    {(fid, db) => <input id={fid} value={comment} aria-describedby={db} onInput={(e) => setComment(e.currentTarget.value)} />}
                  </Field>
                  <button type="submit" class="btn btn-danger btn-small" data-testid="app-withdraw-confirm">{t('apps.withdraw')}</button>
                </form>
              )}
            </div>
          )}
        </div>
        <div class="card">
          <h2 class="h3">{t('apps.timeline')}</h2>
          <div data-testid="app-timeline">
            <Timeline items={[...a.timeline].reverse().map((e, i) => ({
              key: `${e.at}-${i}`,
              at: fmtDateTime(e.at),
              title: <>{e.from && e.from !== e.to ? `${t(`astatus.${e.from}`)} → ` : ''}<strong>{t(`astatus.${e.to}`)}</strong></>,
              sub: [roleName(e.role), e.comment, e.noteText ? loc(e.noteText) : '', (e.files ?? []).map((f) => f.name).join(', ')].filter(Boolean).join(' · '),
            }))} />
          </div>
        </div>
      </div>
    </section>
  );
}

/** A submitted value for reading: an option by its label, a date as 31.12.2026, a phone as +7 999 000-00-01. */
function fieldValue(f: { options?: { value: string; label: Record<string, string> }[]; format?: string }, v: string): string {
  const option = loc(f.options?.find((o) => o.value === v)?.label);
  if (option) return option;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return fmtDate(v);
  if (f.format === 'phone') return fmtPhone(v);
  return v;
}

function roleName(role: string): string {
  const k = `apps.role.${role}`;
  const s = t(k);
  return s === k ? role : s;
}
