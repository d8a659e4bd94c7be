/** Whom a reply is for (docs/domain.md rule 2): what reached the number on the short code, latest first; a doubt opts out of every candidate. */
import { describe, expect, it } from 'vitest';
import { attributeReply, ATTRIBUTION_DOUBT_MS } from '../../../src/core/consent/index.ts';

const at = (hours: number) => new Date(Date.parse('2026-11-24T09:00:00Z') + hours * 3_600_000);

describe('attributeReply', () => {
  it('is nobody when no marketing reached the number', () => {
    expect(attributeReply([])).toEqual([]);
  });

  it('is the latest marketing received when the others are days older', () => {
    const received = [
      { accountId: 'a', brand: 'Dupont', sentAt: at(-72) },
      { accountId: 'b', brand: 'Voisin', sentAt: at(0) },
    ];
    expect(attributeReply(received)).toEqual([{ accountId: 'b', brand: 'Voisin' }]);
  });

  it('is every account and brand received within a day of the latest, latest first: a tie or a doubt', () => {
    const received = [
      { accountId: 'a', brand: 'Dupont', sentAt: at(-23) },
      { accountId: 'b', brand: 'Voisin', sentAt: at(0) },
      { accountId: 'b', brand: 'Jardins', sentAt: at(0) },
      { accountId: 'c', brand: 'Loin', sentAt: at(-25) },
    ];
    expect(attributeReply(received)).toEqual([
      { accountId: 'b', brand: 'Voisin' },
      { accountId: 'b', brand: 'Jardins' },
      { accountId: 'a', brand: 'Dupont' },
    ]);
    expect(ATTRIBUTION_DOUBT_MS).toBe(24 * 3_600_000);
  });
});
