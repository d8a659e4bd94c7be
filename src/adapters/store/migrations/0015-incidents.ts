import { sql, type Kysely } from 'kysely';

/**
 * Incident tickets (docs/incidents.md):
 * - incident_counters: the last number handed out per year (references are continuous within a year);
 * - incidents: one ticket, its qualification, its status, and once closed its cause and counted duration;
 * - incident_status_changes: every status from the opening on, the history the ticket clock is read from;
 * - incident_comments, incident_attachments: what the client and the provider wrote and joined (files in bytea);
 * - webhook_deliveries.payload: a delivery whose body is written when it is queued (incident events), a third kind
 *   besides a message event and an MO.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE incident_counters (
      year  integer PRIMARY KEY,
      last  integer NOT NULL
    );

    CREATE TABLE incidents (
      id            uuid PRIMARY KEY,
      reference     text NOT NULL UNIQUE,
      account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      title         text NOT NULL,
      description   text NOT NULL,
      severity      text NOT NULL CHECK (severity IN ('critical', 'major', 'minor')),
      category      text NOT NULL CHECK (category IN ('sending', 'delivery', 'receipts', 'inbound', 'api', 'portal', 'billing', 'other')),
      qualified_at  timestamptz,
      status        text NOT NULL CHECK (status IN ('open', 'waiting-for-client', 'resolved', 'closed')),
      opened_by     text NOT NULL,
      opened_at     timestamptz NOT NULL,
      resolved_at   timestamptz,
      closed_at     timestamptz,
      cause         text,
      business_ms   bigint,
      CHECK (status <> 'closed' OR (closed_at IS NOT NULL AND business_ms IS NOT NULL))
    );
    CREATE INDEX incidents_account ON incidents (account_id, opened_at DESC);
    CREATE INDEX incidents_closed ON incidents (closed_at) WHERE closed_at IS NOT NULL;
    CREATE INDEX incidents_unfinished ON incidents (opened_at) WHERE status <> 'closed';

    CREATE TABLE incident_status_changes (
      incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
      seq          integer NOT NULL,
      at           timestamptz NOT NULL,
      status       text NOT NULL,
      side         text NOT NULL CHECK (side IN ('client', 'provider')),
      author       text NOT NULL,
      note         text,
      PRIMARY KEY (incident_id, seq)
    );

    CREATE TABLE incident_comments (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      incident_id  uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
      at           timestamptz NOT NULL,
      side         text NOT NULL CHECK (side IN ('client', 'provider')),
      author       text NOT NULL,
      text         text NOT NULL
    );
    CREATE INDEX incident_comments_incident ON incident_comments (incident_id, id);

    CREATE TABLE incident_attachments (
      id            uuid PRIMARY KEY,
      incident_id   uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
      at            timestamptz NOT NULL,
      side          text NOT NULL CHECK (side IN ('client', 'provider')),
      author        text NOT NULL,
      filename      text NOT NULL,
      content_type  text NOT NULL,
      size          integer NOT NULL,
      content       bytea NOT NULL
    );
    CREATE INDEX incident_attachments_incident ON incident_attachments (incident_id, at);

    ALTER TABLE webhook_deliveries ADD COLUMN payload jsonb,
      DROP CONSTRAINT webhook_deliveries_one_subject,
      ADD CONSTRAINT webhook_deliveries_one_subject CHECK (num_nonnulls(event_id, inbound_id, payload) = 1);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM webhook_deliveries WHERE payload IS NOT NULL;
    ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_one_subject, DROP COLUMN payload,
      ADD CONSTRAINT webhook_deliveries_one_subject CHECK ((event_id IS NULL) <> (inbound_id IS NULL));
    DROP TABLE incident_attachments, incident_comments, incident_status_changes, incidents, incident_counters;
  `.execute(db);
}
