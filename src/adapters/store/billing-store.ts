import { InvalidState } from '../../app/errors.ts';
import { billingMonth, DEFAULT_PLAN, invoiceNumber, invoiceSeries, monthInvoice, monthPeriod, beyondCreditPlan, worstCasePartPrice, type LegalSnapshot, type LocalisationCount, type Payment, type PricePlan, type UsageCount } from '../../core/billing/index.ts';
import type { InvoiceLine } from '../../core/pricing/index.ts';
import { finalReceiptStates } from '../../core/message/receipts.ts';
import type { Db } from './database.ts';
import { usageMonth } from './outbox-store.ts';
import { transaction } from './sql.ts';
import type { AccountBilling, BillingAdministration, CreditView, InvoiceDocuments, IssuedCreditNote, IssuedInvoice, MonthClose, Statement, UsageLine } from '../../app/ports/billing.ts';
import type { LegalDocument } from '../../core/billing/index.ts';
import {
  BUYER_COLUMNS,
  buyerOf,
  creditNoteDocument,
  creditNotesOf,
  DEFAULT_INVOICING,
  invoiceDocument,
  issueCreditNote,
  issueTopUpInvoice,
  lockCounter,
  snapshotFor,
  statementOf,
  type BuyerRow,
  type InvoicingSettings,
} from './invoice-store.ts';
import { HIT_COUNTS } from './geo-presence-store.ts';

// The billing types are the app's (app/ports/billing.ts); kept reachable from here.
export type { CreditView, IssuedInvoice, UsageLine };

const NO_RECEIPT = 'no-receipt';

/**
 * Usage lines for parts that never got a final receipt: every part submitted more than `afterMs` ago (and after
 * the last sweep's limit) whose receipt is missing or not final gets a line settled `timeout`, dated the moment the
 * delay ran out. The sweep's limit moves in the same transaction, under a row lock, so two processes sweeping at
 * once do the work once; a line already there (a receipt won the race) is left as it is.
 */
export async function settleNoReceipts(db: Db, now: Date, afterMs: number): Promise<number> {
  const cutoff = new Date(now.getTime() - afterMs);
  return transaction(db.pool, async (client) => {
    await client.query(`INSERT INTO billing_sweeps (name, swept_until) VALUES ($1, '-infinity') ON CONFLICT (name) DO NOTHING`, [NO_RECEIPT]);
    const { rows } = await client.query<{ swept_until: Date | number }>(`SELECT swept_until FROM billing_sweeps WHERE name = $1 FOR UPDATE`, [NO_RECEIPT]);
    const from = rows[0]!.swept_until;
    if (from instanceof Date && from >= cutoff) return 0;
    const settled = await client.query(
      `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, campaign_id,
                                final_state, settled_by, month, settled_at)
       SELECT p.message_id, p.part_index, m.account_id, m.brand, m.class, m.short_code, p.route, m.campaign_id,
              '${NO_RECEIPT}', 'timeout', ${usageMonth(`(p.submitted_at + $4 * interval '1 millisecond')`)},
              p.submitted_at + $4 * interval '1 millisecond'
       FROM message_parts p JOIN messages m ON m.id = p.message_id
       WHERE p.submitted_at > $1 AND p.submitted_at <= $2 AND (p.receipt_state IS NULL OR NOT p.receipt_state = ANY ($3))
       ON CONFLICT (message_id, part_index) DO NOTHING`,
      [from, cutoff, finalReceiptStates, afterMs],
    );
    await client.query(`UPDATE billing_sweeps SET swept_until = $2 WHERE name = $1`, [NO_RECEIPT, cutoff]);
    return settled.rowCount ?? 0;
  });
}

/** The periodic part of billing: parts without receipts past the delay, then the prepaid messages finished. */
export async function settleBilling(db: Db, now: Date, noReceiptAfterMs: number): Promise<Record<string, number>> {
  const timedOut = await settleNoReceipts(db, now, noReceiptAfterMs);
  let settled = 0;
  for (let batch = await settleReservations(db, now); batch > 0; batch = await settleReservations(db, now)) settled += batch;
  return { timedOut, settled };
}

