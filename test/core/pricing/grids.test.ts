import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_GRIDS,
  ORANGE_LOCALISATION_2012,
  ORANGE_M2M_SMS_2012,
  ORANGE_OPS_2016,
  ORANGE_OPS_OADC_2016,
  ORANGE_OPS_QUALIFICATION_2016,
  ORANGE_SMS_INTERNET_2012,
  overrideCharges,
  PROJETCOM_BULK_SMS,
  rateMonth,
  type MonthUsage,
  type TariffGrid,
} from '../../../src/core/pricing/index.ts';
import { EURO, ratingProblem, shortCodes, summary } from './build.ts';

const MONTH = '2024-05';
const rate = (grids: TariffGrid[], usage: MonthUsage) => rateMonth({ month: MONTH, grids, usage });

/** The same month on every grid: 13,000 SMS submitted, 12,345 of them delivered. */
const SMS_MONTH: MonthUsage = { smsSubmitted: 13_000, smsDelivered: 12_345 };

describe('every grid of docs/domain.md ships as data with its source and effective date', () => {
  it.each([
    ['orange-ops@2016', 'Orange OPS offer (2016)', '2016-10-15'],
    ['orange-ops-qualification@2016', 'Orange OPS offer (2016)', '2016-10-15'],
    ['orange-ops-oadc@2016', 'Orange OPS offer (2016)', '2016-10-15'],
    ['orange-ops-sms-vert-geo-presence@2016', 'Orange OPS offer (2016)', '2016-10-15'],
    ['orange-m2m-sms@2012', 'Orange M2M price list (2012)', '2012-03-01'],
    ['orange-sms-internet@2012', 'Orange M2M price list (2012)', '2012-03-01'],
    ['orange-localisation@2012', 'Orange M2M price list (2012)', '2012-03-01'],
    ['projetcom-bulk-sms@advertised', 'PROJETCOM terms', null],
  ])('%s cites %s, in force from %s', (name, source, effectiveFrom) => {
    const grid = BUILT_IN_GRIDS.find(({ id, version }) => `${id}@${version}` === name);
    expect(grid?.source).toContain(source);
    expect(grid?.source).not.toMatch(/seed/i);
    expect(grid?.effectiveFrom).toBe(effectiveFrom);
  });

  it('a grid is plain data: its JSON copy rates the same month to the same invoice', () => {
    const usage: MonthUsage = { ...SMS_MONTH, shortCodes: shortCodes(2, '36', { throughputPerSecond: 20 }) };
    const copy = JSON.parse(JSON.stringify(ORANGE_OPS_2016)) as TariffGrid;
    expect(rate([copy], usage)).toEqual(rate([ORANGE_OPS_2016], usage));
  });
});

describe('12,345 delivered SMS (13,000 submitted) in a month, on each grid', () => {
  it.each([
    // Orange OPS offer (2016) "Facturation des SMS-MT", note (1): the SMS-MT counted are those delivered. 12,345 × 0.030 € = 370.35 €
    [ORANGE_OPS_2016, 'sms-mt', 12_345, 30_000, 370_350_000],
    // Orange M2M price list (2012) "SMS": by SMS sent in the month; 13,000 is in 10,000–49,999 → 0.06 €. 13,000 × 0.06 € = 780.00 €
    [ORANGE_M2M_SMS_2012, 'sms', 13_000, 60_000, 780_000_000],
    // Orange M2M price list (2012) "l'offre SMS Internet", note (1): only delivered messages billed; 12,345 in 2,001–30,000 → 0.076 €.
    // 12,345 × 0.076 € = 938.22 €
    [ORANGE_SMS_INTERNET_2012, 'sms', 12_345, 76_000, 938_220_000],
    // PROJETCOM terms heading: 0.04 € per SMS sent. 13,000 × 0.04 € = 520.00 €
    [PROJETCOM_BULK_SMS, 'sms', 13_000, 40_000, 520_000_000],
  ])('%# %s: %i billed at %i µ€ = %i µ€', (grid, rule, quantity, unitPrice, amount) => {
    const invoice = rate([grid], SMS_MONTH);
    expect(summary(invoice)).toEqual([{ rule, quantity, unitPrice, discountBasisPoints: 0, amount }]);
    expect(invoice.total).toBe(amount);
  });

  it('Orange OPS with one short code: 370.35 € of SMS-MT + 150 € for the short code = 520.35 € (Orange OPS offer (2016))', () => {
    const invoice = rate([ORANGE_OPS_2016], { ...SMS_MONTH, shortCodes: shortCodes(1) });
    expect(summary(invoice)).toEqual([
      { rule: 'sms-mt', quantity: 12_345, unitPrice: 30_000, discountBasisPoints: 0, amount: 370_350_000 },
      { rule: 'short-code-monthly', quantity: 1, unitPrice: 150 * EURO, discountBasisPoints: 0, amount: 150 * EURO },
    ]);
    expect(invoice.total).toBe(520_350_000);
    expect(invoice.lines.every(({ grid }) => grid === 'orange-ops@2016')).toBe(true);
  });

  it('SMS Internet with a ShortID, its set-up and the pop-up option: 75 + 140 + 60 + 938.22 = 1,213.22 € (Orange M2M price list (2012))', () => {
    const invoice = rate([ORANGE_SMS_INTERNET_2012], { ...SMS_MONTH, shortCodes: shortCodes(1, '36', { options: ['pop-up'] }), events: { 'short-id-activation': 1 } });
    expect(summary(invoice).map(({ rule, amount }) => [rule, amount])).toEqual([
      ['short-id-activation', 75 * EURO],
      ['short-id-monthly', 140 * EURO],
      ['pop-up-monthly', 60 * EURO],
      ['sms', 938_220_000],
    ]);
    expect(invoice.total).toBe(1_213_220_000);
  });
});

