// What an applicant does with a submitted application beyond reading it:
// answering a request for information, going to an invitation (and booking
// a time at that office), paying the state fee, collecting the result.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loc, t } from '../i18n';
import { fmtDate, fmtDateTime, fmtMoney } from '../format';
import type { Application, DocFile, Document, Service } from '../types';
import { AuthImage } from './Appointments';
import { docName, useTypes } from './Documents';
import { ErrorBox, Field, serverFieldErrors, useApp } from './common';

/** The clerk's last request for information: the comment of the last move to needs_info. */
function lastRequest(a: Application): string {
  for (let i = a.timeline.length - 1; i >= 0; i--) {
    const e = a.timeline[i];
    if (e.to === 'needs_info' && e.role === 'staff') return e.comment ?? '';
  }
  return '';
}

/** A file the applicant may send: one of their documents' complete files. */
type Sendable = { doc: Document; file: DocFile };

/** The applicant's files that can go with an answer, document by document. */
function useSendableFiles(): Sendable[] {
  const { api } = useApp();
  const [out, setOut] = useState<Sendable[]>([]);
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const docs = (await api.documents()).items;
        const lists = await Promise.all(docs.map(async (doc) => ({ doc, files: (await api.files(doc.id)).items })));
        const ok = lists.flatMap(({ doc, files }) => files.filter((f) => f.status === 'ready' || f.status === 'not_scanned').map((file) => ({ doc, file })));
        if (live) setOut(ok);
      } catch {
        if (live) setOut([]); // the answer goes without files; the form says none are ready
      }
    })();
    return () => { live = false; };
  }, [api]);
  return out;
}

/** In needs_info: the request, the time left, and the answer (changed fields, a comment, files from the registry). */
export function RespondCard({ a, svc, onDone }: { a: Application; svc?: Service; onDone: (x: Application) => void }) {
  const { api, toast } = useApp();
  const [comment, setComment] = useState('');
  const [field, setField] = useState('');
  const [value, setValue] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const sendable = useSendableFiles();
  const types = useTypes();
  const errs = serverFieldErrors(error);
  async function send(e: Event) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const fields = field && value.trim() ? { [field]: value.trim() } : undefined;
      const out = await api.respondApplication(a.id, { fields, comment: comment.trim() || undefined, files: chosen.length ? chosen : undefined });
      toast(t('apps.responded'));
      onDone(out);
    } catch (ex) {
      setError(ex);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="card card-warn" data-testid="app-needs-info">
      <h2 class="h3">{t('apps.needsInfo')}</h2>
      <p data-testid="app-request">{lastRequest(a) || t('apps.needsInfoNoText')}</p>
      {a.responseDue && <p class="muted" data-testid="app-response-due">{t('apps.answerBy', { d: fmtDateTime(a.responseDue) })}</p>}
      <ErrorBox error={error} />
      <form class="stack" onSubmit={send} data-testid="respond-form">
        {svc && (
          <Field label={t('apps.changeField')} hint={t('common.optional')}>
            {(id, db) => (
              <select id={id} aria-describedby={db} value={field} data-testid="respond-field" onChange={(e) => setField(e.currentTarget.value)}>
                <option value="">{t('apps.choose')}</option>
                {svc.fields.map((f) => <option key={f.name} value={f.name}>{loc(f.label)}</option>)}
              </select>
            )}
          </Field>
        )}
        {field && (
          <Field label={t('apps.newValue')} error={errs[`fields.${field}`]}>
            {(id, db) => <input id={id} aria-describedby={db} value={value} data-testid="respond-value" onInput={(e) => setValue(e.currentTarget.value)} />}
          </Field>
        )}
        <Field label={t('apps.answer')} error={errs.comment}>
          {(id, db) => <textarea id={id} aria-describedby={db} rows={3} maxLength={1000} value={comment} data-testid="respond-comment"
            onInput={(e) => setComment(e.currentTarget.value)} />}
        </Field>
        <fieldset data-testid="respond-files">
          <legend>{t('apps.attachFiles')}</legend>
          {sendable.length === 0 && <p class="hint">{t('apps.noFilesToSend')}</p>}
          {sendable.map(({ doc, file }) => (
            <label key={file.id} class="check">
              <input type="checkbox" data-testid="respond-file" data-file={file.id} checked={chosen.includes(file.id)}
                onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, file.id] : chosen.filter((x) => x !== file.id))} />
              {' '}{file.name} <span class="muted">({docName(doc, types.data ?? new Map())})</span>
            </label>
          ))}
          {Object.entries(errs).filter(([k]) => k === 'files' || k.startsWith('files[')).map(([k, m]) => <p key={k} class="field-error">{m}</p>)}
        </fieldset>
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="respond-submit">{t('apps.sendAnswer')}</button>
      </form>
    </div>
  );
}

