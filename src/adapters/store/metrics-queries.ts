import type { QueryResult, QueryResultRow } from 'pg';
import type { MetricsQueries } from '../monitoring/metrics.ts';
import type { Db } from './database.ts';
import { transaction } from './sql.ts';

/**
 * What a Prometheus scrape reads (adapters/monitoring/metrics.ts). Both statements read only the rows the partial
 * indexes keep small — messages queued or being submitted (messages_dispatch), webhook deliveries pending
 * (webhook_deliveries_due) — so a scrape costs what the backlog is, not what the history is; the server stops either
 * after the time limit, so a huge backlog cannot pile long counts up scrape after scrape.
 */
export function metricsQueries(db: Db, timeoutMs = 2_000): MetricsQueries {
  const query = limited(db, timeoutMs);
  return {
    async queueDepth() {
      const { rows } = await query<{ short_code: string; class: string; due: number; scheduled: number; submitting: number }>(
        `SELECT short_code, class,
                count(*) FILTER (WHERE status = 'queued' AND due_at <= now())::int AS due,
                count(*) FILTER (WHERE status = 'queued' AND due_at > now())::int AS scheduled,
                count(*) FILTER (WHERE status = 'submitting')::int AS submitting
         FROM messages WHERE status IN ('queued', 'submitting') GROUP BY short_code, class`,
      );
      return rows.map((r) => ({ shortCode: r.short_code, class: r.class, due: r.due, scheduled: r.scheduled, submitting: r.submitting }));
    },
    async webhookBacklog() {
      const { rows } = await query<{ pending: number; due: number; oldest: number | null }>(
        `SELECT count(*)::int AS pending, count(*) FILTER (WHERE next_attempt_at <= now())::int AS due,
                extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE next_attempt_at <= now()))::float8 AS oldest
         FROM webhook_deliveries WHERE status = 'pending'`,
      );
      const row = rows[0]!;
      return { pending: row.pending, due: row.due, oldestDueSeconds: row.oldest ?? 0 };
    },
  };
}

/** A read that the server itself gives up after `timeoutMs` (a scrape must never leave a long count running). */
function limited(db: Db, timeoutMs: number) {
  return <R extends QueryResultRow>(text: string): Promise<QueryResult<R>> =>
    transaction(db.pool, async (client) => {
      await client.query('SET TRANSACTION READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
      return client.query<R>(text);
    });
}