describe('billable only when delivered vs billable always', () => {
  it('SMS Internet bills the 12,345 delivered, not the 13,000 submitted: the footnote applies to every band (Orange M2M price list (2012) note (1))', () => {
    const line = rate([ORANGE_SMS_INTERNET_2012], { smsSubmitted: 40_000, smsDelivered: 12_345 }).lines[0];
    // 40,000 submitted would reach the 0.070 € band; the 12,345 delivered stay in 2,001–30,000 at 0.076 €
    expect(line).toMatchObject({ quantity: 12_345, unitPrice: 76_000, amount: 938_220_000 });
  });

  it('the same OPS grid set to "always" bills the 13,000 submitted: 13,000 × 0.030 € = 390 €', () => {
    const always = overrideCharges(ORANGE_OPS_2016, '2016-always', { 'sms-mt': { billable: 'always' } });
    expect(rate([always], SMS_MONTH).total).toBe(390 * EURO);
    expect(rate([ORANGE_OPS_2016], SMS_MONTH).total).toBe(370_350_000);
  });

  it('no SMS delivered on a when-delivered grid: no SMS line at all (Orange OPS offer (2016) note (1))', () => {
    expect(rate([ORANGE_OPS_2016], { smsSubmitted: 500, smsDelivered: 0 }).lines).toEqual([]);
  });
});

describe('options and services of the Orange OPS offer (2016) and the Orange M2M price list (2012)', () => {
  it('qualification: 200 € a month per company + 12,345 MSISDNs × 0.01 € = 323.45 € (Orange OPS offer (2016), notes (5) and (6))', () => {
    const invoice = rate([ORANGE_OPS_QUALIFICATION_2016], { msisdnsQualified: 12_345 });
    expect(summary(invoice)).toEqual([
      { rule: 'qualification-monthly', quantity: 1, unitPrice: 200 * EURO, discountBasisPoints: 0, amount: 200 * EURO },
      { rule: 'msisdn-qualified', quantity: 12_345, unitPrice: 10_000, discountBasisPoints: 0, amount: 123_450_000 },
    ]);
    expect(invoice.total).toBe(323_450_000);
  });

  it('the qualification fee is due even in a month without look-ups', () => {
    expect(rate([ORANGE_OPS_QUALIFICATION_2016], {}).total).toBe(200 * EURO);
  });

  it('OADC option: 2 of 3 short codes carry it, one activation: 2 × 150 + 280 = 580 € (Orange OPS offer (2016) "L’option modification OAdC")', () => {
    const usage: MonthUsage = { shortCodes: [...shortCodes(2, '36', { options: ['oadc'] }), { shortCode: '37000' }], events: { 'oadc-option-change': 1 } };
    const invoice = rate([ORANGE_OPS_OADC_2016], usage);
    expect(summary(invoice).map(({ rule, quantity, amount }) => [rule, quantity, amount])).toEqual([
      ['oadc-monthly', 2, 300 * EURO],
      ['oadc-option-change', 1, 280 * EURO],
    ]);
  });

  it('OPS one-off fees: 2 activations (300 + 280 each) and a throughput change (150) = 1,310 € (Orange OPS offer (2016) "Frais de modification et de mise en service")', () => {
    const invoice = rate([ORANGE_OPS_2016], { events: { 'short-code-activation': 2, 'throughput-change': 1 } });
    expect(summary(invoice).map(({ rule, quantity, amount }) => [rule, quantity, amount])).toEqual([
      ['short-code-activation-administrative', 2, 600 * EURO],
      ['short-code-activation-technical', 2, 560 * EURO],
      ['throughput-change', 1, 150 * EURO],
    ]);
    expect(invoice.total).toBe(1_310 * EURO);
  });

  it('an offer and its options on one invoice: OPS + OADC + qualification', () => {
    const usage: MonthUsage = { ...SMS_MONTH, msisdnsQualified: 100, shortCodes: shortCodes(1, '36', { options: ['oadc'] }) };
    // 370.35 (SMS-MT) + 150 (short code) + 150 (OADC) + 200 + 100 × 0.01 (qualification) = 871.35 €
    expect(rate([ORANGE_OPS_2016, ORANGE_OPS_OADC_2016, ORANGE_OPS_QUALIFICATION_2016], usage).total).toBe(871_350_000);
  });
});

