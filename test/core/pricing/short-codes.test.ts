import { describe, expect, it } from 'vitest';
import {
  ORANGE_OPS_2016,
  ORANGE_OPS_SMS_VERT_GEO_PRESENCE_2016,
  overrideCharges,
  rateMonth,
  type MonthUsage,
  type TariffGrid,
} from '../../../src/core/pricing/index.ts';
import { EURO, ratingProblem, shortCodes, summary, withSemantics } from './build.ts';

const rate = (grids: TariffGrid[], usage: MonthUsage) => rateMonth({ month: '2024-05', grids, usage });
const ALL_AT_500 = withSemantics(ORANGE_OPS_2016, 'short-code-monthly', 'volume');

describe('monthly fee per short code by rank: 150 € for the 1st–20th, 500 € from the 21st (Orange OPS offer (2016) "PAR N° COURT")', () => {
  it.each([
    // short codes, each at its rank's price (default reading), all at 500 € once there are 21 (the offer's other reading)
    [20, 3_000, 3_000], // 20 × 150 either way
    [21, 3_500, 10_500], // 20 × 150 + 1 × 500 | 21 × 500
    [25, 5_500, 12_500], // 20 × 150 + 5 × 500 | 25 × 500
  ])('%i short codes: %i € each at its rank, %i € all at the higher price', (count, eachAtItsRank, allAtHigher) => {
    const usage = { shortCodes: shortCodes(count) };
    expect(rate([ORANGE_OPS_2016], usage).total).toBe(eachAtItsRank * EURO);
    expect(rate([ALL_AT_500], usage).total).toBe(allAtHigher * EURO);
  });

  it('the invoice shows the two ranks apart: 20 at 150 € and 5 at 500 €', () => {
    expect(rate([ORANGE_OPS_2016], { shortCodes: shortCodes(25) }).lines.map(({ quantity, unitPrice, tier }) => ({ quantity, unitPrice, tier }))).toEqual([
      { quantity: 20, unitPrice: 150 * EURO, tier: { from: 1, to: 20 } },
      { quantity: 5, unitPrice: 500 * EURO, tier: { from: 21, to: null } },
    ]);
  });

  it('ranks count every short code of the contract, whatever its range', () => {
    const usage = { shortCodes: [...shortCodes(15, '36'), ...shortCodes(6, '38')] };
    expect(rate([ORANGE_OPS_2016], usage).total).toBe(3_500 * EURO); // 21 codes: 20 × 150 + 1 × 500
  });
});

describe('throughput options per short code, on top of the base fee (Orange OPS offer (2016) "Les débits Option complémentaire")', () => {
  const usage: MonthUsage = {
    shortCodes: [{ shortCode: '36001' }, { shortCode: '36002', throughputPerSecond: 20 }, { shortCode: '36003', throughputPerSecond: 50 }, { shortCode: '36004', throughputPerSecond: 50 }],
  };

  it('4 short codes (one standard, one 20/s, two 50/s): 4 × 150 + 800 + 2 × 1,600 = 4,600 €', () => {
    const invoice = rate([ORANGE_OPS_2016], usage);
    expect(invoice.lines.map(({ label, quantity, amount }) => [label, quantity, amount])).toEqual([
      ['Short code, monthly (10 op/s included)', 4, 600 * EURO],
      ['Throughput option, monthly per short code (20 SMS/s)', 1, 800 * EURO],
      ['Throughput option, monthly per short code (50 SMS/s)', 2, 3_200 * EURO],
    ]);
    expect(invoice.total).toBe(4_600 * EURO);
  });

  it('above 20/s the listed price is a default subject to a quote: the line says so', () => {
    const lines = rate([ORANGE_OPS_2016], usage).lines.filter(({ rule }) => rule === 'throughput-option');
    expect(lines.map(({ onQuote }) => onQuote)).toEqual([undefined, true]);
  });

  it('the standard 10 op/s is included in the base fee: no option line', () => {
    expect(summary(rate([ORANGE_OPS_2016], { shortCodes: [{ shortCode: '36001', throughputPerSecond: 10 }] })).map(({ rule }) => rule)).toEqual(['short-code-monthly']);
  });

  it('a quoted price overrides the default: 50/s agreed at 1,200 € instead of 1,600 €', () => {
    const quoted = overrideCharges(ORANGE_OPS_2016, '2016-acme', {
      'throughput-option': {
        prices: [
          { perSecond: 20, monthlyPrice: 800 * EURO },
          { perSecond: 50, monthlyPrice: 1_200 * EURO },
        ],
      },
    });
    const line = rate([quoted], usage).lines.find(({ label }) => label.endsWith('(50 SMS/s)'));
    expect(line).toMatchObject({ grid: 'orange-ops@2016-acme', quantity: 2, unitPrice: 1_200 * EURO, amount: 2_400 * EURO });
    expect(line?.onQuote).toBeUndefined();
  });

  it('a rate the grid does not list cannot be rated until a quote gives its price', () => {
    const usage30 = { shortCodes: [{ shortCode: '36001', throughputPerSecond: 30 }] };
    expect(ratingProblem(() => rate([ORANGE_OPS_2016], usage30))).toBe('unpriced-throughput');
    const quoted = overrideCharges(ORANGE_OPS_2016, '2016-acme', {
      'throughput-option': { prices: [{ perSecond: 30, monthlyPrice: 1_100 * EURO }] },
    });
    expect(rate([quoted], usage30).total).toBe(1_250 * EURO); // 150 base + 1,100 option
  });
});

describe('SMS vert / Géo Présence short codes: 150 € for the 1st–9th of each range, 500 € from the 10th (Orange OPS offer (2016), overlap at the 10th read as 500)', () => {
  it('10 in 34ABC and 3 in 35ABC: 34ABC 9 × 150 + 1 × 500 = 1,850 €; 35ABC 3 × 150 = 450 €; 2,300 € in all', () => {
    const usage = { shortCodes: [...shortCodes(10, '34', { options: ['sms-vert-geo-presence'] }), ...shortCodes(3, '35', { options: ['sms-vert-geo-presence'] })] };
    const invoice = rate([ORANGE_OPS_SMS_VERT_GEO_PRESENCE_2016], usage);
    expect(invoice.lines.map(({ label, quantity, unitPrice }) => [label, quantity, unitPrice])).toEqual([
      ['SMS vert / Géo Présence short code, monthly (34ABC)', 9, 150 * EURO],
      ['SMS vert / Géo Présence short code, monthly (34ABC)', 1, 500 * EURO],
      ['SMS vert / Géo Présence short code, monthly (35ABC)', 3, 150 * EURO],
    ]);
    expect(invoice.total).toBe(2_300 * EURO);
  });

  it('only short codes carrying the option count, and they pay it on top of the OPS fee (note (1): independent of it)', () => {
    const usage = { shortCodes: [...shortCodes(2, '35', { options: ['sms-vert-geo-presence'] }), ...shortCodes(3, '36')] };
    // OPS: 5 × 150 = 750 €; Géo Présence: 2 × 150 = 300 €
    expect(rate([ORANGE_OPS_2016, ORANGE_OPS_SMS_VERT_GEO_PRESENCE_2016], usage).total).toBe(1_050 * EURO);
  });
});
