import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPERATOR_CONTRACT, DEFAULT_PLAN, marginReport, operatorCost, operatorCountsOf, reconcile, split, type AccountMonth, type PricePlan, type UsageCount } from '../../../src/core/billing/index.ts';

const EURO = 1_000_000;
const BULK: PricePlan = { grids: ['projetcom-bulk-sms'], billed: 'submitted', noReceipt: 'bill' };
const codes = (n: number) => Array.from({ length: n }, (_, i) => ({ shortCode: String(36_100 + i), oadc: false, delivered: 0 }));
const sum = (values: readonly number[]) => values.reduce((total, n) => total + n, 0);
const delivered = (shortCode: string, parts: number, finalState = 'delivered'): UsageCount => ({ class: 'marketing', shortCode, finalState, settledBy: 'receipt', parts });

describe("the operator's cost (Orange OPS)", () => {
  it('charges 0.030 € per delivered SMS-MT and each short code at its rank: 150 € up to the 20th, 500 € from the 21st', () => {
    const shortCodes = codes(21).map((c, i) => (i === 0 ? { ...c, delivered: 10_000 } : c));
    const cost = operatorCost({ contract: DEFAULT_OPERATOR_CONTRACT, month: '2026-11', shortCodes });
    expect(cost.perShortCode[0]).toEqual({ shortCode: '36100', delivered: 10_000, cost: 150 * EURO + 10_000 * 30_000 });
    expect(cost.perShortCode.slice(1, 20).every((c) => c.cost === 150 * EURO)).toBe(true);
    expect(cost.perShortCode[20]!.cost).toBe(500 * EURO);
    expect(cost.shared).toBe(0);
    expect(cost.total).toBe(20 * 150 * EURO + 500 * EURO + 300 * EURO);
    expect(sum(cost.perShortCode.map((c) => c.cost)) + cost.shared).toBe(cost.total);
  });

  it('adds the OADC option and a throughput option to their short code, and the qualification to the shared costs', () => {
    const contract = { grids: [...DEFAULT_OPERATOR_CONTRACT.grids, 'orange-ops-qualification'], qualifiedMsisdns: [{ month: '2026-11', count: 1_000 }], events: [{ month: '2026-11', event: 'short-code-activation' as const, count: 1 }] };
    const cost = operatorCost({ contract, month: '2026-11', shortCodes: [{ shortCode: '36100', oadc: true, delivered: 0 }, { shortCode: '36101', oadc: false, throughputPerSecond: 20, delivered: 0 }] });
    expect(cost.perShortCode.map((c) => c.cost)).toEqual([(150 + 150) * EURO, (150 + 800) * EURO]);
    // 200 € a month + 0.01 € × 1,000 MSISDNs, and the activation 300 + 280 €.
    expect(cost.shared).toBe((200 + 10 + 580) * EURO);
    expect(cost.total).toBe(cost.shared + 1_250 * EURO);
  });

  it('buys the smallest throughput option at or above the rate a short code runs at', () => {
    const at = (throughputPerSecond: number) => operatorCost({ contract: DEFAULT_OPERATOR_CONTRACT, month: '2026-11', shortCodes: [{ shortCode: '36100', oadc: false, throughputPerSecond, delivered: 0 }] }).total;
    expect(at(10)).toBe(150 * EURO);
    expect(at(30)).toBe((150 + 1_600) * EURO);
    expect(at(1_000)).toBe((150 + 3_000) * EURO);
  });
});

