import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_GRIDS,
  estimateMessage,
  rateMonth,
  SHORT_CODE_OPTIONS,
  type Band,
  type MonthUsage,
  type ShortCodeOption,
  type TariffGrid,
  type Tiers,
  type TierSemantics,
} from '../../../src/core/pricing/index.ts';
import { gridOf } from './build.ts';

const MONTH = '2024-05';

/** 1 to 5 bands starting at 1 and ascending, each a price (up to 1 €) or, when `discounts`, possibly a discount. */
const bands = (discounts: boolean): fc.Arbitrary<Band[]> =>
  fc.uniqueArray(fc.integer({ min: 2, max: 100_000 }), { maxLength: 4 }).chain((starts) =>
    fc.tuple(
      ...[1, ...starts.sort((a, b) => a - b)].map((from) =>
        discounts ? fc.oneof(fc.record({ from: fc.constant(from), unitPrice: fc.nat(1_000_000) }), fc.record({ from: fc.constant(from), discountBasisPoints: fc.nat(10_000) })) : fc.record({ from: fc.constant(from), unitPrice: fc.nat(1_000_000) }),
      ),
    ),
  );

const smsGrid = (unitPrice: number, tiers: Tiers): TariffGrid => gridOf({ kind: 'per-unit', rule: 'sms', label: 'SMS', unit: 'sms', billable: 'always', unitPrice, tiers });
const monthTotal = (grid: TariffGrid, sms: number) => rateMonth({ month: MONTH, grids: [grid], usage: { smsSubmitted: sms } }).total;
const tiered = (semantics: TierSemantics, discounts: boolean) => fc.tuple(fc.nat(1_000_000), bands(discounts)).map(([unitPrice, list]) => smsGrid(unitPrice, { semantics, bands: list }));
const volume = fc.nat(300_000);

const usage: fc.Arbitrary<MonthUsage> = fc.record({
  smsSubmitted: fc.nat(2_000_000),
  smsDelivered: fc.nat(2_000_000),
  msisdnsQualified: fc.nat(2_000_000),
  localisationHits: fc.nat(2_000_000),
  localisationHitsLocated: fc.nat(2_000_000),
  shortCodes: fc.uniqueArray(
    fc.record({
      shortCode: fc.integer({ min: 34_000, max: 38_999 }).map(String),
      throughputPerSecond: fc.constantFrom(10, 20, 50, 100, 150),
      options: fc.subarray(Object.keys(SHORT_CODE_OPTIONS) as ShortCodeOption[]),
    }),
    { maxLength: 40, selector: ({ shortCode }) => shortCode },
  ),
  events: fc.record({ 'short-code-activation': fc.nat(5), 'throughput-change': fc.nat(5), 'short-id-activation': fc.nat(5), 'localisation-activation': fc.nat(1) }),
});

describe('pricing properties (house style: integer micro-euros; docs/domain.md "Tier semantics")', () => {
  it('every amount is a whole number of micro-euros, and the total is the sum of the lines, on every shipped grid', () => {
    fc.assert(
      fc.property(usage, (month) => {
        const invoice = rateMonth({ month: MONTH, grids: [...BUILT_IN_GRIDS], usage: month });
        expect(invoice.lines.every(({ amount }) => Number.isSafeInteger(amount) && amount >= 0)).toBe(true);
        expect(invoice.total).toBe(invoice.lines.reduce((sum, { amount }) => sum + amount, 0));
      }),
    );
  });

  it('"graduated": one more unit never lowers the month’s total', () => {
    fc.assert(
      fc.property(tiered('graduated', true), volume, fc.integer({ min: 1, max: 50_000 }), (grid, sms, more) => {
        expect(monthTotal(grid, sms + more)).toBeGreaterThanOrEqual(monthTotal(grid, sms));
      }),
    );
  });

  it('"volume" with prices: the total is the volume times the price of the band reached', () => {
    fc.assert(
      fc.property(tiered('volume', false), volume, (grid, sms) => {
        const { tiers } = grid.charges[0] as { tiers: Tiers };
        const reached = tiers.bands.findLast(({ from }) => from <= sms) as { unitPrice: number } | undefined;
        expect(monthTotal(grid, sms)).toBe(sms * (reached?.unitPrice ?? 0));
      }),
    );
  });

  it('"volume" with discounts: the total is the volume times the discounted price reached, within half a micro-euro, halves rounded up', () => {
    fc.assert(
      fc.property(tiered('volume', true), volume, (grid, sms) => {
        const { unitPrice, tiers } = grid.charges[0] as { unitPrice: number; tiers: Tiers };
        const reached = tiers.bands.findLast(({ from }) => from <= sms);
        const price = reached && 'unitPrice' in reached ? reached.unitPrice : unitPrice;
        const discount = reached && 'discountBasisPoints' in reached ? reached.discountBasisPoints : 0;
        // in ten-thousandths of a micro-euro: the rounding error lies in (−0.5, +0.5] µ€
        const error = BigInt(monthTotal(grid, sms)) * 10_000n - BigInt(sms) * BigInt(price) * BigInt(10_000 - discount);
        expect(error > -5_000n && error <= 5_000n).toBe(true);
      }),
    );
  });

  it('"graduated" with prices: the dry runs of a month’s messages add up to its invoice', () => {
    fc.assert(
      fc.property(tiered('graduated', false), fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 50 }), fc.nat(20_000), (grid, messages, before) => {
        let billed = before;
        let estimated = 0;
        for (const segments of messages) {
          estimated += estimateMessage({ grid, segments, billedThisMonth: billed }).amount;
          billed += segments;
        }
        expect(monthTotal(grid, before) + estimated).toBe(monthTotal(grid, billed));
      }),
    );
  });
});
