import { Type, type Static } from '@sinclair/typebox';
import { InvalidRequest, InvalidState } from '../../app/errors.ts';
import { operatorContractProblems, operatorCountsOf, type MarginReport, type OperatorContract } from '../../core/billing/index.ts';
import { readCsvText } from '../csv/small-csv.ts';
import { BOM, csvField } from '../csv/csv-write.ts';
import type { OperatorCosts } from '../../app/ports/operator-costs.ts';
import { sendCsv } from './csv-reply.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, in Europe/Paris' });
const Money = (description: string) => Type.Integer({ description: `${description}, in micro-euros excluding VAT` });
const Margin = { revenue: Money('Revenue'), cost: Money("The operator's cost"), margin: Money('revenue − cost') };

const ContractBody = Type.Object(
  {
    grids: Type.Array(Type.Union([Type.String(), Type.Object({}, { additionalProperties: true })]), { minItems: 1, description: 'Built-in grids by id or id@version (default orange-ops@2016, orange-ops-oadc@2016), or whole grids' }),
    qualifiedMsisdns: Type.Optional(Type.Array(Type.Object({ month: Type.String(), count: Type.Integer() }, { additionalProperties: false }))),
    localisationHits: Type.Optional(
      Type.Array(Type.Object({ month: Type.String(), count: Type.Integer() }, { additionalProperties: false }), {
        description: 'Localisation hits the operator billed, by month (with the orange-localisation grid); a month not given counts the hits Relais asked',
      }),
    ),
    events: Type.Optional(Type.Array(Type.Object({ month: Type.String(), event: Type.String(), count: Type.Integer() }, { additionalProperties: false }))),
  },
  { additionalProperties: false, description: "The aggregator's contract with its operator (docs/billing.md, The aggregator's side)" },
);

const Report = Type.Object(
  {
    month: Type.String(),
    operator: Type.Object({
      lines: Type.Array(Type.Object({ grid: Type.String(), rule: Type.String(), label: Type.String(), quantity: Type.Integer(), unitPrice: Type.Integer(), discountBasisPoints: Type.Integer(), amount: Type.Integer() }, { additionalProperties: true })),
      total: Money("The operator's invoice for the month"),
      shared: Money('Costs of no short code (qualification, one-off fees)'),
    }),
    accounts: Type.Array(Type.Object({ name: Type.String(), delivered: Type.Integer(), invoiced: Type.Boolean({ description: 'Revenue from the issued invoice (otherwise the usage rated by the plan)' }), ...Margin })),
    shortCodes: Type.Array(Type.Object({ shortCode: Type.String(), delivered: Type.Integer(), ...Margin })),
    unallocated: Type.Object(Margin, { description: 'Revenue of no short code, costs of no account (shared costs, short codes without traffic)' }),
    totals: Type.Object(Margin),
  },
  { description: "A month's operator cost and margin, per account and per short code" },
);

const ReconciliationReply = Type.Object({
  month: Type.String(),
  imported: Type.Boolean({ description: "The operator's counts of the month were imported" }),
  rows: Type.Array(
    Type.Object({
      shortCode: Type.String(),
      relais: Type.Integer({ description: 'SMS-MT delivered, by Relais’s usage lines' }),
      operator: Type.Union([Type.Integer(), Type.Null()], { description: "The operator's count (null: not in its file)" }),
      difference: Type.Integer({ description: 'operator − relais' }),
      status: Type.String({ description: 'match, differs, only-relais or only-operator' }),
    }),
  ),
  totals: Type.Object({ relais: Type.Integer(), operator: Type.Integer(), difference: Type.Integer() }),
  differences: Type.Integer(),
  rejected: Type.Optional(Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() }))),
});

