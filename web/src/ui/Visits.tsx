import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { fmtDateTime } from '../format';
import type { Booking, VisitInput } from '../types';
import { todayISO } from '../validate';
import { ErrorBox, Field, Loading, PageHeader, serverFieldErrors, useApp, useLoad } from './common';

interface RxRow { drug: string; dose: string; until: string }
interface RefRow { specialization: string; until: string }

/**
 * Staff: a specialist's appointments on a day, and for each that has begun
 * the form that closes the visit: the outcome, a comment for the patient's
 * journal and, when it took place, the act of service, e-prescriptions and
 * referrals (POST /bookings/{id}/visit).
 */
export function VisitsPage({ institution }: { institution: string }) {
  const { api } = useApp();
  const specs = useLoad(() => api.specialists(institution), [institution]);
  const [spec, setSpec] = useState('');
  const [date, setDate] = useState(todayISO());
  const day = useLoad(() => (spec ? api.specialistBookings(spec, date) : Promise.resolve(null)), [spec, date]);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section data-testid="visits-page">
      <PageHeader title={t('visits.title')} />
      <ErrorBox error={specs.error} />
      <div class="card form">
        <Field label={t('visits.specialist')}>
          {(fid, db) => (
            <select id={fid} value={spec} aria-describedby={db} data-testid="visits-specialist" onChange={(e) => setSpec(e.currentTarget.value)}>
              <option value="">{t('visits.pick')}</option>
              {(specs.data?.items ?? []).map((s) => <option key={s.id} value={s.id}>{s.name} · {s.specialization}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('visits.date')}>
          {(fid, db) => <input id={fid} type="date" value={date} aria-describedby={db} data-testid="visits-date" onInput={(e) => setDate(e.currentTarget.value)} />}
        </Field>
      </div>
      <ErrorBox error={day.error} />
      {spec && (day.loading && !day.data ? <Loading /> : (
        (day.data?.items ?? []).length === 0 ? <p class="empty">{t('visits.none')}</p> : (
          <ul class="cards" data-testid="visits-list">
            {(day.data?.items ?? []).map((b) => (
              <li class="card" key={b.id} data-testid="visit-card">
                <h2 class="h3">{fmtDateTime(b.start, b.timeZone)}{b.patient ? ` · ${b.patient.name}` : ''}</h2>
                <p class="muted small">{t(`bstatus.${b.status}`)} · {b.confirmationNumber}</p>
                {b.status === 'confirmed' && new Date(b.start).getTime() <= Date.now() && (open === b.id
                  ? <VisitForm b={b} onDone={() => { setOpen(null); day.reload(); }} />
                  : <button type="button" class="btn btn-small" data-testid="visit-open" onClick={() => setOpen(b.id)}>{t('visits.close')}</button>)}
              </li>
            ))}
          </ul>
        )
      ))}
    </section>
  );
}

function VisitForm({ b, onDone }: { b: Booking; onDone(): void }) {
  const { api, toast } = useApp();
  const [outcome, setOutcome] = useState<VisitInput['outcome']>('completed');
  const [comment, setComment] = useState('');
  const [act, setAct] = useState('');
  const [rx, setRx] = useState<RxRow[]>([]);
  const [refs, setRefs] = useState<RefRow[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fields = serverFieldErrors(error);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body: VisitInput = { outcome };
    if (comment.trim()) body.comment = comment.trim();
    if (outcome === 'completed') {
      if (act.trim()) body.act = act.trim();
      if (rx.length) body.prescriptions = rx.map((r) => ({ drug: r.drug.trim(), dose: r.dose.trim() || undefined, until: r.until }));
      if (refs.length) body.referrals = refs.map((r) => ({ specialization: r.specialization.trim(), until: r.until }));
    }
    try {
      await api.closeVisit(b.id, body);
      toast(t('visits.closed'));
      onDone();
    } catch (ex) { setError(ex); } finally { setBusy(false); }
  }
  const setRow = <R,>(list: R[], set: (v: R[]) => void, i: number, patch: Partial<R>) => set(list.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <form class="form" onSubmit={submit} novalidate data-testid="visit-form">
      <ErrorBox error={error} shownFields={['outcome', 'comment', 'act']} />
      <fieldset class="fieldset">
        <legend>{t('visits.outcome')}</legend>
        {(['completed', 'no_show'] as const).map((o) => (
          <label class="check" key={o}>
            <input type="radio" name={`outcome-${b.id}`} checked={outcome === o} data-testid={`visit-outcome-${o}`} onChange={() => setOutcome(o)} />
            {t(`bstatus.${o}`)}
          </label>
        ))}
      </fieldset>
      <Field label={t('visits.comment')} hint={t('common.optional')} error={fields.comment}>
        {(fid, db) => <input id={fid} value={comment} maxLength={1000} aria-describedby={db} data-testid="visit-comment" onInput={(e) => setComment(e.currentTarget.value)} />}
      </Field>
      {outcome === 'completed' && <>
        <Field label={t('visits.act')} hint={t('common.optional')} error={fields.act}>
          {(fid, db) => <textarea id={fid} value={act} rows={4} maxLength={4000} aria-describedby={db} data-testid="visit-act-text" onInput={(e) => setAct(e.currentTarget.value)} />}
        </Field>
        <h3 class="h4">{t('visit.prescriptions')}</h3>
        {rx.map((r, i) => (
          <div class="field-row" key={i} data-testid="visit-rx-row">
            <Field label={t('visits.drug')} error={fields[`prescriptions[${i}].drug`]}>
              {(fid, db) => <input id={fid} value={r.drug} maxLength={200} aria-describedby={db} onInput={(e) => setRow(rx, setRx, i, { drug: e.currentTarget.value })} />}
            </Field>
            <Field label={t('visits.dose')} hint={t('common.optional')}>
              {(fid, db) => <input id={fid} value={r.dose} maxLength={200} aria-describedby={db} onInput={(e) => setRow(rx, setRx, i, { dose: e.currentTarget.value })} />}
            </Field>
            <Field label={t('visits.until')} error={fields[`prescriptions[${i}].until`]}>
              {(fid, db) => <input id={fid} type="date" value={r.until} aria-describedby={db} onInput={(e) => setRow(rx, setRx, i, { until: e.currentTarget.value })} />}
            </Field>
          </div>
        ))}
        <button type="button" class="btn btn-small btn-ghost" data-testid="visit-rx-add" onClick={() => setRx([...rx, { drug: '', dose: '', until: '' }])}>{t('visits.addRx')}</button>
        <h3 class="h4">{t('visit.referrals')}</h3>
        {refs.map((r, i) => (
          <div class="field-row" key={i} data-testid="visit-ref-row">
            <Field label={t('visits.specialization')} error={fields[`referrals[${i}].specialization`]}>
              {(fid, db) => <input id={fid} value={r.specialization} maxLength={200} aria-describedby={db} onInput={(e) => setRow(refs, setRefs, i, { specialization: e.currentTarget.value })} />}
            </Field>
            <Field label={t('visits.until')} error={fields[`referrals[${i}].until`]}>
              {(fid, db) => <input id={fid} type="date" value={r.until} aria-describedby={db} onInput={(e) => setRow(refs, setRefs, i, { until: e.currentTarget.value })} />}
            </Field>
          </div>
        ))}
        <button type="button" class="btn btn-small btn-ghost" data-testid="visit-ref-add" onClick={() => setRefs([...refs, { specialization: '', until: '' }])}>{t('visits.addRef')}</button>
      </>}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="visit-submit">{t('visits.submit')}</button>
      </div>
    </form>
  );
}
