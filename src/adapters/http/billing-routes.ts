import { Type, type Static } from '@sinclair/typebox';
import { billingMonth, usageReport, type UsageReport } from '../../core/billing/index.ts';
import { BOM, csvField } from '../csv/csv-write.ts';
import { NotFound } from '../../app/errors.ts';
import type { AccountBilling, CreditView, InvoiceDocuments, IssuedInvoice, UsageLine } from '../../app/ports/billing.ts';
import { sendCsv } from './csv-reply.ts';
import { sendPdf, wantsPdf } from './invoice-routes.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, in Europe/Paris (default: the current month)' });
const MicroEuros = (description: string) => Type.Integer({ description: `${description}, in micro-euros (1 € = 1,000,000), excluding VAT` });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const InvoiceLine = Type.Object({
  grid: Type.String({ description: 'id@version of the tariff grid' }),
  rule: Type.String(),
  label: Type.String(),
  quantity: Type.Integer(),
  unitPrice: MicroEuros('Price per unit before discount'),
  discountBasisPoints: Type.Integer(),
  amount: MicroEuros('quantity × unitPrice × (1 − discount), rounded once'),
  tier: Type.Optional(Type.Object({ from: Type.Integer(), to: Nullable(Type.Integer()) })),
  onQuote: Type.Optional(Type.Boolean()),
});

export const Usage = Type.Object(
  {
    month: Type.String(),
    closed: Type.Boolean({ description: 'The month is over: cost is final. Otherwise the running cost, at the tier reached so far' }),
    plan: Type.Object({ grids: Type.Array(Type.String()), billed: Type.String(), noReceipt: Type.String(), payment: Type.String() }),
    parts: Type.Object({ settled: Type.Integer({ description: 'Parts that reached their final state in the month' }), billed: Type.Integer() }),
    qualified: Type.Integer({ description: 'MSISDNs qualified (looked up) for the account in the month: billed per MSISDN when the plan lists a qualification grid' }),
    counts: Type.Array(
      Type.Object({
        class: Type.String(),
        shortCode: Type.String(),
        finalState: Type.String({ description: "The final receipt's state, or no-receipt (settled by the delay)" }),
        settledBy: Type.String({ description: 'receipt or timeout' }),
        parts: Type.Integer(),
        billed: Type.Boolean(),
      }),
    ),
    localisation: Type.Object(
      {
        hits: Type.Integer({ description: 'Numbers asked of the location provider (Géo Présence, locating a number), whatever the answer' }),
        located: Type.Integer({ description: 'Of those, the ones that returned a position' }),
      },
      { description: 'Localisation hits of the month; priced when the plan includes a localisation grid (e.g. orange-localisation)' },
    ),
    cost: Type.Object({ lines: Type.Array(InvoiceLine), total: MicroEuros('The month so far') }),
    nextTiers: Type.Array(
      Type.Object({
        grid: Type.String(),
        rule: Type.String(),
        at: Type.Integer({ description: 'First billed part of the next band' }),
        partsToGo: Type.Integer(),
        unitPrice: Type.Integer(),
        discountBasisPoints: Type.Integer(),
        amountAt: MicroEuros("The month's SMS amount at `at` parts"),
        costlierFrom: Nullable(Type.Integer({ description: 'A cliff: from this many parts to at − 1, the month costs more than at `at`' })),
      }),
    ),
  },
  { $id: 'Usage', description: "A month's usage under the account's price plan" },
);

export const Credit = Type.Object(
  {
    payment: Type.String({ description: 'prepaid or postpaid' }),
    balance: MicroEuros('Paid in and not yet charged'),
    reserved: MicroEuros('Held by messages accepted and not yet settled'),
    available: MicroEuros('balance − reserved: what new messages may reserve'),
    partPrice: MicroEuros('Reserved per SMS part: the dearest price of the plan'),
    movements: Type.Array(
      Type.Object({ kind: Type.String({ description: 'top-up, charge or adjustment' }), amount: Type.Integer(), by: Nullable(Type.String()), reason: Nullable(Type.String()), at: Type.String({ format: 'date-time' }) }),
    ),
  },
  { $id: 'Credit', description: "The account's prepaid credit and its latest movements" },
);

export const Invoice = Type.Object(
  {
    number: Type.String({ description: 'F<year>-<sequence>: chronological and continuous within the year' }),
    month: Type.String(),
    issuedAt: Type.String({ format: 'date-time' }),
    lines: Type.Array(InvoiceLine),
    total: MicroEuros('Total'),
    vatBasisPoints: Type.Integer({ description: 'VAT rate in basis points (2000 = 20 %)' }),
    vat: MicroEuros('VAT, rounded half up to the cent'),
    totalWithVat: Type.Integer({ description: 'Total including VAT, in micro-euros' }),
    kind: Type.String({ description: "month (the month close's) or top-up (a prepaid account's top-up)" }),
  },
  { $id: 'Invoice', description: 'An issued invoice: it never changes' },
);

export function presentInvoice(invoice: IssuedInvoice): Static<typeof Invoice> {
  const { accountId: _, ...rest } = invoice;
  return { ...rest, issuedAt: invoice.issuedAt.toISOString(), lines: invoice.lines.map((line) => ({ ...line })) };
}

