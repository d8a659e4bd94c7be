/**
 * Invoices' legal content, invoices per top-up, credit notes and prepaid statements (docs/billing.md, "Invoices").
 * Every number comes from invoice_counters, locked and moved in the transaction that inserts its document: a number
 * exists if and only if its document does, so each series (F<year> invoices, A<year> credit notes) has no gap.
 */
import type pg from 'pg';
import { InvalidRequest, InvalidState, NotFound } from '../../app/errors.ts';
import type { CompanyIdentity } from '../../core/access/identity.ts';
import {
  billingMonth,
  centAmounts,
  creditNoteSeries,
  DEFAULT_LATE_PENALTY,
  dueDateOf,
  invoiceNumber,
  invoiceSeries,
  legalDocument,
  monthPeriod,
  parisDate,
  vatTreatment,
  type LegalDocument,
  type LegalSnapshot,
  type PaymentTerms,
  type PricePlan,
  type SellerIdentity,
  type VatChoice,
} from '../../core/billing/index.ts';
import type { InvoiceLine } from '../../core/pricing/index.ts';
import type { Db } from './database.ts';
import { transaction } from './sql.ts';
import type { IssuedCreditNote, Statement } from '../../app/ports/billing.ts';

// The credit note and statement types are the app's (app/ports/billing.ts); kept reachable from here.
export type { IssuedCreditNote, Statement };

/** The aggregator's side of its invoices (configuration `billing.seller`, `billing.paymentTermsDays`, `billing.latePenalty`). */
export interface InvoicingSettings {
  readonly seller: SellerIdentity | null;
  readonly terms: PaymentTerms;
}

export const DEFAULT_INVOICING: InvoicingSettings = { seller: null, terms: { days: 30, latePenalty: DEFAULT_LATE_PENALTY } };

/** The settings from the configuration's `billing` section. */
export function invoicingFrom(billing: { seller?: SellerIdentity | undefined; paymentTermsDays: number; latePenalty?: string | undefined }): InvoicingSettings {
  return { seller: billing.seller ?? null, terms: { days: billing.paymentTermsDays, latePenalty: billing.latePenalty ?? DEFAULT_LATE_PENALTY } };
}

/** The columns of an account's company identity, as `buyer_*`. */
export const BUYER_COLUMNS = `a.name AS buyer_account_name, a.legal_name AS buyer_legal_name, a.siren AS buyer_siren, a.siret AS buyer_siret,
  a.vat_number AS buyer_vat_number, a.postal_address AS buyer_postal_address, a.contact_email AS buyer_contact_email, a.contact_phone AS buyer_contact_phone`;

export type BuyerRow = Record<`buyer_${'account_name' | 'legal_name' | 'siren' | 'siret' | 'vat_number' | 'postal_address' | 'contact_email' | 'contact_phone'}`, string | null>;

export function buyerOf(row: BuyerRow): LegalSnapshot['buyer'] {
  const identity: CompanyIdentity = {
    legalName: row.buyer_legal_name,
    siren: row.buyer_siren,
    siret: row.buyer_siret,
    vatNumber: row.buyer_vat_number,
    postalAddress: row.buyer_postal_address,
    contactEmail: row.buyer_contact_email,
    contactPhone: row.buyer_contact_phone,
  };
  return { ...identity, accountName: row.buyer_account_name! };
}

/** What an invoice fixes when issued: identities, VAT treatment (the plan's choice, else from the buyer), dates, terms. */
export function snapshotFor(input: { buyer: LegalSnapshot['buyer']; vat: VatChoice | undefined; settings: InvoicingSettings; issuedAt: Date; period: LegalSnapshot['period']; due: boolean }): LegalSnapshot {
  return {
    seller: input.settings.seller,
    buyer: input.buyer,
    vat: vatTreatment(input.buyer, input.vat ?? 'auto'),
    dueDate: input.due ? dueDateOf(input.issuedAt, input.settings.terms.days) : null,
    period: input.period,
    terms: input.settings.terms,
  };
}

/**
 * Locks the series' counter row and returns the next number; the caller inserts its documents with the numbers
 * from there and moves the counter (`advance`) in the same transaction.
 */
