import { useState } from 'preact/hooks';
import { idempotencyKey } from '../api';
import { t } from '../i18n';
import { fmtDate, fmtDateTime, type Tone } from '../format';
import { fieldText } from '../messages';
import { href, navigate } from '../router';
import type { Person, PersonInput } from '../types';
import { docName, useTypes } from './Documents';
import { Badge, ErrorBox, Field, Loading, PageHeader, serverFieldErrors, useApp, useLoad } from './common';

const PATIENT_KEY = 'kabinet.patient';

/**
 * The patient a booking flow started for (a person's page links to
 * /appointments?patient=<id>): kept for the tab while the user picks an
 * institution, a specialist and a slot; the confirm form preselects them
 * (and shows whom), and a booking made forgets them.
 */
export function rememberPatient(id: string | null): void {
  if (id) sessionStorage.setItem(PATIENT_KEY, id); else sessionStorage.removeItem(PATIENT_KEY);
}

/** The patient rememberPatient kept ('' for the holder). */
export function rememberedPatient(): string {
  return sessionStorage.getItem(PATIENT_KEY) ?? '';
}

const STATUS_TONE: Record<Person['status'], Tone> = { active: 'ok', grown_up: 'muted', expired: 'warn' };

function StatusBadge({ p }: { p: Person }) {
  return <Badge tone={STATUS_TONE[p.status]} testid="person-status">{t(`family.status.${p.status}`)}</Badge>;
}

/** The people the holder acts for (GET /family), as options: the holder first, then each active dependent. */
export function usePeople() {
  const { api } = useApp();
  return useLoad(() => api.family().then((l) => l.items.filter((p) => p.status === 'active')), []);
}

/**
 * "Whose is it": me or one of the people I act for. Shown only when there
 * is someone to choose; value '' is the holder.
 */
