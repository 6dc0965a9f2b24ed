import { PersonSelect, rememberPatient, rememberedPatient } from './Family';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { idempotencyKey } from '../api';
import { count, duration, t } from '../i18n';
import { fieldText } from '../messages';
import { bookingTone, dateInZone, fmtDate, fmtDateTime, fmtDay, fmtDecimal, fmtKm, fmtPhone, fmtTime, zoneNote } from '../format';
import { href, navigate } from '../router';
import type { Booking, Institution, JournalFilter, Slot } from '../types';
import { addDays, checkPhone, normalisePhone, todayISO } from '../validate';
import { PAGE_SIZE } from '../paging';
import { Badge, ErrorBox, Field, Loading, PageHeader, serverFieldErrors, ShowMore, Timeline, useApp, useLoad, usePaged } from './common';
import { JoinWaitlist } from './Waitlist';

const INSTITUTION_TYPES = [
  'polyclinic', 'hospital', 'dental', 'laboratory', 'mfc', 'passport_office', 'registry_office', 'tax_office', 'traffic_police',
];
const RADII = [2, 5, 10, 25, 50, 100];
const WINDOW_DAYS = 14;

function itype(x: string): string {
  const k = `itype.${x}`;
  const s = t(k);
  return s === k ? x : s;
}

function RescheduleNote({ id }: { id: string | null }) {
  const { api } = useApp();
  const b = useLoad(() => (id ? api.booking(id) : Promise.resolve(null)), [id]);
  if (!id || !b.data) return null;
  return <div class="alert alert-info" data-testid="reschedule-note">{t('appt.rescheduling', { n: b.data.confirmationNumber })}</div>;
}