export async function lockCounter(client: pg.PoolClient, series: string): Promise<{ next: number; advance: (used: number) => Promise<void> }> {
  await client.query(`INSERT INTO invoice_counters (series, last_number) VALUES ($1, 0) ON CONFLICT (series) DO NOTHING`, [series]);
  const { rows } = await client.query<{ last_number: string }>(`SELECT last_number FROM invoice_counters WHERE series = $1 FOR UPDATE`, [series]);
  const last = Number(rows[0]!.last_number);
  return { next: last + 1, advance: (used) => client.query(`UPDATE invoice_counters SET last_number = $2 WHERE series = $1`, [series, last + used]).then(() => undefined) };
}

/**
 * The invoice of a prepaid account's top-up, in the caller's transaction (the top-up's): one line « Crédit SMS
 * prépayé » of the amount (excluding VAT), the account's VAT, payable on receipt of the invoice's terms.
 */
export async function issueTopUpInvoice(client: pg.PoolClient, input: { accountId: string; amount: number; reason: string; now: Date; settings: InvoicingSettings }): Promise<string> {
  const { rows } = await client.query<BuyerRow & { plan: PricePlan | null }>(`SELECT ${BUYER_COLUMNS}, bp.plan FROM accounts a LEFT JOIN billing_plans bp ON bp.account_id = a.id WHERE a.id = $1`, [input.accountId]);
  const row = rows[0] ?? (() => { throw new NotFound(`account ${input.accountId}`); })();
  const today = parisDate(input.now);
  const snapshot = snapshotFor({ buyer: buyerOf(row), vat: row.plan?.vat, settings: input.settings, issuedAt: input.now, period: { start: today, end: today }, due: true });
  const line: InvoiceLine = { grid: 'prepaid', rule: 'prepaid-credit', label: `Prepaid SMS credit (${input.reason})`, quantity: 1, unitPrice: input.amount, discountBasisPoints: 0, amount: input.amount };
  const amounts = centAmounts([line], snapshot.vat.basisPoints);
  const month = billingMonth(input.now);
  const series = invoiceSeries(month);
  const counter = await lockCounter(client, series);
  const number = invoiceNumber(series, counter.next);
  await client.query(
    `INSERT INTO invoices (number, series, sequence, account_id, month, issued_at, lines, total, vat_basis_points, vat, total_with_vat, kind, legal)
     VALUES ($1, $2, $3, $4, $5, greatest($6::timestamptz, (SELECT max(issued_at) FROM invoices WHERE series = $2)), $7, $8, $9, $10, $11, 'top-up', $12)`,
    [number, series, counter.next, input.accountId, month, input.now, JSON.stringify(amounts.lines), amounts.total, snapshot.vat.basisPoints, amounts.vat, amounts.totalWithVat, JSON.stringify(snapshot)],
  );
  await counter.advance(1);
  return number;
}


/**
 * Issues a credit note against an invoice: of `amount` µ€ excluding VAT (whole cents), or of what remains of the
 * invoice when no amount is given, at the invoice's VAT; refused when it would credit more than the invoice minus
 * its earlier credit notes. Under the invoice row's lock, so two credit notes at once cannot over-credit.
 */
