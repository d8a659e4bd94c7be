import { sql, type Kysely } from 'kysely';

/**
 * What SMSCs and SMPP clients Relais did not write need:
 * - a receipt is kept as the octets it came as (bytea): SMSCs copy the first octets of the message into `text:`,
 *   NULs included, which a text column refuses;
 * - writes of the outbox that can never succeed are set aside in `dead_letters` with their reason, instead of
 *   blocking the writer (docs/operations.md);
 * - a receipt request of the SMPP server names the id the client was given for that submit_sm: the message id,
 *   or the id of one part of a concatenated message (docs/smpp-server.md). Several parts of one message may each
 *   ask for a receipt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE message_parts ALTER COLUMN receipt_raw TYPE bytea USING convert_to(receipt_raw, 'UTF8');
    ALTER TABLE pending_receipts ALTER COLUMN raw TYPE bytea USING convert_to(raw, 'UTF8');

    CREATE TABLE dead_letters (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind         text NOT NULL CHECK (kind IN ('outcome', 'receipt')),
      route        text NOT NULL,
      -- The message (an outcome) or the SMSC's message id (a receipt) it was about.
      subject      text NOT NULL,
      reason       text NOT NULL,
      -- What could not be written, as JSON (octets in base64): nothing in it can be refused.
      payload      text NOT NULL,
      set_aside_at timestamptz NOT NULL
    );

    ALTER TABLE smpp_submissions ADD COLUMN receipt_id text;
    UPDATE smpp_submissions SET receipt_id = message_id::text;
    ALTER TABLE smpp_submissions ALTER COLUMN receipt_id SET NOT NULL,
      DROP CONSTRAINT smpp_submissions_pkey, ADD PRIMARY KEY (receipt_id);
    CREATE INDEX smpp_submissions_message ON smpp_submissions (message_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM smpp_submissions WHERE receipt_id <> message_id::text;
    DROP INDEX smpp_submissions_message;
    ALTER TABLE smpp_submissions DROP CONSTRAINT smpp_submissions_pkey, ADD PRIMARY KEY (message_id);
    ALTER TABLE smpp_submissions DROP COLUMN receipt_id;
    DROP TABLE dead_letters;
    ALTER TABLE pending_receipts ALTER COLUMN raw TYPE text USING convert_from(raw, 'UTF8');
    ALTER TABLE message_parts ALTER COLUMN receipt_raw TYPE text USING convert_from(receipt_raw, 'UTF8');
  `.execute(db);
}