export function AppointmentsPage({ query }: { query: URLSearchParams }) {
  const { api } = useApp();
  const q = query.get('q') ?? '';
  const type = query.get('type') ?? '';
  const near = query.get('near') ?? '';
  const radiusKm = query.get('radiusKm') ?? '';
  const reschedule = query.get('reschedule');
  const [form, setForm] = useState({ q, type, useNear: !!near, radiusKm: radiusKm || '10' });
  const [coords, setCoords] = useState<string>(near);
  const [geo, setGeo] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const list = useLoad(
    () => api.institutions({ q: q || undefined, type: type || undefined, near: near || undefined, radiusKm: near && radiusKm ? Number(radiusKm) : undefined }),
    [q, type, near, radiusKm],
  );

  function locate(on: boolean) {
    setForm((f) => ({ ...f, useNear: on }));
    if (!on || coords) return;
    if (!('geolocation' in navigator)) {
      setGeo({ busy: false, error: t('appt.geoUnsupported') });
      setForm((f) => ({ ...f, useNear: false }));
      return;
    }
    setGeo({ busy: true, error: null });
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setCoords(`${p.coords.latitude.toFixed(5)},${p.coords.longitude.toFixed(5)}`);
        setGeo({ busy: false, error: null });
      },
      (e) => {
        setGeo({ busy: false, error: t('appt.geoFailed', { msg: e.message }) });
        setForm((f) => ({ ...f, useNear: false }));
      },
      { timeout: 10_000, maximumAge: 600_000 },
    );
  }

  function submit(e: Event) {
    e.preventDefault();
    navigate('/appointments', {
      q: form.q.trim() || undefined,
      type: form.type || undefined,
      near: form.useNear && coords ? coords : undefined,
      radiusKm: form.useNear && coords ? form.radiusKm : undefined,
      reschedule: reschedule ?? undefined,
    });
  }

  const items = list.data?.items ?? [];
  return (
    <section data-testid="appointments-page">
      <PageHeader title={t('appt.title')}>
        <a class="btn btn-ghost" href="#/journal">{t('nav.journal')}</a>
      </PageHeader>
      <RescheduleNote id={reschedule} />
      <form class="card form search-form" role="search" onSubmit={submit} aria-label={t('appt.search')}>
        <div class="search-grid">
          <Field label={t('appt.q')}>
            {(id) => (
              <input id={id} type="search" value={form.q} data-testid="inst-q"
                onInput={(e) => setForm({ ...form, q: e.currentTarget.value })} />
            )}
          </Field>
          <Field label={t('appt.type')}>
            {(id) => (
              <select id={id} value={form.type} data-testid="inst-type" onChange={(e) => setForm({ ...form, type: e.currentTarget.value })}>
                <option value="">{t('common.all')}</option>
                {INSTITUTION_TYPES.map((x) => <option key={x} value={x}>{itype(x)}</option>)}
              </select>
            )}
          </Field>
          <div class="near">
            <label class="check">
              <input type="checkbox" checked={form.useNear} data-testid="inst-near" onChange={(e) => locate(e.currentTarget.checked)} />
              {t('appt.near')}
            </label>
            {form.useNear && (
              <Field label={t('appt.radius')}>
                {(id) => (
                  <select id={id} value={form.radiusKm} data-testid="inst-radius" onChange={(e) => setForm({ ...form, radiusKm: e.currentTarget.value })}>
                    {RADII.map((r) => <option key={r} value={String(r)}>{r}</option>)}
                  </select>
                )}
              </Field>
            )}
            {geo.busy && <p class="hint" role="status">{t('appt.locating')}</p>}
            {geo.error && <p class="field-error" role="alert">{geo.error}</p>}
          </div>
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" data-testid="inst-search" disabled={geo.busy}>{t('common.search')}</button>
        </div>
      </form>
      <ErrorBox error={list.error} />
      {list.loading && !list.data ? <Loading /> : (
        <>
          <p class="muted" role="status">{t('appt.results', { n: items.length })}</p>
          {items.length === 0 ? <p class="empty">{t('appt.noResults')}</p> : (
            <ul class="cards" data-testid="inst-list">
              {items.map((i) => (
                <li key={i.id} class="card inst" data-testid="inst-item">
                  <h2 class="h3"><a href={href(`/appointments/institutions/${i.id}`, { reschedule: reschedule ?? undefined })} data-testid="inst-link">{i.name}</a></h2>
                  <p class="muted">{itype(i.type)} · {i.city}, {i.address}</p>
                  {i.distanceKm !== undefined && <p><Badge tone="info">{t('appt.km', { km: fmtKm(i.distanceKm) })}</Badge></p>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
function weekdayName(w: string): string {
  // 2024-01-01 was a Monday.
  return fmtDay(addDays('2024-01-01', WEEKDAYS.indexOf(w))).weekday;
}

function InstitutionInfo({ i }: { i: Institution }) {
  return (
    <div class="card">
      <p class="muted">{itype(i.type)} · {i.city}, {i.address}</p>
      <dl class="kv">
        <dt>{t('appt.phone')}</dt><dd><a href={`tel:${i.phone}`}>{fmtPhone(i.phone)}</a></dd>
        <dt>{t('appt.hours')}</dt>
        <dd>
          <ul class="plain">
            {i.openingHours.map((h) => <li key={h.weekday}>{weekdayName(h.weekday)}: {h.open}–{h.close}</li>)}
          </ul>
        </dd>
      </dl>
      <p class="hint">{t('appt.cancelRule', { h: duration(i.cancelDeadlineMinutes) })}</p>
    </div>
  );
}

export function InstitutionPage({ id, reschedule }: { id: string; reschedule: string | null }) {
  const { api } = useApp();
  const inst = useLoad(() => api.institution(id), [id]);
  const specs = useLoad(() => api.specialists(id), [id]);
  if (inst.error) return <ErrorBox error={inst.error} />;
  if (!inst.data) return <Loading />;
  const items = specs.data?.items ?? [];
  return (
    <section data-testid="institution-page">
      <PageHeader title={inst.data.name}>
        <a class="btn btn-ghost" href={href('/appointments', { reschedule: reschedule ?? undefined })}>{t('common.back')}</a>
      </PageHeader>
      <RescheduleNote id={reschedule} />
      <InstitutionInfo i={inst.data} />
      <h2>{t('appt.specialists')}</h2>
      <ErrorBox error={specs.error} />
      {specs.loading && !specs.data ? <Loading /> : items.length === 0 ? <p class="empty">{t('appt.noSpecialists')}</p> : (
        <ul class="cards" data-testid="spec-list">
          {items.map((s) => (
            <li key={s.id} class="card" data-testid="spec-item">
              <h3 class="h3">{s.name}</h3>
              <p>{s.specialization}</p>
              <p class="muted small">
                {t('appt.rating', { r: fmtDecimal(s.rating), n: count('reviews', s.reviews) })} · {s.price ? t('appt.price', { p: s.price }) : t('appt.free')}
              </p>
              <p class="small">{t('appt.modes')}: {(s.modes ?? ['in_person']).map((m) => t(`appt.mode.${m}`)).join(', ')}</p>
              <a class="btn btn-primary btn-small" data-testid="spec-choose"
                href={href(`/appointments/specialists/${s.id}`, { reschedule: reschedule ?? undefined })}>{t('appt.choose')}</a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const PARTS = ['', 'morning', 'afternoon', 'evening'] as const;

export function SpecialistPage({ id, reschedule }: { id: string; reschedule: string | null }) {
  const { api, toast } = useApp();
  const today = todayISO();
  const [from, setFrom] = useState(today);
  const [part, setPart] = useState<(typeof PARTS)[number]>('');
  const spec = useLoad(() => api.specialist(id), [id]);
  const inst = useLoad(() => (spec.data ? api.institution(spec.data.institutionId) : Promise.resolve(null)), [spec.data?.institutionId]);
  const slots = useLoad(() => api.slots(id, { from, to: addDays(from, WINDOW_DAYS - 1), partOfDay: part || undefined }), [id, from, part]);
  const profile = useLoad(() => api.profile().then((r) => r.body), []);
  const [day, setDay] = useState<string | null>(null);
  const [slot, setSlot] = useState<Slot | null>(null);
  const [mode, setMode] = useState<'in_person' | 'video'>('in_person');
  const [phone, setPhone] = useState('');
  const [phoneTouched, setPhoneTouched] = useState(false);
  const [patient, setPatient] = useState(rememberedPatient);
  const [referral] = useState(rememberedReferral);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [key, setKey] = useState(idempotencyKey);

  useEffect(() => { if (profile.data?.phone && !phone) setPhone(profile.data.phone); }, [profile.data]);
  useEffect(() => {
    const m = spec.data?.modes;
    if (m && m.length && !m.includes(mode)) setMode(m[0]);
  }, [spec.data]);

  const tz = slots.data?.timeZone;
  const byDay = useMemo(() => {
    const m = new Map<string, Slot[]>();
    for (const s of slots.data?.items ?? []) {
      const d = dateInZone(s.start, tz);
      if (!m.has(d)) m.set(d, []);
      m.get(d)!.push(s);
    }
    return m;
  }, [slots.data]);
  const days = Array.from({ length: WINDOW_DAYS }, (_, i) => addDays(from, i));
  // Keep the chosen day if it still has slots, else the first day that has.
  useEffect(() => {
    if (!slots.data) return;
    if (!day || !byDay.has(day)) setDay(days.find((d) => byDay.has(d)) ?? null);
    if (slot && !(slots.data.items.some((s) => s.id === slot.id))) setSlot(null);
  }, [byDay]);

  const phoneErr = checkPhone(phone, false);
  const serverFields = serverFieldErrors(error);

  async function confirm(e: Event) {
    e.preventDefault();
    setPhoneTouched(true);
    if (!slot || phoneErr) return;
    setBusy(true);
    setError(null);
    try {
      let b: Booking;
      if (reschedule) {
        b = await api.reschedule(reschedule, slot.id);
        toast(t('book.rescheduled'));
      } else {
        b = await api.book({ slotId: slot.id, mode, contactPhone: phone.trim() ? normalisePhone(phone) : undefined,
          patient: patient || undefined, referralId: referral?.id }, key);
        rememberPatient(null);
        rememberReferral(null);
      }
      navigate(`/bookings/${b.id}`);
    } catch (ex) {
      setError(ex);
      setKey(idempotencyKey());
      slots.reload();
    } finally {
      setBusy(false);
    }
  }

  if (spec.error) return <ErrorBox error={spec.error} />;
  if (!spec.data) return <Loading />;
  const s = spec.data;
  const daySlots = day ? byDay.get(day) ?? [] : [];
  const modes = s.modes && s.modes.length ? s.modes : ['in_person' as const];
  return (
    <section data-testid="slots-page">
      <PageHeader title={s.name}>
        <a class="btn btn-ghost" href={href(`/appointments/institutions/${s.institutionId}`, { reschedule: reschedule ?? undefined })}>
          {t('common.back')}
        </a>
      </PageHeader>
      <RescheduleNote id={reschedule} />
      {referral && !reschedule && <p class="hint" data-testid="booking-referral">{t('book.byReferral', { spec: referral.specialization })}</p>}
      <p class="lead">{s.specialization}{inst.data ? ` · ${inst.data.name}, ${inst.data.address}` : ''}</p>
      <div class="card">
        <div class="slots-head">
          <h2 class="h3">{t('appt.slots')}</h2>
          {tz && <span class="muted small" data-testid="slots-zone">{zoneNote(tz)}</span>}
        </div>
        <div class="segmented" role="group" aria-label={t('appt.partOfDay')}>
          {PARTS.map((p) => (
            <button type="button" key={p || 'all'} aria-pressed={part === p} data-testid={`pod-${p || 'all'}`} onClick={() => setPart(p)}>
              {t(`appt.pod.${p || 'all'}`)}
            </button>
          ))}
        </div>
        <div class="week-nav">
          <button type="button" class="btn btn-small" disabled={from <= today} onClick={() => setFrom(addDays(from, -WINDOW_DAYS) < today ? today : addDays(from, -WINDOW_DAYS))}>
            ← {t('appt.prevWeek')}
          </button>
          <span class="muted small">{fmtDate(from)} – {fmtDate(addDays(from, WINDOW_DAYS - 1))}</span>
          <button type="button" class="btn btn-small" onClick={() => setFrom(addDays(from, WINDOW_DAYS))}>{t('appt.nextWeek')} →</button>
        </div>
        <ErrorBox error={slots.error} />
        {slots.loading && !slots.data ? <Loading /> : (
          <>
            <div class="days" role="group" aria-label={t('appt.day')} data-testid="slot-days">
              {days.map((d) => {
                const n = byDay.get(d)?.length ?? 0;
                const f = fmtDay(d);
                return (
                  <button type="button" key={d} class="day" aria-pressed={day === d} disabled={n === 0}
                    data-testid="slot-day" data-date={d} onClick={() => { setDay(d); setSlot(null); }}>
                    <span class="day-wd">{f.weekday}</span>
                    <span class="day-d">{f.day}</span>
                    <span class="day-n">{n > 0 ? t('appt.slotsCount', { n }) : '—'}</span>
                  </button>
                );
              })}
            </div>
            {byDay.size === 0 ? <p class="empty">{t('appt.noSlotsRange')}</p> : daySlots.length === 0 ? <p class="empty">{t('appt.noSlots')}</p> : (
              <div class="slot-grid" role="group" aria-label={day ? fmtDate(day) : ''} data-testid="slot-list">
                {daySlots.map((x) => (
                  <button type="button" key={x.id} class="slot" aria-pressed={slot?.id === x.id} data-testid="slot"
                    onClick={() => setSlot(x)}>
                    {fmtTime(x.start, tz)}
                  </button>
                ))}
              </div>
            )}
          </>
        )}
      </div>
      {!reschedule && !slot && <JoinWaitlist spec={s} />}
      {slot && (
        <form class="card form confirm-panel" onSubmit={confirm} data-testid="booking-confirm-form" novalidate>
          <h2 class="h3">{t('appt.confirmTitle')}</h2>
          <p data-testid="selected-slot">{t('appt.selected', { when: fmtDateTime(slot.start, tz) })} ({t('appt.minutes', { n: slot.durationMinutes })})</p>
          {inst.data && <p class="hint">{t('appt.cancelRule', { h: duration(inst.data.cancelDeadlineMinutes) })}</p>}
          <ErrorBox error={error} shownFields={['contactPhone', 'mode']} />
          {!reschedule && (
            <>
              <PersonSelect value={patient} onChange={setPatient} label={t('family.patient')} testid="booking-patient" />
              <fieldset class="fieldset">
                <legend>{t('appt.mode')}</legend>
                {modes.map((m) => (
                  <label class="check" key={m}>
                    <input type="radio" name="mode" value={m} checked={mode === m} data-testid={`mode-${m}`} onChange={() => setMode(m)} />
                    {t(`appt.mode.${m}`)}
                  </label>
                ))}
                {serverFields.mode && <p class="field-error">{serverFields.mode}</p>}
              </fieldset>
              <Field label={t('appt.contactPhone')} hint={t('appt.contactHint')}
                error={serverFields.contactPhone ?? (phoneTouched && phoneErr ? fieldText(phoneErr) : null)}>
                {(fid, db, invalid) => (
                  <input id={fid} type="tel" value={phone} autocomplete="tel" placeholder="+79161234567" aria-describedby={db}
                    aria-invalid={invalid} data-testid="contact-phone" onInput={(e) => setPhone(e.currentTarget.value)}
                    onBlur={() => setPhoneTouched(true)} />
                )}
              </Field>
            </>
          )}
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="booking-submit">
              {t(reschedule ? 'appt.rescheduleConfirm' : 'appt.confirm')}
            </button>
            <button type="button" class="btn btn-ghost" onClick={() => setSlot(null)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </section>
  );
}

/** Loads a file with the token and shows it as an image (blob URL). */
export function AuthImage({ path, alt, testid }: { path: string; alt: string; testid: string }) {
  const { api } = useApp();
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let url: string | null = null;
    let live = true;
    api.blob(path).then(({ blob }) => {
      url = URL.createObjectURL(blob);
      if (live) setSrc(url); else URL.revokeObjectURL(url);
    }, (e) => { if (live) setError(e); });
    return () => { live = false; if (url) URL.revokeObjectURL(url); };
  }, [path]);
  if (error) return <ErrorBox error={error} />;
  if (!src) return <div class="qr-placeholder"><Loading /></div>;
  return <img src={src} alt={alt} class="qr" width={200} height={200} data-testid={testid} />;
}

function linkPath(link: string): string {
  // Links are paths on the API ("/bookings/{id}/qr.png"); keep only the path if absolute.
  try {
    const u = new URL(link, 'http://x');
    return u.pathname + u.search;
  } catch {
    return link;
  }
}

export function BookingPage({ id }: { id: string }) {
  const { api, toast } = useApp();
  const b = useLoad(() => api.booking(id), [id]);
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function cancel(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      b.setData(await api.cancelBooking(id, reason.trim()));
      toast(t('book.cancelled'));
      setCancelling(false);
    } catch (ex) {
      setError(ex);
    } finally {
      setBusy(false);
    }
  }

  async function rebook(slotId: string) {
    setBusy(true);
    setError(null);
    try {
      const nb = await api.rebook(id, slotId);
      toast(t('book.rebooked'));
      navigate(`/bookings/${nb.id}`);
    } catch (ex) {
      setError(ex);
    } finally {
      setBusy(false);
    }
  }

  async function download(path: string, name: string) {
    setError(null);
    try { await api.download(linkPath(path), name); } catch (e) { setError(e); }
  }

  if (b.error) return <ErrorBox error={b.error} />;
  if (!b.data) return <Loading />;
  const x = b.data;
  const deadlinePassed = new Date(x.cancelDeadline).getTime() <= Date.now();
  const canChange = x.status === 'confirmed' && !deadlinePassed;
  const title = x.status === 'confirmed' ? t('book.title') : x.status === 'cancelled' ? t('book.titleCancelled') : t('book.titleOther');
  return (
    <section data-testid="booking-page" data-status={x.status}>
      <PageHeader title={title}>
        <a class="btn btn-ghost" href="#/journal" data-testid="to-journal">{t('book.toJournal')}</a>
      </PageHeader>
      <ErrorBox error={error} />
      <div class="grid-2">
        <div class="card">
          <p class="confirmation-number">
            <span class="muted">{t('book.number')}</span>
            <strong data-testid="booking-number">{x.confirmationNumber}</strong>
          </p>
          <p><Badge tone={bookingTone(x.status)} testid="booking-status">{t(`bstatus.${x.status}`)}</Badge></p>
          <dl class="kv">
            <dt>{t('book.when')}</dt>
            <dd><span data-testid="booking-when">{fmtDateTime(x.start, x.timeZone)}–{fmtTime(x.end, x.timeZone)}</span>{' '}
              <span class="muted small" data-testid="booking-zone">({zoneNote(x.timeZone)})</span></dd>
            <dt>{t('book.where')}</dt><dd>{x.institution.name}<br /><span class="muted">{x.institution.address}</span></dd>
            <dt>{t('book.who')}</dt><dd>{x.specialist.name}, {x.specialist.specialization}</dd>
            {x.patient && <><dt>{t('family.patient')}</dt><dd data-testid="booking-patient-name">{x.patient.name}</dd></>}
            <dt>{t('book.mode')}</dt><dd>{t(`appt.mode.${x.mode}`)}</dd>
            {x.videoLink && <><dt>{t('book.video')}</dt><dd><a href={x.videoLink} target="_blank" rel="noopener noreferrer">{x.videoLink}</a></dd></>}
            {x.contactPhone && <><dt>{t('book.contact')}</dt><dd>{fmtPhone(x.contactPhone)}</dd></>}
            {x.staffComment && <><dt>{t('book.staffComment')}</dt><dd>{x.staffComment}</dd></>}
          </dl>
          {x.cancelledBy === 'institution' && (
            <div class="alert alert-warn" data-testid="booking-inst-cancel">
              <p><strong>{t('book.instCancelled')}</strong></p>
              {instReason(x) && <p data-testid="booking-inst-reason">{t('book.instReason', { reason: instReason(x) })}</p>}
              {(x.offeredSlots ?? []).length > 0 ? (
                <>
                  <p>{t('book.offered')}</p>
                  <ul class="offered" data-testid="offered-slots">
                    {(x.offeredSlots ?? []).map((o) => (
                      <li key={o.id} data-testid="offered-slot" data-slot-id={o.id}>
                        <span>{fmtDateTime(o.start, x.timeZone)} · {o.specialistName}</span>{' '}
                        <button type="button" class="btn btn-small btn-primary" disabled={busy} data-testid="offered-rebook"
                          aria-label={t('book.rebookAt', { when: fmtDateTime(o.start, x.timeZone), who: o.specialistName })}
                          onClick={() => rebook(o.id)}>{t('book.rebook')}</button>
                      </li>
                    ))}
                  </ul>
                </>
              ) : <p>{t('book.noOffers')}</p>}
            </div>
          )}
          {x.checklist.length > 0 && (
            <>
              <h2 class="h3">{t('book.checklist')}</h2>
              <ul>{x.checklist.map((c) => <li key={c}>{c}</li>)}</ul>
            </>
          )}
          {x.status === 'confirmed' && (
            <p class={deadlinePassed ? 'alert alert-warn' : 'hint'} data-testid="booking-deadline">
              {t(deadlinePassed ? 'book.deadlinePassed' : 'book.deadline', { when: fmtDateTime(x.cancelDeadline, x.timeZone) })}
            </p>
          )}
          <div class="actions">
            {canChange && (
              <>
                <a class="btn" data-testid="booking-reschedule" href={href(`/appointments/specialists/${x.specialist.id}`, { reschedule: x.id })}>
                  {t('book.reschedule')}
                </a>
                <button type="button" class="btn btn-danger" aria-expanded={cancelling} data-testid="booking-cancel"
                  onClick={() => setCancelling(!cancelling)}>{t('book.cancel')}</button>
              </>
            )}
          </div>
          {cancelling && (
            <form class="inline-form" onSubmit={cancel} data-testid="cancel-form">
              <Field label={t('book.cancelReason')} hint={t('common.optional')}>
                {(fid, db) => (
                  <input id={fid} value={reason} maxLength={500} aria-describedby={db} data-testid="cancel-reason"
                    onInput={(e) => setReason(e.currentTarget.value)} />
                )}
              </Field>
              <button type="submit" class="btn btn-danger" disabled={busy} data-testid="cancel-confirm">{t('book.cancelConfirm')}</button>
            </form>
          )}
        </div>
        <div class="card qr-card">
          {x.status === 'confirmed' && (
            <>
              <p class="hint">{t('book.qr')}</p>
              <AuthImage path={linkPath(x.links.qr)} alt={t('book.qrAlt', { n: x.confirmationNumber })} testid="booking-qr" />
            </>
          )}
          <div class="actions">
            <button type="button" class="btn" data-testid="booking-pdf"
              onClick={() => download(x.links.pdf, `booking-${x.confirmationNumber}.pdf`)}>{t('book.pdf')}</button>
            <button type="button" class="btn" data-testid="booking-ics"
              onClick={() => download(x.links.ics, `booking-${x.confirmationNumber}.ics`)}>{t('book.ics')}</button>
          </div>
          <h2 class="h3">{t('book.history')}</h2>
          <Timeline items={x.history.map((h, i) => ({
            key: `${h.at}-${i}`,
            // When something happened is the person's clock; the appointment's times are the institution's.
            at: fmtDateTime(h.at),
            title: t(`book.event.${h.action}`),
            sub: [h.from && h.to ? `${fmtDateTime(h.from, x.timeZone)} → ${fmtDateTime(h.to, x.timeZone)}` : '', h.reason ?? ''].filter(Boolean).join(' · ') || undefined,
          }))} />
        </div>
      </div>
      <VisitResults x={x} download={(path, name) => { void download(path, name); }} />
    </section>
  );
}

const REFERRAL_KEY = 'kabinet.referral';

/**
 * The referral a booking flow started with («Записаться по направлению» on a
 * visit's results): kept for the tab while the user picks an institution, a
 * specialist and a slot; the confirm form books with it and forgets it.
 */
export function rememberReferral(r: { id: string; specialization: string } | null): void {
  if (r) sessionStorage.setItem(REFERRAL_KEY, JSON.stringify(r)); else sessionStorage.removeItem(REFERRAL_KEY);
}

function rememberedReferral(): { id: string; specialization: string } | null {
  try { return JSON.parse(sessionStorage.getItem(REFERRAL_KEY) ?? 'null'); } catch { return null; }
}

/**
 * What a closed visit gave the patient: the act of service and the
 * e-prescriptions, each a PDF signed by Kabinet, and the referrals, each
 * with «Записаться по направлению».
 */
function VisitResults({ x, download }: { x: Booking; download(path: string, name: string): void }) {
  const rx = x.prescriptions ?? [];
  const refs = x.referrals ?? [];
  if (!x.act && rx.length === 0 && refs.length === 0) return null;
  return (
    <div class="card" data-testid="visit-results">
      <h2 class="h3">{t('visit.title')}</h2>
      {x.act && (
        <div data-testid="visit-act">
          <h3 class="h4">{t('visit.act')}</h3>
          <p class="pre-line">{x.act}</p>
          <button type="button" class="btn btn-small" data-testid="visit-act-pdf"
            onClick={() => download(`/bookings/${x.id}/act.pdf`, `act-${x.actDocumentId ?? x.id}.pdf`)}>{t('visit.actPdf')}</button>
        </div>
      )}
      {rx.length > 0 && (
        <>
          <h3 class="h4">{t('visit.prescriptions')}</h3>
          <ul class="plain" data-testid="visit-prescriptions">
            {rx.map((p, i) => (
              <li key={p.documentId}>
                <strong>{p.drug}</strong>{p.dose && <> · {p.dose}</>}
                <span class="muted small"> · {t('visit.until', { date: fmtDate(p.until) })}</span>{' '}
                <button type="button" class="btn btn-small" data-testid="visit-rx-pdf"
                  onClick={() => download(`/bookings/${x.id}/prescriptions/${i + 1}/prescription.pdf`, `prescription-${p.documentId}.pdf`)}>
                  {t('visit.rxPdf')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {refs.length > 0 && (
        <>
          <h3 class="h4">{t('visit.referrals')}</h3>
          <ul class="plain" data-testid="visit-referrals">
            {refs.map((r) => (
              <li key={r.id}>
                {r.specialization}<span class="muted small"> · {t('visit.until', { date: fmtDate(r.until) })}</span>{' '}
                <a class="btn btn-small" data-testid="visit-book-by-referral"
                  href={href('/appointments', { q: r.specialization, patient: x.patient?.id, referral: r.id, referralSpec: r.specialization })}>
                  {t('visit.bookByReferral')}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The reason the institution gave when it cancelled x (its cancel event's). */
function instReason(x: Booking): string {
  return [...x.history].reverse().find((h) => h.action === 'cancelled')?.reason ?? '';
}

export function JournalPage() {
  const { api } = useApp();
  const [filter, setFilter] = useState<JournalFilter>({ status: '', from: '', to: '', institution: '' });
  const [applied, setApplied] = useState<JournalFilter>(filter);
  // GET /bookings pages the journal; a new filter starts again from the first page.
  const list = usePaged((cursor) => api.bookings({ ...applied, limit: PAGE_SIZE, cursor }), [applied], (b) => b.id);
  const insts = useLoad(() => api.institutions({ limit: 100 }), []);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function exportCsv() {
    setBusy(true);
    setError(null);
    try {
      await api.download(api.exportPath(applied), 'visits.csv');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const items = list.items;
  return (
    <section data-testid="journal-page">
      <PageHeader title={t('journal.title')}>
        <a class="btn btn-primary" href="#/appointments">{t('journal.book')}</a>
        <button type="button" class="btn" disabled={busy} data-testid="journal-export" onClick={exportCsv}>{t('journal.export')}</button>
      </PageHeader>
      <form class="card form filters" onSubmit={(e) => { e.preventDefault(); setApplied({ ...filter }); }}>
        <div class="search-grid">
          <Field label={t('journal.status')}>
            {(id) => (
              <select id={id} value={filter.status} data-testid="journal-status"
                onChange={(e) => { const f = { ...filter, status: e.currentTarget.value as JournalFilter['status'] }; setFilter(f); setApplied(f); }}>
                <option value="">{t('common.all')}</option>
                <option value="upcoming">{t('journal.status.upcoming')}</option>
                <option value="past">{t('journal.status.past')}</option>
                <option value="cancelled">{t('journal.status.cancelled')}</option>
              </select>
            )}
          </Field>
          <Field label={t('common.from')}>
            {(id) => <input id={id} type="date" value={filter.from} onInput={(e) => setFilter({ ...filter, from: e.currentTarget.value })} />}
          </Field>
          <Field label={t('common.to')}>
            {(id) => <input id={id} type="date" value={filter.to} min={filter.from || undefined} onInput={(e) => setFilter({ ...filter, to: e.currentTarget.value })} />}
          </Field>
          <Field label={t('journal.institution')}>
            {(id) => (
              <select id={id} value={filter.institution} onChange={(e) => setFilter({ ...filter, institution: e.currentTarget.value })}>
                <option value="">{t('common.all')}</option>
                {(insts.data?.items ?? []).map((i) => <option key={i.id} value={i.id}>{i.name} ({i.city})</option>)}
              </select>
            )}
          </Field>
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" data-testid="journal-apply">{t('common.search')}</button>
          <button type="button" class="btn btn-ghost" onClick={() => { const f = { status: '' as const, from: '', to: '', institution: '' }; setFilter(f); setApplied(f); }}>
            {t('common.reset')}
          </button>
        </div>
      </form>
      <ErrorBox error={list.error || error} />
      {list.loading && !list.loaded ? <Loading /> : items.length === 0 ? (list.error ? null : <p class="empty" data-testid="journal-empty">{t('journal.empty')}</p>) : (<>
        <ul class="cards journal" data-testid="journal-list">
          {items.map((x) => (
            <li key={x.id} class="card journal-item" data-testid="journal-item" data-booking-id={x.id} data-status={x.status}>
              <div class="doc-card-head">
                <h2 class="h3"><a href={`#/bookings/${x.id}`}>{fmtDateTime(x.start, x.timeZone)}</a>{' '}
                  <span class="muted small">({zoneNote(x.timeZone)})</span></h2>
                <Badge tone={bookingTone(x.status)} testid="journal-status-badge">{t(`bstatus.${x.status}`)}</Badge>
              </div>
              <p>{x.institution.name} · {x.specialist.name}, {x.specialist.specialization}</p>
              <p class="muted small">{t('book.number')}: {x.confirmationNumber} · {t(`appt.mode.${x.mode}`)}</p>
              {x.status === 'confirmed' && new Date(x.cancelDeadline).getTime() > Date.now() && (
                <p class="hint small">{t('book.deadline', { when: fmtDateTime(x.cancelDeadline, x.timeZone) })}</p>
              )}
              <a class="btn btn-small" href={`#/bookings/${x.id}`} data-testid="journal-open">{t('journal.open')}</a>
            </li>
          ))}
        </ul>
        <ShowMore list={list} />
      </>)}
    </section>
  );
}