export async function issueCreditNote(db: Db, input: { invoiceNumber: string; amount?: number | undefined; reason: string; by: string | null; now: Date; settings: InvoicingSettings }): Promise<IssuedCreditNote> {
  if (input.amount !== undefined && (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount % 10_000 !== 0)) {
    throw new InvalidRequest([{ field: '/amount', reason: 'a credit note is of whole cents above zero (micro-euros, a multiple of 10000)' }]);
  }
  const number = await transaction(db.pool, async (client) => {
    const { rows } = await client.query<BuyerRow & { account_id: string; total: string; vat_basis_points: number; legal: LegalSnapshot | null; issued_at: Date; month: string; kind: string; plan: PricePlan | null }>(
      `SELECT i.account_id, i.total, i.vat_basis_points, i.legal, i.issued_at, i.month, i.kind, bp.plan, ${BUYER_COLUMNS}
       FROM invoices i JOIN accounts a ON a.id = i.account_id LEFT JOIN billing_plans bp ON bp.account_id = i.account_id
       WHERE i.number = $1 FOR SHARE OF i`,
      [input.invoiceNumber],
    );
    const invoice = rows[0];
    if (!invoice) throw new NotFound(`invoice ${input.invoiceNumber}`);
    // Serialises credit notes of one invoice (FOR SHARE lets two in; this advisory lock, per invoice, does not).
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('credit-note:' || $1))`, [input.invoiceNumber]);
    const { rows: credited } = await client.query<{ sum: string }>(`SELECT coalesce(sum(total), 0) AS sum FROM credit_notes WHERE invoice_number = $1`, [input.invoiceNumber]);
    const remaining = Number(invoice.total) - Number(credited[0]!.sum);
    const amount = input.amount ?? remaining;
    if (remaining <= 0) throw new InvalidState(`invoice ${input.invoiceNumber} is fully credited already`);
    if (amount > remaining) throw new InvalidState(`invoice ${input.invoiceNumber} has ${remaining / 1_000_000} € (excluding VAT) left to credit; ${amount / 1_000_000} € asked`);
    const legal: LegalSnapshot = invoice.legal
      ? { ...invoice.legal, dueDate: null }
      : snapshotFor({ buyer: buyerOf(invoice), vat: invoice.plan?.vat, settings: input.settings, issuedAt: invoice.issued_at, period: invoice.kind === 'month' ? monthPeriod(invoice.month) : null, due: false });
    const line: InvoiceLine = { grid: 'credit-note', rule: 'correction', label: `Correction of invoice ${input.invoiceNumber} (${input.reason})`, quantity: 1, unitPrice: amount, discountBasisPoints: 0, amount };
    const amounts = centAmounts([line], invoice.vat_basis_points);
    const series = creditNoteSeries(billingMonth(input.now));
    const counter = await lockCounter(client, series);
    const note = invoiceNumber(series, counter.next);
    await client.query(
      `INSERT INTO credit_notes (number, series, sequence, invoice_number, account_id, issued_at, reason, issued_by, lines, total, vat_basis_points, vat, total_with_vat, legal)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [note, series, counter.next, input.invoiceNumber, invoice.account_id, input.now, input.reason, input.by, JSON.stringify(amounts.lines), amounts.total, invoice.vat_basis_points, amounts.vat, amounts.totalWithVat, JSON.stringify(legal)],
    );
    await counter.advance(1);
    return note;
  });
  return (await creditNotesOf(db, { number }))[0]!;
}

export async function creditNotesOf(db: Db, filter: { accountId?: string; number?: string; invoiceNumber?: string }): Promise<IssuedCreditNote[]> {
  const { rows } = await db.pool.query(
    `SELECT * FROM credit_notes WHERE ($1::uuid IS NULL OR account_id = $1) AND ($2::text IS NULL OR number = $2) AND ($3::text IS NULL OR invoice_number = $3)
     ORDER BY series, sequence`,
    [filter.accountId ?? null, filter.number ?? null, filter.invoiceNumber ?? null],
  );
  return rows.map((r) => ({
    number: r.number,
    invoiceNumber: r.invoice_number,
    accountId: r.account_id,
    issuedAt: r.issued_at,
    reason: r.reason,
    issuedBy: r.issued_by,
    lines: r.lines,
    total: Number(r.total),
    vatBasisPoints: r.vat_basis_points,
    vat: Number(r.vat),
    totalWithVat: Number(r.total_with_vat),
    legal: r.legal,
  }));
}

