// Electronic copies in the browser: what may be uploaded (the same limits
// as shared/domain/files/files.go, checked again by the server), the
// SHA-256 the server compares with what arrived, the upload itself straight
// to S3 with the presigned URL (the API never carries file bytes), and the
// words for a file's status and a signature's result.
import { t } from './i18n';
import type { Tone } from './format';
import type { DocFile, FileStatus, FileUpload, SignatureResult, SignatureVerification } from './types';

/** One file at most (20 MB), as files.MaxFileSize. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Files on one document, as files.MaxFilesPerDocument. */
export const MAX_FILES = 10;
/** One detached signature (64 KB), as files.MaxSignatureSize. */
export const MAX_SIGNATURE_BYTES = 64 * 1024;
/** The types Kabinet accepts; the server sniffs the bytes too. */
export const FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/heic'] as const;
/** What the file picker offers (types and extensions: HEIC often comes without a type). */
export const FILE_ACCEPT = '.pdf,.jpg,.jpeg,.png,.heic,application/pdf,image/jpeg,image/png,image/heic';
export const SIGNATURE_ACCEPT = '.p7s,.sig,application/pkcs7-signature';

const BY_EXT: Record<string, string> = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', heic: 'image/heic' };

/** The content type to declare: the browser's, else by extension; '' when Kabinet takes no such file. */
export function contentTypeOf(name: string, browserType: string): string {
  if ((FILE_TYPES as readonly string[]).includes(browserType)) return browserType;
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return BY_EXT[ext] ?? '';
}

/** Why a picked file cannot be uploaded (a message key), or null. */
export function fileProblem(name: string, type: string, size: number, filesNow: number): string | null {
  if (filesNow >= MAX_FILES) return 'files.tooMany';
  if (!contentTypeOf(name, type)) return 'files.badType';
  if (size <= 0) return 'files.zero';
  if (size > MAX_FILE_BYTES) return 'files.tooLarge';
  return null;
}

/** SHA-256 of the bytes in 64 lower-case hex digits. */
export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** "1.5 MB" / "1,5 МБ" in the reader's language. */
export function formatBytes(n: number, lang: string): string {
  const units = lang === 'ru' ? ['Б', 'КБ', 'МБ', 'ГБ'] : ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  const num = new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
  return `${num} ${units[i]}`;
}

/** An upload that S3 refused or that could not reach it. */
export class UploadError extends Error {
  constructor(public status: number, message: string) { super(message); }
}

/**
 * PUTs body to the presigned URL with exactly the headers the server bound
 * it to, reporting progress (0..1). XMLHttpRequest, because fetch reports
 * no upload progress.
 */
export function putToS3(up: FileUpload, body: Blob, onProgress: (f: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open(up.uploadMethod || 'PUT', up.uploadUrl);
    for (const [k, v] of Object.entries(up.uploadHeaders)) {
      // The browser sets Content-Length from the body and refuses it as a header.
      if (k.toLowerCase() !== 'content-length' && k.toLowerCase() !== 'host') x.setRequestHeader(k, v);
    }
    x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    x.onload = () => (x.status >= 200 && x.status < 300 ? resolve() : reject(new UploadError(x.status, `S3 ${x.status}`)));
    x.onerror = () => reject(new UploadError(0, 'network'));
    x.send(body);
  });
}

export function isImage(f: Pick<DocFile, 'contentType'>): boolean {
  return f.contentType === 'image/jpeg' || f.contentType === 'image/png';
}

export function fileStatusTone(s: FileStatus): Tone {
  switch (s) {
    case 'ready': case 'not_scanned': return 'ok';
    case 'infected': return 'bad';
    default: return 'warn';
  }
}

export function fileStatusText(s: FileStatus): string { return t(`files.status.${s}`); }

export function signatureTone(r: SignatureResult): Tone {
  switch (r) {
    case 'valid': return 'ok';
    case 'invalid': return 'bad';
    default: return 'warn';
  }
}

/**
 * A signature's result in words: the result, and who signed when the
 * certificate was read (its subject's common name, else the whole subject).
 * GOST signatures are never called valid: "cannot be checked here".
 */
export function signatureText(v: SignatureVerification): string {
  const res = t(`sig.result.${v.result}`);
  const who = v.signer ? signerName(v.signer.subject) : '';
  return who ? t('sig.by', { result: res, signer: who }) : res;
}

/** CN=Ivanov Ivan,O=Lab → "Ivanov Ivan". */
export function signerName(subject: string): string {
  const m = /(?:^|,)\s*CN=((?:\\,|[^,])+)/.exec(subject);
  return (m ? m[1] : subject).replace(/\\,/g, ',').trim();
}