/** SQL: whether the plan `plan` (billing_plans.plan, jsonb) bills the usage line `u` (core/billing isBilled). */
const billedSql = (u: string, plan: string) =>
  `CASE WHEN ${u}.settled_by = 'timeout' THEN ${plan}->>'noReceipt' = 'bill'
        ELSE ${plan}->>'billed' = 'submitted' OR ${u}.final_state = 'delivered' END`;

/** Statuses after which nothing more is sent for a message (core/message/status.ts finalStatuses). */
const FINISHED = ['delivered', 'undeliverable', 'expired', 'rejected', 'unknown', 'failed', 'cancelled', 'suppressed'];

/**
 * Settles the reservations of prepaid messages that are finished: the billed parts (per the plan) are charged
 * (taken from the balance), the rest released. A message is finished when its status is final and each part the
 * SMSC accepted has its usage line, or when it waits for no receipt any more (every part has its line, the
 * no-receipt delay included). `reserved` goes to 0 in the same statement, so a message is settled once.
 */
export async function settleReservations(db: Db, now: Date, limit = 5_000): Promise<number> {
  const { rows } = await db.pool.query<{ settled: number }>(
    `WITH candidates AS (
       SELECT m.id, m.account_id, m.reserved, m.segments, l.billed
       FROM messages m LEFT JOIN billing_plans bp ON bp.account_id = m.account_id
       CROSS JOIN LATERAL (
         SELECT count(*) AS lines, count(*) FILTER (WHERE ${billedSql('u', 'coalesce(bp.plan, $3::jsonb)')}) AS billed
         FROM usage_lines u WHERE u.message_id = m.id) l
       WHERE m.reserved > 0
         AND ((m.status = ANY ($1) AND l.lines >= m.parts_accepted) OR (m.status = 'submitted' AND l.lines >= m.segments))
       LIMIT $2
       FOR UPDATE OF m SKIP LOCKED),
     done AS (
       UPDATE messages m SET reserved = 0
       FROM candidates c
       WHERE m.id = c.id AND m.reserved > 0
       RETURNING c.account_id, c.reserved, least(c.reserved, c.billed * (c.reserved / c.segments)) AS charged),
     per_account AS (
       SELECT account_id, sum(reserved) AS reserved, sum(charged) AS charged, count(*) AS messages FROM done GROUP BY account_id),
     credit AS (
       UPDATE credit_accounts c SET reserved = c.reserved - p.reserved, balance = c.balance - p.charged
       FROM per_account p WHERE c.account_id = p.account_id),
     movements AS (
       INSERT INTO credit_movements (account_id, kind, amount, reason, at)
       SELECT account_id, 'charge', -charged, messages || ' message(s) settled', $4 FROM per_account WHERE charged > 0)
     SELECT coalesce(sum(messages), 0)::int AS settled FROM per_account`,
    [FINISHED, limit, JSON.stringify(DEFAULT_PLAN), now],
  );
  return rows[0]!.settled;
}


/** Plans, usage and credit of the accounts (docs/billing.md). */
export class PgBillingStore implements AccountBilling, BillingAdministration, InvoiceDocuments {
  constructor(
    private readonly db: Db,
    /** The seller's identity and payment terms its invoices carry. */
    readonly invoicing: InvoicingSettings = DEFAULT_INVOICING,
  ) {}

  async planOf(accountId: string): Promise<{ plan: PricePlan; payment: Payment; custom: boolean }> {
    const row = await this.db.kysely.selectFrom('billing_plans').select(['plan', 'payment']).where('account_id', '=', accountId).executeTakeFirst();
    return row ? { plan: row.plan as PricePlan, payment: row.payment, custom: true } : { plan: DEFAULT_PLAN, payment: 'postpaid', custom: false };
  }

