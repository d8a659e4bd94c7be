/**
 * Invoice documents (docs/billing.md, "Invoices"): an invoice or credit note as a PDF or as Factur-X (EN 16931 CII
 * in PDF/A-3), the account's credit notes, a prepaid account's monthly statement; and, for the aggregator, issuing
 * a credit note against an invoice (an issued invoice never changes).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidState, NotFound } from '../../app/errors.ts';
import type { LegalDocument } from '../../core/billing/index.ts';
import type { InvoiceDocuments, IssuedCreditNote } from '../../app/ports/billing.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, in Europe/Paris' });
const MicroEuros = (description: string) => Type.Integer({ description: `${description}, in micro-euros (1 € = 1,000,000)` });
const Pdf = { description: 'The document as a PDF (application/pdf)', type: 'string', format: 'binary' } as const;

export const CreditNote = Type.Object(
  {
    number: Type.String({ description: 'A<year>-<sequence>: chronological and continuous within the year, a series of its own' }),
    invoiceNumber: Type.String({ description: 'The invoice it corrects' }),
    issuedAt: Type.String({ format: 'date-time' }),
    reason: Type.String(),
    total: MicroEuros('Credited, excluding VAT'),
    vatBasisPoints: Type.Integer({ description: "The invoice's VAT rate in basis points (2000 = 20 %)" }),
    vat: MicroEuros('VAT credited'),
    totalWithVat: MicroEuros('Credited, including VAT'),
  },
  { $id: 'CreditNote', description: 'A credit note (avoir): a correction of an issued invoice, which never changes itself' },
);

export const Statement = Type.Object(
  {
    month: Type.String(),
    opening: MicroEuros('Credit at the start of the month'),
    toppedUp: MicroEuros('Top-ups in the month'),
    charged: MicroEuros('Charged for the messages settled in the month'),
    adjusted: MicroEuros('Adjustments in the month'),
    closing: MicroEuros('Credit at the end of the month (or now, for the current month)'),
    movements: Type.Array(Type.Object({ kind: Type.String(), amount: Type.Integer(), by: Type.Union([Type.String(), Type.Null()]), reason: Type.Union([Type.String(), Type.Null()]), at: Type.String({ format: 'date-time' }) })),
    invoices: Type.Array(Type.String(), { description: "The month's top-up invoices" }),
  },
  { $id: 'Statement', description: "A prepaid account's month: its credit at the start and the end, its top-ups and charges" },
);

export function presentCreditNote(note: IssuedCreditNote): Static<typeof CreditNote> {
  const { number, invoiceNumber, issuedAt, reason, total, vatBasisPoints, vat, totalWithVat } = note;
  return { number, invoiceNumber, issuedAt: issuedAt.toISOString(), reason, total, vatBasisPoints, vat, totalWithVat };
}

function store(deps: HttpDeps): InvoiceDocuments {
  if (!deps.billing) throw new InvalidState('billing is not wired in this process');
  return deps.billing;
}

/** Whether the request asks for the PDF: a `.pdf` suffix or an Accept header preferring application/pdf. */
export function wantsPdf(request: FastifyRequest, id: string): { id: string; pdf: boolean } {
  if (id.endsWith('.pdf')) return { id: id.slice(0, -4), pdf: true };
  const accept = request.headers.accept ?? '';
  return { id, pdf: /application\/pdf/.test(accept) && !/application\/json/.test(accept.split('application/pdf')[0] ?? '') };
}

export async function sendPdf(reply: FastifyReply, doc: LegalDocument, facturX: boolean): Promise<FastifyReply> {
  // Loaded on first use: the renderers (pdfkit, @e-invoice-eu/core) weigh on every start otherwise.
  const bytes = facturX ? await (await import('../invoices/factur-x.ts')).renderFacturX(doc) : await (await import('../invoices/invoice-pdf.ts')).renderInvoicePdf(doc);
  return reply
    .header('content-disposition', `inline; filename="${doc.number}${facturX ? '-factur-x' : ''}.pdf"`)
    .header('cache-control', 'private, no-store')
    .type('application/pdf')
    .send(bytes);
}

const NumberParams = Type.Object({ number: Type.String({ maxLength: 40 }) });

