import { describe, expect, it } from 'vitest';
import {
  estimateMessage,
  lineAmount,
  ORANGE_LOCALISATION_2012,
  ORANGE_M2M_SMS_2012,
  ORANGE_OPS_2016,
  ORANGE_OPS_QUALIFICATION_2016,
  ORANGE_SMS_INTERNET_2012,
  rateMonth,
  tierCliffs,
  type MonthUsage,
  type TariffGrid,
} from '../../../src/core/pricing/index.ts';
import { gridOf, ratingProblem, summary, withSemantics } from './build.ts';

const rate = (grid: TariffGrid, usage: MonthUsage) => rateMonth({ month: '2024-05', grids: [grid], usage });
const tiersOf = (invoice: ReturnType<typeof rate>) => invoice.lines.map(({ quantity, unitPrice, amount, tier }) => ({ quantity, unitPrice, amount, tier }));

describe('both tier semantics on the same volume (docs/domain.md "Tier semantics": volume by default, graduated supported)', () => {
  it('M2M, 12,345 SMS: volume = 12,345 × 0.06 = 740.70 €; graduated = 9,999 × 0.07 + 2,346 × 0.06 = 840.69 € (Orange M2M price list (2012) "SMS")', () => {
    const usage = { smsSubmitted: 12_345 };
    expect(tiersOf(rate(ORANGE_M2M_SMS_2012, usage))).toEqual([{ quantity: 12_345, unitPrice: 60_000, amount: 740_700_000, tier: { from: 10_000, to: 49_999 } }]);
    // 699.93 € + 140.76 € = 840.69 €
    expect(tiersOf(rate(withSemantics(ORANGE_M2M_SMS_2012, 'sms', 'graduated'), usage))).toEqual([
      { quantity: 9_999, unitPrice: 70_000, amount: 699_930_000, tier: { from: 1, to: 9_999 } },
      { quantity: 2_346, unitPrice: 60_000, amount: 140_760_000, tier: { from: 10_000, to: 49_999 } },
    ]);
  });

  it('SMS Internet, 12,345 delivered: volume 938.22 €; graduated 2,000 × 0.094 + 10,345 × 0.076 = 188 + 786.22 = 974.22 € (Orange M2M price list (2012))', () => {
    const usage = { smsDelivered: 12_345 };
    expect(rate(ORANGE_SMS_INTERNET_2012, usage).total).toBe(938_220_000);
    expect(rate(withSemantics(ORANGE_SMS_INTERNET_2012, 'sms', 'graduated'), usage).total).toBe(974_220_000);
  });

  it('localisation, 12,345 hits: volume 819.708 €; graduated 2,000 × 0.08 + 10,345 × 0.0664 = 160 + 686.908 = 846.908 € (+100 € monthly)', () => {
    const usage = { localisationHits: 12_345 };
    expect(rate(ORANGE_LOCALISATION_2012, usage).total).toBe(100_000_000 + 819_708_000);
    const graduated = rate(withSemantics(ORANGE_LOCALISATION_2012, 'localisation-hit', 'graduated'), usage);
    expect(summary(graduated).filter(({ rule }) => rule === 'localisation-hit')).toEqual([
      { rule: 'localisation-hit', quantity: 2_000, unitPrice: 80_000, discountBasisPoints: 0, amount: 160_000_000 },
      { rule: 'localisation-hit', quantity: 10_345, unitPrice: 80_000, discountBasisPoints: 1_700, amount: 686_908_000 },
    ]);
    expect(graduated.total).toBe(100_000_000 + 846_908_000);
  });

  it('"more than 50,000" starts at 50,001: 50,000 SMS Internet messages are still at 0.070 €, 50,001 at 0.060 €', () => {
    expect(rate(ORANGE_SMS_INTERNET_2012, { smsDelivered: 50_000 }).lines[0]).toMatchObject({ unitPrice: 70_000, amount: 3_500_000_000 });
    expect(rate(ORANGE_SMS_INTERNET_2012, { smsDelivered: 50_001 }).lines[0]).toMatchObject({ unitPrice: 60_000, amount: 3_000_060_000 });
  });
});

