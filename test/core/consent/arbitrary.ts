/** Random ledgers for one recipient of one account: few brands, few instants, every source, some retractions. */
import fc from 'fast-check';
import { consentKinds, consentSources, type ConsentEvent } from '../../../src/core/consent/index.ts';

export const ACCOUNT = '00000000-0000-7000-8000-000000000001';
export const RECIPIENT = '+33612345678';
export const BRANDS = ['A', 'B', '*'] as const;
const t0 = Date.parse('2026-05-01T08:00:00Z');

const eventArbitrary = fc.record({
  brand: fc.constantFrom(...BRANDS),
  kind: fc.constantFrom(...consentKinds),
  source: fc.constantFrom(...consentSources),
  channel: fc.option(fc.constantFrom('web form', 'shop', 'import'), { nil: null }),
  dated: fc.boolean(),
  // Few instants: ties in occurredAt are common, so the id decides the order.
  minute: fc.integer({ min: 0, max: 6 }),
  retracted: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
});

/** Events with distinct, increasing UUIDv7-like ids (recording order), in random order of occurrence. */
export const ledgerArbitrary = fc.array(eventArbitrary, { maxLength: 12 }).map((drafts) =>
  drafts.map(
    (d, i): ConsentEvent => ({
      id: `0190${String(i).padStart(4, '0')}-0000-7000-8000-000000000000`,
      accountId: ACCOUNT,
      recipient: RECIPIENT,
      brand: d.brand,
      kind: d.kind,
      source: d.source,
      channel: d.channel,
      wording: null,
      reference: null,
      ip: null,
      occurredAt: new Date(t0 + d.minute * 60_000),
      dated: d.dated,
      recordedAt: new Date(t0 + 3_600_000),
      retracted: d.retracted ? { at: new Date(t0 + 7_200_000), reason: 'rolled back' } : null,
    }),
  ),
);
