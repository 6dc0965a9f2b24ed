// Sharing one document (with its files) with an institution, optionally
// one specialist, for at most 90 days; the owner sees every read by staff
// and revokes at once. And the staff's side: what was shared with their
// institution, with the files to download.
import { useMemo, useState } from 'preact/hooks';
import { idempotencyKey } from '../api';
import { t } from '../i18n';
import { fmtDate, fmtDateTime } from '../format';
import { fileStatusText, fileStatusTone, formatBytes } from '../files';
import { getLang } from '../i18n';
import type { DocFile, Share } from '../types';
import { Badge, ErrorBox, Field, Loading, PageHeader, serverFieldErrors, useApp, useLoad } from './common';
import { SignatureBadges, startDownload } from './Files';

/** The longest share, as sharing.MaxDuration. */
export const MAX_SHARE_DAYS = 90;

function isoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The date picker's bounds and default: tomorrow to today + 90 days, 30 days by default. */
export function shareDates(now: Date): { min: string; max: string; def: string } {
  const at = (days: number) => { const d = new Date(now); d.setDate(d.getDate() + days); return isoDate(d); };
  return { min: at(1), max: at(MAX_SHARE_DAYS), def: at(30) };
}

/**
 * The instant a share picked for date ends: the end of that day here, but
 * never more than 90 days from now (the server's limit counts from now).
 */
export function shareUntil(date: string, now: Date): string {
  const [y, m, d] = date.split('-').map(Number);
  const end = new Date(y, m - 1, d, 23, 59, 59);
  const limit = new Date(now.getTime() + MAX_SHARE_DAYS * 24 * 3600 * 1000);
  return (end > limit ? limit : end).toISOString();
}

function useInstitutions() {
  const { api } = useApp();
  return useLoad(async () => (await api.institutions({ limit: 50 })).items, []);
}

