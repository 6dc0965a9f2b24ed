import { describe, expect, test } from 'vitest';
import {
  contentTypeOf, fileProblem, formatBytes, MAX_FILE_BYTES, MAX_FILES, sha256Hex, signatureText, signerName,
} from './files';
import { setLang } from './i18n';
import { MAX_SHARE_DAYS, shareDates, shareUntil } from './ui/Shares';
import type { SignatureVerification } from './types';

describe('files', () => {
  test.each([
    ['scan.pdf', 'application/pdf', 'application/pdf'],
    ['photo.HEIC', '', 'image/heic'],
    ['photo.jpg', 'application/octet-stream', 'image/jpeg'],
    ['notes.txt', 'text/plain', ''],
    ['archive.zip', 'application/zip', ''],
  ])('contentTypeOf(%s, %s) = %s', (name, type, want) => {
    expect(contentTypeOf(name, type)).toBe(want);
  });

  test('the limits refuse before anything is sent', () => {
    expect(fileProblem('a.pdf', 'application/pdf', 1000, 0)).toBeNull();
    expect(fileProblem('a.pdf', 'application/pdf', MAX_FILE_BYTES, 0)).toBeNull();
    expect(fileProblem('a.pdf', 'application/pdf', MAX_FILE_BYTES + 1, 0)).toBe('files.tooLarge');
    expect(fileProblem('a.pdf', 'application/pdf', 0, 0)).toBe('files.zero');
    expect(fileProblem('a.exe', 'application/x-msdownload', 10, 0)).toBe('files.badType');
    expect(fileProblem('a.pdf', 'application/pdf', 10, MAX_FILES)).toBe('files.tooMany');
  });

  test('sha256Hex is the digest the server compares', async () => {
    const got = await sha256Hex(new TextEncoder().encode('abc').buffer as ArrayBuffer);
    expect(got).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('formatBytes in both languages', () => {
    expect(formatBytes(512, 'en')).toBe('512 B');
    expect(formatBytes(1536, 'en')).toBe('1.5 KB');
    expect(formatBytes(20 * 1024 * 1024, 'ru')).toBe('20 МБ');
    expect(formatBytes(1536, 'ru')).toBe('1,5 КБ');
  });

  test('a signature in words names the signer; GOST is never valid', () => {
    setLang('en', false);
    const v: SignatureVerification = {
      result: 'valid', message: 'ok', verifiedAt: '2026-06-01T00:00:00Z',
      signer: { subject: 'CN=Ivanov\\, Ivan,O=Invitro', issuer: 'CN=CA', serialNumber: '1', notBefore: '', notAfter: '' },
    };
    expect(signatureText(v)).toBe('Signature valid: Ivanov, Ivan');
    expect(signatureText({ ...v, result: 'unsupported_algorithm', signer: undefined })).toBe('GOST signature: it cannot be checked here');
    expect(signerName('O=Lab')).toBe('O=Lab');
    setLang('ru', false);
    expect(signatureText({ ...v, result: 'expired_certificate' })).toBe('Сертификат подписанта истёк: Ivanov, Ivan');
  });
});

describe('sharing dates', () => {
  test('the picker runs from tomorrow to 90 days ahead', () => {
    const d = shareDates(new Date(2026, 5, 15, 12, 0));
    expect(d).toEqual({ min: '2026-06-16', max: '2026-09-13', def: '2026-07-15' });
  });
  test('until is the end of the chosen day, never past 90 days from now', () => {
    const now = new Date(2026, 5, 15, 12, 0);
    expect(new Date(shareUntil('2026-07-15', now)).getTime()).toBe(new Date(2026, 6, 15, 23, 59, 59).getTime());
    const last = new Date(shareUntil('2026-09-13', now)).getTime();
    expect(last).toBe(now.getTime() + MAX_SHARE_DAYS * 24 * 3600 * 1000);
  });
});
