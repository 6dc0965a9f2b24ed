import { describe, expect, it } from 'vitest';
import { actionGroup, renewalDue, sortForAction } from './docorder';
import type { DocStatus, Document } from './types';

let seq = 0;
function doc(id: string, status: DocStatus, daysLeft: number | null, expiresOn: string | null = null): Document {
  seq++;
  return {
    id, type: 'custom', title: id, issuedOn: null, expiresOn, expiresOnSource: 'user', status, daysLeft, remindDays: [],
    source: 'user', createdAt: `2026-01-01T00:00:${String(seq).padStart(2, '0')}Z`, updatedAt: '2026-01-01T00:00:00Z', version: 1,
  };
}

describe('documents list order', () => {
  it('puts what needs action first, valid next, revoked, archived last', () => {
    const list = [
      doc('archived-expired', 'archived', -40, '2026-10-22'),
      doc('valid-far', 'valid', 900, '2029-06-01'),
      doc('indefinite', 'valid', null),
      doc('expiring-soon', 'expiring', 5, '2026-12-06'),
      doc('revoked', 'revoked', 100, '2027-03-11'),
      doc('expired-long', 'expired', -30, '2026-11-01'),
      doc('valid-near', 'valid', 120, '2027-03-31'),
      doc('replace', 'replacement_required', -3, '2026-11-28'),
      doc('expiring-later', 'expiring', 25, '2026-12-26'),
      doc('archived-valid', 'archived', 300, '2027-09-27'),
      doc('expired-yesterday', 'expired', -1, '2026-11-30'),
    ];
    expect(sortForAction(list).map((d) => d.id)).toEqual([
      'expired-long', 'replace', 'expired-yesterday', 'expiring-soon', 'expiring-later',
      'valid-near', 'valid-far', 'indefinite',
      'revoked',
      'archived-expired', 'archived-valid',
    ]);
  });

  it('keeps the API\'s order (oldest first) between equals and does not change its argument', () => {
    const a = doc('a', 'valid', null);
    const b = doc('b', 'valid', null);
    const c = doc('c', 'valid', null);
    const list = [a, b, c];
    expect(sortForAction([c, a, b]).map((d) => d.id)).toEqual(['a', 'b', 'c']);
    expect(list.map((d) => d.id)).toEqual(['a', 'b', 'c']);
  });

  it('renewal is due only for expired, expiring and needing replacement', () => {
    const due = (['valid', 'expiring', 'expired', 'replacement_required', 'revoked', 'archived'] as DocStatus[]).filter(renewalDue);
    expect(due).toEqual(['expiring', 'expired', 'replacement_required']);
    expect(actionGroup('archived')).toBeGreaterThan(actionGroup('revoked'));
  });
});
