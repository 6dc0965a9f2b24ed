import { useEffect, useMemo, useState } from 'preact/hooks';
import { ContactCard } from './Contacts';
import { getLang, LANG_NAMES, setLang, t, type Lang } from '../i18n';
import { fmtPhone } from '../format';
import { fieldText } from '../messages';
import { setZone } from '../prefs';
import type { Channels, Profile, ProfileInput } from '../types';
import { checkEmail, checkPhone, isDate, normalisePhone, todayISO, type Errors } from '../validate';
import { ZONE_CHOICES, zoneLabel } from '../zones';
import { ErrorBox, Field, Loading, PageHeader, serverFieldErrors, useApp } from './common';

interface Form {
  name: string;
  birthDate: string;
  timeZone: string;
  language: Lang;
  email: string;
  phone: string;
  channels: Channels;
}

export function validateProfile(f: Form, today: string): Errors {
  const e: Errors = {};
  if ([...f.name.trim()].length > 200) e.name = 'invalid_text';
  if (f.birthDate) {
    if (!isDate(f.birthDate)) e.birthDate = 'invalid_date';
    else if (f.birthDate > today) e.birthDate = 'in_future';
  }
  const em = checkEmail(f.email);
  if (em) e.email = em;
  const ph = checkPhone(f.phone);
  if (ph) e.phone = ph;
  return e;
}

