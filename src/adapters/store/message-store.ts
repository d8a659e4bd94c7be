import { sql } from 'kysely';
import type pg from 'pg';
import type { SendDay } from '../../core/compliance/index.ts';
import { CAMPAIGN_PRIORITY, priorityOf } from '../../core/message/status.ts';
import type {
  ComplianceRecord,
  IdempotencyClaim,
  InsertResult,
  ListCursor,
  MessageDetail,
  MessageFilter,
  MessageStore,
  MessageView,
  NewMessage,
  ReceiptState,
  CapPlan,
  SmppReceiptRequest,
} from '../../app/ports.ts';
import { InsufficientCredit } from '../../app/errors.ts';
import { Coalescer } from './coalescer.ts';
import type { Db } from './database.ts';
import { isUuid, uuidv7 } from './ids.ts';
import { decisionColumns, insertDecisionsSql } from './route-decisions.ts';
import { eventsFrom, prepared, transaction } from './sql.ts';

interface Row {
  id: string;
  message: NewMessage;
}

/** Requests at most this large are merged with concurrent ones into one INSERT; larger ones go alone. */
const COALESCE_MAX_ROWS = 500;

export class PgMessageStore implements MessageStore {
  private readonly intake: Coalescer<{ rows: Row[]; now: Date }>;

  constructor(private readonly db: Db) {
    this.intake = new Coalescer(async (batches) => {
      // One statement, one commit for all requests of this moment; `now` of the first is close enough for
      // the queued event of each (every row keeps its own due time).
      await this.insertAtomically(batches.flatMap((b) => b.rows), batches[0]!.now);
    }, 50);
  }

  async insertMessages(messages: NewMessage[], now: Date, idempotency?: IdempotencyClaim): Promise<InsertResult> {
    const rows = messages.map((message) => ({ id: uuidv7(now.getTime()), message }));
    if (idempotency) return this.insertIdempotent(rows, now, idempotency);
    if (rows.length <= COALESCE_MAX_ROWS) await this.intake.submit({ rows, now });
    else await this.insertAtomically(rows, now);
    return { kind: 'inserted', ids: rows.map((r) => r.id) };
  }

