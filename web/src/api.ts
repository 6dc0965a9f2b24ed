// The API client: bearer token, Accept-Language, problem+json errors,
// ETag/If-Match and Idempotency-Key, authenticated file downloads.
import type { AppConfig } from './config';
import type { Lang } from './i18n';
import { fieldText } from './messages';
import type * as T from './types';

export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  status: number;
  title: string;
  detail?: string;
  errors: FieldProblem[];
  requestId?: string;
  retryAfter?: number;
  constructor(status: number, title: string, errors: FieldProblem[] = [], detail?: string) {
    super(title);
    this.status = status;
    this.title = title;
    this.errors = errors;
    this.detail = detail;
  }
  /**
   * Field messages keyed by field name (the first per field): the server's
   * message as it is (it is in the request's Accept-Language), else the
   * same words for its code from the generated table.
   */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) if (!(e.field in out)) out[e.field] = e.message || fieldText(e.code);
    return out;
  }
}

/** Network failure (no HTTP answer). */
export class NetworkError extends Error {}

export interface ApiHooks {
  token(): string | null;
  /** Cognito: the token to send, refreshed first when it is about to expire. Absent: token(). */
  validToken?(): Promise<string | null>;
  /** Cognito: a new token after the API refused `usedToken` (401), or null; the call is retried once with it. */
  refreshAfter401?(usedToken: string | null): Promise<string | null>;
  lang(): Lang;
  onUnauthorized(): void;
  onUnavailable(e: ApiError): void;
}

