import { sql, type Kysely } from 'kysely';

/**
 * Consent and the per-recipient guards: the consent ledger (append-only), the marketing slots that make the
 * frequency cap atomic, each message's brand and compliance decision, and what an account says about itself
 * (its brand, its CONTACT answer, its cap policy, its MO keywords).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE accounts
      ADD COLUMN brand text,
      ADD COLUMN contact_reply text,
      ADD COLUMN cap_policy text NOT NULL DEFAULT 'defer' CHECK (cap_policy IN ('defer', 'reject')),
      ADD COLUMN allow_resubscribe boolean NOT NULL DEFAULT true,
      ADD COLUMN keywords jsonb;

    ALTER TABLE messages
      ADD COLUMN brand text NOT NULL DEFAULT '',
      ADD COLUMN compliance jsonb;

    -- What an MO asked for (stop, start, contact, other) and the account it was attributed to.
    ALTER TABLE inbound_messages
      ADD COLUMN intent text NOT NULL DEFAULT 'other',
      ADD COLUMN keyword text,
      ADD COLUMN account_id uuid REFERENCES accounts (id),
      ADD COLUMN brand text;
    CREATE INDEX inbound_messages_account ON inbound_messages (account_id, received_at DESC, id DESC);

    -- The consent ledger: one row per event, never updated nor deleted; the current state is derived
    -- (core/consent). brand '*' is every brand of the account (a STOP that could not be attributed to one).
    CREATE TABLE consent_events (
      id           uuid PRIMARY KEY,
      account_id   uuid NOT NULL REFERENCES accounts (id),
      brand        text NOT NULL,
      recipient    text NOT NULL,
      kind         text NOT NULL CHECK (kind IN ('opt-in', 'soft-opt-in', 'opt-out')),
      source       text NOT NULL,
      channel      text,
      wording      text,
      reference    text,
      ip           text,
      occurred_at  timestamptz NOT NULL,
      recorded_at  timestamptz NOT NULL
    );
    CREATE INDEX consent_events_recipient ON consent_events (account_id, recipient, occurred_at, id);
    CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'consent_events is append-only'; END $$;
    CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
      FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();
    CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
      FOR EACH STATEMENT EXECUTE FUNCTION consent_events_append_only();

    -- One row per marketing message allowed to a recipient for a brand on a local day (slot 1..cap): the
    -- primary key is the frequency cap, taken in the same transaction as the message, whatever the door or
    -- the process. Also the recent traffic a STOP on a shared short code is attributed by.
    CREATE TABLE marketing_slots (
      account_id  uuid NOT NULL,
      brand       text NOT NULL,
      recipient   text NOT NULL,
      local_day   date NOT NULL,
      slot        smallint NOT NULL,
      short_code  text NOT NULL,
      message_id  uuid NOT NULL,
      PRIMARY KEY (account_id, brand, recipient, local_day, slot)
    );
    CREATE INDEX marketing_slots_attribution ON marketing_slots (recipient, short_code, local_day DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE marketing_slots, consent_events;
    DROP FUNCTION consent_events_append_only();
    ALTER TABLE messages DROP COLUMN brand, DROP COLUMN compliance;
    DROP INDEX inbound_messages_account;
    ALTER TABLE inbound_messages DROP COLUMN intent, DROP COLUMN keyword, DROP COLUMN account_id, DROP COLUMN brand;
    ALTER TABLE accounts DROP COLUMN brand, DROP COLUMN contact_reply, DROP COLUMN cap_policy,
      DROP COLUMN allow_resubscribe, DROP COLUMN keywords;
  `.execute(db);
}
