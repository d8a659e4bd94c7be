import { describe, expect, it } from 'vitest';
import {
  assertValidGrid,
  BUILT_IN_GRIDS,
  InvalidGridError,
  ORANGE_OPS_2016,
  ORANGE_SMS_INTERNET_2012,
  overrideCharges,
  rateMonth,
  validateGrid,
  type MonthUsage,
} from '../../../src/core/pricing/index.ts';
import { gridOf, ratingProblem } from './build.ts';

const SMS = { kind: 'per-unit', rule: 'sms', label: 'SMS', unit: 'sms', billable: 'always', unitPrice: 40_000 } as const;
const grid = (charges: unknown[], fields: Record<string, unknown> = {}) => ({ ...gridOf(SMS), charges, ...fields });

describe('grids are validated as plain data, with every problem named by its path', () => {
  it('every shipped grid is valid', () => {
    expect(BUILT_IN_GRIDS.map(validateGrid)).toEqual(BUILT_IN_GRIDS.map(() => []));
  });

  it.each<[string, unknown, string, string]>([
    ['not an object', 42, '', 'must be an object'],
    ['an id that is not kebab-case', grid([SMS], { id: 'Orange OPS' }), 'id', 'kebab-case'],
    ['an effective date that is not a date', grid([SMS], { effectiveFrom: '2016-02-30' }), 'effectiveFrom', 'YYYY-MM-DD'],
    ['no charges', grid([]), 'charges', 'non-empty list'],
    ['a price in euros as a float', grid([{ ...SMS, unitPrice: 0.04 }]), 'charges[0].unitPrice', 'whole number of micro-euros'],
    ['a negative price', grid([{ ...SMS, unitPrice: -1 }]), 'charges[0].unitPrice', 'whole number of micro-euros'],
    ['an unknown kind of charge', grid([{ ...SMS, kind: 'yearly' }]), 'charges[0].kind', 'must be one of per-unit, monthly'],
    ['an unknown unit', grid([{ ...SMS, unit: 'mms' }]), 'charges[0].unit', 'must be one of sms, localisation-hit, qualified-msisdn'],
    ['a misspelt field', grid([{ ...SMS, unitprice: 1 }]), 'charges[0].unitprice', 'is not a field here'],
    ['delivery billing of a unit that has no delivery', grid([{ ...SMS, unit: 'qualified-msisdn', billable: 'when-delivered' }]), 'charges[0].billable', 'has no delivery'],
    ['two per-unit prices for SMS', grid([SMS, { ...SMS, rule: 'sms-again' }]), 'charges[1]', 'repeats the per-unit price for sms'],
    ['a rule used twice', grid([SMS, { kind: 'monthly', rule: 'sms', label: 'Fee', price: 1 }]), 'charges[1]', 'repeats the rule sms'],
    ['an unknown tier semantics', grid([{ ...SMS, tiers: { semantics: 'progressive', bands: [{ from: 1, unitPrice: 1 }] } }]), 'charges[0].tiers.semantics', 'volume, graduated'],
    ['bands not starting at 1', grid([{ ...SMS, tiers: { semantics: 'volume', bands: [{ from: 2, unitPrice: 1 }] } }]), 'charges[0].tiers.bands[0].from', 'must be 1'],
    [
      'bands out of order',
      grid([{ ...SMS, tiers: { semantics: 'volume', bands: [{ from: 1, unitPrice: 2 }, { from: 5_000, unitPrice: 1 }, { from: 2_001, unitPrice: 1 }] } }]),
      'charges[0].tiers.bands[2].from',
      'greater than 5000',
    ],
    ['a discount over 100 %', grid([{ ...SMS, tiers: { semantics: 'volume', bands: [{ from: 1, discountBasisPoints: 12_000 }] } }]), 'charges[0].tiers.bands[0].discountBasisPoints', '0 to 10000'],
    ['a percentage instead of basis points', grid([{ ...SMS, tiers: { semantics: 'volume', bands: [{ from: 1, discountBasisPoints: 17.5 }] } }]), 'charges[0].tiers.bands[0].discountBasisPoints', 'whole basis points'],
    ['a band with both a price and a discount', grid([{ ...SMS, tiers: { semantics: 'volume', bands: [{ from: 1, unitPrice: 1, discountBasisPoints: 100 }] } }]), 'charges[0].tiers.bands[0].unitPrice', 'is not a field here'],
    ['an unknown one-off event', grid([{ kind: 'one-off', rule: 'x', label: 'X', event: 'birthday', price: 1 }]), 'charges[0].event', 'short-code-activation'],
    ['an unknown short-code option', grid([{ kind: 'per-short-code', rule: 'x', label: 'X', option: 'rcs', unitPrice: 1, rankedPer: 'contract' }]), 'charges[0].option', 'oadc'],
    [
      'a throughput option at the standard rate',
      grid([{ kind: 'throughput-option', rule: 'x', label: 'X', standardPerSecond: 10, prices: [{ perSecond: 10, monthlyPrice: 1 }] }]),
      'charges[0].prices[0].perSecond',
      'above the standard rate',
    ],
  ])('%s', (_, value, path, message) => {
    const problems = validateGrid(value);
    expect(problems).toContainEqual({ path, message: expect.stringContaining(message) as string });
  });

  it('all problems are reported at once', () => {
    const problems = validateGrid(grid([{ ...SMS, unitPrice: 0.5, unit: 'fax' }], { version: '' }));
    expect(problems.map(({ path }) => path)).toEqual(['version', 'charges[0].unit', 'charges[0].unitPrice']);
  });

  it('rating refuses an invalid grid with an error that lists its problems', () => {
    const invalid = grid([{ ...SMS, unitPrice: 0.04 }]);
    expect(() => assertValidGrid(invalid)).toThrow(InvalidGridError);
    expect(() => rateMonth({ month: '2024-05', grids: [invalid as never], usage: {} })).toThrow(/grid test-grid@1 is not valid: charges\[0\]\.unitPrice must be a whole number of micro-euros/);
  });
});

