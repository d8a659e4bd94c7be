import type { Db } from './database.ts';
import { isUuid, uuidv7 } from './ids.ts';
import type { DeliveryPage, Webhook, WebhookAttempt, WebhookDelivery, WebhookSettings } from '../../app/ports/webhooks.ts';

// The webhook types are the app's (app/ports/webhooks.ts); kept reachable from here.
export type { Webhook, WebhookAttempt, WebhookDelivery };

/** A delivery the sender has claimed, with everything needed to build and sign the request. */
export type DueDelivery = {
  id: string;
  attempts: number;
  url: string;
  secret: string;
} & (
  | {
      kind: 'message.status';
      event: { status: string; reason: string | null; at: Date };
      message: { id: string; recipient: string; shortCode: string; clientReference: string | null; status: string; errorCode: string | null; errorReason: string | null };
    }
  | { kind: 'inbound'; inbound: { id: string; from: string; to: string; text: string; intent: string; keyword: string | null; brand: string | null; receivedAt: Date } }
  /** A body written when the delivery was queued (incident events: docs/incidents.md). */
  | { kind: 'prepared'; payload: Record<string, unknown> }
  | { kind: 'alarm'; alarm: { id: string; kind: string; key: string; period: string; message: string; figures: Record<string, number>; raisedAt: Date } }
);

export class PgWebhookStore implements WebhookSettings {
  constructor(private readonly db: Db) {}