export function idempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export async function parseProblem(res: Response): Promise<ApiError> {
  let title = res.statusText || `HTTP ${res.status}`;
  let errors: FieldProblem[] = [];
  let detail: string | undefined;
  let requestId: string | undefined;
  try {
    const ct = res.headers.get('Content-Type') ?? '';
    if (ct.includes('json')) {
      const p = await res.json();
      if (p && typeof p === 'object') {
        if (typeof p.title === 'string') title = p.title;
        if (typeof p.detail === 'string') detail = p.detail;
        if (typeof p.requestId === 'string') requestId = p.requestId;
        if (Array.isArray(p.errors)) {
          errors = p.errors.filter((e: unknown) => e && typeof e === 'object') as FieldProblem[];
        }
      }
    }
  } catch { /* body not JSON */ }
  const e = new ApiError(res.status, title, errors, detail);
  e.requestId = requestId ?? res.headers.get('X-Request-Id') ?? undefined;
  const ra = Number(res.headers.get('Retry-After'));
  if (Number.isFinite(ra) && ra > 0) e.retryAfter = ra;
  return e;
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface WithETag<V> {
  body: V;
  etag: string | null;
}

interface CallOpts {
  method?: string;
  body?: unknown;
  /** Bytes sent as they are with this Content-Type (instead of a JSON body). */
  bytes?: { data: BodyInit; type: string };
  ifMatch?: string | null;
  idempotencyKey?: string;
  accept?: string;
}

export class Api {
  constructor(private cfg: AppConfig, private hooks: ApiHooks) {}

  url(path: string): string {
    return `${this.cfg.apiBase}${path}`;
  }

  async raw(path: string, opts: CallOpts = {}): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: opts.accept ?? 'application/json, application/problem+json',
      'Accept-Language': this.hooks.lang(),
    };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.bytes) headers['Content-Type'] = opts.bytes.type;
    if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
    if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
    const send = async (token: string | null): Promise<Response> => {
      const h = { ...headers };
      if (token) h.Authorization = `Bearer ${token}`;
      try {
        return await fetch(this.url(path), {
          method: opts.method ?? 'GET',
          headers: h,
          body: opts.bytes ? opts.bytes.data : opts.body === undefined ? undefined : JSON.stringify(opts.body),
        });
      } catch (e) {
        throw new NetworkError(e instanceof Error ? e.message : String(e));
      }
    };
    const token = this.hooks.validToken ? await this.hooks.validToken() : this.hooks.token();
    let res = await send(token);
    if (res.status === 401 && this.hooks.refreshAfter401) {
      // Once: a refreshed token, else sign-in as below.
      const fresh = await this.hooks.refreshAfter401(token);
      if (fresh) res = await send(fresh);
    }
    if (!res.ok) {
      const err = await parseProblem(res);
      if (res.status === 401) this.hooks.onUnauthorized();
      // 429 comes from API Gateway's throttling or the per-caller rate
      // rule in front of it, not from Kabinet: application/json
      // {"message": ...} or nothing, maybe without Retry-After. Like a 503,
      // the person is told to try again shortly.
      if (res.status === 503 || res.status === 429) this.hooks.onUnavailable(err);
      throw err;
    }
    return res;
  }

  async call<V>(path: string, opts: CallOpts = {}): Promise<WithETag<V>> {
    const res = await this.raw(path, opts);
    const etag = res.headers.get('ETag');
    if (res.status === 204) return { body: undefined as V, etag };
    const body = (await res.json()) as V;
    return { body, etag };
  }

  async get<V>(path: string): Promise<V> {
    return (await this.call<V>(path)).body;
  }

  async post<V>(path: string, body?: unknown, opts: Omit<CallOpts, 'body' | 'method'> = {}): Promise<V> {
    return (await this.call<V>(path, { ...opts, method: 'POST', body })).body;
  }

  /** An authenticated GET of a file, as a Blob with the server's file name. */
  async blob(path: string): Promise<{ blob: Blob; filename: string | null }> {
    const res = await this.raw(path, { accept: '*/*' });
    return { blob: await res.blob(), filename: filenameFrom(res.headers.get('Content-Disposition')) };
  }

  /** Fetches a file with the token and hands it to the browser as a download. */
  async download(path: string, fallbackName: string): Promise<void> {
    const { blob, filename } = await this.blob(path);
    saveBlob(blob, filename ?? fallbackName);
  }

  // ---- documents ----
  documentTypes() { return this.get<T.DocumentTypeList>('/document-types'); }
  documents(params: { status?: string; type?: string; subject?: string; limit?: number; cursor?: string } = {}) {
    return this.get<T.DocumentList>(`/documents${query({ limit: 100, ...params })}`);
  }
  document(id: string) { return this.call<T.Document>(`/documents/${enc(id)}`); }
  createDocument(body: T.DocumentCreate, key: string) {
    return this.post<T.Document>('/documents', body, { idempotencyKey: key });
  }
  updateDocument(id: string, patch: T.DocumentPatch, etag: string) {
    return this.call<T.Document>(`/documents/${enc(id)}`, { method: 'PATCH', body: patch, ifMatch: etag });
  }
  deleteDocument(id: string) { return this.call<void>(`/documents/${enc(id)}`, { method: 'DELETE' }); }
  archive(id: string) { return this.post<T.Document>(`/documents/${enc(id)}/archive`); }
  unarchive(id: string) { return this.post<T.Document>(`/documents/${enc(id)}/unarchive`); }
  history(id: string) { return this.get<T.HistoryList>(`/documents/${enc(id)}/history?limit=100`); }
  ackReminder(id: string) { return this.post<T.Document>(`/documents/${enc(id)}/reminders/ack`); }
  snoozeReminder(id: string, until: string) {
    return this.post<T.Document>(`/documents/${enc(id)}/reminders/snooze`, { until });
  }
  renew(id: string, key: string) {
    return this.post<T.Application>(`/documents/${enc(id)}/renew`, undefined, { idempotencyKey: key });
  }

  // ---- files (the bytes go straight to S3 with presigned URLs: files.ts) ----
  files(docId: string) { return this.get<T.FileList>(`/documents/${enc(docId)}/files`); }
  beginFile(docId: string, body: T.FileDeclare, key: string) {
    return this.post<T.FileUpload>(`/documents/${enc(docId)}/files`, body, { idempotencyKey: key });
  }
  completeFile(docId: string, fileId: string) {
    return this.post<T.DocFile>(`/documents/${enc(docId)}/files/${enc(fileId)}/complete`);
  }
  file(docId: string, fileId: string) { return this.get<T.DocFile>(`/documents/${enc(docId)}/files/${enc(fileId)}`); }
  deleteFile(docId: string, fileId: string) {
    return this.call<void>(`/documents/${enc(docId)}/files/${enc(fileId)}`, { method: 'DELETE' });
  }
  /** A detached CMS/PKCS#7 signature (.p7s, .sig) over the file: the verification result. */
  addSignature(docId: string, fileId: string, sig: Blob) {
    return this.call<T.SignatureVerification>(`/documents/${enc(docId)}/files/${enc(fileId)}/signatures`, {
      method: 'POST', bytes: { data: sig, type: 'application/pkcs7-signature' },
    }).then((r) => r.body);
  }

  // ---- sharing with an institution ----
  shares(docId: string) { return this.get<T.ShareList>(`/documents/${enc(docId)}/shares`); }
  createShare(docId: string, body: T.ShareInput, key: string) {
    return this.post<T.Share>(`/documents/${enc(docId)}/shares`, body, { idempotencyKey: key });
  }
  revokeShare(docId: string, shareId: string) {
    return this.call<void>(`/documents/${enc(docId)}/shares/${enc(shareId)}`, { method: 'DELETE' });
  }
  sharedDocuments(institutionId: string) {
    return this.get<T.SharedDocumentList>(`/institutions/${enc(institutionId)}/shared-documents`);
  }

  // ---- notifications ----
  notifications(unread?: boolean, page: { limit?: number; cursor?: string } = {}) {
    return this.get<T.NotificationList>(`/notifications${query({ unread: unread ? 'true' : undefined, limit: 100, ...page })}`);
  }
  readNotification(id: string) { return this.post<T.Notification>(`/notifications/${enc(id)}/read`); }

  // ---- booking ----
  institutions(params: { q?: string; type?: string; near?: string; radiusKm?: number; limit?: number }) {
    return this.get<T.InstitutionList>(`/institutions${query({ limit: 50, ...params })}`);
  }
  institution(id: string) { return this.get<T.Institution>(`/institutions/${enc(id)}`); }
  specialists(institutionId: string) {
    return this.get<T.SpecialistList>(`/institutions/${enc(institutionId)}/specialists`);
  }
  specialist(id: string) { return this.get<T.Specialist>(`/specialists/${enc(id)}`); }
  /** Staff: a specialist's bookings on a local date. */
  specialistBookings(id: string, date: string) { return this.get<T.BookingList>(`/specialists/${enc(id)}/bookings${query({ date })}`); }
  /** Staff: close a visit (outcome, comment, act, prescriptions, referrals). */
  closeVisit(id: string, body: T.VisitInput) { return this.post<T.Booking>(`/bookings/${enc(id)}/visit`, body); }
  slots(id: string, params: { from?: string; to?: string; partOfDay?: string }) {
    return this.get<T.SlotList>(`/specialists/${enc(id)}/slots${query(params)}`);
  }
  book(body: T.BookingInput, key: string) { return this.post<T.Booking>('/bookings', body, { idempotencyKey: key }); }
  bookings(params: T.JournalFilter & { limit?: number; cursor?: string }) { return this.get<T.BookingList>(`/bookings${query({ ...params })}`); }
  booking(id: string) { return this.get<T.Booking>(`/bookings/${enc(id)}`); }
  reschedule(id: string, slotId: string) { return this.post<T.Booking>(`/bookings/${enc(id)}/reschedule`, { slotId }); }
  cancelBooking(id: string, reason: string) {
    return this.post<T.Booking>(`/bookings/${enc(id)}/cancel`, reason ? { reason } : {});
  }
  /** Takes a slot offered in place of a booking the institution cancelled. */
  rebook(id: string, slotId: string) { return this.post<T.Booking>(`/bookings/${enc(id)}/rebook`, { slotId }); }
  waitlist() { return this.get<T.WaitList>('/waitlist'); }
  joinWaitlist(body: T.WaitInput) { return this.post<T.WaitEntry>('/waitlist', body); }
  leaveWaitlist(id: string) { return this.call<void>(`/waitlist/${enc(id)}`, { method: 'DELETE' }); }
  /** Takes the slot an entry's offer holds; slotId, the offer's as shown, books that slot or nothing (404 when it lapsed). */
  acceptOffer(id: string, slotId?: string, mode?: 'in_person' | 'video') {
    return this.post<T.Booking>(`/waitlist/${enc(id)}/accept`, { ...(slotId ? { slotId } : {}), ...(mode ? { mode } : {}) });
  }
  declineOffer(id: string) { return this.post<T.WaitEntry>(`/waitlist/${enc(id)}/decline`); }
  exportPath(params: T.JournalFilter) { return `/bookings/export.csv${query({ ...params })}`; }

  // ---- profile ----
  profile() { return this.call<T.Profile>('/profile'); }
  putProfile(body: T.ProfileInput, etag: string | null) {
    return this.call<T.Profile>('/profile', { method: 'PUT', body, ifMatch: etag });
  }
  /** Proves the contact the code was sent to: address as the profile shows it. */
  verifyContact(channel: T.Contact['channel'], address: string, code: string) {
    return this.call<T.Profile>('/profile/contacts/verify', { method: 'POST', body: { channel, address, code } });
  }
  resendCode(channel: T.Contact['channel'], address: string) {
    return this.call<T.Profile>('/profile/contacts/resend', { method: 'POST', body: { channel, address } });
  }
  removeSharer(sharerId: string) {
    return this.call<void>(`/profile/contacts/sharers/${enc(sharerId)}`, { method: 'DELETE' });
  }

  // ---- family ----
  family() { return this.get<T.PersonList>('/family'); }
  addPerson(body: T.PersonInput, key: string) { return this.post<T.Person>('/family', body, { idempotencyKey: key }); }
  person(id: string) { return this.get<T.Person>(`/family/${enc(id)}`); }
  deletePerson(id: string) { return this.call<void>(`/family/${enc(id)}`, { method: 'DELETE' }); }
  /** A one-time code handing a grown-up child's documents over (shown once: the server keeps its hash). */
  handoverCode(id: string) { return this.post<T.HandoverCode>(`/family/${enc(id)}/handover`); }
  /** The grown-up takes over the documents a parent kept for them. */
  redeemHandover(code: string) { return this.post<T.HandoverRedeemed>('/family/handover/redeem', { code }); }

  // ---- applications ----
  services() { return this.get<T.ServiceList>('/services'); }
  validateApplication(serviceCode: string, fields: Record<string, string>, subject?: string) {
    return this.post<T.ValidationResult>('/applications/validate', { serviceCode, fields, ...(subject ? { subject } : {}) });
  }
  createApplication(serviceCode: string, fields: Record<string, string>, key: string, subject?: string) {
    return this.call<T.Application>('/applications', {
      method: 'POST', body: { serviceCode, fields, ...(subject ? { subject } : {}) }, idempotencyKey: key,
    });
  }
  applications(page: { limit?: number; cursor?: string; subject?: string } = {}) {
    return this.get<T.ApplicationList>(`/applications${query({ limit: 100, ...page })}`);
  }
  application(id: string) { return this.call<T.Application>(`/applications/${enc(id)}`); }
  patchApplication(id: string, fields: Record<string, string | null>, etag: string) {
    return this.call<T.Application>(`/applications/${enc(id)}`, { method: 'PATCH', body: { fields }, ifMatch: etag });
  }
  /** The signed receipt PDF of a submitted application, in the reader's language. */
  receiptPath(id: string) { return `/applications/${enc(id)}/receipt.pdf`; }
  deleteApplication(id: string) { return this.call<void>(`/applications/${enc(id)}`, { method: 'DELETE' }); }
  submitApplication(id: string, key: string) {
    return this.call<T.Application>(`/applications/${enc(id)}/submit`, { method: 'POST', body: {}, idempotencyKey: key });
  }
  withdrawApplication(id: string, comment: string) {
    return this.post<T.Application>(`/applications/${enc(id)}/withdraw`, comment ? { comment } : {});
  }
  // ---- the managers' dashboards (aggregates only) ----
  agencyStats(q: { from?: string; to?: string; service?: string }) { return this.get<T.AgencyStats>(`/agency/stats${query(q)}`); }
  institutionStats(id: string, q: { from?: string; to?: string; specialist?: string }) {
    return this.get<T.InstitutionStats>(`/institutions/${enc(id)}/stats${query(q)}`);
  }
  orgStats(orgId: string, q: { from?: string; to?: string }) { return this.get<T.OrgStats>(`/organizations/${enc(orgId)}/stats${query(q)}`); }

  /** Answers the agency's request for information (needs_info). */
  respondApplication(id: string, answer: { fields?: Record<string, string>; comment?: string; files?: string[] }) {
    return this.post<T.Application>(`/applications/${enc(id)}/respond`, answer);
  }
}

/** Hands a Blob to the browser as a download named filename. */
export function saveBlob(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** The file name of a Content-Disposition header (filename* first). */
export function filenameFrom(cd: string | null): string | null {
  if (!cd) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(cd);
  if (star) {
    try { return decodeURIComponent(star[1].trim()); } catch { /* fall through */ }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(cd);
  return plain ? plain[1].trim() : null;
}