export function DocumentShares({ docId }: { docId: string }) {
  const { api, toast } = useApp();
  const shares = useLoad(() => api.shares(docId), [docId]);
  const insts = useInstitutions();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const names = useMemo(() => new Map((insts.data ?? []).map((i) => [i.id, i.name])), [insts.data]);

  async function revoke(s: Share) {
    setBusy(s.id);
    setError(null);
    try {
      await api.revokeShare(docId, s.id);
      toast(t('share.revoked'));
      shares.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  const items = shares.data?.items ?? [];
  return (
    <div class="card" data-testid="doc-shares">
      <h2 class="h3">{t('share.title')}</h2>
      <ErrorBox error={shares.error || error} />
      {shares.loading && !shares.data ? <Loading /> : items.length === 0 ? (
        <p class="muted" data-testid="shares-empty">{t('share.empty')}</p>
      ) : (
        <ul class="share-list">
          {items.map((s) => (
            <li key={s.id} data-testid="share-item" data-share-id={s.id} data-active={s.active}>
              <div>
                <strong>{names.get(s.institutionId) ?? s.institutionId}</strong>{' '}
                <Badge tone={s.active ? 'ok' : 'muted'} testid="share-state">
                  {s.active ? t('share.activeUntil', { date: fmtDate(s.until.slice(0, 10)) }) : s.revokedAt ? t('share.revokedAt', { at: fmtDateTime(s.revokedAt) }) : t('share.expired')}
                </Badge>
              </div>
              {s.specialistId && <div class="hint">{t('share.specialistOnly')}</div>}
              <div class="hint" data-testid="share-reads">
                {s.reads.length === 0 ? t('share.noReads') : t('share.reads', { n: s.reads.length })}
              </div>
              {s.reads.length > 0 && (
                <ul class="reads">
                  {s.reads.map((r, i) => (
                    <li key={i} data-testid="share-read">{t('share.read', { staff: r.staff, at: fmtDateTime(r.at) })}</li>
                  ))}
                </ul>
              )}
              {s.active && (
                <button type="button" class="btn btn-small btn-danger" data-testid="share-revoke" disabled={busy === s.id}
                  onClick={() => revoke(s)}>{t('share.revoke')}</button>
              )}
            </li>
          ))}
        </ul>
      )}
      {open ? (
        <ShareForm docId={docId} institutions={insts.data ?? []} onDone={(created) => { setOpen(false); if (created) shares.reload(); }} />
      ) : (
        <button type="button" class="btn" data-testid="share-open" onClick={() => setOpen(true)}>{t('share.open')}</button>
      )}
    </div>
  );
}

function ShareForm({ docId, institutions, onDone }: {
  docId: string; institutions: { id: string; name: string }[]; onDone(created: boolean): void;
}) {
  const { api, toast } = useApp();
  const dates = shareDates(new Date());
  const [inst, setInst] = useState('');
  const [spec, setSpec] = useState('');
  const [until, setUntil] = useState(dates.def);
  const [error, setError] = useState<unknown>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [key] = useState(idempotencyKey);
  const specs = useLoad(async () => (inst ? (await api.specialists(inst)).items : []), [inst]);

  const clientErr: Record<string, string> = {};
  if (!inst) clientErr.institutionId = t('v.required');
  if (!until) clientErr.until = t('v.required');
  else if (until > dates.max) clientErr.until = t('share.tooLong', { n: MAX_SHARE_DAYS });
  else if (until < dates.min) clientErr.until = t('share.inPast');
  const [submitted, setSubmitted] = useState(false);
  const err = (k: string) => fields[k] ?? (submitted ? clientErr[k] : undefined) ?? null;

  async function submit(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(clientErr).length) return;
    setBusy(true);
    setError(null);
    try {
      await api.createShare(docId, { institutionId: inst, ...(spec ? { specialistId: spec } : {}), until: shareUntil(until, new Date()) }, key);
      toast(t('share.created'));
      onDone(true);
    } catch (ex) {
      setError(ex);
      setFields(serverFieldErrors(ex));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="form share-form" role="dialog" aria-modal="false" aria-labelledby="share-form-title" onSubmit={submit} novalidate data-testid="share-form">
      <h3 class="h4" id="share-form-title">{t('share.formTitle')}</h3>
      <ErrorBox error={error} shownFields={['institutionId', 'specialistId', 'until']} />
      <Field label={t('share.institution')} required error={err('institutionId')}>
        {(id, db, invalid) => (
          <select id={id} value={inst} aria-describedby={db} aria-invalid={invalid} data-testid="share-institution"
            onChange={(e) => { setInst(e.currentTarget.value); setSpec(''); setFields({}); }}>
            <option value="">{t('share.chooseInstitution')}</option>
            {institutions.map((i) => <option key={i.id} value={i.id}>{i.name}</option>)}
          </select>
        )}
      </Field>
      <Field label={t('share.specialist')} hint={t('share.specialistHint')} error={err('specialistId')}>
        {(id, db, invalid) => (
          <select id={id} value={spec} aria-describedby={db} aria-invalid={invalid} disabled={!inst} data-testid="share-specialist"
            onChange={(e) => setSpec(e.currentTarget.value)}>
            <option value="">{t('share.anySpecialist')}</option>
            {(specs.data ?? []).map((s) => <option key={s.id} value={s.id}>{s.name} — {s.specialization}</option>)}
          </select>
        )}
      </Field>
      <Field label={t('share.until')} required hint={t('share.untilHint', { n: MAX_SHARE_DAYS })} error={err('until')}>
        {(id, db, invalid) => (
          <input id={id} type="date" value={until} min={dates.min} max={dates.max} aria-describedby={db} aria-invalid={invalid}
            data-testid="share-until" onInput={(e) => setUntil(e.currentTarget.value)} />
        )}
      </Field>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="share-submit">{t('share.submit')}</button>
        <button type="button" class="btn btn-ghost" onClick={() => onDone(false)}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

/** Staff: what people shared with their institution. Every read is recorded and shown to the owner. */
export function SharedWithUsPage({ institution }: { institution: string }) {
  const { api } = useApp();
  const list = useLoad(() => api.sharedDocuments(institution), [institution]);
  const items = list.data?.items ?? [];
  const lang = getLang();
  const download = (f: DocFile) => { if (f.downloadUrl) startDownload(f.downloadUrl); };
  return (
    <section data-testid="shared-page">
      <PageHeader title={t('shared.title')}>
        <button type="button" class="btn" onClick={() => list.reload()} data-testid="shared-reload">{t('shared.reload')}</button>
      </PageHeader>
      <p class="hint">{t('shared.hint')}</p>
      <ErrorBox error={list.error} />
      {list.loading && !list.data ? <Loading /> : items.length === 0 ? (
        <p class="empty" data-testid="shared-empty">{t('shared.empty')}</p>
      ) : (
        <ul class="cards">
          {items.map((x) => (
            <li key={x.shareId} class="card" data-testid="shared-item" data-doc-id={x.document.id}>
              <h2 class="h3">{x.document.title || x.document.type}</h2>
              <p class="hint">{t('shared.until', { date: fmtDate(x.until.slice(0, 10)) })}</p>
              {x.files.length === 0 ? <p class="muted">{t('files.empty')}</p> : (
                <ul class="file-list">
                  {x.files.map((f) => (
                    <li key={f.id} class="file-item" data-testid="shared-file">
                      <div class="file-main">
                        <div class="file-name">{f.name}</div>
                        <div class="hint">{formatBytes(f.size, lang)} · <Badge tone={fileStatusTone(f.status)}>{fileStatusText(f.status)}</Badge></div>
                        <SignatureBadges f={f} />
                        <button type="button" class="btn btn-small" data-testid="shared-download" disabled={!f.downloadUrl}
                          aria-label={t('files.downloadNamed', { name: f.name })} onClick={() => download(f)}>{t('files.download')}</button>
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