  async create(accountId: string, input: { url: string; events: string[]; secret: string }, now: Date): Promise<Webhook> {
    const row = await this.db.kysely
      .insertInto('webhooks')
      .values({ id: uuidv7(now.getTime()), account_id: accountId, url: input.url, secret: input.secret, events: input.events, created_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toWebhook(row);
  }

  async list(accountId: string): Promise<Webhook[]> {
    const rows = await this.db.kysely.selectFrom('webhooks').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
    return rows.map(toWebhook);
  }

  async get(accountId: string, id: string): Promise<Webhook | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.db.kysely.selectFrom('webhooks').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return row && toWebhook(row);
  }

  async update(accountId: string, id: string, changes: { url?: string; events?: string[]; active?: boolean }): Promise<Webhook | undefined> {
    if (!isUuid(id)) return undefined;
    if (Object.keys(changes).length === 0) return this.get(accountId, id);
    const row = await this.db.kysely
      .updateTable('webhooks')
      .set(changes)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toWebhook(row);
  }

  async remove(accountId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.db.kysely.deleteFrom('webhooks').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Delivery history of one webhook, newest first, with every attempt. */
  async deliveries(accountId: string, webhookId: string, { limit, before, status }: DeliveryPage): Promise<WebhookDelivery[]> {
    const { rows } = await this.db.pool.query(
      `SELECT d.id, e.message_id, d.inbound_id, d.status, d.next_attempt_at, d.created_at, d.delivered_at,
              coalesce(json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'httpStatus', a.http_status,
                                                  'error', a.error, 'durationMs', a.duration_ms) ORDER BY a.attempt)
                       FILTER (WHERE a.attempt IS NOT NULL), '[]') AS attempts
       FROM webhook_deliveries d
       JOIN webhooks w ON w.id = d.webhook_id AND w.account_id = $1
       LEFT JOIN message_events e ON e.id = d.event_id
       LEFT JOIN webhook_attempts a ON a.delivery_id = d.id
       WHERE d.webhook_id = $2 AND ($4::bigint IS NULL OR d.id < $4) AND ($5::text IS NULL OR d.status = $5)
       GROUP BY d.id, e.message_id
       ORDER BY d.id DESC
       LIMIT $3`,
      [accountId, webhookId, limit, before ?? null, status ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      messageId: r.message_id,
      inboundId: r.inbound_id,
      status: r.status,
      attempts: r.attempts.map((a: WebhookAttempt & { at: string }) => ({ ...a, at: new Date(a.at) })),
      nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
    }));
  }

  /**
   * Claims due deliveries for one sending round: SKIP LOCKED hands each to one sender, and pushing
   * next_attempt_at by `leaseMs` keeps it from being claimed again while the request is in flight (if the
   * sender dies, it becomes due again after the lease: at least once).
   */
  async claimDue(limit: number, leaseMs: number, now: Date): Promise<DueDelivery[]> {
    const { rows } = await this.db.pool.query(
      `WITH due AS (
         UPDATE webhook_deliveries d SET next_attempt_at = $3
         FROM (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $2
               ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) c
         WHERE d.id = c.id
         RETURNING d.id, d.webhook_id, d.event_id, d.inbound_id, d.alarm_id, d.attempts, d.payload)
       SELECT due.id, due.attempts, due.payload, w.url, w.secret, e.status AS event_status, e.reason AS event_reason, e.at AS event_at,
              m.id AS message_id, m.recipient, m.short_code, m.client_reference, m.status, m.error_code, m.error_reason,
              i.id AS inbound_id, i.sender AS mo_from, i.recipient AS mo_to, i.body AS mo_text, i.intent, i.keyword, i.brand, i.received_at,
              al.id AS alarm_id, al.kind AS alarm_kind, al.key AS alarm_key, al.period AS alarm_period, al.message AS alarm_message, al.figures AS alarm_figures, al.raised_at AS alarm_raised_at
       FROM due
       JOIN webhooks w ON w.id = due.webhook_id
       LEFT JOIN message_events e ON e.id = due.event_id
       LEFT JOIN messages m ON m.id = e.message_id
       LEFT JOIN inbound_messages i ON i.id = due.inbound_id
       LEFT JOIN alarms al ON al.id = due.alarm_id
       ORDER BY due.id`,
      [limit, now, new Date(now.getTime() + leaseMs)],
    );
    return rows.map((r): DueDelivery => {
      const delivery = { id: r.id, attempts: r.attempts, url: r.url, secret: r.secret };
      if (r.payload) return { ...delivery, kind: 'prepared', payload: r.payload };
      if (r.inbound_id) {
        const inbound = { id: r.inbound_id, from: r.mo_from, to: r.mo_to, text: r.mo_text, intent: r.intent, keyword: r.keyword, brand: r.brand, receivedAt: r.received_at };
        return { ...delivery, kind: 'inbound', inbound };
      }
      if (r.alarm_id) {
        const alarm = { id: String(r.alarm_id), kind: r.alarm_kind, key: r.alarm_key, period: r.alarm_period, message: r.alarm_message, figures: r.alarm_figures, raisedAt: r.alarm_raised_at };
        return { ...delivery, kind: 'alarm', alarm };
      }
      return {
        ...delivery,
        kind: 'message.status',
        event: { status: r.event_status, reason: r.event_reason, at: r.event_at },
        message: {
          id: r.message_id,
          recipient: r.recipient,
          shortCode: r.short_code,
          clientReference: r.client_reference,
          status: r.status,
          errorCode: r.error_code,
          errorReason: r.error_reason,
        },
      };
    });
  }

  /** Records one attempt; `next` is when to try again, or null when delivered or given up (see `outcome`). */
  async recordAttempt(
    delivery: { id: string; attempt: number },
    result: { httpStatus: number | null; error: string | null; durationMs: number; outcome: 'delivered' | 'retry' | 'failed'; next: Date | null },
    now: Date,
  ): Promise<void> {
    await this.db.kysely.transaction().execute(async (tx) => {
      await tx
        .insertInto('webhook_attempts')
        .values({ delivery_id: delivery.id, attempt: delivery.attempt, at: now, http_status: result.httpStatus, error: result.error, duration_ms: result.durationMs })
        .execute();
      await tx
        .updateTable('webhook_deliveries')
        .set({
          attempts: delivery.attempt,
          status: result.outcome === 'retry' ? 'pending' : result.outcome,
          ...(result.next ? { next_attempt_at: result.next } : {}),
          delivered_at: result.outcome === 'delivered' ? now : null,
        })
        .where('id', '=', delivery.id)
        .execute();
    });
  }
}

function toWebhook(row: { id: string; url: string; events: string[]; active: boolean; created_at: Date }): Webhook {
  return { id: row.id, url: row.url, events: row.events, active: row.active, createdAt: row.created_at };
}
