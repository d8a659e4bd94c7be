import type pg from 'pg';

/**
 * SQL fragment appended to a WITH clause: for every row of the CTE `source` (columns id, account_id,
 * status, reason, at) it records a message event and queues a delivery to each active webhook of the
 * account subscribed to that status — in the same statement, hence the same transaction, as the change.
 */
export function eventsFrom(source: string): string {
  return `
  , ${source}_events AS (
      INSERT INTO message_events (message_id, account_id, status, reason, at)
      SELECT id, account_id, status, reason, at FROM ${source}
      RETURNING id, account_id, status, at)
  , ${source}_webhooks AS (
      INSERT INTO webhook_deliveries (webhook_id, event_id, next_attempt_at, created_at)
      SELECT w.id, e.id, e.at, e.at
      FROM ${source}_events e JOIN webhooks w ON w.account_id = e.account_id AND w.active AND e.status = ANY (w.events))`;
}

/** Runs `work` in a transaction on one pooled client. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A named statement: PostgreSQL parses and plans it once per connection instead of at every call, which
 * matters for the hot CTE statements (their planning costs about a third of their execution).
 */
export function prepared(name: string, text: string): (values: unknown[]) => pg.QueryConfig {
  return (values) => ({ name, text, values });
}

const ARRAY_SPECIAL = /[\\"]/;

/**
 * An array parameter written out as PostgreSQL's array literal (`{"a",NULL}`), for `$n::text[]`, `::date[]`,
 * `::jsonb[]`…: the driver escapes every element with two replacements, which costs an import of a million rows
 * about a second; most values have nothing to escape, and testing is cheaper than replacing.
 */
export function arrayLiteral(values: readonly (string | null | undefined)[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) literal += ',';
    if (value === null || value === undefined) literal += 'NULL';
    else literal += '"' + (ARRAY_SPECIAL.test(value) ? value.replace(/[\\"]/g, '\\$&') : value) + '"';
  }
  return literal + '}';
}