describe('overrides give an account its own prices, validated like any grid', () => {
  it('an unknown rule is refused', () => {
    expect(() => overrideCharges(ORANGE_OPS_2016, 'x', { 'sms-mo': { unitPrice: 1 } })).toThrow(/overrides\.sms-mo is not a rule of the grid/);
  });

  it('a patch that breaks the grid is refused', () => {
    expect(() => overrideCharges(ORANGE_SMS_INTERNET_2012, 'x', { sms: { unitPrice: 0.07 } })).toThrow(InvalidGridError);
  });

  it('the original grid is left as it was', () => {
    overrideCharges(ORANGE_OPS_2016, 'acme', { 'sms-mt': { unitPrice: 25_000 } });
    expect(ORANGE_OPS_2016.charges[0]).toMatchObject({ rule: 'sms-mt', unitPrice: 30_000 });
  });
});

describe('usage that cannot be rated is refused, not guessed', () => {
  it.each<[string, MonthUsage | { month: string }]>([
    ['a negative count', { smsDelivered: -1 }],
    ['a fractional count', { localisationHits: 2.5 }],
    ['an unknown event', { events: { birthday: 1 } as never }],
    ['a short code listed twice', { shortCodes: [{ shortCode: '36001' }, { shortCode: '36001' }] }],
    ['a short code that is not digits', { shortCodes: [{ shortCode: 'ACME' }] }],
    ['a throughput of 0', { shortCodes: [{ shortCode: '36001', throughputPerSecond: 0 }] }],
    ['an unknown option', { shortCodes: [{ shortCode: '36001', options: ['rcs' as never] }] }],
    ['a month that is not YYYY-MM', { month: '2024-13' }],
  ])('%s', (_, input) => {
    const { month = '2024-05', ...usage } = input as MonthUsage & { month?: string };
    expect(ratingProblem(() => rateMonth({ month, grids: [ORANGE_OPS_2016], usage }))).toBe('invalid-usage');
  });
});
