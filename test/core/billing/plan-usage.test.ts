import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { billedParts, billingMonth, DEFAULT_PLAN, planProblems, rateUsage, usageReport, worstCasePartPrice, type PricePlan, type UsageCount } from '../../../src/core/billing/index.ts';

const count = (finalState: string, parts: number, settledBy: 'receipt' | 'timeout' = 'receipt', shortCode = '36001'): UsageCount => ({ class: 'marketing', shortCode, finalState, settledBy, parts });

describe('billing month', () => {
  it('is the month in Europe/Paris, not UTC', () => {
    expect(billingMonth(new Date('2026-10-31T22:59:59Z'))).toBe('2026-10');
    expect(billingMonth(new Date('2026-10-31T23:00:00Z'))).toBe('2026-11');
    expect(billingMonth(new Date('2026-06-30T22:00:00Z'))).toBe('2026-07'); // summer time: UTC+2
  });
});

describe('what is billed', () => {
  const counts = [count('delivered', 10), count('undeliverable', 3), count('expired', 2), count('no-receipt', 4, 'timeout')];
  it('delivered parts by default; submitted parts when the plan says so; parts without receipt per the no-receipt policy', () => {
    expect(billedParts({ billed: 'delivered', noReceipt: 'free' }, counts)).toBe(10);
    expect(billedParts({ billed: 'delivered', noReceipt: 'bill' }, counts)).toBe(14);
    expect(billedParts({ billed: 'submitted', noReceipt: 'free' }, counts)).toBe(15);
    expect(billedParts({ billed: 'submitted', noReceipt: 'bill' }, counts)).toBe(19);
  });
});

describe('rating and the running cost', () => {
  const internet: PricePlan = { grids: ['orange-sms-internet'], billed: 'delivered', noReceipt: 'free' };

  it('shows the running cost at the tier reached and the next tier, with its cliff', () => {
    const report = usageReport({ plan: internet, month: '2026-11', counts: [count('delivered', 1_990), count('undeliverable', 50)], shortCodes: [], now: new Date('2026-11-15T10:00:00Z') });
    expect(report.closed).toBe(false);
    expect(report.parts).toEqual({ settled: 2_040, billed: 1_990 });
    expect(report.cost.lines.find((line) => line.rule === 'sms')).toMatchObject({ quantity: 1_990, unitPrice: 94_000, amount: 187_060_000 });
    expect(report.nextTiers).toEqual([
      { grid: 'orange-sms-internet@2012', rule: 'sms', at: 2_001, partsToGo: 11, unitPrice: 76_000, discountBasisPoints: 0, amountAt: 152_076_000, costlierFrom: 1_618 },
    ]);
  });

  it('a past month is closed', () => {
    expect(usageReport({ plan: DEFAULT_PLAN, month: '2026-10', counts: [], shortCodes: [], now: new Date('2026-11-01T00:00:00+01:00') }).closed).toBe(true);
  });

  it('prices options per short code and month, and one-off fees in their month', () => {
    const plan: PricePlan = { grids: ['orange-sms-internet'], billed: 'delivered', noReceipt: 'free', options: { flash: true }, events: [{ month: '2026-11', event: 'short-id-activation', count: 1 }] };
    const invoice = rateUsage({ plan, month: '2026-11', counts: [count('delivered', 100)], shortCodes: ['36001', '36002'] });
    expect(invoice.lines.map(({ rule, quantity, amount }) => ({ rule, quantity, amount }))).toEqual([
      { rule: 'short-id-activation', quantity: 1, amount: 75_000_000 },
      { rule: 'short-id-monthly', quantity: 2, amount: 280_000_000 },
      { rule: 'pop-up-monthly', quantity: 2, amount: 120_000_000 },
      { rule: 'sms', quantity: 100, amount: 9_400_000 },
    ]);
    expect(rateUsage({ plan, month: '2026-12', counts: [], shortCodes: ['36001'] }).lines.map((line) => line.rule)).toEqual(['short-id-monthly', 'pop-up-monthly']);
  });

  it('the SMS lines always add up to the billed parts at their band, whatever the traffic (property)', () => {
    const state = fc.constantFrom('delivered', 'undeliverable', 'expired', 'rejected', 'unknown');
    fc.assert(
      fc.property(
        fc.array(fc.record({ state, parts: fc.integer({ min: 1, max: 40_000 }), timeout: fc.boolean() }), { maxLength: 10 }),
        fc.constantFrom<PricePlan['billed']>('delivered', 'submitted'),
        fc.constantFrom<PricePlan['noReceipt']>('bill', 'free'),
        fc.constantFrom('orange-ops', 'orange-m2m-sms', 'orange-sms-internet', 'projetcom-bulk-sms'),
        (traffic, billed, noReceipt, grid) => {
          const plan: PricePlan = { grids: [grid], billed, noReceipt };
          const counts = traffic.map((t) => (t.timeout ? count('no-receipt', t.parts, 'timeout') : count(t.state, t.parts)));
          const sms = rateUsage({ plan, month: '2026-11', counts, shortCodes: [] }).lines.filter((line) => line.rule === 'sms' || line.rule === 'sms-mt');
          const expected = traffic.reduce((sum, t) => sum + (t.timeout ? (noReceipt === 'bill' ? t.parts : 0) : billed === 'submitted' || t.state === 'delivered' ? t.parts : 0), 0);
          expect(sms.reduce((sum, line) => sum + line.quantity, 0)).toBe(expected);
          const total = sms.reduce((sum, line) => sum + line.amount, 0);
          expect(total).toBeLessThanOrEqual(expected * worstCasePartPrice(plan));
        },
      ),
    );
  });
});

describe('plans', () => {
  it('lists every problem of a plan', () => {
    expect(planProblems({ grids: ['nope'], billed: 'always', noReceipt: 'maybe', events: [{ month: '2026-13', event: 'party', count: 0 }] })).toEqual([
      { path: 'grids[0]', message: expect.stringContaining('no built-in grid "nope"') },
      { path: 'billed', message: 'must be "delivered" or "submitted"' },
      { path: 'noReceipt', message: 'must be "bill" or "free"' },
      { path: 'events[0].month', message: 'must be YYYY-MM' },
      { path: 'events[0].event', message: expect.stringContaining('must be one of') },
      { path: 'events[0].count', message: 'must be a whole number ≥ 1' },
    ]);
    expect(planProblems({ grids: ['orange-ops-qualification'], billed: 'delivered', noReceipt: 'free' })).toEqual([{ path: 'grids', message: 'no grid prices the SMS' }]);
    expect(planProblems(DEFAULT_PLAN)).toEqual([]);
  });

  it('reserves per part the dearest band of each SMS price', () => {
    expect(worstCasePartPrice(DEFAULT_PLAN)).toBe(30_000);
    expect(worstCasePartPrice({ grids: ['orange-sms-internet'], billed: 'delivered', noReceipt: 'free' })).toBe(94_000);
    expect(worstCasePartPrice({ grids: ['orange-m2m-sms'], billed: 'delivered', noReceipt: 'free' })).toBe(70_000);
  });
});
