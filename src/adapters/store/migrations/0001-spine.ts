import { sql, type Kysely } from 'kysely';

/**
 * The spine: accounts and keys, routes and short codes, the outbox (messages, their parts on the wire,
 * their events), receipts not matched yet, webhooks and their deliveries, idempotency keys, route leases.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE accounts (
      id                 uuid PRIMARY KEY,
      name               text NOT NULL UNIQUE,
      default_short_code text,
      in_doubt_policy    text NOT NULL DEFAULT 'hold' CHECK (in_doubt_policy IN ('hold', 'retry')),
      created_at         timestamptz NOT NULL
    );

    CREATE TABLE api_keys (
      id          uuid PRIMARY KEY,
      account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      key_hash    bytea NOT NULL UNIQUE,
      key_prefix  text NOT NULL,
      label       text,
      created_at  timestamptz NOT NULL,
      revoked_at  timestamptz
    );

    CREATE TABLE routes (
      name        text PRIMARY KEY,
      protocol    text NOT NULL CHECK (protocol IN ('smpp', 'ucp')),
      host        text NOT NULL,
      port        integer NOT NULL,
      system_id   text NOT NULL,
      password    text NOT NULL,
      settings    jsonb NOT NULL DEFAULT '{}',
      updated_at  timestamptz NOT NULL
    );

    CREATE TABLE short_codes (
      number           text PRIMARY KEY,
      route            text NOT NULL REFERENCES routes (name),
      rate_per_second  integer NOT NULL CHECK (rate_per_second >= 0),
      updated_at       timestamptz NOT NULL
    );

    CREATE TABLE messages (
      id               uuid PRIMARY KEY,
      account_id       uuid NOT NULL REFERENCES accounts (id),
      recipient        text NOT NULL,
      sender           text NOT NULL,
      short_code       text NOT NULL REFERENCES short_codes (number),
      class            text NOT NULL CHECK (class IN ('transactional', 'marketing')),
      priority         smallint NOT NULL,
      body             text NOT NULL,
      encoding         text NOT NULL,
      segments         integer NOT NULL,
      status           text NOT NULL,
      due_at           timestamptz NOT NULL,
      attempts         integer NOT NULL DEFAULT 0,
      parts_accepted   integer NOT NULL DEFAULT 0,
      possible_duplicate boolean NOT NULL DEFAULT false,
      client_reference text,
      error_code       text,
      error_reason     text,
      created_at       timestamptz NOT NULL,
      submitted_at     timestamptz,
      done_at          timestamptz,
      updated_at       timestamptz NOT NULL
    );
    -- Every status change rewrites each index of this table (status is in a partial index predicate, so no
    -- update is HOT): keep them few. The dispatcher's claim (queued, by short code, transactional first) and
    -- crash recovery (submitting, by short code) share one small partial index; reads by account use the other.
    CREATE INDEX messages_dispatch ON messages (short_code, status, priority, due_at) WHERE status IN ('queued', 'submitting');
    CREATE INDEX messages_account_created ON messages (account_id, created_at DESC, id DESC);

    CREATE TABLE message_parts (
      message_id       uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      part_index       smallint NOT NULL,
      route            text NOT NULL,
      smsc_message_id  text NOT NULL,
      submitted_at     timestamptz NOT NULL,
      receipt_state    text,
      receipt_error    text,
      receipt_at       timestamptz,
      receipt_raw      text,
      PRIMARY KEY (message_id, part_index)
    );
    -- Receipts are matched on the SMSC's id, an opaque case-sensitive string unique per SMSC.
    CREATE INDEX message_parts_smsc_id ON message_parts (route, smsc_message_id);

    CREATE TABLE message_events (
      id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      message_id  uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      account_id  uuid NOT NULL,
      status      text NOT NULL,
      reason      text,
      at          timestamptz NOT NULL
    );
    CREATE INDEX message_events_message ON message_events (message_id, id);

    -- Receipts that arrived before their submit_sm_resp was recorded (or for ids we never sent).
    CREATE TABLE pending_receipts (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      route            text NOT NULL,
      smsc_message_id  text NOT NULL,
      state            text NOT NULL,
      error_code       text,
      done_at          timestamptz,
      raw              text NOT NULL,
      received_at      timestamptz NOT NULL
    );
    CREATE INDEX pending_receipts_smsc_id ON pending_receipts (route, smsc_message_id);

    -- Mobile-originated messages as received from the operator links; the MO pipeline (STOP, CONTACT) reads them.
    CREATE TABLE inbound_messages (
      id           uuid PRIMARY KEY,
      route        text NOT NULL,
      sender       text NOT NULL,
      recipient    text NOT NULL,
      body         text NOT NULL,
      received_at  timestamptz NOT NULL
    );
    CREATE INDEX inbound_messages_recipient ON inbound_messages (recipient, received_at DESC);

    CREATE TABLE webhooks (
      id          uuid PRIMARY KEY,
      account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      url         text NOT NULL,
      secret      text NOT NULL,
      events      text[] NOT NULL,
      active      boolean NOT NULL DEFAULT true,
      created_at  timestamptz NOT NULL
    );
    CREATE INDEX webhooks_account ON webhooks (account_id) WHERE active;

    CREATE TABLE webhook_deliveries (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      webhook_id       uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
      event_id         bigint NOT NULL REFERENCES message_events (id) ON DELETE CASCADE,
      status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts         integer NOT NULL DEFAULT 0,
      parts_accepted   integer NOT NULL DEFAULT 0,
      next_attempt_at  timestamptz NOT NULL,
      created_at       timestamptz NOT NULL,
      delivered_at     timestamptz
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id DESC);

    CREATE TABLE webhook_attempts (
      delivery_id  bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
      attempt      integer NOT NULL,
      at           timestamptz NOT NULL,
      http_status  integer,
      error        text,
      duration_ms  integer NOT NULL,
      PRIMARY KEY (delivery_id, attempt)
    );

    CREATE TABLE idempotency_keys (
      account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      key           text NOT NULL,
      request_hash  text NOT NULL,
      message_ids   uuid[] NOT NULL,
      created_at    timestamptz NOT NULL,
      PRIMARY KEY (account_id, key)
    );

    CREATE TABLE route_leases (
      route       text PRIMARY KEY,
      owner       text NOT NULL,
      expires_at  timestamptz NOT NULL
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE route_leases, idempotency_keys, webhook_attempts, webhook_deliveries, webhooks, pending_receipts,
      inbound_messages, message_events, message_parts, messages, short_codes, routes, api_keys, accounts;
  `.execute(db);
}