/** The document of an invoice (of the account, when given), ready to render. */
export async function invoiceDocument(db: Db, number: string, accountId: string | undefined, settings: InvoicingSettings): Promise<LegalDocument> {
  const { rows } = await db.pool.query<BuyerRow & { number: string; account_id: string; month: string; kind: 'month' | 'top-up'; issued_at: Date; lines: InvoiceLine[]; total: string; vat_basis_points: number; vat: string; total_with_vat: string; legal: LegalSnapshot | null; plan: PricePlan | null }>(
    `SELECT i.*, bp.plan, ${BUYER_COLUMNS} FROM invoices i JOIN accounts a ON a.id = i.account_id LEFT JOIN billing_plans bp ON bp.account_id = i.account_id
     WHERE i.number = $1 AND ($2::uuid IS NULL OR i.account_id = $2)`,
    [number, accountId ?? null],
  );
  const row = rows[0];
  if (!row) throw new NotFound(`invoice ${number}`);
  // Invoices issued before their legal content was kept: rendered with the identities of the day.
  const snapshot = row.legal ?? snapshotFor({ buyer: buyerOf(row), vat: row.plan?.vat, settings, issuedAt: row.issued_at, period: monthPeriod(row.month), due: true });
  return legalDocument({
    kind: 'invoice',
    number: row.number,
    issuedAt: row.issued_at,
    lines: row.lines,
    total: Number(row.total),
    vatBasisPoints: row.vat_basis_points,
    vat: Number(row.vat),
    totalWithVat: Number(row.total_with_vat),
    snapshot: { ...snapshot, seller: snapshot.seller ?? settings.seller },
  });
}

export async function creditNoteDocument(db: Db, number: string, accountId: string | undefined, settings: InvoicingSettings): Promise<LegalDocument> {
  const [note] = await creditNotesOf(db, { number, ...(accountId ? { accountId } : {}) });
  if (!note) throw new NotFound(`credit note ${number}`);
  const { rows } = await db.pool.query<{ issued_at: Date }>(`SELECT issued_at FROM invoices WHERE number = $1`, [note.invoiceNumber]);
  return legalDocument({
    kind: 'credit-note',
    number: note.number,
    issuedAt: note.issuedAt,
    lines: note.lines,
    total: note.total,
    vatBasisPoints: note.vatBasisPoints,
    vat: note.vat,
    totalWithVat: note.totalWithVat,
    snapshot: { ...note.legal, seller: note.legal.seller ?? settings.seller },
    corrects: { number: note.invoiceNumber, issuedAt: rows[0]!.issued_at },
    reason: note.reason,
  });
}


/** The statement of a month, from the credit movements (which are never changed) dated in it in Europe/Paris. */
export async function statementOf(db: Db, accountId: string, month: string): Promise<Statement> {
  const { start, end } = monthPeriod(month);
  const bounds = [`${start}T00:00:00`, `${end}T24:00:00`];
  const [{ rows: before }, { rows: moves }, { rows: invoices }] = await Promise.all([
    db.pool.query<{ sum: string }>(`SELECT coalesce(sum(amount), 0) AS sum FROM credit_movements WHERE account_id = $1 AND at < ($2::timestamp AT TIME ZONE 'Europe/Paris')`, [accountId, bounds[0]]),
    db.pool.query<{ kind: string; amount: string; by_whom: string | null; reason: string | null; at: Date }>(
      `SELECT kind, amount, by_whom, reason, at FROM credit_movements
       WHERE account_id = $1 AND at >= ($2::timestamp AT TIME ZONE 'Europe/Paris') AND at < ($3::timestamp AT TIME ZONE 'Europe/Paris') ORDER BY id`,
      [accountId, bounds[0], bounds[1]],
    ),
    db.pool.query<{ number: string }>(`SELECT number FROM invoices WHERE account_id = $1 AND month = $2 AND kind = 'top-up' ORDER BY series, sequence`, [accountId, month]),
  ]);
  const movements = moves.map((m) => ({ kind: m.kind, amount: Number(m.amount), by: m.by_whom, reason: m.reason, at: m.at }));
  const sum = (kind: string) => movements.filter((m) => m.kind === kind).reduce((total, m) => total + m.amount, 0);
  const opening = Number(before[0]!.sum);
  return {
    month,
    opening,
    toppedUp: sum('top-up'),
    charged: -sum('charge'),
    adjusted: sum('adjustment'),
    closing: opening + movements.reduce((total, m) => total + m.amount, 0),
    movements,
    invoices: invoices.map((i) => i.number),
  };
}
