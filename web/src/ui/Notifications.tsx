import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { fmtDate, fmtDateTime } from '../format';
import type { Notification } from '../types';
import { addDays, isDate, todayISO } from '../validate';
import { PAGE_SIZE } from '../paging';
import { fieldText } from '../messages';
import { Badge, ErrorBox, Field, Loading, PageHeader, ShowMore, useApp, usePaged } from './common';

export function NotificationsPage() {
  const { api, refreshBadge } = useApp();
  const [unreadOnly, setUnreadOnly] = useState(false);
  // A new filter starts again from the first page.
  const list = usePaged((cursor) => api.notifications(unreadOnly, { limit: PAGE_SIZE, cursor }), [unreadOnly], (n) => n.id);
  const [error, setError] = useState<unknown>(null);

  function replace(n: Notification) {
    list.update((items) => items.map((x) => (x.id === n.id ? n : x)));
  }

  async function markRead(n: Notification) {
    setError(null);
    try {
      replace(await api.readNotification(n.id));
      refreshBadge();
    } catch (e) {
      setError(e);
    }
  }

  const items = list.items;
  return (
    <section data-testid="notifications-page">
      <PageHeader title={t('notif.title')}>
        <label class="check">
          <input type="checkbox" checked={unreadOnly} data-testid="notif-unread-only"
            onChange={(e) => setUnreadOnly(e.currentTarget.checked)} />
          {t('notif.unreadOnly')}
        </label>
      </PageHeader>
      <ErrorBox error={list.error || error} />
      {list.loading && !list.loaded ? <Loading /> : items.length === 0 ? (list.error ? null : (
        <p class="empty" data-testid="notif-empty">{t('notif.empty')}</p>
      )) : (<>
        <ul class="inbox" data-testid="notif-list">
          {items.map((n) => (
            <NotificationItem key={n.id} n={n} onRead={() => markRead(n)} onDone={() => { if (n.unread) void markRead(n); }} />
          ))}
        </ul>
        <ShowMore list={list} />
      </>)}
    </section>
  );
}

function NotificationItem({ n, onRead, onDone }: { n: Notification; onRead(): void; onDone(): void }) {
  const { api, toast } = useApp();
  const [snoozing, setSnoozing] = useState(false);
  const tomorrow = addDays(todayISO(), 1);
  // Never past the expiry date (the API refuses it): a week, or the day before expiry if sooner.
  const latest = n.daysLeft !== undefined && n.daysLeft > 1 ? addDays(todayISO(), n.daysLeft - 1) : undefined;
  const [until, setUntil] = useState(() => {
    const week = addDays(todayISO(), 7);
    return latest && latest < week ? (latest < tomorrow ? tomorrow : latest) : week;
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [snoozedTo, setSnoozedTo] = useState<string | null>(null);
  // The codes POST .../reminders/snooze answers for the same dates, in its words.
  const untilErr = !isDate(until) ? fieldText('invalid_date') : until < tomorrow ? fieldText('in_past') : null;

  async function ack() {
    if (!n.documentId) return;
    setBusy(true);
    setError(null);
    try {
      await api.ackReminder(n.documentId);
      toast(t('notif.acked'));
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function snooze(e: Event) {
    e.preventDefault();
    if (!n.documentId || untilErr) return;
    setBusy(true);
    setError(null);
    try {
      await api.snoozeReminder(n.documentId, until);
      toast(t('notif.snoozed', { date: fmtDate(until) }));
      setSnoozedTo(until);
      setSnoozing(false);
      onDone();
    } catch (ex) {
      setError(ex);
    } finally {
      setBusy(false);
    }
  }

  const isReminder = !!n.documentId && n.kind.startsWith('document_');
  return (
    <li class={`card notif${n.unread ? ' notif-unread' : ''}`} data-testid="notif-item" data-unread={n.unread}
      data-doc-id={n.documentId} data-booking-id={n.bookingId} data-kind={n.kind} data-snoozed={snoozedTo ?? undefined}>
      <div class="notif-head">
        <h2 class="h3">{n.title}</h2>
        {n.unread && <Badge tone="info">{t('notif.new')}</Badge>}
      </div>
      <p>{n.body}</p>
      <p class="muted small">
        {fmtDateTime(n.createdAt)}
        {n.readAt && <> · {t('notif.read', { date: fmtDateTime(n.readAt) })}</>}
      </p>
      {snoozedTo && <p class="hint" data-testid="notif-snoozed">{t('notif.snoozed', { date: fmtDate(snoozedTo) })}</p>}
      <ErrorBox error={error} shownFields={['until']} />
      <div class="actions">
        {n.unread && (
          <button type="button" class="btn btn-small" data-testid="notif-read" onClick={onRead}>{t('notif.markRead')}</button>
        )}
        {n.documentId && <a class="btn btn-small btn-ghost" href={`#/documents/${n.documentId}`}>{t('notif.openDoc')}</a>}
        {n.bookingId && <a class="btn btn-small btn-ghost" href={`#/bookings/${n.bookingId}`} data-testid="notif-open-booking">{t('notif.openBooking')}</a>}
        {n.waitlistId && <a class="btn btn-small btn-primary" href="#/waitlist" data-testid="notif-open-waitlist">{t('notif.openWaitlist')}</a>}
        {isReminder && (
          <>
            <button type="button" class="btn btn-small" disabled={busy} data-testid="notif-ack" onClick={ack}>{t('notif.ack')}</button>
            <button type="button" class="btn btn-small" aria-expanded={snoozing} data-testid="notif-snooze"
              onClick={() => setSnoozing(!snoozing)}>{t('notif.snooze')}</button>
          </>
        )}
      </div>
      {snoozing && (
        <form class="inline-form" onSubmit={snooze} data-testid="snooze-form">
          <Field label={t('notif.snoozeUntil')} error={untilErr}>
            {(id, db, invalid) => (
              <input id={id} type="date" value={until} min={tomorrow} max={latest} aria-describedby={db} aria-invalid={invalid}
                data-testid="snooze-until" onInput={(e) => setUntil(e.currentTarget.value)} />
            )}
          </Field>
          <button type="submit" class="btn btn-small btn-primary" disabled={busy || !!untilErr}>{t('notif.snoozeSubmit')}</button>
        </form>
      )}
    </li>
  );
}
