/**
 * The dashboard's and the aggregator console's counts (docs/portal.md). Each reads through an index, never the
 * whole messages table:
 * - an account's messages of the month: a range of messages_account_created (account_id, created_at …), which
 *   carries status (migration 0020), so the count is an index-only scan of the month's entries — it grows with the
 *   account's messages of the month, not with the table;
 * - its queue: the dispatcher's partial index messages_dispatch (short_code, status …) WHERE queued or submitting,
 *   which holds only what waits, by the account's short codes;
 * - STOPs: inbound_messages_account (account_id, received_at …);
 * - a route's queue depth: messages_dispatch again, by short code.
 */
import type { UsageCount } from '../../core/billing/index.ts';
import type { Db } from './database.ts';
import type { AccountStatistics, PlatformStatistics, QueueState, ShortCodeQueue, StatusCounts } from '../../app/ports/statistics.ts';

// The statistics types are the app's (app/ports/statistics.ts); kept reachable from here.
export type { QueueState, ShortCodeQueue, StatusCounts };

export class PgStatisticsStore implements AccountStatistics, PlatformStatistics {
  constructor(private readonly db: Db) {}

  /** The account's messages created since `month`, counted by status, and those since `today`. */
  async statusCounts(accountId: string, today: Date, month: Date, brands?: readonly string[]): Promise<StatusCounts> {
    const { rows } = await this.db.pool.query<{ status: string; today: number; month: number }>(
      `SELECT status, count(*) FILTER (WHERE created_at >= $2)::int AS today, count(*)::int AS month
       FROM messages WHERE account_id = $1 AND created_at >= $3 ${brands ? 'AND brand = ANY($4::text[])' : ''}
       GROUP BY status`,
      brands ? [accountId, today, month, brands] : [accountId, today, month],
    );
    const counts: StatusCounts = { today: {}, month: {} };
    for (const row of rows) {
      if (row.today > 0) counts.today[row.status] = row.today;
      counts.month[row.status] = row.month;
    }
    return counts;
  }

  /** STOPs received by the account since `month`, and since `today`. */
  async stops(accountId: string, today: Date, month: Date): Promise<{ today: number; month: number }> {
    const { rows } = await this.db.pool.query<{ today: number; month: number }>(
      `SELECT count(*) FILTER (WHERE received_at >= $2)::int AS today, count(*)::int AS month
       FROM inbound_messages WHERE account_id = $1 AND received_at >= $3 AND intent = 'stop'`,
      [accountId, today, month],
    );
    return rows[0]!;
  }

  /** What waits in the outbox for the account's short codes. */
  async queueOf(accountId: string, shortCodes: readonly string[], now: Date): Promise<QueueState> {
    const { rows } = await this.db.pool.query<{ ready: number; later: number; submitting: number; oldest: Date | null }>(
      `SELECT count(*) FILTER (WHERE status = 'queued' AND due_at <= $3)::int AS ready,
              count(*) FILTER (WHERE status = 'queued' AND due_at > $3)::int AS later,
              count(*) FILTER (WHERE status = 'submitting')::int AS submitting,
              min(due_at) FILTER (WHERE status = 'queued' AND due_at <= $3) AS oldest
       FROM messages
       WHERE route IN (SELECT route FROM short_code_routes WHERE short_code = ANY($2::text[]))
         AND short_code = ANY($2::text[]) AND status IN ('queued', 'submitting') AND account_id = $1`,
      [accountId, shortCodes, now],
    );
    const row = rows[0]!;
    return { ready: row.ready, later: row.later, submitting: row.submitting, oldestDueAt: row.oldest };
  }

  /** What waits in the outbox, by short code (every account). */
  async queuesByShortCode(now: Date): Promise<ShortCodeQueue[]> {
    const { rows } = await this.db.pool.query<{ route: string; short_code: string; ready: number; later: number; submitting: number; oldest: Date | null }>(
      `SELECT route, short_code,
              count(*) FILTER (WHERE status = 'queued' AND due_at <= $1)::int AS ready,
              count(*) FILTER (WHERE status = 'queued' AND due_at > $1)::int AS later,
              count(*) FILTER (WHERE status = 'submitting')::int AS submitting,
              min(due_at) FILTER (WHERE status = 'queued' AND due_at <= $1) AS oldest
       FROM messages WHERE status IN ('queued', 'submitting') GROUP BY route, short_code`,
      [now],
    );
    return rows.map((r) => ({ route: r.route, shortCode: r.short_code, ready: r.ready, later: r.later, submitting: r.submitting, oldestDueAt: r.oldest }));
  }

  /** Every account's messages of the month by status (one index range per account, through a lateral join). */
  async trafficByAccount(today: Date, month: Date): Promise<{ account: string; status: string; today: number; month: number }[]> {
    const { rows } = await this.db.pool.query<{ account: string; status: string; today: number; month: number }>(
      `SELECT a.name AS account, c.status, c.today, c.month
       FROM accounts a CROSS JOIN LATERAL (
         SELECT status, count(*) FILTER (WHERE created_at >= $1)::int AS today, count(*)::int AS month
         FROM messages m WHERE m.account_id = a.id AND m.created_at >= $2 GROUP BY status) c
       ORDER BY a.name, c.status`,
      [today, month],
    );
    return rows;
  }

  /** The month's usage lines settled before `before`, counted as the bill counts them (spend up to a day). */
  async usageCountsBefore(accountId: string, month: string, before: Date): Promise<UsageCount[]> {
    const { rows } = await this.db.pool.query<{ class: UsageCount['class']; short_code: string; final_state: string; settled_by: UsageCount['settledBy']; parts: number }>(
      `SELECT class, short_code, final_state, settled_by, sum(parts)::int AS parts FROM usage_lines
       WHERE account_id = $1 AND month = $2 AND settled_at < $3 GROUP BY class, short_code, final_state, settled_by`,
      [accountId, month, before],
    );
    return rows.map((r) => ({ class: r.class, shortCode: r.short_code, finalState: r.final_state, settledBy: r.settled_by, parts: r.parts }));
  }

  /** The routes' leases: which process sends on each, until when. */
  async leases(): Promise<{ route: string; owner: string; expiresAt: Date }[]> {
    const { rows } = await this.db.pool.query<{ route: string; owner: string; expires_at: Date }>(`SELECT route, owner, expires_at FROM route_leases`);
    return rows.map((r) => ({ route: r.route, owner: r.owner, expiresAt: r.expires_at }));
  }
}