  /** The key row is inserted first: a concurrent request with the same key waits on it until we commit. */
  private insertIdempotent(rows: Row[], now: Date, claim: IdempotencyClaim): Promise<InsertResult> {
    const accountId = rows[0]!.message.accountId;
    return transaction(this.db.pool, async (client) => {
      const taken = await client.query(
        `INSERT INTO idempotency_keys (account_id, key, request_hash, message_ids, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [accountId, claim.key, claim.requestHash, rows.map((r) => r.id), now],
      );
      if (taken.rowCount === 0) {
        const { rows: [seen] } = await client.query<{ request_hash: string; message_ids: string[] }>(
          'SELECT request_hash, message_ids FROM idempotency_keys WHERE account_id = $1 AND key = $2',
          [accountId, claim.key],
        );
        return seen!.request_hash === claim.requestHash ? { kind: 'replayed', ids: seen!.message_ids } : { kind: 'key-conflict' };
      }
      const placed = await takeCapSlots(client, rows);
      await insertRows(client, placed, now);
      return placedMessages(rows, placed);
    });
  }

  /** One statement when no message is under the cap; with the cap, its slots and the messages in one transaction. */
  private insertAtomically(rows: Row[], now: Date): Promise<void> {
    if (!rows.some((r) => r.message.cap)) return insertRows(this.db.pool, rows, now);
    return transaction(this.db.pool, async (client) => {
      const placed = await takeCapSlots(client, rows);
      await insertRows(client, placed, now);
      return placed;
    }).then((placed) => void placedMessages(rows, placed));
  }

  async getMessage(accountId: string, id: string): Promise<MessageDetail | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.selectMessages().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const [parts, events, decision] = await Promise.all([
      this.db.kysely.selectFrom('message_parts').selectAll().where('message_id', '=', id).orderBy('part_index').execute(),
      this.db.kysely.selectFrom('message_events').select(['status', 'reason', 'at']).where('message_id', '=', id).orderBy('id').execute(),
      row.route_decision ? this.db.kysely.selectFrom('route_decisions').select(['reason', 'fallbacks']).where('id', '=', row.route_decision).executeTakeFirst() : undefined,
    ]);
    return {
      ...toView(row),
      brand: row.brand,
      route: row.route ? { name: row.route, reason: decision?.reason ?? `short code ${row.short_code}'s route`, fallbacks: decision?.fallbacks ?? [] } : null,
      compliance: row.compliance as ComplianceRecord | null,
      parts: parts.map((p) => ({
        index: p.part_index,
        smscMessageId: p.smsc_message_id,
        submittedAt: p.submitted_at,
        receipt: p.receipt_state ? { state: p.receipt_state as ReceiptState, errorCode: p.receipt_error, at: p.receipt_at } : null,
      })),
      events,
    };
  }

  async listMessages(accountId: string, filter: MessageFilter, after: ListCursor | undefined, limit: number): Promise<MessageView[]> {
    let query = this.selectMessages().where('account_id', '=', accountId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.createdFrom) query = query.where('created_at', '>=', filter.createdFrom);
    if (filter.createdTo) query = query.where('created_at', '<', filter.createdTo);
    if (filter.brands) query = filter.brands.length === 0 ? query.where(sql<boolean>`false`) : query.where('brand', 'in', filter.brands);
    if (after) query = query.where(sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id}::uuid)`);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toView);
  }

  async countByStatus(accountId: string, brands?: readonly string[]): Promise<Record<string, number>> {
    let query = this.db.kysely.selectFrom('messages').where('account_id', '=', accountId);
    if (brands) query = brands.length === 0 ? query.where(sql<boolean>`false`) : query.where('brand', 'in', brands);
    const rows = await query
      .select(['status', (eb) => eb.fn.countAll<string>().as('count')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
  }

  cancelMessage(accountId: string, id: string, now: Date): Promise<boolean> {
    return this.moveOne(accountId, id, now, `status = 'cancelled', done_at = $3`, 'queued', 'cancelled by the client');
  }

  retryInDoubt(accountId: string, id: string, now: Date): Promise<boolean> {
    return this.moveOne(
      accountId,
      id,
      now,
      `status = 'queued', due_at = $3, possible_duplicate = true`,
      'in_doubt',
      'sent again at the client’s request although the SMSC may already hold it',
    );
  }

  private async moveOne(accountId: string, id: string, now: Date, set: string, from: string, reason: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.db.pool.query(
      `WITH moved AS (
         UPDATE messages SET ${set}, updated_at = $3
         WHERE id = $1 AND account_id = $2 AND status = '${from}'
         RETURNING id, account_id, status, $4::text AS reason, $3::timestamptz AS at)
       ${eventsFrom('moved')}
       SELECT count(*)::int AS n FROM moved`,
      [id, accountId, now, reason],
    );
    return result.rows[0].n === 1;
  }

  private selectMessages() {
    return this.db.kysely.selectFrom('messages').selectAll();
  }
}

type Queryable = Pick<pg.Pool, 'query'>;

/**
 * Multi-row insert of messages (queued, or suppressed with their reason) with their first event and the receipt
 * requests of those taken over SMPP, in one statement. A prepaid account's queued messages reserve their worst-case
 * cost in the same statement (one UPDATE per account of the batch, which refuses to go below the balance); when one
 * account's credit is short, the statement fails with SQLSTATE RL402 and nothing is inserted (docs/billing.md).
 */
const insertSql = prepared(
  'relais_insert_messages_v9',
  `WITH t AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::text[],
                   $9::text[], $10::int[], $11::timestamptz[], $13::text[], $14::text[], $15::text[], $16::text[],
                   $17::text[], $18::text[], $19::uuid[], $31::int[])
            AS t(id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments, due_at,
                 client_reference, status, brand, compliance, error_code, error_reason, campaign_id, routing)),
     need AS (
       SELECT account_id, sum(segments)::bigint AS parts FROM t WHERE status = 'queued' GROUP BY account_id),
     decisions AS (${insertDecisionsSql('$27', '$28', '$29', '$30')}),
     held AS (
       UPDATE credit_accounts c SET reserved = c.reserved + need.parts * c.part_price
       FROM need WHERE c.account_id = need.account_id AND c.prepaid AND c.balance - c.reserved >= need.parts * c.part_price
       RETURNING c.account_id, c.part_price),
     short AS (
       SELECT relais_insufficient_credit(c.account_id, need.parts * c.part_price, c.balance - c.reserved) AS refused
       FROM need JOIN credit_accounts c ON c.account_id = need.account_id
       WHERE c.prepaid AND NOT EXISTS (SELECT 1 FROM held WHERE held.account_id = need.account_id)),
     inserted AS (
       INSERT INTO messages (id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments,
                             status, due_at, client_reference, created_at, updated_at, brand, compliance, error_code,
                             error_reason, done_at, campaign_id, reserved, route, route_decision)
       SELECT t.id, t.account_id, t.recipient, t.sender, t.short_code, t.class, t.priority, t.body, t.encoding, t.segments,
              t.status, t.due_at, t.client_reference, $12, $12, t.brand, t.compliance::jsonb, t.error_code, t.error_reason,
              CASE WHEN t.status IN ('suppressed', 'failed') THEN $12::timestamptz END, t.campaign_id,
              CASE WHEN t.status = 'queued' THEN coalesce(held.part_price, 0) * t.segments ELSE 0 END,
              -- Routing: one of the statement's few decisions ($27–$30, by t.routing); not routed by the caller, the short
              -- code's first route (docs/routing.md).
              coalesce(($28::text[])[t.routing], CASE WHEN t.status <> 'failed' THEN sc.route END),
              ($27::bigint[])[t.routing]
       FROM t LEFT JOIN held ON held.account_id = t.account_id LEFT JOIN short_codes sc ON sc.number = t.short_code
       RETURNING id, account_id, status, error_reason AS reason, created_at AS at),
     receipt_requests AS (
       INSERT INTO smpp_submissions (message_id, receipt_id, account_id, registered_delivery, source_addr, source_addr_ton, source_addr_npi, submitted_at)
       SELECT t.message_id, coalesce(t.receipt_id, t.message_id::text), t.account_id, t.registered_delivery, t.source_addr, t.source_addr_ton,
              t.source_addr_npi, $12
       FROM unnest($20::uuid[], $21::uuid[], $22::smallint[], $23::text[], $24::smallint[], $25::smallint[], $26::text[])
            AS t(message_id, account_id, registered_delivery, source_addr, source_addr_ton, source_addr_npi, receipt_id))
     ${eventsFrom('inserted')}
     SELECT (SELECT count(*) FROM short) AS refused`,
);

export async function insertRows(client: Queryable, rows: Row[], now: Date): Promise<void> {
  const column = <K extends keyof NewMessage>(key: K) => rows.map((r) => r.message[key]);
  await client.query(
    insertSql([
      rows.map((r) => r.id),
      column('accountId'),
      column('recipient'),
      column('sender'),
      column('shortCode'),
      column('class'),
      rows.map((r) => (r.message.campaignId ? CAMPAIGN_PRIORITY : priorityOf[r.message.class])),
      column('body'),
      column('encoding'),
      column('segments'),
      column('dueAt'),
      now,
      column('clientReference'),
      column('status'),
      column('brand'),
      rows.map((r) => (r.message.compliance ? JSON.stringify(r.message.compliance) : null)),
      rows.map((r) => r.message.error?.code ?? null),
      rows.map((r) => r.message.error?.reason ?? null),
      rows.map((r) => r.message.campaignId ?? null),
      ...receiptRequestColumns(rows),
      ...routingColumns(rows),
    ]),
  ).catch(refusedForCredit);
}

/** The intake statement's refusal for credit (RL402, migration 0013) as the use cases' error. */
function refusedForCredit(error: unknown): never {
  if ((error as { code?: string }).code === 'RL402') {
    const { needed, available } = JSON.parse((error as { detail: string }).detail) as { needed: number; available: number };
    throw new InsufficientCredit(Number(needed), Number(available));
  }
  throw error;
}

/** The statement's routing decisions ($27–$30) and each row's among them ($31): see route-decisions.ts. */
function routingColumns(rows: Row[]): unknown[][] {
  const { decisions, positions } = decisionColumns(rows, (row) => row.message.route);
  return [...decisions, positions];
}

function receiptRequestColumns(rows: Row[]): unknown[][] {
  const requests = rows.flatMap((r) => (r.message.smppReceipts ?? []).map((request) => ({ id: r.id, accountId: r.message.accountId, request })));
  const column = <K extends keyof SmppReceiptRequest>(key: K) => requests.map((r) => r.request[key]);
  return [
    requests.map((r) => r.id),
    requests.map((r) => r.accountId),
    column('registeredDelivery'),
    column('sourceAddr'),
    column('sourceAddrTon'),
    column('sourceAddrNpi'),
    column('receiptId'),
  ];
}

/**
 * The frequency cap, atomic whatever the door or the process: each marketing message takes a slot
 * (account, brand, recipient, local day, n) — the primary key refuses a second taker, concurrent ones wait for
 * the first to commit. A message whose day is full tries its next day (at that day's window opening); with
 * none left it is suppressed. Rounds of one statement each; a batch usually needs one. Runs in the
 * transaction that inserts the messages, so a slot is never held by a message that does not exist.
 */
export async function takeCapSlots(client: Queryable, rows: Row[]): Promise<Row[]> {
  const placed = new Map(rows.map((row) => [row.id, row]));
  let waiting = rows.flatMap((row) => (row.message.cap && row.message.status === 'queued' ? [{ row, day: row.message.cap.first, dayIndex: 0, slot: 1 }] : []));
  await lockCapHolders(client, waiting.map((w) => w.row.message));
  while (waiting.length > 0) {
    const { rows: taken } = await client.query<{ message_id: string }>(
      `INSERT INTO marketing_slots (account_id, brand, recipient, local_day, slot, short_code, message_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::smallint[], $6::text[], $7::uuid[])
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [
        waiting.map((w) => w.row.message.accountId),
        waiting.map((w) => w.row.message.brand),
        waiting.map((w) => w.row.message.recipient),
        waiting.map((w) => w.day.localDay),
        waiting.map((w) => w.slot),
        waiting.map((w) => w.row.message.shortCode),
        waiting.map((w) => w.row.id),
      ],
    );
    const won = new Set(taken.map((t) => t.message_id));
    const lost = waiting.filter((w) => !won.has(w.row.id));
    for (const w of waiting) if (won.has(w.row.id)) placed.set(w.row.id, { id: w.row.id, message: { ...w.row.message, dueAt: w.day.at } });
    waiting = [];
    for (const w of lost) {
      const cap = w.row.message.cap!;
      const next = w.slot < cap.perDay ? { ...w, slot: w.slot + 1 } : nextDay(w, cap);
      if (next) waiting.push(next);
      else placed.set(w.row.id, { id: w.row.id, message: { ...w.row.message, status: 'suppressed', error: { code: 'frequency-cap', reason: capReason(w.row.message, w.day) } } });
    }
  }
  return rows.map((row) => placed.get(row.id)!);
}

