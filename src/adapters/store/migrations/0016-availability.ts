import { sql, type Kysely } from 'kysely';

/**
 * Monitoring and reports (docs/monitoring.md):
 * - availability_transitions: each node's view of each route and door going up, down or no longer served by it,
 *   with the reason; append-only in use, written in batches off the send path. Availability is computed from it
 *   (core/reports/availability.ts).
 * - availability_nodes: one row per process (node) with its last heartbeat: a node that vanished without recording
 *   its stop is taken as gone from then on.
 * - traffic_months: the traffic report of a month that is over, frozen when first computed, so that purging old
 *   messages (retention) changes neither past reports nor the forecasts made from them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE availability_transitions (
      id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind     text NOT NULL CHECK (kind IN ('route', 'door')),
      subject  text NOT NULL,
      node     text NOT NULL,
      state    text NOT NULL CHECK (state IN ('up', 'down', 'stopped')),
      reason   text,
      at       timestamptz NOT NULL
    );
    CREATE INDEX availability_transitions_at ON availability_transitions (at);
    CREATE INDEX availability_transitions_subject ON availability_transitions (kind, subject, node, at DESC);

    CREATE TABLE availability_nodes (
      node          text PRIMARY KEY,
      started_at    timestamptz NOT NULL,
      last_seen_at  timestamptz NOT NULL
    );

    CREATE TABLE traffic_months (
      short_code       text NOT NULL,
      month            text NOT NULL,
      mt_submitted     bigint NOT NULL,
      mt_delivered     bigint NOT NULL,
      mo_received      bigint NOT NULL,
      stops            bigint NOT NULL,
      peak_per_second  integer NOT NULL,
      computed_at      timestamptz NOT NULL,
      PRIMARY KEY (short_code, month)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE traffic_months, availability_nodes, availability_transitions`.execute(db);
}
