/**
 * The consent ledger's rule (docs/domain.md rules 1 and 2): an opt-out stands until the recipient consents again —
 * a START, or an opt-in dated after it with its channel; undated, older or soft opt-ins are evidence, not consent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consentFor, overruledReason, RecipientLedger, standingOptOut, type ConsentEvent, type ConsentEvidence } from '../../../src/core/consent/index.ts';
import { ACCOUNT, BRANDS, ledgerArbitrary, RECIPIENT } from './arbitrary.ts';

const at = (minute: number) => new Date(Date.parse('2026-05-01T08:00:00Z') + minute * 60_000);
let seq = 0;
function ev(kind: ConsentEvent['kind'], minute: number, overrides: Partial<ConsentEvent> = {}): ConsentEvent {
  return {
    id: `01900000-0000-7000-8000-${String(seq++).padStart(12, '0')}`,
    accountId: ACCOUNT,
    recipient: RECIPIENT,
    brand: 'A',
    kind,
    source: 'api',
    channel: 'web form',
    wording: null,
    reference: null,
    ip: null,
    occurredAt: at(minute),
    dated: true,
    recordedAt: at(100),
    retracted: null,
    ...overrides,
  };
}
const stop = (minute: number) => ev('opt-out', minute, { source: 'stop-mo', channel: 'sms 36001' });

describe('consentFor', () => {
  it('without an opt-out, the latest opt-in (explicit or soft) is the state', () => {
    expect(consentFor([ev('opt-in', 1), ev('soft-opt-in', 2)], 'A')).toEqual({ consent: 'soft-opt-in', optedOut: false, since: at(2) });
    expect(consentFor([], 'A')).toEqual({ consent: 'none', optedOut: false, since: null });
  });

  it('a STOP is not undone by an undated opt-in from a re-import, nor by an older, soft or channel-less one', () => {
    const events = [
      ev('opt-in', 1),
      stop(10),
      ev('opt-in', 20, { source: 'import', channel: 'import', dated: false }),
      ev('opt-in', 5, { channel: 'shop' }),
      ev('soft-opt-in', 30),
      ev('opt-in', 31, { channel: null }),
    ];
    expect(consentFor(events, 'A')).toEqual({ consent: 'none', optedOut: true, since: at(10) });
  });

  it('a START, or an opt-in dated after the STOP with its channel, re-opens consent', () => {
    expect(consentFor([stop(10), ev('opt-in', 11, { source: 'start-mo', channel: 'sms 36001' })], 'A')).toEqual({ consent: 'opt-in', optedOut: false, since: at(11) });
    expect(consentFor([stop(10), ev('opt-in', 12, { source: 'import', channel: 'import' })], 'A')).toEqual({ consent: 'opt-in', optedOut: false, since: at(12) });
    // After re-opening, later evidence counts as usual.
    expect(consentFor([stop(10), ev('opt-in', 12), ev('soft-opt-in', 13, { dated: false })], 'A').consent).toBe('soft-opt-in');
    expect(consentFor([stop(10), ev('opt-in', 12), stop(14), ev('opt-in', 15, { dated: false })], 'A').optedOut).toBe(true);
  });

  it('an opt-out for every brand ("*") stands for each brand; a brand’s own opt-out leaves the others', () => {
    const events = [ev('opt-in', 1), ev('opt-in', 1, { brand: 'B' }), ev('opt-out', 2, { brand: 'B' })];
    expect(consentFor(events, 'A').consent).toBe('opt-in');
    expect(consentFor(events, 'B').optedOut).toBe(true);
    expect(consentFor([...events, ev('opt-out', 3, { brand: '*' })], 'A').optedOut).toBe(true);
  });

  it('leaves retracted events out (an import rolled back)', () => {
    expect(consentFor([stop(1), ev('opt-in', 2, { retracted: { at: at(3), reason: 'rolled back' } })], 'A').optedOut).toBe(true);
    expect(consentFor([ev('opt-in', 2, { retracted: { at: at(3), reason: 'rolled back' } })], 'A').consent).toBe('none');
  });

  it('explains in words why an opt-in did not count', () => {
    expect(overruledReason(stop(10))).toBe(
      'opted out by the recipient on 2026-05-01T08:10:00.000Z by SMS (STOP), consent not re-opened: only a START from the recipient, or an opt-in dated after the opt-out with the channel it was given through, re-opens it',
    );
  });
});

describe('RecipientLedger (evidence admitted one piece at a time)', () => {
  const evidence = (e: ConsentEvent): ConsentEvidence => {
    const { id: _id, recordedAt: _r, retracted: _x, ...rest } = e;
    return rest;
  };

  it('says an identical piece of evidence is a duplicate: same undated row of two imports, same dated form', () => {
    const ledger = new RecipientLedger();
    const row = ev('opt-in', 1, { source: 'import', channel: 'import', dated: false, reference: 'import:1' });
    expect(ledger.admit(evidence(row), 'x1', at(1)).kind).toBe('new');
    const again = ledger.admit({ ...evidence(row), occurredAt: at(50), reference: 'import:2' }, 'x2', at(50));
    expect(again).toMatchObject({ kind: 'duplicate', event: { id: 'x1' } });
    const form = ev('opt-in', 2, { reference: 'form-7' });
    ledger.admit(evidence(form), 'x3', at(2));
    expect(ledger.admit(evidence(form), 'x4', at(3)).kind).toBe('duplicate');
    expect(ledger.admit({ ...evidence(form), reference: 'form-8' }, 'x5', at(3)).kind).toBe('new');
  });

  it('property: what it says of every new opt-in is standingOptOut over all events so far', () => {
    fc.assert(
      fc.property(ledgerArbitrary, (events) => {
        const ledger = new RecipientLedger();
        const seen: ConsentEvent[] = [];
        for (const event of events) {
          if (event.retracted) continue;
          const admission = ledger.admit(evidence(event), event.id, event.recordedAt);
          if (admission.kind === 'duplicate') continue;
          seen.push(event);
          if (event.kind !== 'opt-out') expect(admission.overruledBy?.id ?? null).toBe(standingOptOut(seen, event.brand)?.id ?? null);
          for (const brand of BRANDS) expect(ledger.standingOptOut(brand)?.id ?? null).toBe(standingOptOut(seen, brand)?.id ?? null);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
