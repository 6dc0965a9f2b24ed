import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { fieldText } from '../messages';
import { fmtDate, fmtDateTime, fmtTime, type Tone } from '../format';
import { navigate } from '../router';
import type { Specialist, WaitEntry } from '../types';
import { addDays, isDate, todayISO } from '../validate';
import { Badge, ErrorBox, Field, Loading, PageHeader, serverFieldErrors, useApp, useLoad } from './common';

/** How far ahead a waiting-list entry may reach (the API's MaxWaitDays). */
export const MAX_WAIT_DAYS = 60;

const PARTS = ['', 'morning', 'afternoon', 'evening'] as const;

function waitTone(s: WaitEntry['status']): Tone {
  switch (s) {
    case 'offered': return 'warn';
    case 'booked': return 'ok';
    case 'waiting': return 'info';
    default: return 'muted';
  }
}

/**
 * Joining a specialist's waiting list, under the free slots: the dates (at
 * most 60 days ahead) and a part of the day. The same checks as the API's,
 * in its words; the server's own field errors are shown by their field.
 */
export function JoinWaitlist({ spec }: { spec: Specialist }) {
  const { api, toast } = useApp();
  const today = todayISO();
  const last = addDays(today, MAX_WAIT_DAYS);
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(addDays(today, 13));
  const [part, setPart] = useState<(typeof PARTS)[number]>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const server = serverFieldErrors(error);
  const fromErr = !isDate(from) ? fieldText('invalid_date') : null;
  const toErr = !isDate(to) ? fieldText('invalid_date') : isDate(from) && to < from ? fieldText('before_from')
    : to < today ? fieldText('in_past') : to > last ? fieldText('too_far') : null;

  async function submit(e: Event) {
    e.preventDefault();
    if (fromErr || toErr) return;
    setBusy(true);
    setError(null);
    try {
      const w = await api.joinWaitlist({ specialistId: spec.id, from, to, partOfDay: part || undefined });
      toast(t(w.status === 'offered' ? 'wait.joinedOffered' : 'wait.joined'));
      navigate('/waitlist');
    } catch (ex) {
      setError(ex);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="card" data-testid="waitlist-join">
      <h2 class="h3">{t('wait.joinTitle')}</h2>
      <p class="hint">{t('wait.joinHint', { min: 15 })}</p>
      {!open ? (
        <button type="button" class="btn" aria-expanded={false} data-testid="waitlist-open" onClick={() => setOpen(true)}>{t('wait.join')}</button>
      ) : (
        <form class="form" onSubmit={submit} data-testid="waitlist-form" novalidate>
          <ErrorBox error={error} shownFields={['from', 'to', 'partOfDay']} />
          <Field label={t('wait.from')} error={server.from ?? fromErr}>
            {(id, db, invalid) => (
              <input id={id} type="date" value={from} min={today} max={last} aria-describedby={db} aria-invalid={invalid}
                data-testid="waitlist-from" onInput={(e) => setFrom(e.currentTarget.value)} />
            )}
          </Field>
          <Field label={t('wait.to')} error={server.to ?? toErr}>
            {(id, db, invalid) => (
              <input id={id} type="date" value={to} min={from} max={last} aria-describedby={db} aria-invalid={invalid}
                data-testid="waitlist-to" onInput={(e) => setTo(e.currentTarget.value)} />
            )}
          </Field>
          <Field label={t('appt.partOfDay')} error={server.partOfDay}>
            {(id, db) => (
              <select id={id} value={part} aria-describedby={db} data-testid="waitlist-part"
                onChange={(e) => setPart(e.currentTarget.value as (typeof PARTS)[number])}>
                {PARTS.map((p) => <option key={p || 'all'} value={p}>{t(`appt.pod.${p || 'all'}`)}</option>)}
              </select>
            )}
          </Field>
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={busy || !!fromErr || !!toErr} data-testid="waitlist-submit">{t('wait.join')}</button>
            <button type="button" class="btn btn-ghost" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </div>
  );
}

/** The person's waiting-list entries: an offer to take or pass on, the rest as they stand. */
export function WaitlistPage() {
  const { api, toast } = useApp();
  const list = useLoad(() => api.waitlist(), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function act(id: string, what: 'accept' | 'decline' | 'leave', slotId?: string) {
    setBusy(id);
    setError(null);
    try {
      if (what === 'accept') {
        const b = await api.acceptOffer(id, slotId);
        toast(t('wait.accepted'));
        navigate(`/bookings/${b.id}`);
        return;
      }
      if (what === 'decline') {
        await api.declineOffer(id);
        toast(t('wait.declined'));
      } else {
        await api.leaveWaitlist(id);
        toast(t('wait.left'));
      }
      list.reload();
    } catch (e) {
      setError(e);
      list.reload();
    } finally {
      setBusy(null);
    }
  }

  const items = list.data?.items ?? [];
  return (
    <section data-testid="waitlist-page">
      <PageHeader title={t('wait.title')}>
        <a class="btn btn-ghost" href="#/appointments">{t('nav.appointments')}</a>
      </PageHeader>
      <p class="lead">{t('wait.lead', { min: 15 })}</p>
      <ErrorBox error={list.error || error} />
      {list.loading && !list.data ? <Loading /> : items.length === 0 ? (
        <p class="empty" data-testid="waitlist-empty">{t('wait.empty')}</p>
      ) : (
        <ul class="cards" data-testid="waitlist-list">
          {items.map((w) => (
            <li key={w.id} class="card" data-testid="waitlist-item" data-wait-id={w.id} data-status={w.status}>
              <div class="notif-head">
                <h2 class="h3">{w.specialization}</h2>
                <Badge tone={waitTone(w.status)} testid="waitlist-status">{t(`wait.status.${w.status}`)}</Badge>
              </div>
              <p>{t('wait.range', { from: fmtDate(w.from), to: fmtDate(w.to) })}{w.partOfDay ? ` · ${t(`appt.pod.${w.partOfDay}`)}` : ''}</p>
              {w.status === 'offered' && w.offer && (
                <div class="alert alert-warn" data-testid="waitlist-offer">
                  <p><strong>{t('wait.offer', { when: fmtDateTime(w.offer.start, w.timeZone), who: w.offer.specialistName })}</strong></p>
                  {w.offerUntil && <p>{t('wait.until', { time: fmtTime(w.offerUntil, w.timeZone) })}</p>}
                  <div class="actions">
                    <button type="button" class="btn btn-primary" disabled={busy === w.id} data-testid="waitlist-accept"
                      onClick={() => act(w.id, 'accept', w.offer?.id)}>{t('wait.accept')}</button>
                    <button type="button" class="btn" disabled={busy === w.id} data-testid="waitlist-decline"
                      onClick={() => act(w.id, 'decline')}>{t('wait.decline')}</button>
                  </div>
                </div>
              )}
              {w.bookingId && <a class="btn btn-small btn-ghost" href={`#/bookings/${w.bookingId}`} data-testid="waitlist-booking">{t('notif.openBooking')}</a>}
              {(w.status === 'waiting' || w.status === 'offered') && (
                <div class="actions">
                  <button type="button" class="btn btn-small btn-ghost" disabled={busy === w.id} data-testid="waitlist-leave"
                    onClick={() => act(w.id, 'leave')}>{t('wait.leave')}</button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