describe('tier cliffs (docs/domain.md: 2,001 "SMS Internet" messages cost less than 2,000)', () => {
  it('2,000 delivered cost 2,000 × 0.094 = 188 €; 2,001 cost 2,001 × 0.076 = 152.076 €', () => {
    expect(rate(ORANGE_SMS_INTERNET_2012, { smsDelivered: 2_000 }).total).toBe(188_000_000);
    expect(rate(ORANGE_SMS_INTERNET_2012, { smsDelivered: 2_001 }).total).toBe(152_076_000);
  });

  it('the report says from which volume the month costs more than reaching the band: 1,618 × 0.094 = 152.092 € > 152.076 €', () => {
    expect(tierCliffs(ORANGE_SMS_INTERNET_2012)[0]).toEqual({
      grid: 'orange-sms-internet@2012',
      rule: 'sms',
      label: 'SMS delivered',
      at: 2_001,
      amountAt: 152_076_000,
      amountBefore: 188_000_000,
      costlierFrom: 1_618,
    });
    // and 1,617 × 0.094 = 151.998 € is still below
    expect(rate(ORANGE_SMS_INTERNET_2012, { smsDelivered: 1_617 }).total).toBeLessThanOrEqual(152_076_000);
    expect(rate(ORANGE_SMS_INTERNET_2012, { smsDelivered: 1_618 }).total).toBeGreaterThan(152_076_000);
  });

  it('every band boundary of the volume grids is reported (M2M: 8,572 × 0.07 = 600.04 € > 10,000 × 0.06 = 600 €)', () => {
    expect(tierCliffs(ORANGE_SMS_INTERNET_2012).map(({ at }) => at)).toEqual([2_001, 30_001, 50_001]);
    expect(tierCliffs(ORANGE_M2M_SMS_2012).map(({ at, costlierFrom }) => [at, costlierFrom])).toEqual([
      [10_000, 8_572],
      [50_000, 46_667], // 46,667 × 0.06 = 2,800.02 € > 50,000 × 0.056 = 2,800 €
    ]);
    expect(tierCliffs(ORANGE_LOCALISATION_2012)[0]).toMatchObject({ at: 2_001, costlierFrom: 1_661 }); // 1,661 × 0.08 = 132.88 € > 132.8664 €
  });

  it('graduated tiers and untiered grids have no cliff', () => {
    expect(tierCliffs(withSemantics(ORANGE_SMS_INTERNET_2012, 'sms', 'graduated'))).toEqual([]);
    expect(tierCliffs(ORANGE_OPS_QUALIFICATION_2016)).toEqual([]);
  });

  it('a band that costs more is a jump, not a cliff: short codes all at 500 € once there are 21 (Orange OPS offer (2016))', () => {
    expect(tierCliffs(withSemantics(ORANGE_OPS_2016, 'short-code-monthly', 'volume'))).toEqual([]);
  });
});