/** The account's side (right "billing"). */
export async function invoiceRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.addSchema(CreditNote);
  app.addSchema(Statement);
  const tags = ['billing'];

  app.get(
    '/invoices/:number/factur-x',
    {
      schema: {
        summary: 'An invoice as Factur-X: a PDF/A-3 with its EN 16931 CII XML attached (factur-x.xml)',
        tags,
        params: NumberParams,
        produces: ['application/pdf'],
        response: { 200: Pdf, 403: problem, 404: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const billing = store(deps);
      return sendPdf(reply, await billing.invoiceDocument(request.params.number, request.account.id), true);
    },
  );

  app.get(
    '/credit-notes',
    {
      schema: {
        summary: "The account's credit notes, in the order of their numbers",
        tags,
        querystring: Type.Object({ invoice: Type.Optional(Type.String({ maxLength: 40, description: 'Only those correcting this invoice' })) }),
        response: { 200: Type.Object({ creditNotes: Type.Array(Type.Ref(CreditNote)) }), 403: problem },
      },
    },
    async (request) => ({
      creditNotes: (await store(deps).creditNotes({ accountId: request.account.id, ...(request.query.invoice ? { invoiceNumber: request.query.invoice } : {}) })).map(presentCreditNote),
    }),
  );

  app.get(
    '/credit-notes/:number',
    {
      schema: {
        summary: 'One credit note: JSON, or its PDF with a .pdf suffix or Accept: application/pdf',
        tags,
        params: NumberParams,
        produces: ['application/json', 'application/pdf'],
        response: { 200: Type.Ref(CreditNote), 403: problem, 404: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const billing = store(deps);
      const { id, pdf } = wantsPdf(request, request.params.number);
      if (pdf) return sendPdf(reply, await billing.creditNoteDocument(id, request.account.id), false);
      const [note] = await billing.creditNotes({ accountId: request.account.id, number: id });
      if (!note) throw new NotFound(`credit note ${id}`);
      return presentCreditNote(note);
    },
  );

  app.get(
    '/credit-notes/:number/factur-x',
    {
      schema: { summary: 'A credit note as Factur-X (type 381, EN 16931 CII in PDF/A-3)', tags, params: NumberParams, produces: ['application/pdf'], response: { 200: Pdf, 403: problem, 404: problem, 409: problem } },
    },
    async (request, reply) => {
      const billing = store(deps);
      return sendPdf(reply, await billing.creditNoteDocument(request.params.number, request.account.id), true);
    },
  );

  app.get(
    '/statements/:month',
    {
      schema: {
        summary: "A prepaid account's statement of a month: credit at its start and end, top-ups (with their invoices) and charges",
        tags,
        params: Type.Object({ month: Month }),
        response: { 200: Type.Ref(Statement), 403: problem },
      },
    },
    async (request) => {
      const statement = await store(deps).statement(request.account.id, request.params.month);
      return { ...statement, movements: statement.movements.map((m) => ({ ...m, at: m.at.toISOString() })), invoices: [...statement.invoices] };
    },
  );
}

/** The aggregator's side, registered inside the aggregator's routes (their key check applies). */
export async function aggregatorInvoiceRoutes(app: Api, deps: HttpDeps): Promise<void> {
  if (!app.getSchema('CreditNote')) app.addSchema(CreditNote);
  app.post(
    '/invoices/:number/credit-notes',
    {
      schema: {
        summary: 'Issue a credit note (avoir) against an invoice: of an amount, or of what remains of the invoice',
        description:
          'An issued invoice never changes: a correction is a credit note, numbered A<year>-<sequence> without gaps, at the invoice’s VAT. ' +
          '409 when it would credit more than the invoice minus its earlier credit notes.',
        tags: ['aggregator'],
        params: NumberParams,
        body: Type.Object(
          {
            reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why: printed on the credit note' }),
            amount: Type.Optional(Type.Integer({ minimum: 10_000, multipleOf: 10_000, description: 'Micro-euros excluding VAT, whole cents; default: what remains of the invoice' })),
            by: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Who issues it' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref(CreditNote), 401: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const note = await store(deps).issueCreditNote({
        invoiceNumber: request.params.number,
        amount: request.body.amount,
        reason: request.body.reason,
        by: request.body.by ?? 'aggregator',
        now: deps.clock.now(),
      });
      return reply.status(201).send(presentCreditNote(note));
    },
  );
}