export function PersonSelect({ value, onChange, label, testid }: {
  value: string; onChange(v: string): void; label: string; testid: string;
}) {
  const people = usePeople();
  // Not before the list is in: a <select> whose value has no option yet
  // shows the first one, and keeps showing it when the options arrive.
  if (!people.data) return null;
  const list = people.data;
  if (list.length === 0 && !value) return null;
  return (
    <Field label={label}>
      {(fid, db) => (
        <select id={fid} value={value} aria-describedby={db} data-testid={testid} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{t('family.me')}</option>
          {list.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
      )}
    </Field>
  );
}

interface FormValues { name: string; birthDate: string; relation: 'child' | 'ward'; snils: string; until: string }
const EMPTY: FormValues = { name: '', birthDate: '', relation: 'child', snils: '', until: '' };

/** «Семья»: the people in my care and a form to add one. */
export function FamilyPage() {
  const { api, toast } = useApp();
  const people = useLoad(() => api.family(), []);
  const [v, setV] = useState<FormValues>(EMPTY);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(idempotencyKey);
  const fields = serverFieldErrors(error);
  const missing = (k: keyof FormValues) => (error === 'local' && !v[k] ? fieldText('required') : null);

  function set<K extends keyof FormValues>(k: K, val: FormValues[K]) { setV((o) => ({ ...o, [k]: val })); }

  async function submit(e: Event) {
    e.preventDefault();
    if (!v.name.trim() || !v.birthDate || (v.relation === 'ward' && !v.until)) { setError('local'); return; }
    setBusy(true);
    setError(null);
    const body: PersonInput = { name: v.name.trim(), birthDate: v.birthDate, relation: v.relation };
    if (v.snils.trim()) body.snils = v.snils.trim();
    if (v.relation === 'ward') body.until = v.until;
    try {
      const p = await api.addPerson(body, key);
      toast(t('family.added', { name: p.name }));
      setV(EMPTY);
      setAdding(false);
      setKey(idempotencyKey());
      people.reload();
    } catch (ex) {
      setError(ex);
      setKey(idempotencyKey());
    } finally {
      setBusy(false);
    }
  }

  const items = people.data?.items ?? [];
  return (
    <section data-testid="family-page">
      <PageHeader title={t('family.title')}>
        {!adding && <button type="button" class="btn btn-primary" data-testid="person-add" onClick={() => setAdding(true)}>{t('family.add')}</button>}
      </PageHeader>
      <p class="lead">{t('family.lead')}</p>
      <ErrorBox error={people.error} />
      {adding && (
        <form class="card form" onSubmit={submit} novalidate data-testid="person-form">
          <h2 class="h3">{t('family.addTitle')}</h2>
          {error !== 'local' && <ErrorBox error={error} shownFields={['name', 'birthDate', 'relation', 'snils', 'until']} />}
          <fieldset class="fieldset">
            <legend>{t('family.relation')}</legend>
            {(['child', 'ward'] as const).map((r) => (
              <label class="check" key={r}>
                <input type="radio" name="relation" value={r} checked={v.relation === r} data-testid={`person-relation-${r}`}
                  onChange={() => set('relation', r)} />
                {t(`family.relation.${r}`)}
              </label>
            ))}
          </fieldset>
          <Field label={t('family.name')} required error={fields.name ?? missing('name')}>
            {(fid, db, invalid) => (
              <input id={fid} value={v.name} maxLength={200} autocomplete="off" aria-describedby={db} aria-invalid={invalid}
                data-testid="person-name" onInput={(e) => set('name', e.currentTarget.value)} />
            )}
          </Field>
          <Field label={t('family.birthDate')} required error={fields.birthDate ?? missing('birthDate')}>
            {(fid, db, invalid) => (
              <input id={fid} type="date" value={v.birthDate} aria-describedby={db} aria-invalid={invalid}
                data-testid="person-birth" onInput={(e) => set('birthDate', e.currentTarget.value)} />
            )}
          </Field>
          <Field label={t('family.snils')} hint={t('family.snilsHint')} error={fields.snils}>
            {(fid, db, invalid) => (
              <input id={fid} value={v.snils} maxLength={20} autocomplete="off" aria-describedby={db} aria-invalid={invalid}
                data-testid="person-snils" onInput={(e) => set('snils', e.currentTarget.value)} />
            )}
          </Field>
          {v.relation === 'ward' && (
            <Field label={t('family.until')} required hint={t('family.untilHint')} error={fields.until ?? missing('until')}>
              {(fid, db, invalid) => (
                <input id={fid} type="date" value={v.until} aria-describedby={db} aria-invalid={invalid}
                  data-testid="person-until" onInput={(e) => set('until', e.currentTarget.value)} />
              )}
            </Field>
          )}
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="person-submit">{t('family.save')}</button>
            <button type="button" class="btn btn-ghost" onClick={() => { setAdding(false); setError(null); }}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
      <RedeemForm onDone={() => people.reload()} />
      {people.loading && !people.data ? <Loading /> : items.length === 0 ? (
        people.error ? null : <p class="empty" data-testid="family-empty">{t('family.empty')}</p>
      ) : (
        <ul class="cards" data-testid="family-list">
          {items.map((p) => (
            <li class="card" key={p.id} data-testid="person-card">
              <h2 class="h3"><a href={`#/family/${p.id}`} data-testid="person-link">{p.name}</a></h2>
              <p class="muted small">
                {t(`family.relation.${p.relation}`)} · {t('family.born', { date: fmtDate(p.birthDate) })}
                {p.relation === 'child' && p.adultOn && <> · {t('family.adultOn', { date: fmtDate(p.adultOn) })}</>}
                {p.until && <> · {t('family.untilShort', { date: fmtDate(p.until) })}</>}
              </p>
              <StatusBadge p={p} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * The grown-up's side of a hand-over: the code a parent gave them moves
 * the documents kept for them as a child into this account.
 */
function RedeemForm({ onDone }: { onDone(): void }) {
  const { api, toast } = useApp();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fields = serverFieldErrors(error);
  async function submit(e: Event) {
    e.preventDefault();
    if (!code.trim()) { setError('local'); return; }
    setBusy(true);
    setError(null);
    try {
      const r = await api.redeemHandover(code.trim());
      toast(t('handover.redeemed', { n: String(r.moved) }));
      setCode('');
      setOpen(false);
      onDone();
    } catch (ex) { setError(ex); } finally { setBusy(false); }
  }
  if (!open) {
    return <p><button type="button" class="btn btn-ghost" data-testid="redeem-open" onClick={() => setOpen(true)}>{t('handover.redeemOpen')}</button></p>;
  }
  return (
    <form class="card form" onSubmit={submit} novalidate data-testid="redeem-form">
      <h2 class="h3">{t('handover.redeemTitle')}</h2>
      <p class="muted small">{t('handover.redeemLead')}</p>
      {error !== 'local' && <ErrorBox error={error} shownFields={['code']} />}
      <Field label={t('handover.code')} required error={fields.code ?? (error === 'local' ? fieldText('required') : null)}>
        {(fid, db, invalid) => (
          <input id={fid} value={code} maxLength={64} autocomplete="off" aria-describedby={db} aria-invalid={invalid}
            data-testid="redeem-code" onInput={(e) => setCode(e.currentTarget.value)} />
        )}
      </Field>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="redeem-submit">{t('handover.redeem')}</button>
        <button type="button" class="btn btn-ghost" onClick={() => { setOpen(false); setError(null); }}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

/**
 * The holder's side of a grown-up child's hand-over: where it stands, and
 * a one-time code to give them (shown once, until reloaded).
 */
function HandoverCard({ p, onChange }: { p: Person; onChange(): void }) {
  const { api } = useApp();
  const [code, setCode] = useState<{ code: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (p.relation !== 'child' || p.status !== 'grown_up') return null;
  const h = p.handover;
  const state = h?.state ?? 'offered';
  async function issue() {
    setBusy(true);
    setError(null);
    try {
      setCode(await api.handoverCode(p.id));
      onChange();
    } catch (ex) { setError(ex); } finally { setBusy(false); }
  }
  return (
    <div class="card" data-testid="handover-card">
      <h2 class="h3">{t('handover.title')}</h2>
      {state === 'offered' && <>
        <p>{t('handover.offered', { name: p.name })}</p>
        {h?.deadline && <p class="muted small">{t('handover.deadline', { date: fmtDateTime(h.deadline) })}</p>}
        {code && (
          <p data-testid="handover-code-box">
            {t('handover.yourCode')} <strong class="mono" data-testid="handover-code">{code.code}</strong>
            <span class="muted small"> · {t('handover.codeUntil', { date: fmtDateTime(code.expiresAt) })}</span>
          </p>
        )}
        <ErrorBox error={error} />
        <div class="form-actions">
          <button type="button" class="btn btn-primary" disabled={busy} data-testid="handover-issue" onClick={() => { void issue(); }}>
            {code ? t('handover.newCode') : t('handover.getCode')}
          </button>
        </div>
      </>}
      {state === 'redeemed' && <p data-testid="handover-done">{t('handover.done', { n: String(h?.moved ?? 0) })}</p>}
      {state === 'archived' && <p data-testid="handover-archived">{t('handover.archived')}</p>}
    </div>
  );
}

/** One person I act for: who they are, their documents, appointments and applications. */
export function PersonPage({ id }: { id: string }) {
  const { api, toast } = useApp();
  const person = useLoad(() => api.person(id), [id]);
  const docs = useLoad(() => api.documents({ subject: id }), [id]);
  const types = useTypes();
  const bookings = useLoad(() => api.bookings({ patient: id, limit: 100 }), [id]);
  const apps = useLoad(() => api.applications({ limit: 100, subject: id }).then((l) => l.items), [id]);
  const [error, setError] = useState<unknown>(null);

  if (person.error) return <ErrorBox error={person.error} />;
  if (!person.data) return <Loading />;
  const p = person.data;
  const active = p.status === 'active';
  async function remove() {
    if (!confirm(t('family.removeConfirm', { name: p.name }))) return;
    try {
      await api.deletePerson(p.id);
      toast(t('family.removed'));
      navigate('/family');
    } catch (ex) { setError(ex); }
  }
  return (
    <section data-testid="person-page">
      <PageHeader title={p.name}>
        <a class="btn btn-ghost" href="#/family">{t('common.back')}</a>
      </PageHeader>
      <div class="card">
        <dl class="kv">
          <dt>{t('family.relation')}</dt><dd>{t(`family.relation.${p.relation}`)}</dd>
          <dt>{t('family.birthDate')}</dt><dd>{fmtDate(p.birthDate)}</dd>
          {p.snils && <><dt>{t('family.snils')}</dt><dd>{p.snils}</dd></>}
          {p.until && <><dt>{t('family.until')}</dt><dd>{fmtDate(p.until)}</dd></>}
          {p.relation === 'child' && p.adultOn && <><dt>{t('family.adult')}</dt><dd>{fmtDate(p.adultOn)}</dd></>}
          <dt>{t('family.statusLabel')}</dt><dd><StatusBadge p={p} /></dd>
        </dl>
        {!active && <p class="hint" data-testid="person-inactive">{t(`family.inactive.${p.status}`)}</p>}
        <ErrorBox error={error} />
        <div class="form-actions">
          <button type="button" class="btn btn-ghost" data-testid="person-remove" onClick={() => { void remove(); }}>{t('family.remove')}</button>
        </div>
      </div>
      <HandoverCard p={p} onChange={() => person.reload()} />

      <div class="card">
        <div class="slots-head">
          <h2 class="h3">{t('family.documents')}</h2>
          {active && <a class="btn btn-small" href={href('/documents/new', { subject: p.id })} data-testid="person-doc-add">{t('doc.add')}</a>}
        </div>
        <ErrorBox error={docs.error} />
        {docs.data && (docs.data.items.length === 0 ? <p class="empty">{t('family.noDocuments')}</p> : (
          <ul class="plain" data-testid="person-documents">
            {docs.data.items.map((d) => (
              <li key={d.id}><a href={`#/documents/${d.id}`}>{docName(d, types.data ?? new Map())}</a>{d.expiresOn && <span class="muted small"> · {t('family.until2', { date: fmtDate(d.expiresOn) })}</span>}</li>
            ))}
          </ul>
        ))}
      </div>

      <div class="card">
        <div class="slots-head">
          <h2 class="h3">{t('family.bookings')}</h2>
          {active && <a class="btn btn-small" href={href('/appointments', { patient: p.id })} data-testid="person-book">{t('family.book')}</a>}
        </div>
        <ErrorBox error={bookings.error} />
        {bookings.data && (bookings.data.items.length === 0 ? <p class="empty">{t('family.noBookings')}</p> : (
          <ul class="plain" data-testid="person-bookings">
            {bookings.data.items.map((b) => (
              <li key={b.id}>
                <a href={`#/bookings/${b.id}`}>{b.specialist.specialization ?? ''} · {fmtDateTime(b.start, b.timeZone)}</a>
                <span class="muted small"> · {t(`bstatus.${b.status}`)}</span>
              </li>
            ))}
          </ul>
        ))}
      </div>

      <div class="card">
        <div class="slots-head">
          <h2 class="h3">{t('family.applications')}</h2>
          {active && <a class="btn btn-small" href="#/applications" data-testid="person-apply">{t('apps.apply')}</a>}
        </div>
        <p class="muted small">{t('family.applicationsNote')}</p>
        <ErrorBox error={apps.error} />
        {apps.data && (apps.data.length === 0 ? <p class="empty">{t('family.appsEmpty')}</p> : (
          <ul class="plain" data-testid="person-applications">
            {apps.data.map((a) => (
              <li key={a.id}><a href={`#/applications/${a.id}`}>{a.receiptNumber ?? a.serviceCode}</a>
                <span class="muted small"> · {t(`astatus.${a.status}`)}</span></li>
            ))}
          </ul>
        ))}
      </div>
    </section>
  );
}