describe('the dry run: one message at the current tier, and whether it is billed only when delivered', () => {
  it('SMS Internet, a 3-part message early in the month: 3 × 0.094 = 0.282 €, billed only if delivered', () => {
    const estimate = estimateMessage({ grid: ORANGE_SMS_INTERNET_2012, segments: 3, billedThisMonth: 100 });
    expect(estimate).toMatchObject({ grid: 'orange-sms-internet@2012', rule: 'sms', segments: 3, billable: 'when-delivered', amount: 282_000, cliff: null });
  });

  it('inside the cliff zone the dry run shows the cliff: at 1,990 + 2 the month would cost less at 2,001', () => {
    const estimate = estimateMessage({ grid: ORANGE_SMS_INTERNET_2012, segments: 2, billedThisMonth: 1_990 });
    expect(estimate.amount).toBe(188_000); // 2 × 0.094 €
    expect(estimate.cliff).toMatchObject({ at: 2_001, costlierFrom: 1_618 });
  });

  it('volume: the parts go at the band the month reaches with them (1,999 + 3 = 2,002 → 3 × 0.076 = 0.228 €)', () => {
    const estimate = estimateMessage({ grid: ORANGE_SMS_INTERNET_2012, segments: 3, billedThisMonth: 1_999 });
    expect(estimate.lines.map(({ quantity, unitPrice }) => [quantity, unitPrice])).toEqual([[3, 76_000]]);
    expect(estimate).toMatchObject({ amount: 228_000, cliff: null });
  });

  it('graduated: parts that straddle a band are split (1 × 0.094 + 2 × 0.076 = 0.246 €)', () => {
    const estimate = estimateMessage({ grid: withSemantics(ORANGE_SMS_INTERNET_2012, 'sms', 'graduated'), segments: 3, billedThisMonth: 1_999 });
    expect(estimate.lines.map(({ quantity, unitPrice }) => [quantity, unitPrice])).toEqual([
      [1, 94_000],
      [2, 76_000],
    ]);
    expect(estimate.amount).toBe(246_000);
  });

  it.each([
    [ORANGE_OPS_2016, 2, 'when-delivered', 60_000], // Orange OPS offer (2016): 2 × 0.030 €, SMS-MT delivered
    [ORANGE_M2M_SMS_2012, 2, 'always', 140_000], // Orange M2M price list (2012): 2 × 0.07 €, SMS sent
  ])('%#: %i parts, billed %s, %i µ€', (grid, segments, billable, amount) => {
    expect(estimateMessage({ grid, segments })).toMatchObject({ billable, amount });
  });

  it('a grid without a per-SMS price cannot estimate a message; nor can a message of 0 parts', () => {
    expect(ratingProblem(() => estimateMessage({ grid: ORANGE_OPS_QUALIFICATION_2016, segments: 1 }))).toBe('no-sms-price');
    expect(ratingProblem(() => estimateMessage({ grid: ORANGE_OPS_2016, segments: 0 }))).toBe('invalid-usage');
  });
});

describe('rounding: half up to the micro-euro, once per line (house style: integer micro-euros)', () => {
  it.each([
    [1, 5, 1_000, 5], // 4.5 µ€ → 5
    [3, 5, 1_000, 14], // 13.5 µ€ → 14, not 3 × 5 = 15 as rounding each unit would give
    [1, 5, 1_500, 4], // 4.25 µ€ → 4
    [1, 7, 5_000, 4], // 3.5 µ€ → 4
    [2, 7, 5_000, 7], // exact
  ])('%i × %i µ€ − %i bp = %i µ€', (quantity, unitPrice, discountBasisPoints, amount) => {
    expect(lineAmount({ quantity, unitPrice, discountBasisPoints })).toBe(amount);
  });

  it('an invoice line with a fractional discount rounds its own total: 3 units at 5 µ€ − 10 % = 14 µ€', () => {
    const grid = gridOf({ kind: 'per-unit', rule: 'sms', label: 'SMS', unit: 'sms', billable: 'always', unitPrice: 5, tiers: { semantics: 'volume', bands: [{ from: 1, discountBasisPoints: 1_000 }] } });
    expect(rate(grid, { smsSubmitted: 3 }).total).toBe(14);
  });

  it('amounts beyond exact integers are refused rather than rounded silently', () => {
    const grid = gridOf({ kind: 'per-unit', rule: 'sms', label: 'SMS', unit: 'sms', billable: 'always', unitPrice: 1_000_000_000 });
    expect(ratingProblem(() => rate(grid, { smsSubmitted: 10_000_000 }))).toBe('amount-too-large');
  });
});
