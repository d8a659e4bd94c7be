import { sql, type Kysely } from 'kysely';

/**
 * The SMPP server for clients (ESMEs): each account's SMPP credentials (password kept as a salted scrypt hash),
 * and the messages submitted over SMPP that asked for a delivery receipt, with whether the client has
 * acknowledged that receipt (the durable queue of receipts to send back); and the MOs of an account its SMPP
 * client has acknowledged (those not in it are delivered to its receiver binds).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE smpp_credentials (
      account_id     uuid PRIMARY KEY REFERENCES accounts (id),
      system_id      text NOT NULL UNIQUE,
      password_hash  text NOT NULL,
      allowed_ips    text[] NOT NULL DEFAULT '{}',
      max_binds      integer,
      created_at     timestamptz NOT NULL,
      updated_at     timestamptz NOT NULL
    );

    -- One row per message taken over SMPP with registered_delivery asking for a receipt. The receipt is due once
    -- the message is final; receipt_acked_at is set when the client answered its deliver_sm with ESME_ROK.
    CREATE TABLE smpp_submissions (
      message_id           uuid PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
      account_id           uuid NOT NULL,
      registered_delivery  smallint NOT NULL,
      source_addr          text NOT NULL,
      source_addr_ton      smallint NOT NULL,
      source_addr_npi      smallint NOT NULL,
      submitted_at         timestamptz NOT NULL,
      receipt_acked_at     timestamptz
    );
    CREATE INDEX smpp_submissions_unacked ON smpp_submissions (account_id, submitted_at) WHERE receipt_acked_at IS NULL;

    -- MOs (inbound_messages attributed to the account) its SMPP client answered with ESME_ROK.
    CREATE TABLE smpp_mo_acks (
      inbound_id  uuid PRIMARY KEY,
      account_id  uuid NOT NULL,
      acked_at    timestamptz NOT NULL
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE smpp_mo_acks, smpp_submissions, smpp_credentials;`.execute(db);
}