describe('the margin report', () => {
  it('spreads revenue by billed parts and cost by delivered parts; every row adds up to the totals', () => {
    const accounts: AccountMonth[] = [
      { accountId: 'a', name: 'acme', plan: BULK, counts: [delivered('36100', 1_000), delivered('36100', 100, 'undeliverable')], shortCodes: ['36100'] },
      { accountId: 'b', name: 'bobo', plan: DEFAULT_PLAN, counts: [delivered('36100', 3_000), delivered('36101', 500)], shortCodes: ['36100', '36101'], invoiced: 123 * EURO },
      { accountId: 'c', name: 'idle', plan: DEFAULT_PLAN, counts: [], shortCodes: [] },
    ];
    const report = marginReport({ month: '2026-11', contract: DEFAULT_OPERATOR_CONTRACT, shortCodes: [...codes(3)], accounts });
    const acme = report.accounts.find((a) => a.name === 'acme')!;
    expect(acme.revenue).toBe(1_100 * 40_000); // PROJETCOM's 0.04 € per SMS sent
    // 36100: 150 € + 4,000 × 0.030 €, a quarter delivered for acme.
    expect(acme.cost).toBe((150 * EURO + 4_000 * 30_000) / 4);
    expect(report.accounts.find((a) => a.name === 'bobo')).toMatchObject({ revenue: 123 * EURO, invoiced: true });
    expect(report.shortCodes.find((s) => s.shortCode === '36102')).toMatchObject({ delivered: 0, revenue: 0, cost: 150 * EURO });
    expect(report.unallocated.cost).toBe(150 * EURO); // 36102 has no traffic
    expect(report.totals.margin).toBe(report.totals.revenue - report.totals.cost);
  });

  it('adds up exactly for any traffic', () => {
    const shortCode = fc.constantFrom('36100', '36101', '36102', '36200');
    const account = fc.record({
      plan: fc.constantFrom(DEFAULT_PLAN, BULK),
      counts: fc.array(fc.record({ shortCode, parts: fc.integer({ min: 1, max: 50_000 }), finalState: fc.constantFrom('delivered', 'undeliverable', 'expired') }), { maxLength: 6 }),
      held: fc.subarray(['36100', '36101', '36102']),
      invoiced: fc.option(fc.integer({ min: 0, max: 10_000 * EURO }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(account, { maxLength: 6 }), fc.integer({ min: 0, max: 25 }), (specs, extra) => {
        const accounts: AccountMonth[] = specs.map((s, i) => ({
          accountId: `id${i}`,
          name: `n${i}`,
          plan: s.plan,
          counts: s.counts.map((c) => delivered(c.shortCode, c.parts, c.finalState)),
          shortCodes: s.held,
          invoiced: s.invoiced,
        }));
        const report = marginReport({ month: '2026-11', contract: DEFAULT_OPERATOR_CONTRACT, shortCodes: codes(3 + extra), accounts });
        const { totals, unallocated, operator } = report;
        expect(sum(report.accounts.map((a) => a.revenue)) + 0).toBe(totals.revenue);
        expect(sum(report.shortCodes.map((s) => s.revenue)) + unallocated.revenue).toBe(totals.revenue);
        expect(sum(report.accounts.map((a) => a.cost)) + unallocated.cost).toBe(totals.cost);
        expect(sum(report.shortCodes.map((s) => s.cost)) + operator.shared).toBe(operator.total);
        expect(totals.cost).toBe(operator.total);
        expect(sum(report.shortCodes.map((s) => s.delivered))).toBe(sum(accounts.flatMap((a) => a.counts.filter((c) => c.finalState === 'delivered').map((c) => c.parts))));
      }),
      { numRuns: 200 },
    );
  });

  it('splits an amount exactly, largest remainders first', () => {
    expect(split(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(split(-100, [1, 2])).toEqual([-33, -67]);
    expect(split(5, [0, 0])).toBeNull();
  });
});

describe('reconciliation', () => {
  it('reads the operator’s counts, rejecting bad rows with their line and reason', () => {
    const { counts, rejected } = operatorCountsOf(
      [['Numéro court', 'Mois', 'SMS-MT'], ['36100', '2026-11', '4 000'], ['3610', '2026-11', '12'], ['36101', '2026-11', '-3'], ['36102', '2026-10', '7'], ['36100', '2026-11', '1'], ['36103', '2026-11', '0'], ['', '', '']],
      '2026-11',
    );
    expect(counts).toEqual([{ shortCode: '36100', delivered: 4_000 }, { shortCode: '3610', delivered: 12 }, { shortCode: '36103', delivered: 0 }]);
    expect(rejected).toEqual([
      { line: 4, reason: 'delivered "-3" must be a whole number ≥ 0' },
      { line: 5, reason: 'month "2026-10" is not the month imported (2026-11)' },
      { line: 6, reason: 'short code 36100 is already given on an earlier line' },
    ]);
    expect(operatorCountsOf([['code', 'n']], '2026-11').rejected[0]!.reason).toContain('the header must name a short code column');
  });

  it('lists each short code of either side with the difference, and the totals', () => {
    const result = reconcile('2026-11', new Map([['36100', 4_000], ['36101', 500], ['36102', 9]]), new Map([['36100', 4_000], ['36101', 510], ['36103', 2]]));
    expect(result.rows).toEqual([
      { shortCode: '36100', relais: 4_000, operator: 4_000, difference: 0, status: 'match' },
      { shortCode: '36101', relais: 500, operator: 510, difference: 10, status: 'differs' },
      { shortCode: '36102', relais: 9, operator: null, difference: -9, status: 'only-relais' },
      { shortCode: '36103', relais: 0, operator: 2, difference: 2, status: 'only-operator' },
    ]);
    expect(result.totals).toEqual({ relais: 4_509, operator: 4_512, difference: 3 });
    expect(result.differences).toBe(3);
  });
});
