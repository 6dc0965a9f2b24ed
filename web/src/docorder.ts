// The order of the documents list: what needs the person's action first.
import type { DocStatus, Document } from './types';

/**
 * The group a status sorts into: 0 renewal is due (expired, needs
 * replacement, expiring), 1 valid (and indefinite), 2 revoked (nothing
 * left to do but nothing to keep either), 3 archived last.
 */
export function actionGroup(s: DocStatus): number {
  switch (s) {
    case 'expired':
    case 'replacement_required':
    case 'expiring':
      return 0;
    case 'valid':
      return 1;
    case 'revoked':
      return 2;
    case 'archived':
      return 3;
    default:
      return 1;
  }
}

/** Whether renewing is what the person should do now: the document ran out or is about to. */
export function renewalDue(s: DocStatus): boolean {
  return actionGroup(s) === 0;
}

/**
 * Compares two documents for the list: by group, then by days left (the
 * longest overdue first, indefinite ones last), then by expiry date, then
 * oldest first as the API lists them (so equal documents keep their order).
 */
export function compareForAction(a: Document, b: Document): number {
  const g = actionGroup(a.status) - actionGroup(b.status);
  if (g !== 0) return g;
  const da = a.daysLeft ?? Number.POSITIVE_INFINITY;
  const db = b.daysLeft ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  const ea = a.expiresOn ?? '';
  const eb = b.expiresOn ?? '';
  if (ea !== eb) return ea === '' ? 1 : eb === '' ? -1 : ea < eb ? -1 : 1;
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

/** The documents in list order (a new array). */
export function sortForAction(docs: readonly Document[]): Document[] {
  return [...docs].sort(compareForAction);
}