export function ProfilePage() {
  const { api, toast } = useApp();
  const [loaded, setLoaded] = useState<{ p: Profile; etag: string | null } | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [loadErr, setLoadErr] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const today = todayISO();

  function fill(p: Profile, etag: string | null) {
    setLoaded({ p, etag });
    setForm({
      name: p.name ?? '', birthDate: p.birthDate ?? '', timeZone: p.timeZone, language: getLang(),
      email: p.email ?? '', phone: p.phone ?? '', channels: { ...p.channels },
    });
  }

  useEffect(() => {
    api.profile().then(({ body, etag }) => fill(body, etag), setLoadErr);
  }, []);

  const clientErr = useMemo(() => (form ? validateProfile(form, today) : {}), [form]);
  const serverFields = serverFieldErrors(error);

  if (loadErr) return <ErrorBox error={loadErr} />;
  if (!form || !loaded) return <Loading />;

  function set<K extends keyof Form>(k: K, v: Form[K]) {
    setForm((f) => (f ? { ...f, [k]: v } : f));
    setTouched((tt) => new Set(tt).add(k));
    if (k === 'language') setLang(v as Lang); // the switch changes the whole UI at once
  }
  function err(k: string): string | null {
    if (serverFields[k] && !touched.has(k)) return serverFields[k];
    if (clientErr[k] && (submitted || touched.has(k))) return fieldText(clientErr[k]);
    return serverFields[k] ?? null;
  }

  async function save(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    setError(null);
    setTouched(new Set());
    if (!form || Object.keys(clientErr).length > 0) return;
    const body: ProfileInput = {
      timeZone: form.timeZone,
      language: form.language,
      channels: form.channels,
    };
    if (form.name.trim()) body.name = form.name.trim();
    if (form.birthDate) body.birthDate = form.birthDate;
    if (form.email.trim()) body.email = form.email.trim();
    // 8 916 123-45-67 is sent as +79161234567, as the server stores it.
    if (form.phone.trim()) body.phone = normalisePhone(form.phone);
    setBusy(true);
    try {
      const res = await api.putProfile(body, loaded!.p.version > 0 ? loaded!.etag : null);
      fill(res.body, res.etag);
      setLang(res.body.language);
      setZone(res.body.timeZone);
      toast(t('profile.saved'));
    } catch (ex) {
      setError(ex);
    } finally {
      setBusy(false);
    }
  }

  // Russia's zones west to east, then those abroad; a saved zone not in the list first.
  const zones = ZONE_CHOICES.includes(form.timeZone) ? ZONE_CHOICES : [form.timeZone, ...ZONE_CHOICES];
  const lang = getLang();
  const shown = ['name', 'birthDate', 'timeZone', 'language', 'email', 'phone', 'channels'];
  return (
    <section data-testid="profile-page">
      <PageHeader title={t('profile.title')} />
      {loaded.p.version === 0 && <p class="alert alert-info">{t('profile.defaults')}</p>}
      <div class="grid-2">
        <form class="card form" onSubmit={save} novalidate data-testid="profile-form">
          <ErrorBox error={error} shownFields={shown} />
          <Field label={t('profile.name')} error={err('name')}>
            {(id, db, inv) => <input id={id} value={form.name} maxLength={200} autocomplete="name" aria-describedby={db} aria-invalid={inv}
              data-testid="profile-name" onInput={(e) => set('name', e.currentTarget.value)} />}
          </Field>
          <Field label={t('profile.birthDate')} error={err('birthDate')} hint={t('profile.birthHint')}>
            {(id, db, inv) => <input id={id} type="date" value={form.birthDate} max={today} autocomplete="bday" aria-describedby={db}
              aria-invalid={inv} data-testid="profile-birth" onInput={(e) => set('birthDate', e.currentTarget.value)} />}
          </Field>
          <Field label={t('profile.timeZone')} error={err('timeZone')}>
            {(id, db, inv) => (
              <select id={id} value={form.timeZone} aria-describedby={db} aria-invalid={inv} data-testid="profile-tz"
                onChange={(e) => set('timeZone', e.currentTarget.value)}>
                {zones.map((z) => <option key={z} value={z}>{zoneLabel(z, lang)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('profile.language')} error={err('language')}>
            {(id, db, inv) => (
              <select id={id} value={form.language} aria-describedby={db} aria-invalid={inv} data-testid="profile-lang"
                onChange={(e) => set('language', e.currentTarget.value as Lang)}>
                <option value="ru" lang="ru">{LANG_NAMES.ru}</option>
                <option value="en" lang="en">{LANG_NAMES.en}</option>
              </select>
            )}
          </Field>
          <Field label={t('profile.email')} error={err('email')}>
            {(id, db, inv) => <input id={id} type="email" value={form.email} maxLength={254} autocomplete="email" aria-describedby={db}
              aria-invalid={inv} data-testid="profile-email" onInput={(e) => set('email', e.currentTarget.value)} />}
          </Field>
          <Field label={t('profile.phone')} error={err('phone')} hint={t('profile.phoneHint')}>
            {(id, db, inv) => <input id={id} type="tel" value={form.phone} autocomplete="tel" aria-describedby={db} aria-invalid={inv}
              data-testid="profile-phone" onInput={(e) => set('phone', e.currentTarget.value)} />}
          </Field>
          <fieldset class="fieldset">
            <legend>{t('profile.channels')}</legend>
            {(['sms', 'email'] as const).map((c) => (
              <label class="check" key={c}>
                <input type="checkbox" checked={form.channels[c]} data-testid={`profile-ch-${c}`}
                  onChange={(e) => set('channels', { ...form.channels, [c]: e.currentTarget.checked })} />
                {t(`profile.ch.${c}`)}
              </label>
            ))}
          </fieldset>
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="profile-save">{t('common.save')}</button>
          </div>
        </form>
        <div class="card">
          <h2 class="h3">{t('profile.contacts')}</h2>
          {loaded.p.contacts.length === 0 ? <p class="muted">{t('profile.noContacts')}</p> : (
            <ul class="plain contacts" data-testid="profile-contacts">
              {loaded.p.contacts.map((c) => (
                <li key={c.channel + c.address} data-testid={`contact-${c.channel}`}>
                  <strong>{t(`profile.ch.${c.channel}`)}</strong>: {c.channel === 'sms' ? fmtPhone(c.address) : c.address}{' '}
                  <span class={c.state === 'verified' ? 'badge badge-ok' : 'badge badge-warn'} data-testid={`contact-${c.channel}-state`}>
                    {t(`profile.state.${c.state}`)}
                  </span>{' '}
                  {c.channel === 'email' && <span class="muted small">({t(`profile.sub.${c.subscription}`)})</span>}
                  <ContactCard contact={c} onProfile={(p, etag) => fill(p, etag ?? loaded.etag)} />
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