describe('localisation hits (Orange M2M price list (2012) "le service de localisation")', () => {
  it('12,345 hits: 200 € set-up + 100 € monthly + 12,345 × 0.08 € − 17 % = 1,119.708 €', () => {
    const invoice = rate([ORANGE_LOCALISATION_2012], { localisationHits: 12_345, localisationHitsLocated: 12_345, events: { 'localisation-activation': 1 } });
    // 12,345 × 80,000 µ€ × 0.83 = 819,708,000 µ€
    expect(summary(invoice)).toEqual([
      { rule: 'localisation-activation', quantity: 1, unitPrice: 200 * EURO, discountBasisPoints: 0, amount: 200 * EURO },
      { rule: 'localisation-monthly', quantity: 1, unitPrice: 100 * EURO, discountBasisPoints: 0, amount: 100 * EURO },
      { rule: 'localisation-hit', quantity: 12_345, unitPrice: 80_000, discountBasisPoints: 1_700, amount: 819_708_000 },
    ]);
    expect(invoice.total).toBe(1_119_708_000);
  });

  it('hits are billed even when the location is refused or the phone is off: 3,000 requested, 1,000 located → 3,000 billed', () => {
    const line = rate([ORANGE_LOCALISATION_2012], { localisationHits: 3_000, localisationHitsLocated: 1_000 }).lines.find(({ rule }) => rule === 'localisation-hit');
    // 3,000 × 0.08 € × 0.83 = 199.20 €
    expect(line).toMatchObject({ quantity: 3_000, discountBasisPoints: 1_700, amount: 199_200_000 });
  });

  it.each([
    // hits, discount reached, amount = hits × 80,000 µ€ × (1 − discount)
    [2_000, 0, 160_000_000], // 2,000 × 0.08 = 160 €
    [2_001, 1_700, 132_866_400], // 2,001 × 0.0664 = 132.8664 €
    [30_000, 1_700, 1_992_000_000], // 30,000 × 0.0664 = 1,992 €
    [30_001, 2_400, 1_824_060_800], // 30,001 × 0.0608 = 1,824.0608 €
    [50_001, 3_100, 2_760_055_200], // 50,001 × 0.0552 = 2,760.0552 €
    [500_001, 3_900, 24_400_048_800], // 500,001 × 0.0488 = 24,400.0488 €
    [1_000_000, 3_900, 48_800_000_000], // 1,000,000 × 0.0488 = 48,800 €
    [1_000_001, 4_800, 41_600_041_600], // 1,000,001 × 0.0416 = 41,600.0416 €
  ])('%i hits in the month: %i basis points off, %i µ€', (hits, discountBasisPoints, amount) => {
    const line = rate([ORANGE_LOCALISATION_2012], { localisationHits: hits }).lines.find(({ rule }) => rule === 'localisation-hit');
    expect(line).toMatchObject({ quantity: hits, unitPrice: 80_000, discountBasisPoints, amount });
  });
});

describe('a grid applies from its effective date', () => {
  it('Orange OPS (in force 15/10/2016) rates October 2016, not September 2016', () => {
    expect(rateMonth({ month: '2016-10', grids: [ORANGE_OPS_2016], usage: SMS_MONTH }).total).toBe(370_350_000);
    expect(ratingProblem(() => rateMonth({ month: '2016-09', grids: [ORANGE_OPS_2016], usage: SMS_MONTH }))).toBe('not-in-force');
  });

  it('an undated grid (PROJETCOM) rates any month', () => {
    expect(rateMonth({ month: '2001-01', grids: [PROJETCOM_BULK_SMS], usage: SMS_MONTH }).total).toBe(520 * EURO);
  });
});
