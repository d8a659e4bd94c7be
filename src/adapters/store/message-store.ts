import { sql } from 'kysely';
import type pg from 'pg';
import { priorityOf } from '../../core/message/status.ts';
import type {
  IdempotencyClaim,
  InsertResult,
  ListCursor,
  MessageDetail,
  MessageFilter,
  MessageStore,
  MessageView,
  NewMessage,
  ReceiptState,
} from '../../app/ports.ts';
import { Coalescer } from './coalescer.ts';
import type { Db } from './database.ts';
import { isUuid, uuidv7 } from './ids.ts';
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
      await insertRows(this.db.pool, batches.flatMap((b) => b.rows), batches[0]!.now);
    }, 50);
  }

  async insertMessages(messages: NewMessage[], now: Date, idempotency?: IdempotencyClaim): Promise<InsertResult> {
    const rows = messages.map((message) => ({ id: uuidv7(now.getTime()), message }));
    if (idempotency) return this.insertIdempotent(rows, now, idempotency);
    if (rows.length <= COALESCE_MAX_ROWS) await this.intake.submit({ rows, now });
    else await insertRows(this.db.pool, rows, now);
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
      await insertRows(client, rows, now);
      return { kind: 'inserted', ids: rows.map((r) => r.id) };
    });
  }

  async getMessage(accountId: string, id: string): Promise<MessageDetail | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.selectMessages().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const [parts, events] = await Promise.all([
      this.db.kysely.selectFrom('message_parts').selectAll().where('message_id', '=', id).orderBy('part_index').execute(),
      this.db.kysely.selectFrom('message_events').select(['status', 'reason', 'at']).where('message_id', '=', id).orderBy('id').execute(),
    ]);
    return {
      ...toView(row),
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
    if (after) query = query.where(sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id}::uuid)`);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toView);
  }

  async countByStatus(accountId: string): Promise<Record<string, number>> {
    const rows = await this.db.kysely
      .selectFrom('messages')
      .select(['status', (eb) => eb.fn.countAll<string>().as('count')])
      .where('account_id', '=', accountId)
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

/** Multi-row insert of queued messages with their first event, in one statement. */
const insertSql = prepared(
  'relais_insert_messages',
  `WITH inserted AS (
       INSERT INTO messages (id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments,
                             status, due_at, client_reference, created_at, updated_at)
       SELECT t.id, t.account_id, t.recipient, t.sender, t.short_code, t.class, t.priority, t.body, t.encoding, t.segments,
              'queued', t.due_at, t.client_reference, $12, $12
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::text[],
                   $9::text[], $10::int[], $11::timestamptz[], $13::text[])
            AS t(id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments, due_at, client_reference)
       RETURNING id, account_id, status, NULL::text AS reason, created_at AS at)
     ${eventsFrom('inserted')}
     SELECT 1`,
);

async function insertRows(client: Queryable, rows: Row[], now: Date): Promise<void> {
  const column = <K extends keyof NewMessage>(key: K) => rows.map((r) => r.message[key]);
  await client.query(
    insertSql([
      rows.map((r) => r.id),
      column('accountId'),
      column('recipient'),
      column('sender'),
      column('shortCode'),
      column('class'),
      rows.map((r) => priorityOf[r.message.class]),
      column('body'),
      column('encoding'),
      column('segments'),
      column('dueAt'),
      now,
      column('clientReference'),
    ]),
  );
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
