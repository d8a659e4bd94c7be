import { sql, type Kysely } from 'kysely';

/**
 * Routing (docs/routing.md):
 * - routes: the operator a route reaches and whether it carries only that operator's subscribers (Orange's offer);
 *   a pause an aggregator puts on a route (its traffic goes to its fallbacks, or waits).
 * - short_code_routes: the routes that carry each short code, in order (short_codes.route stays the first).
 * - messages: the route chosen at intake, why, and its fallbacks in order. The dispatcher claims by (route, short
 *   code): the dispatch index leads with the route. Unfinished messages get their short code's route.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE routes
      ADD COLUMN operator text,
      ADD COLUMN subscribers_only boolean NOT NULL DEFAULT false,
      ADD COLUMN paused_at timestamptz,
      ADD COLUMN paused_reason text;

    CREATE TABLE short_code_routes (
      short_code  text NOT NULL REFERENCES short_codes (number) ON DELETE CASCADE,
      route       text NOT NULL REFERENCES routes (name),
      position    smallint NOT NULL,
      PRIMARY KEY (short_code, route)
    );
    INSERT INTO short_code_routes (short_code, route, position) SELECT number, route, 0 FROM short_codes;

    ALTER TABLE messages
      ADD COLUMN route text,
      ADD COLUMN route_reason text,
      ADD COLUMN fallback_routes text[] NOT NULL DEFAULT '{}';
    UPDATE messages m SET route = s.route, route_reason = 'short code ' || s.number || '''s route (before routing rules)'
    FROM short_codes s WHERE s.number = m.short_code AND m.status IN ('queued', 'submitting', 'held', 'in_doubt');

    DROP INDEX messages_dispatch;
    CREATE INDEX messages_dispatch ON messages (route, short_code, status, priority, due_at) WHERE status IN ('queued', 'submitting');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX messages_dispatch;
    CREATE INDEX messages_dispatch ON messages (short_code, status, priority, due_at) WHERE status IN ('queued', 'submitting');
    ALTER TABLE messages DROP COLUMN route, DROP COLUMN route_reason, DROP COLUMN fallback_routes;
    DROP TABLE short_code_routes;
    ALTER TABLE routes DROP COLUMN operator, DROP COLUMN subscribers_only, DROP COLUMN paused_at, DROP COLUMN paused_reason;
  `.execute(db);
}
