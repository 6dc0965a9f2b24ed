import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { fmtDateTime } from '../format';
import type { Contact, Profile } from '../types';
import { ErrorBox, Field, serverFieldErrors, useApp } from './common';
import { fieldText } from '../messages';

/** Seconds until iso (0 when past or absent). */
export function secondsUntil(iso: string | undefined, now: number): number {
  if (!iso) return 0;
  return Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000));
}

/** m:ss of a countdown. */
export function countdown(s: number): string {
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A contact's verification (code entry, resend with its timer) or, for its owner, who shares it. */
export function ContactCard({ contact: c, onProfile }: { contact: Contact; onProfile(p: Profile, etag: string | null): void }) {
  const { api, toast } = useApp();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (c.state === 'verified') return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [c.state]);

  if (c.state === 'verified') {
    if (!c.owner || !c.sharers || c.sharers.length === 0) return null;
    return (
      <div class="sharers" data-testid={`contact-${c.channel}-sharers`}>
        <p class="muted small">{t('profile.sharers')}</p>
        <ul class="plain">
          {c.sharers.map((s) => (
            <li key={s.id}>
              {s.name}{s.since && <span class="muted small"> · {t('profile.sharerSince')} {fmtDateTime(s.since)}</span>}{' '}
              <button type="button" class="btn btn-link" data-testid={`sharer-remove-${s.id}`} onClick={async () => {
                try {
                  await api.removeSharer(s.id);
                  const res = await api.profile();
                  onProfile(res.body, res.etag);
                  toast(t('profile.sharerRemoved'));
                } catch (ex) { setError(ex); }
              }}>{t('profile.sharerRemove')}</button>
            </li>
          ))}
        </ul>
        <ErrorBox error={error} />
      </div>
    );
  }

  const wait = secondsUntil(c.resendAt ?? undefined, now);
  const live = secondsUntil(c.codeExpiresAt ?? undefined, now) > 0;
  const fieldErr = serverFieldErrors(error).code;
  async function verify(e: Event) {
    e.preventDefault();
    if (!/^[0-9]{6}$/.test(code)) { setError(null); return; }
    setBusy(true);
    setError(null);
    try {
      const res = await api.verifyContact(c.channel, c.address, code);
      setCode('');
      onProfile(res.body, res.etag);
      toast(t('profile.verified'));
    } catch (ex) { setError(ex); } finally { setBusy(false); }
  }
  async function resend() {
    setBusy(true);
    setError(null);
    try {
      const res = await api.resendCode(c.channel, c.address);
      onProfile(res.body, res.etag);
      toast(t('profile.codeSent'));
    } catch (ex) { setError(ex); } finally { setBusy(false); }
  }
  const badCode = code !== '' && !/^[0-9]{6}$/.test(code);
  return (
    <form class="verify" onSubmit={verify} novalidate data-testid={`contact-${c.channel}-verify`}>
      <p class="muted small">{live ? t(`profile.codeSentTo.${c.channel}`) : t('profile.codeNone')}</p>
      <ErrorBox error={error} shownFields={['code']} />
      <Field label={t('profile.code')} error={badCode ? fieldText('invalid_code') : fieldErr ?? null}>
        {(id, db, inv) => <input id={id} value={code} inputMode="numeric" autocomplete="one-time-code" maxLength={6}
          aria-describedby={db} aria-invalid={inv} data-testid={`contact-${c.channel}-code`}
          onInput={(e) => setCode(e.currentTarget.value.replace(/\D/g, ''))} />}
      </Field>
      {live && c.attemptsLeft != null && <p class="muted small">{t('profile.attemptsLeft')}: {c.attemptsLeft}</p>}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy || code.length !== 6} data-testid={`contact-${c.channel}-confirm`}>
          {t('profile.confirm')}
        </button>
        <button type="button" class="btn" disabled={busy || wait > 0} onClick={resend} data-testid={`contact-${c.channel}-resend`}>
          {wait > 0 ? `${t('profile.resendIn')} ${countdown(wait)}` : t('profile.resend')}
        </button>
      </div>
    </form>
  );
}