/**
 * One advisory lock per (account, brand, recipient) under the cap, all taken at once in one fixed order and held
 * until the transaction ends. Without them, two transactions whose batches name the same recipients in different
 * orders (or move to a recipient's next day in a later round) could each wait on a slot the other inserted: a
 * deadlock, and a whole batch refused.
 */
async function lockCapHolders(client: Queryable, messages: readonly NewMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const holders = [...new Set(messages.map((m) => `${m.accountId} ${m.brand} ${m.recipient}`))];
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('cap ' || h, 0)) FROM (SELECT h FROM unnest($1::text[]) h ORDER BY h) s`, [holders]);
}

/** Slot 1 of the next day the rules allow, within the plan's days. */
function nextDay<W extends { day: SendDay; dayIndex: number; slot: number }>(w: W, cap: CapPlan): W | undefined {
  if (w.dayIndex + 1 >= cap.maxDays) return undefined;
  const day = cap.dayAfter(w.day);
  return day && { ...w, day, dayIndex: w.dayIndex + 1, slot: 1 };
}

function capReason(message: NewMessage, last: SendDay): string {
  const { perDay, first } = message.cap!;
  const days = first.localDay === last.localDay ? first.localDay : `every day from ${first.localDay} to ${last.localDay}`;
  return `at most ${perDay} marketing SMS a day for ${message.brand} to this recipient, and ${days} is taken`;
}

/** Once committed, the caller's messages say where the cap put them (their due time, or suppressed). */
function placedMessages(rows: Row[], placed: Row[]): InsertResult {
  placed.forEach(({ message }, i) => Object.assign(rows[i]!.message, { dueAt: message.dueAt, status: message.status, error: message.error }));
  return { kind: 'inserted', ids: rows.map((r) => r.id) };
}


function toView(row: {
  id: string;
  recipient: string;
  sender: string;
  short_code: string;
  class: 'transactional' | 'marketing';
  body: string;
  encoding: 'gsm7' | 'ucs2';
  segments: number;
  status: string;
  due_at: Date;
  attempts: number;
  possible_duplicate: boolean;
  client_reference: string | null;
  error_code: string | null;
  error_reason: string | null;
  created_at: Date;
  submitted_at: Date | null;
  done_at: Date | null;
}): MessageView {
  return {
    id: row.id,
    recipient: row.recipient,
    sender: row.sender,
    shortCode: row.short_code,
    class: row.class,
    body: row.body,
    encoding: row.encoding,
    segments: row.segments,
    status: row.status,
    dueAt: row.due_at,
    attempts: row.attempts,
    possibleDuplicate: row.possible_duplicate,
    clientReference: row.client_reference,
    error: row.error_reason ? { code: row.error_code, reason: row.error_reason } : null,
    createdAt: row.created_at,
    submittedAt: row.submitted_at,
    doneAt: row.done_at,
  };
}
