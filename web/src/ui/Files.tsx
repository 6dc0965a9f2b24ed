// A document's electronic copies on its card: upload with progress straight
// to S3 (declare → presigned PUT → complete), thumbnails of images,
// downloads by short-lived presigned URL, detached signatures with their
// result in words, and deletion.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, idempotencyKey } from '../api';
import { getLang, t } from '../i18n';
import { fmtDateTime } from '../format';
import {
  contentTypeOf, FILE_ACCEPT, fileProblem, fileStatusText, fileStatusTone, formatBytes, isImage, MAX_FILES,
  MAX_SIGNATURE_BYTES, putToS3, sha256Hex, SIGNATURE_ACCEPT, signatureText, signatureTone, UploadError,
} from '../files';
import type { DocFile } from '../types';
import { Badge, ErrorBox, Loading, useApp, useLoad } from './common';

/** Starts a download of a presigned GET (Content-Disposition set by the server). */
export function startDownload(url: string) {
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/**
 * A thumbnail of an image file: its presigned GET (asked for afresh, the
 * list carries none) fetched into a blob: URL (the CSP's img-src).
 */
export function Thumbnail({ url, docId, fileId, name }: { url?: string; docId?: string; fileId?: string; name: string }) {
  const { api } = useApp();
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let href: string | null = null;
    let live = true;
    const get = url ? Promise.resolve(url) : api.file(docId!, fileId!).then((f) => f.downloadUrl ?? Promise.reject(new Error('no url')));
    get.then((u) => fetch(u)).then((r) => (r.ok ? r.blob() : Promise.reject(new Error(String(r.status))))).then((b) => {
      if (!live) return;
      href = URL.createObjectURL(b);
      setSrc(href);
    }, () => { /* no thumbnail: the name says what it is */ });
    return () => { live = false; if (href) URL.revokeObjectURL(href); };
  }, [url, docId, fileId]);
  if (!src) return <span class="thumb thumb-empty" aria-hidden="true" />;
  return <img class="thumb" src={src} alt={t('files.thumbAlt', { name })} data-testid="file-thumb" />;
}

/** The signatures of a file, each a badge: result and signer in words, with the server's why. */
export function SignatureBadges({ f }: { f: DocFile }) {
  if (f.signatures.length === 0) return null;
  return (
    <ul class="sig-list" aria-label={t('sig.title')}>
      {f.signatures.map((v, i) => (
        <li key={i} data-testid="file-signature" data-result={v.result}>
          <Badge tone={signatureTone(v.result)}>{signatureText(v)}</Badge>
          {v.result !== 'valid' && v.message && <span class="hint"> {v.message}</span>}
          {v.signedAt && <span class="hint"> · {t('sig.signedAt', { at: fmtDateTime(v.signedAt) })}</span>}
        </li>
      ))}
    </ul>
  );
}

interface Progress { name: string; fraction: number }