function store(deps: HttpDeps): AccountBilling & InvoiceDocuments {
  if (!deps.billing) throw new Error('billing is not wired in this process');
  return deps.billing;
}

export async function usageOf(billing: Pick<AccountBilling, 'planOf' | 'usageCounts' | 'shortCodesOf' | 'qualifiedIn' | 'localisationOf'>, accountId: string, month: string, now: Date): Promise<Static<typeof Usage>> {
  const [{ plan, payment }, counts, shortCodes, qualified, localisation] = await Promise.all([
    billing.planOf(accountId),
    billing.usageCounts(accountId, month),
    billing.shortCodesOf(accountId),
    billing.qualifiedIn(accountId, month),
    billing.localisationOf(accountId, month),
  ]);
  const report: UsageReport = usageReport({ plan, month, counts, shortCodes, qualified, localisation, now });
  return {
    ...report,
    counts: [...report.counts],
    cost: { lines: report.cost.lines.map((line) => ({ ...line })), total: report.cost.total },
    nextTiers: [...report.nextTiers],
    plan: { grids: plan.grids.map((grid) => (typeof grid === 'string' ? grid : `${grid.id}@${grid.version}`)), billed: plan.billed, noReceipt: plan.noReceipt, payment },
  };
}

export function presentCredit(credit: CreditView): Static<typeof Credit> {
  return { ...credit, movements: credit.movements.map((m) => ({ ...m, at: m.at.toISOString() })) };
}

async function* usageCsv(lines: AsyncIterable<UsageLine>): AsyncGenerator<string> {
  const columns = ['messageId', 'part', 'brand', 'class', 'shortCode', 'route', 'campaignId', 'parts', 'finalState', 'settledBy', 'settledAt'];
  yield `${BOM}${columns.map((c) => csvField(c)).join(',')}\r\n`;
  for await (const l of lines) {
    yield [csvField(l.messageId), l.part, csvField(l.brand), csvField(l.class), csvField(l.shortCode, true), csvField(l.route), csvField(l.campaignId), l.parts, csvField(l.finalState), csvField(l.settledBy), csvField(l.settledAt.toISOString())].join(',') + '\r\n';
  }
}

/** The account's usage and credit (right "billing"). */
export async function billingRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.addSchema(Usage);
  app.addSchema(Credit);
  app.addSchema(Invoice);
  const tags = ['billing'];

  app.get(
    '/invoices',
    {
      schema: {
        summary: "The account's invoices, in the order of their numbers",
        tags,
        querystring: Type.Object({ month: Type.Optional(Month) }),
        response: { 200: Type.Object({ invoices: Type.Array(Type.Ref(Invoice)) }), 403: problem },
      },
    },
    async (request) => ({ invoices: (await store(deps).invoices({ accountId: request.account.id, ...(request.query.month ? { month: request.query.month } : {}) })).map(presentInvoice) }),
  );

  app.get(
    '/invoices/:number',
    {
      schema: {
        summary: 'One invoice of the account: JSON, or its PDF with a .pdf suffix (/v1/invoices/F2026-000001.pdf) or Accept: application/pdf',
        tags,
        params: Type.Object({ number: Type.String({ maxLength: 44 }) }),
        produces: ['application/json', 'application/pdf'],
        response: { 200: Type.Ref(Invoice), 403: problem, 404: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const { id, pdf } = wantsPdf(request, request.params.number);
      const billing = store(deps);
      if (pdf) return sendPdf(reply, await billing.invoiceDocument(id, request.account.id), false);
      const [invoice] = await billing.invoices({ accountId: request.account.id, number: id });
      if (!invoice) throw new NotFound(`invoice ${id}`);
      return presentInvoice(invoice);
    },
  );

  app.get(
    '/usage',
    {
      schema: {
        summary: "The month's usage: parts by class, short code and final state, what is billed, the running cost at the tier reached and the next tier",
        tags,
        querystring: Type.Object({ month: Type.Optional(Month) }),
        response: { 200: Type.Ref(Usage), 403: problem },
      },
    },
    async (request) => {
      const now = deps.clock.now();
      return usageOf(store(deps), request.account.id, request.query.month ?? billingMonth(now), now);
    },
  );

  app.get(
    '/usage/lines',
    {
      schema: {
        summary: "The month's usage lines as CSV: one per SMS part that reached its final state",
        tags,
        querystring: Type.Object({ month: Type.Optional(Month) }),
        produces: ['text/csv'],
        response: { 200: { description: 'CSV (UTF-8 with BOM, CRLF): messageId, part, brand, class, shortCode, route, campaignId, parts, finalState, settledBy, settledAt', type: 'string' }, 403: problem },
      },
    },
    async (request, reply) => {
      const month = request.query.month ?? billingMonth(deps.clock.now());
      return sendCsv(reply, `usage-${month}.csv`, usageCsv(store(deps).usageLines(request.account.id, month)));
    },
  );

  app.get(
    '/credit',
    { schema: { summary: "The account's prepaid credit: balance, reserved, available, and the latest movements", tags, response: { 200: Type.Ref(Credit), 403: problem } } },
    async (request) => presentCredit(await store(deps).credit(request.account.id)),
  );
}