/** The request's CSV (text/csv: the server hands it on as a stream), up to 1 MiB: one row per short code. */
async function smallBody(body: unknown): Promise<string> {
  if (typeof body === 'string') return body;
  if (!body || typeof (body as AsyncIterable<Buffer>)[Symbol.asyncIterator] !== 'function') throw new InvalidRequest([{ field: '/', reason: 'send the CSV as text/csv' }]);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new InvalidRequest([{ field: '/', reason: 'the file is over 1 MiB: the operator’s counts are one row per short code' }]);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function store(deps: HttpDeps): OperatorCosts {
  if (!deps.operatorCosts) throw new InvalidState('operator costs are not wired in this process');
  return deps.operatorCosts;
}

export function presentReport(report: MarginReport): Static<typeof Report> {
  return {
    ...report,
    operator: { lines: report.operator.lines.map((l) => ({ ...l })), total: report.operator.total, shared: report.operator.shared },
    accounts: report.accounts.map(({ accountId: _, ...rest }) => rest),
    shortCodes: [...report.shortCodes],
  };
}

/** The report as CSV: one row per account, then per short code, then the unallocated and the totals. */
export function reportCsv(report: MarginReport): string {
  const euros = (n: number) => (n / 1_000_000).toFixed(6);
  const rows = [
    ['kind', 'name', 'delivered', 'revenue', 'cost', 'margin'],
    ...report.accounts.map((a) => ['account', a.name, String(a.delivered), euros(a.revenue), euros(a.cost), euros(a.margin)]),
    ...report.shortCodes.map((s) => ['short-code', s.shortCode, String(s.delivered), euros(s.revenue), euros(s.cost), euros(s.margin)]),
    ['unallocated', '', '', euros(report.unallocated.revenue), euros(report.unallocated.cost), euros(report.unallocated.margin)],
    ['total', report.month, '', euros(report.totals.revenue), euros(report.totals.cost), euros(report.totals.margin)],
  ];
  return BOM + rows.map((row) => row.map((field, index) => (index === 1 ? csvField(field) : csvField(field, true))).join(',')).join('\r\n') + '\r\n';
}

/** The aggregator's side of billing: its operator contract, the month's margins, the reconciliation (aggregator key). */
export async function aggregatorBillingRoutes(app: Api, deps: HttpDeps): Promise<void> {
  const tags = ['aggregator'];

  app.get(
    '/billing/operator-contract',
    { schema: { summary: "The aggregator's contract with its operator: the tariff grids its costs are rated with", tags, response: { 200: Type.Object({ contract: ContractBody, custom: Type.Boolean() }), 401: problem } } },
    async () => {
      const { contract, custom } = await store(deps).contract();
      return { contract: contract as Static<typeof ContractBody>, custom };
    },
  );

  app.put(
    '/billing/operator-contract',
    { schema: { summary: "Set the operator contract: grids (a negotiated price, a quoted throughput), qualified MSISDNs and one-off fees by month", tags, body: ContractBody, response: { 200: ContractBody, 401: problem, 422: problem } } },
    async (request) => {
      const problems = operatorContractProblems(request.body);
      if (problems.length > 0) throw new InvalidRequest(problems.map(({ path, message }) => ({ field: `/${path.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`, reason: message })));
      await store(deps).setContract(request.body as OperatorContract, deps.clock.now());
      return request.body;
    },
  );

  app.get(
    '/billing/report',
    {
      schema: {
        summary: "A month's operator cost and margin, per account and per short code (JSON, or CSV with format=csv)",
        tags,
        querystring: Type.Object({ month: Month, format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])) }),
        response: { 200: Report, 401: problem },
      },
    },
    async (request, reply) => {
      const report = await store(deps).marginReport(request.query.month);
      if (request.query.format === 'csv') {
        return sendCsv(reply, `margin-${request.query.month}.csv`, (async function* () {
          yield reportCsv(report);
        })());
      }
      return presentReport(report);
    },
  );

  app.get(
    '/billing/reconciliation',
    { schema: { summary: "Relais's delivered SMS-MT per short code against the operator's counts imported for the month", tags, querystring: Type.Object({ month: Month }), response: { 200: ReconciliationReply, 401: problem } } },
    async (request) => {
      const result = await store(deps).reconciliation(request.query.month);
      return { ...result, rows: [...result.rows] };
    },
  );

  app.post(
    '/billing/reconciliation',
    {
      schema: {
        summary: "Import the operator's monthly counts per short code (CSV) and list the differences with Relais's counts",
        description:
          'Body: CSV (text/csv) with a header naming the short code column (shortCode) and the delivered column (delivered), optionally month. ' +
          'Rows that cannot be read are rejected, each with its line and reason, and the others imported (they replace the month’s earlier import); ' +
          'with no valid row nothing is imported (422).',
        tags,
        querystring: Type.Object({ month: Month }),
        response: { 200: ReconciliationReply, 401: problem, 422: problem },
      },
    },
    async (request) => {
      const records = readCsvText(await smallBody(request.body));
      const { counts, rejected } = operatorCountsOf(records, request.query.month);
      if (counts.length === 0) throw new InvalidRequest(rejected.length > 0 ? rejected.map((r) => ({ field: `/line/${r.line}`, reason: r.reason })) : [{ field: '/', reason: 'the file has no row' }]);
      await store(deps).importCounts(request.query.month, counts, 'api', deps.clock.now());
      const result = await store(deps).reconciliation(request.query.month);
      return { ...result, rows: [...result.rows], rejected };
    },
  );
}