export function DocumentFiles({ docId }: { docId: string }) {
  const { api, toast } = useApp();
  const list = useLoad(() => api.files(docId), [docId]);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmDel, setConfirmDel] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const files = list.data?.items ?? [];

  async function upload(f: File) {
    const why = fileProblem(f.name, f.type, f.size, files.length);
    if (why) { setProblem(t(why, { n: MAX_FILES })); return; }
    setProblem(null);
    setError(null);
    setProgress({ name: f.name, fraction: 0 });
    let fileId: string | null = null;
    try {
      const type = contentTypeOf(f.name, f.type);
      const bytes = await f.arrayBuffer();
      const up = await api.beginFile(docId, { name: f.name, contentType: type, size: f.size, sha256: await sha256Hex(bytes) }, idempotencyKey());
      fileId = up.id;
      await putToS3(up, new Blob([bytes], { type }), (x) => setProgress({ name: f.name, fraction: x }));
      const done = await api.completeFile(docId, up.id);
      fileId = null;
      toast(t(done.status === 'pending_scan' ? 'files.uploadedScan' : 'files.uploaded', { name: f.name }));
    } catch (e) {
      setError(e instanceof UploadError ? new Error(t('files.uploadFailed')) : e);
      // Nothing half-made from here either: a declared file whose bytes
      // never arrived is deleted (the server refuses and cleans up what
      // arrived wrong itself).
      if (fileId && !(e instanceof ApiError && e.status === 422)) await api.deleteFile(docId, fileId).catch(() => undefined);
    } finally {
      setProgress(null);
      if (input.current) input.current.value = '';
      list.reload();
    }
  }

  async function download(f: DocFile) {
    setBusy(`dl-${f.id}`);
    setError(null);
    try {
      // A fresh URL: the one of the list may be past its 5 minutes.
      const fresh = await api.file(docId, f.id);
      if (fresh.downloadUrl) startDownload(fresh.downloadUrl);
      else setError(new Error(t('files.notDownloadable')));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  async function addSignature(f: DocFile, sig: File | undefined) {
    if (!sig) return;
    if (sig.size > MAX_SIGNATURE_BYTES || sig.size === 0) { setProblem(t('sig.tooLarge')); return; }
    setProblem(null);
    setError(null);
    setBusy(`sig-${f.id}`);
    try {
      const v = await api.addSignature(docId, f.id, sig);
      toast(signatureText(v), signatureTone(v.result));
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  async function remove(f: DocFile) {
    setBusy(`del-${f.id}`);
    setError(null);
    try {
      await api.deleteFile(docId, f.id);
      toast(t('files.deleted', { name: f.name }));
      setConfirmDel(null);
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  const lang = getLang();
  return (
    <div class="card" data-testid="doc-files">
      <h2 class="h3">{t('files.title')}</h2>
      <ErrorBox error={list.error || error} />
      {problem && <p class="alert alert-warn" role="alert" data-testid="files-problem">{problem}</p>}
      {list.loading && !list.data ? <Loading /> : files.length === 0 ? (
        <p class="muted" data-testid="files-empty">{t('files.empty')}</p>
      ) : (
        <ul class="file-list">
          {files.map((f) => {
            const downloadable = f.status === 'ready' || f.status === 'not_scanned';
            return (
              <li key={f.id} class="file-item" data-testid="file-item" data-file-id={f.id} data-status={f.status}>
                {isImage(f) && downloadable ? <Thumbnail url={f.downloadUrl} docId={docId} fileId={f.id} name={f.name} /> : (
                  <span class="thumb thumb-doc" aria-hidden="true">{f.contentType === 'application/pdf' ? 'PDF' : ''}</span>
                )}
                <div class="file-main">
                  <div class="file-name" data-testid="file-name">{f.name}</div>
                  <div class="hint">
                    {formatBytes(f.size, lang)} · <Badge tone={fileStatusTone(f.status)} testid="file-status">{fileStatusText(f.status)}</Badge>
                  </div>
                  <SignatureBadges f={f} />
                  <div class="actions actions-compact">
                    <button type="button" class="btn btn-small" data-testid="file-download" disabled={!downloadable || busy === `dl-${f.id}`}
                      aria-label={t('files.downloadNamed', { name: f.name })} onClick={() => download(f)}>{t('files.download')}</button>
                    {f.status !== 'pending_upload' && f.status !== 'infected' && (
                      <label class={`btn btn-small${busy === `sig-${f.id}` ? ' disabled' : ''}`} data-testid="file-sign">
                        {t('sig.add')}
                        <input type="file" class="sr-only" accept={SIGNATURE_ACCEPT} data-testid="file-sign-input"
                          aria-label={t('sig.addNamed', { name: f.name })}
                          onChange={(e) => addSignature(f, e.currentTarget.files?.[0])} />
                      </label>
                    )}
                    {confirmDel === f.id ? (
                      <span class="confirm" role="group" aria-label={t('common.confirmDelete')}>
                        <button type="button" class="btn btn-small btn-danger" data-testid="file-delete-confirm"
                          disabled={busy === `del-${f.id}`} onClick={() => remove(f)}>{t('common.yes')}</button>
                        <button type="button" class="btn btn-small" onClick={() => setConfirmDel(null)}>{t('common.no')}</button>
                      </span>
                    ) : (
                      <button type="button" class="btn btn-small btn-ghost" data-testid="file-delete"
                        aria-label={t('files.deleteNamed', { name: f.name })} onClick={() => setConfirmDel(f.id)}>{t('common.delete')}</button>
                    )}
                  </div>
                  {f.status === 'infected' && <p class="alert alert-bad">{t('files.infected')}</p>}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {progress && (
        <div class="upload-progress" data-testid="file-progress">
          <label>
            {t('files.uploading', { name: progress.name })}
            <progress max={100} value={Math.round(progress.fraction * 100)} />
          </label>
        </div>
      )}
      <div class="actions">
        <label class={`btn btn-primary${progress || files.length >= MAX_FILES ? ' disabled' : ''}`} data-testid="file-add">
          {t('files.add')}
          <input ref={input} type="file" class="sr-only" accept={FILE_ACCEPT} data-testid="file-input" disabled={!!progress}
            aria-label={t('files.add')} onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void upload(f); }} />
        </label>
        <span class="hint">{t('files.limits', { n: MAX_FILES })}</span>
      </div>
    </div>
  );
}
