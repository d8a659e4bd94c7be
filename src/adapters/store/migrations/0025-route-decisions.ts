import { sql, type Kysely } from 'kysely';

/**
 * Routing decisions kept once (docs/routing.md): a deployment makes a few hundred distinct decisions (route, reason,
 * fallbacks), so a message names its decision by a 64-bit id instead of carrying the reason and its fallbacks — about
 * 60 bytes less on every row and on every version of it the pipeline writes. The id is a hash of the decision's
 * content: any process names a decision without asking the database, and the statement that inserts messages inserts
 * the decisions it names when they are new. A message without a decision is on its short code's route, no fallback.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE route_decisions (
      id         bigint PRIMARY KEY,
      route      text NOT NULL,
      reason     text NOT NULL,
      fallbacks  text[] NOT NULL
    );
    CREATE INDEX route_decisions_route ON route_decisions (route);

    -- Decisions already stored get a sequential id: new ones are hashes, spread over the whole bigint range, so
    -- the two never meet in practice; the insert's ON CONFLICT keeps the first of any two anyway.
    CREATE TEMPORARY TABLE old_decisions AS
      SELECT row_number() OVER () AS id, route, route_reason AS reason, fallback_routes AS fallbacks
      FROM (SELECT DISTINCT route, route_reason, fallback_routes FROM messages WHERE route IS NOT NULL AND route_reason IS NOT NULL) d;
    INSERT INTO route_decisions (id, route, reason, fallbacks) SELECT id, route, reason, fallbacks FROM old_decisions;

    ALTER TABLE messages ADD COLUMN route_decision bigint;
    UPDATE messages m SET route_decision = d.id FROM old_decisions d
    WHERE m.route = d.route AND m.route_reason = d.reason AND m.fallback_routes = d.fallbacks;
    ALTER TABLE messages DROP COLUMN route_reason, DROP COLUMN fallback_routes;
    DROP TABLE old_decisions;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE messages ADD COLUMN route_reason text, ADD COLUMN fallback_routes text[] NOT NULL DEFAULT '{}';
    UPDATE messages m SET route_reason = d.reason, fallback_routes = d.fallbacks FROM route_decisions d WHERE d.id = m.route_decision;
    ALTER TABLE messages DROP COLUMN route_decision;
    DROP TABLE route_decisions;
  `.execute(db);
}
