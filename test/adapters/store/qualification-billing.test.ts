/**
 * Qualification billed to the account (docs/operators.md "Qualification", docs/billing.md): the MSISDNs it looked up
 * in a month are on its usage report and its month invoice (PDF and Factur-X lines), at 0.01 € each plus 200 € for a
 * month with at least one; an account that qualified nothing pays nothing for it; a prepaid account, whose credit
 * pays for its SMS, gets a month invoice with what else its plan charges: here, its qualification.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageOf } from '../../../src/adapters/http/billing-routes.ts';
import { facturXData } from '../../../src/adapters/invoices/factur-x.ts';
import { renderInvoicePdf } from '../../../src/adapters/invoices/invoice-pdf.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgBillingStore } from '../../../src/adapters/store/billing-store.ts';
import { invoiceDocument } from '../../../src/adapters/store/invoice-store.ts';
import { PgOperatorCostStore } from '../../../src/adapters/store/operator-cost-store.ts';
import { PgQualificationStore } from '../../../src/adapters/store/qualification-store.ts';
import { DEFAULT_LATE_PENALTY, type PricePlan } from '../../../src/core/billing/index.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';
import { SELLER } from '../../support/seller.ts';

const MONTH = '2026-11';
const AFTER = new Date('2026-12-02T08:00:00Z');
const PREPAID_PLAN: PricePlan = { grids: ['orange-ops', 'qualification'], billed: 'delivered', noReceipt: 'free' };

let tdb: TestDatabase;
let billing: PgBillingStore;
const ids: Record<string, string> = {};

async function delivered(accountId: string, parts: number): Promise<void> {
  await tdb.db.pool.query(
    `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, final_state, settled_by, month, settled_at)
     SELECT gen_random_uuid(), 0, $1, 'B', 'marketing', '36001', 'sim', 'delivered', 'receipt', $2, '2026-11-15T10:00:00Z' FROM generate_series(1, $3)`,
    [accountId, MONTH, parts],
  );
}

async function qualify(accountId: string, msisdns: string[], at: string): Promise<void> {
  await new PgQualificationStore(tdb.db).record(
    accountId,
    msisdns.map((msisdn) => ({ msisdn, operator: 'ORAN', state: 'valid' as const, checkedAt: new Date(at) })),
  );
}

const rules = (lines: readonly { rule: string }[]) => lines.map((line) => line.rule);

beforeAll(async () => {
  tdb = await createTestDatabase(primaryTarget());
  billing = new PgBillingStore(tdb.db, { seller: SELLER, terms: { days: 30, latePenalty: DEFAULT_LATE_PENALTY } });
  const accounts = new PgAccountStore(tdb.db);
  for (const name of ['qualifier', 'sender', 'prepaid-qualifier', 'prepaid-sender']) {
    ids[name] = (await accounts.createAccount({ name, legalName: `${name} SAS`, postalAddress: '1 rue de Rivoli, 75001 Paris', siren: '552100554' }, new Date('2026-01-01T00:00:00Z'))).id;
  }
  for (const name of ['prepaid-qualifier', 'prepaid-sender']) await billing.setPlan(ids[name]!, PREPAID_PLAN, 'prepaid', 'test', new Date('2026-01-01T00:00:00Z'));

  // The qualifier (no plan: the default one) sends 5 SMS and qualifies 3 numbers in November, Paris time: one the
  // evening of 31 October (23:30 in Paris) and one the night of 30 November (00:30 on 1 December in Paris) are not.
  await delivered(ids.qualifier!, 5);
  await qualify(ids.qualifier!, ['+33612000099'], '2026-10-31T22:30:00Z');
  await qualify(ids.qualifier!, ['+33612000001', '+33612000002'], '2026-11-10T09:00:00Z');
  await qualify(ids.qualifier!, ['+33612000001'], '2026-11-29T09:00:00Z'); // looked up again: billed again
  await qualify(ids.qualifier!, ['+33612000098'], '2026-11-30T23:30:00Z');
  await delivered(ids.sender!, 4);
  await delivered(ids['prepaid-qualifier']!, 7);
  await qualify(ids['prepaid-qualifier']!, ['+33612000003', '+33612000004'], '2026-11-20T09:00:00Z');
  await delivered(ids['prepaid-sender']!, 6);
});
afterAll(() => tdb?.drop());

describe('qualification on the usage report', () => {
  it("shows the month's MSISDNs qualified and their cost next to the SMS", async () => {
    const usage = await usageOf(billing, ids.qualifier!, MONTH, AFTER);
    expect(usage.qualified).toBe(3);
    expect(usage.plan.grids).toContain('qualification');
    expect(usage.cost.lines).toEqual([
      expect.objectContaining({ rule: 'sms-mt', quantity: 5, amount: 150_000 }),
      expect.objectContaining({ grid: 'qualification@ops-2016', rule: 'qualification-monthly', quantity: 1, amount: 200_000_000 }),
      expect.objectContaining({ grid: 'qualification@ops-2016', rule: 'msisdn-qualified', quantity: 3, unitPrice: 10_000, amount: 30_000 }),
    ]);
    expect(usage.cost.total).toBe(200_180_000);
    // October had one number, December one: each month is rated with its own.
    expect((await usageOf(billing, ids.qualifier!, '2026-10', AFTER)).cost.lines).toEqual([
      expect.objectContaining({ rule: 'qualification-monthly', amount: 200_000_000 }),
      expect.objectContaining({ rule: 'msisdn-qualified', quantity: 1, amount: 10_000 }),
    ]);
    expect((await usageOf(billing, ids.qualifier!, '2026-12', AFTER)).qualified).toBe(1);
  });

  it('shows nothing for qualification to an account that qualified no number', async () => {
    const usage = await usageOf(billing, ids.sender!, MONTH, AFTER);
    expect(usage.qualified).toBe(0);
    expect(rules(usage.cost.lines)).toEqual(['sms-mt']);
    expect(usage.cost.total).toBe(120_000);
  });
});

describe('qualification at the month close', () => {
  it('invoices it with the SMS to a postpaid account, on the PDF and Factur-X lines; nothing to one that qualified nothing', async () => {
    const done = await billing.close(MONTH, AFTER);
    expect(done.issued).toBe(3); // the two postpaid accounts and the prepaid one that qualified numbers

    const [invoice] = await billing.invoices({ accountId: ids.qualifier!, month: MONTH });
    expect(invoice!.lines.map((l) => [l.rule, l.quantity, l.amount])).toEqual([
      ['sms-mt', 5, 150_000],
      ['qualification-monthly', 1, 200_000_000],
      ['msisdn-qualified', 3, 30_000],
    ]);
    expect(invoice).toMatchObject({ total: 200_180_000, vat: 40_040_000, totalWithVat: 240_220_000 }); // VAT 40.036 € to the cent
    const doc = await invoiceDocument(tdb.db, invoice!.number, ids.qualifier, billing.invoicing);
    expect(doc.lines).toEqual([
      { label: 'SMS-MT remis', quantity: 5, unitPrice: 30_000, amount: 150_000 },
      { label: 'Qualification de base, mensuelle par société', quantity: 1, unitPrice: 200_000_000, amount: 200_000_000 },
      { label: 'MSISDN qualifié', quantity: 3, unitPrice: 10_000, amount: 30_000 },
    ]);
    const facturX = JSON.stringify(facturXData(doc));
    expect(facturX).toContain('MSISDN qualifié');
    expect(facturX).toContain('Qualification de base, mensuelle par société');
    expect((await renderInvoicePdf(doc)).subarray(0, 5).toString()).toBe('%PDF-');

    const [sent] = await billing.invoices({ accountId: ids.sender!, month: MONTH });
    expect(rules(sent!.lines)).toEqual(['sms-mt']);
    expect(sent!.total).toBe(120_000);
  });

  it("invoices a prepaid account its qualification, not its SMS (its credit paid for them); one that qualified nothing gets no invoice", async () => {
    const [invoice] = await billing.invoices({ accountId: ids['prepaid-qualifier']!, month: MONTH });
    expect(invoice).toMatchObject({ kind: 'month', total: 200_020_000 });
    expect(invoice!.lines.map((l) => [l.rule, l.quantity, l.amount])).toEqual([
      ['qualification-monthly', 1, 200_000_000],
      ['msisdn-qualified', 2, 20_000],
    ]);
    expect(await billing.invoices({ accountId: ids['prepaid-sender']!, month: MONTH })).toEqual([]);
    // Closing again issues nothing more.
    expect(await billing.close(MONTH, AFTER)).toMatchObject({ issued: 0 });
  });

  it("counts the qualification in the accounts' revenue of the margin report", async () => {
    const report = await new PgOperatorCostStore(tdb.db).marginReport(MONTH);
    const revenue = Object.fromEntries(report.accounts.map((a) => [a.name, a.revenue]));
    expect(revenue).toEqual({
      qualifier: 200_180_000, // its invoice
      sender: 120_000,
      'prepaid-qualifier': 7 * 30_000 + 200_020_000, // its SMS charged on the credit, and its qualification invoiced
      'prepaid-sender': 6 * 30_000,
    });
  });
});