/** In invited: when and where, and a link to book a time at that office. */
export function InvitationCard({ a }: { a: Application }) {
  const v = a.invitation;
  if (!v) return null;
  return (
    <div class="card" data-testid="app-invitation">
      <h2 class="h3">{t('apps.invited')}</h2>
      <dl class="kv">
        <dt>{t('apps.when')}</dt><dd data-testid="invitation-at">{fmtDateTime(v.at)}</dd>
        <dt>{t('apps.where')}</dt><dd data-testid="invitation-place">{v.place}</dd>
      </dl>
      <p>{t('apps.bringOriginals')}</p>
      {v.bookingPath && <a class="btn btn-primary" href={`#${v.bookingPath}`} data-testid="invitation-book">{t('apps.bookThere')}</a>}
    </div>
  );
}

/** In ready_for_pickup: where and until when. */
export function PickupCard({ a }: { a: Application }) {
  const p = a.pickup;
  if (!p) return null;
  return (
    <div class="card card-ok" data-testid="app-pickup">
      <h2 class="h3">{t('apps.pickup')}</h2>
      <dl class="kv">
        <dt>{t('apps.where')}</dt><dd>{p.place}</dd>
        <dt>{t('apps.until')}</dt><dd data-testid="pickup-until">{fmtDate(p.until)}</dd>
      </dl>
    </div>
  );
}

/** The state fee: what is owed, the QR code a bank's app reads, the details, what was paid. */
export function FeeCard({ a }: { a: Application }) {
  const f = a.fee;
  if (!f) return null;
  const py = f.payee;
  return (
    <div class="card" data-testid="app-fee" data-owed={f.owed}>
      <h2 class="h3">{t('apps.fee')}</h2>
      <dl class="kv">
        <dt>{t('apps.feeAmount')}</dt><dd data-testid="fee-amount">{fmtMoney(f.amount)}</dd>
        <dt>{t('apps.feePaid')}</dt><dd data-testid="fee-paid">{fmtMoney(f.paid)}</dd>
        {f.owed > 0 && <><dt>{t('apps.feeOwed')}</dt><dd data-testid="fee-owed"><strong>{fmtMoney(f.owed)}</strong></dd></>}
        {f.surplus > 0 && <><dt>{t('apps.feeSurplus')}</dt><dd data-testid="fee-surplus">{fmtMoney(f.surplus)}</dd></>}
        <dt>{t('apps.uin')}</dt><dd class="mono" data-testid="fee-uin">{f.uin}</dd>
        {f.owed > 0 && <><dt>{t('apps.payBy')}</dt><dd>{fmtDateTime(f.payBy)}</dd></>}
      </dl>
      {f.owed > 0 && f.qrPath && (
        <div class="qr-card">
          <p class="hint">{t('apps.payQR')}</p>
          <AuthImage path={f.qrPath} alt={t('apps.payQRAlt', { s: fmtMoney(f.owed) })} testid="fee-qr" />
        </div>
      )}
      {f.surplus > 0 && <p class="muted">{t('apps.surplusHint')}</p>}
      <details>
        <summary>{t('apps.payee')}</summary>
        <dl class="kv">
          <dt>{t('apps.payeeName')}</dt><dd>{py.name}</dd>
          <dt>{t('apps.payeeInn')}</dt><dd class="mono">{py.inn} / {py.kpp}</dd>
          <dt>{t('apps.payeeAccount')}</dt><dd class="mono">{py.account}</dd>
          <dt>{t('apps.payeeBank')}</dt><dd>{py.bankName}, {py.bic}</dd>
          <dt>{t('apps.payeeCorr')}</dt><dd class="mono">{py.corrAccount}</dd>
          <dt>{t('apps.payeeCbc')}</dt><dd class="mono">{py.cbc}, {py.oktmo}</dd>
          <dt>{t('apps.purpose')}</dt><dd>{f.purpose}</dd>
        </dl>
      </details>
      {f.payments.length > 0 && (
        <>
          <h3 class="h4">{t('apps.payments')}</h3>
          <ul data-testid="fee-payments">
            {f.payments.map((p, i) => <Fragment key={i}><li>{fmtDateTime(p.paidAt)} — {fmtMoney(p.amount)}</li></Fragment>)}
          </ul>
        </>
      )}
    </div>
  );
}