  /** Sets the plan (checked by the caller); a prepaid account's price per part follows it. */
  async setPlan(accountId: string, plan: PricePlan, payment: Payment, by: string | null, now: Date): Promise<void> {
    await transaction(this.db.pool, async (client) => {
      await client.query(
        `INSERT INTO billing_plans (account_id, plan, payment, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id) DO UPDATE SET plan = EXCLUDED.plan, payment = EXCLUDED.payment, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [accountId, JSON.stringify(plan), payment, now, by],
      );
      await client.query(
        `INSERT INTO credit_accounts (account_id, prepaid, part_price) VALUES ($1, $2, $3)
         ON CONFLICT (account_id) DO UPDATE SET prepaid = EXCLUDED.prepaid, part_price = EXCLUDED.part_price`,
        [accountId, payment === 'prepaid', worstCasePartPrice(plan)],
      );
    });
  }

  /** The month's usage lines counted by class, short code, final state and settlement. */
  async usageCounts(accountId: string, month: string): Promise<UsageCount[]> {
    const { rows } = await this.db.pool.query<{ class: UsageCount['class']; short_code: string; final_state: string; settled_by: UsageCount['settledBy']; parts: number }>(
      `SELECT class, short_code, final_state, settled_by, sum(parts)::int AS parts FROM usage_lines
       WHERE account_id = $1 AND month = $2 GROUP BY class, short_code, final_state, settled_by ORDER BY class, short_code, final_state, settled_by`,
      [accountId, month],
    );
    return rows.map((r) => ({ class: r.class, shortCode: r.short_code, finalState: r.final_state, settledBy: r.settled_by, parts: r.parts }));
  }

  /**
   * The MSISDNs looked up for the account in the month (qualification_lookups, by its index on month and account),
   * or those of the month looked up before `before`.
   */
  async qualifiedIn(accountId: string, month: string, before?: Date): Promise<number> {
    return qualifiedIn(this.db, accountId, month, before);
  }

  /** The account's localisation hits of the month (Géo Présence), and those that returned a position; only those asked before `before` when given. */
  async localisationOf(accountId: string, month: string, before?: Date): Promise<LocalisationCount> {
    const { rows } = await this.db.pool.query<LocalisationCount>(
      `SELECT ${HIT_COUNTS}
       FROM location_hits WHERE account_id = $1 AND month = $2 AND ($3::timestamptz IS NULL OR asked_at < $3)`,
      [accountId, month, before ?? null],
    );
    return rows[0]!;
  }

  async shortCodesOf(accountId: string): Promise<string[]> {
    const rows = await this.db.kysely.selectFrom('account_short_codes').select('short_code').where('account_id', '=', accountId).orderBy('short_code').execute();
    return rows.map((r) => r.short_code);
  }

  /** The month's usage lines, page by page (for the CSV export). */
  async *usageLines(accountId: string, month: string, pageSize = 5_000): AsyncGenerator<UsageLine> {
    let after: [string, number] = ['00000000-0000-0000-0000-000000000000', -1];
    for (;;) {
      const { rows } = await this.db.pool.query(
        `SELECT message_id, part_index, brand, class, short_code, route, campaign_id, parts, final_state, settled_by, settled_at
         FROM usage_lines WHERE account_id = $1 AND month = $2 AND (message_id, part_index) > ($3::uuid, $4::smallint)
         ORDER BY message_id, part_index LIMIT $5`,
        [accountId, month, after[0], after[1], pageSize],
      );
      for (const r of rows) {
        yield { messageId: r.message_id, part: r.part_index, brand: r.brand, class: r.class, shortCode: r.short_code, route: r.route, campaignId: r.campaign_id, parts: r.parts, finalState: r.final_state, settledBy: r.settled_by, settledAt: r.settled_at };
      }
      if (rows.length < pageSize) return;
      after = [rows.at(-1).message_id, rows.at(-1).part_index];
    }
  }

  async credit(accountId: string, movements = 50): Promise<CreditView> {
    const [{ payment }, row, moves] = await Promise.all([
      this.planOf(accountId),
      this.db.kysely.selectFrom('credit_accounts').selectAll().where('account_id', '=', accountId).executeTakeFirst(),
      this.db.kysely.selectFrom('credit_movements').selectAll().where('account_id', '=', accountId).orderBy('id', 'desc').limit(movements).execute(),
    ]);
    const balance = Number(row?.balance ?? 0);
    const reserved = Number(row?.reserved ?? 0);
    return {
      payment,
      balance,
      reserved,
      available: balance - reserved,
      partPrice: Number(row?.part_price ?? 0),
      movements: moves.map((m) => ({ kind: m.kind, amount: Number(m.amount), by: m.by_whom, reason: m.reason, at: m.at })),
    };
  }

  /** The month close (closeMonth). */
  close(month: string, now: Date): Promise<MonthClose> {
    return closeMonth(this.db, month, now, this.invoicing);
  }

  invoiceDocument(number: string, accountId: string | undefined): Promise<LegalDocument> {
    return invoiceDocument(this.db, number, accountId, this.invoicing);
  }

  creditNoteDocument(number: string, accountId: string | undefined): Promise<LegalDocument> {
    return creditNoteDocument(this.db, number, accountId, this.invoicing);
  }

  creditNotes(filter: { accountId?: string; number?: string; invoiceNumber?: string }): Promise<IssuedCreditNote[]> {
    return creditNotesOf(this.db, filter);
  }

  issueCreditNote(input: { invoiceNumber: string; amount?: number | undefined; reason: string; by: string | null; now: Date }): Promise<IssuedCreditNote> {
    return issueCreditNote(this.db, { ...input, settings: this.invoicing });
  }

  statement(accountId: string, month: string): Promise<Statement> {
    return statementOf(this.db, accountId, month);
  }

  /** The database, for the invoice documents, credit notes and statements (invoice-store.ts). */
  get database(): Db {
    return this.db;
  }

  invoices(filter: { accountId?: string; month?: string; number?: string }): Promise<IssuedInvoice[]> {
    return invoicesOf(this.db, filter);
  }

  /** Adds credit, recorded with who and why; a prepaid account gets its invoice in the same transaction. */
  async topUp(accountId: string, amount: number, by: string, reason: string, now: Date): Promise<{ balance: number; invoice: string | null }> {
    const { plan, payment } = await this.planOf(accountId);
    return transaction(this.db.pool, async (client) => {
      const { rows } = await client.query<{ balance: string }>(
        `INSERT INTO credit_accounts (account_id, balance, prepaid, part_price) VALUES ($1, $2, false, $3)
         ON CONFLICT (account_id) DO UPDATE SET balance = credit_accounts.balance + EXCLUDED.balance RETURNING balance`,
        [accountId, amount, worstCasePartPrice(plan)],
      );
      await client.query(`INSERT INTO credit_movements (account_id, kind, amount, by_whom, reason, at) VALUES ($1, 'top-up', $2, $3, $4, $5)`, [accountId, amount, by, reason, now]);
      const invoice = payment === 'prepaid' ? await issueTopUpInvoice(client, { accountId, amount, reason, now, settings: this.invoicing }) : null;
      return { balance: Number(rows[0]!.balance), invoice };
    });
  }
}


/** The MSISDNs looked up for an account in a month: its qualification, billed per MSISDN (docs/operators.md). */
export async function qualifiedIn(db: Db, accountId: string, month: string, before?: Date): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM qualification_lookups WHERE month = $1 AND account_id = $2 AND ($3::timestamptz IS NULL OR looked_up_at < $3)`,
    [month, accountId, before ?? null],
  );
  return rows[0]!.n;
}

/**
 * The month close: one invoice per account with something due — a prepaid account's credit pays for its SMS, so it is
 * invoiced only what else its plan charges (fees, qualification, localisation: core/billing beyondCreditPlan).
 * The month's usage and lookups are counted once for every account, each account rated by its plan; then the
 * invoices are issued `batch` at a time, each batch in one transaction that locks the year's counter row, leaves out
 * the accounts already invoiced (by another close: closers queue on that lock, so what one sees is final), numbers
 * the others in the order of their id, inserts them and moves the counter. A crash loses at most the batch in flight, numbers included; closing again issues
 * only what is missing, with the next numbers: the numbering stays continuous, and an issued invoice never changes.
 * Each invoice carries its account's VAT (core/billing/vat.ts) and fixes its legal content (seller and buyer, VAT
 * mention, period, due date, terms) when issued.
 */
export async function closeMonth(db: Db, month: string, now: Date, invoicing: InvoicingSettings = DEFAULT_INVOICING, batch = 100): Promise<{ issued: number; alreadyIssued: number; nothingDue: number }> {
  if (month >= billingMonth(now)) throw new InvalidState(`${month} is not over yet (it is ${billingMonth(now)} in Europe/Paris): a month is closed once it has ended`);
  const [{ rows: accounts }, { rows: counts }, { rows: held }, { rows: lookups }, { rows: hits }] = await Promise.all([
    db.pool.query<BuyerRow & { id: string; plan: PricePlan | null; prepaid: boolean }>(
      `SELECT a.id, bp.plan, coalesce(bp.payment, 'postpaid') = 'prepaid' AS prepaid, ${BUYER_COLUMNS} FROM accounts a LEFT JOIN billing_plans bp ON bp.account_id = a.id
       WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.account_id = a.id AND i.month = $1 AND i.kind = 'month')
       ORDER BY a.id`,
      [month],
    ),
    db.pool.query<{ account_id: string; class: UsageCount['class']; short_code: string; final_state: string; settled_by: UsageCount['settledBy']; parts: number }>(
      `SELECT account_id, class, short_code, final_state, settled_by, sum(parts)::int AS parts FROM usage_lines WHERE month = $1
       GROUP BY account_id, class, short_code, final_state, settled_by`,
      [month],
    ),
    db.pool.query<{ account_id: string; short_code: string }>(`SELECT account_id, short_code FROM account_short_codes ORDER BY short_code`),
    db.pool.query<{ account_id: string; n: number }>(`SELECT account_id, count(*)::int AS n FROM qualification_lookups WHERE month = $1 GROUP BY account_id`, [month]),
    db.pool.query<{ account_id: string; hits: number; located: number }>(
      `SELECT account_id, ${HIT_COUNTS}
       FROM location_hits WHERE month = $1 GROUP BY account_id`,
      [month],
    ),
  ]);
  const localisation = new Map(hits.map((r) => [r.account_id, { hits: r.hits, located: r.located }]));
  const usage = groupByAccount(counts, (r) => ({ class: r.class, shortCode: r.short_code, finalState: r.final_state, settledBy: r.settled_by, parts: r.parts }));
  const shortCodes = groupByAccount(held, (r) => r.short_code);
  const qualified = new Map(lookups.map((r) => [r.account_id, r.n]));
  const done = { issued: 0, alreadyIssued: 0, nothingDue: 0 };
  const period = monthPeriod(month);
  const due = accounts.flatMap((account) => {
    const { id, plan, prepaid } = account;
    const legal: LegalSnapshot = snapshotFor({ buyer: buyerOf(account), vat: plan?.vat, settings: invoicing, issuedAt: now, period, due: true });
    const invoice = monthInvoice({
      plan: prepaid ? beyondCreditPlan(plan ?? DEFAULT_PLAN) : (plan ?? DEFAULT_PLAN),
      counts: prepaid ? [] : (usage.get(id) ?? []),
      shortCodes: shortCodes.get(id) ?? [],
      month,
      qualified: qualified.get(id) ?? 0,
      localisation: localisation.get(id),
      vatBasisPoints: legal.vat.basisPoints,
    });
    if (invoice.total > 0) return [{ id, invoice, legal }];
    done.nothingDue++;
    return [];
  });
  const series = invoiceSeries(month);
  for (let start = 0; start < due.length; start += batch) {
    const slice = due.slice(start, start + batch);
    const issued = await transaction(db.pool, async (client) => {
      const counter = await lockCounter(client, series);
      const { rows: taken } = await client.query<{ account_id: string }>(`SELECT account_id FROM invoices WHERE month = $1 AND kind = 'month' AND account_id = ANY ($2::uuid[])`, [month, slice.map((d) => d.id)]);
      const skip = new Set(taken.map((t) => t.account_id));
      const fresh = slice.filter((d) => !skip.has(d.id));
      const first = counter.next;
      const column = <T>(f: (d: (typeof fresh)[number], k: number) => T) => fresh.map(f);
      await client.query(
        `INSERT INTO invoices (number, series, sequence, account_id, month, issued_at, lines, total, vat_basis_points, vat, total_with_vat, legal)
         SELECT t.number, $2, t.sequence, t.account_id, $3, ${NOT_BEFORE_LAST('$4', '$2')}, t.lines, t.total, t.vat_basis_points, t.vat, t.total_with_vat, t.legal
         FROM unnest($1::text[], $5::bigint[], $6::uuid[], $7::jsonb[], $8::bigint[], $9::int[], $10::bigint[], $11::bigint[], $12::jsonb[])
           AS t(number, sequence, account_id, lines, total, vat_basis_points, vat, total_with_vat, legal)`,
        [
          column((_, k) => invoiceNumber(series, first + k)),
          series,
          month,
          now,
          column((_, k) => first + k),
          column((d) => d.id),
          column((d) => JSON.stringify(d.invoice.lines)),
          column((d) => d.invoice.total),
          column((d) => d.invoice.vatBasisPoints),
          column((d) => d.invoice.vat),
          column((d) => d.invoice.totalWithVat),
          column((d) => JSON.stringify(d.legal)),
        ],
      );
      await counter.advance(fresh.length);
      done.alreadyIssued += skip.size;
      return fresh.length;
    });
    done.issued += issued;
  }
  return done;
}

/**
 * An issue time no earlier than the series' last (a top-up invoiced while a close runs, after the close's `now`):
 * under the counter's lock, numbers and issue times go up together, so the numbering stays chronological.
 */
export const NOT_BEFORE_LAST = (at: string, series: string) =>
  `greatest(${at}::timestamptz, (SELECT max(issued_at) FROM invoices WHERE series = ${series}))`;

function groupByAccount<R extends { account_id: string }, T>(rows: readonly R[], map: (row: R) => T): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(row.account_id);
    if (list) list.push(map(row));
    else groups.set(row.account_id, [map(row)]);
  }
  return groups;
}

export async function invoicesOf(db: Db, filter: { accountId?: string; month?: string; number?: string }): Promise<IssuedInvoice[]> {
  const { rows } = await db.pool.query(
    `SELECT * FROM invoices WHERE ($1::uuid IS NULL OR account_id = $1) AND ($2::text IS NULL OR month = $2) AND ($3::text IS NULL OR number = $3) ORDER BY series, sequence`,
    [filter.accountId ?? null, filter.month ?? null, filter.number ?? null],
  );
  return rows.map((r) => ({
    number: r.number,
    accountId: r.account_id,
    month: r.month,
    issuedAt: r.issued_at,
    lines: r.lines as InvoiceLine[],
    total: Number(r.total),
    vatBasisPoints: r.vat_basis_points,
    vat: Number(r.vat),
    totalWithVat: Number(r.total_with_vat),
    kind: r.kind,
  }));
}
