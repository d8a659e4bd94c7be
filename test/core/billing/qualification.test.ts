/**
 * Qualification in an account's rating (docs/pricing.md, docs/billing.md): 0.01 € per MSISDN qualified, and the
 * monthly 200 € only in a month with at least one; a prepaid account's plan without the SMS, which its credit pays.
 */
import { describe, expect, it } from 'vitest';
import { beyondCreditPlan, DEFAULT_PLAN, rateUsage, type PricePlan } from '../../../src/core/billing/index.ts';
import { QUALIFICATION_OPS_2016, validateGrid } from '../../../src/core/pricing/index.ts';

const delivered = (parts: number) => [{ class: 'marketing' as const, shortCode: '36001', finalState: 'delivered', settledBy: 'receipt' as const, parts }];

describe('qualification rated by the plan', () => {
  it('costs 200 € + 0.01 € per MSISDN in a month with lookups: 12,345 MSISDNs, 323.45 €', () => {
    const month = rateUsage({ plan: DEFAULT_PLAN, month: '2026-11', counts: [], shortCodes: [], qualified: 12_345 });
    expect(month.lines.map((l) => [l.rule, l.quantity, l.amount])).toEqual([
      ['qualification-monthly', 1, 200_000_000],
      ['msisdn-qualified', 12_345, 123_450_000],
    ]);
    expect(month.total).toBe(323_450_000);
  });

  it('costs nothing in a month without lookups, the monthly fee included', () => {
    const month = rateUsage({ plan: DEFAULT_PLAN, month: '2026-11', counts: delivered(10), shortCodes: [] });
    expect(month.lines.map((l) => l.rule)).toEqual(['sms-mt']);
    expect(month.total).toBe(300_000);
  });

  it("is not rated by a plan that lists no qualification grid", () => {
    const plan: PricePlan = { grids: ['orange-ops'], billed: 'delivered', noReceipt: 'free' };
    expect(rateUsage({ plan, month: '2026-11', counts: [], shortCodes: [], qualified: 5 }).total).toBe(0);
  });

  it('invoices a prepaid account everything its plan charges but the SMS: fees per short code, activations, qualification, localisation', () => {
    const plan: PricePlan = {
      grids: ['orange-ops', 'qualification', 'orange-localisation'],
      billed: 'delivered',
      noReceipt: 'free',
      events: [{ month: '2026-11', event: 'short-code-activation', count: 1 }],
    };
    const month = rateUsage({ plan: beyondCreditPlan(plan), month: '2026-11', counts: delivered(10), shortCodes: ['36001'], qualified: 2, localisation: { hits: 3, located: 2 } });
    const rules = month.lines.map((l) => l.rule);
    expect(rules).not.toContain('sms-mt');
    expect(rules).toEqual(expect.arrayContaining(['short-code-monthly', 'short-code-activation-technical', 'qualification-monthly', 'msisdn-qualified', 'localisation-monthly', 'localisation-hit']));
    // The same lines as the postpaid invoice of the same month, SMS aside.
    const postpaid = rateUsage({ plan, month: '2026-11', counts: delivered(10), shortCodes: ['36001'], qualified: 2, localisation: { hits: 3, located: 2 } });
    expect(month.lines).toEqual(postpaid.lines.filter((l) => l.rule !== 'sms-mt'));
    // A plan that charges only SMS leaves a prepaid account nothing to invoice.
    expect(rateUsage({ plan: beyondCreditPlan({ grids: ['projetcom-bulk-sms'], billed: 'delivered', noReceipt: 'free' }), month: '2026-11', counts: delivered(10), shortCodes: ['36001'] }).total).toBe(0);
  });

  it('checks the monthly fee condition of a grid written as data', () => {
    expect(validateGrid(QUALIFICATION_OPS_2016)).toEqual([]);
    const bad = { ...QUALIFICATION_OPS_2016, charges: [{ kind: 'monthly', rule: 'm', label: 'M', price: 1, onlyIfUsed: 'msisdn' }] };
    expect(validateGrid(bad)).toEqual([{ path: 'charges[0].onlyIfUsed', message: expect.stringContaining('must be one of sms, localisation-hit, qualified-msisdn') }]);
  });
});
