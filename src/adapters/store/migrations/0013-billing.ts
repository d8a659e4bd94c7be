import { sql, type Kysely } from 'kysely';

/**
 * Billing (docs/billing.md):
 * - usage_lines: one row per SMS-MT part that reached its final state, written in the statement that records the
 *   state (a final receipt) or by the no-receipt sweep (`settled_by` = 'timeout'). Keyed by the part: whatever
 *   arrives twice, a part is counted once. No foreign key to messages: usage outlives the messages' retention.
 *   `month` is the month, in Europe/Paris, the final state was recorded in.
 * - billing_sweeps: how far the no-receipt sweep has gone (parts submitted up to `swept_until` are settled); it
 *   starts after the last part sent before this migration.
 * - billing_plans: each account's price plan (JSON, core/billing/plan.ts) and whether it pays ahead (prepaid) or
 *   after (postpaid).
 * - credit_accounts: a prepaid account's balance and the part of it reserved by messages not yet settled, in
 *   integer micro-euros; `part_price` is the worst-case price of one part under its plan. The CHECK keeps the
 *   available credit (balance − reserved) at or above zero whatever runs concurrently.
 * - credit_movements: top-ups (who and why), charges and releases.
 * - messages.reserved: what accepting a message reserved on the account's credit; set back to 0 when settled.
 * - invoices: one per postpaid account and month, issued by the month close; never changed once issued. Numbers
 *   come from invoice_counters (one row per series, the year), incremented in the transaction that inserts the
 *   invoice: a number is used if and only if its invoice exists, so the numbering has no gap.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE usage_lines (
      message_id   uuid NOT NULL,
      part_index   smallint NOT NULL,
      account_id   uuid NOT NULL,
      brand        text NOT NULL,
      class        text NOT NULL,
      short_code   text NOT NULL,
      route        text NOT NULL,
      campaign_id  uuid,
      parts        smallint NOT NULL DEFAULT 1,
      final_state  text NOT NULL,
      settled_by   text NOT NULL CHECK (settled_by IN ('receipt', 'timeout')),
      month        text NOT NULL,
      settled_at   timestamptz NOT NULL,
      PRIMARY KEY (message_id, part_index)
    );
    CREATE INDEX usage_lines_account_month ON usage_lines (account_id, month);

    -- The no-receipt sweep reads parts by the time they were submitted.
    CREATE INDEX message_parts_submitted ON message_parts (submitted_at);

    CREATE TABLE billing_sweeps (
      name         text PRIMARY KEY,
      swept_until  timestamptz NOT NULL
    );
    -- Parts sent before billing existed are not settled by the delay: their months were never rated.
    INSERT INTO billing_sweeps (name, swept_until) SELECT 'no-receipt', coalesce(max(submitted_at), '-infinity') FROM message_parts;

    CREATE TABLE billing_plans (
      account_id   uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
      plan         jsonb NOT NULL,
      payment      text NOT NULL DEFAULT 'postpaid' CHECK (payment IN ('prepaid', 'postpaid')),
      updated_at   timestamptz NOT NULL,
      updated_by   text
    );

    CREATE TABLE credit_accounts (
      account_id   uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
      balance      bigint NOT NULL DEFAULT 0,
      reserved     bigint NOT NULL DEFAULT 0,
      -- false once the account is postpaid: its balance stays, nothing is reserved any more.
      prepaid      boolean NOT NULL DEFAULT true,
      part_price   bigint NOT NULL CHECK (part_price >= 0),
      CHECK (reserved >= 0 AND balance >= reserved)
    );

    CREATE TABLE credit_movements (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      account_id   uuid NOT NULL,
      kind         text NOT NULL CHECK (kind IN ('top-up', 'charge', 'adjustment')),
      amount       bigint NOT NULL,
      message_id   uuid,
      by_whom      text,
      reason       text,
      at           timestamptz NOT NULL
    );
    CREATE INDEX credit_movements_account ON credit_movements (account_id, id);

    CREATE TABLE invoice_counters (
      series       text PRIMARY KEY,
      last_number  bigint NOT NULL
    );

    CREATE TABLE invoices (
      number         text PRIMARY KEY,
      series         text NOT NULL,
      sequence       bigint NOT NULL,
      account_id     uuid NOT NULL REFERENCES accounts (id),
      month          text NOT NULL,
      issued_at      timestamptz NOT NULL,
      lines          jsonb NOT NULL,
      total          bigint NOT NULL,
      vat_basis_points integer NOT NULL,
      vat            bigint NOT NULL,
      total_with_vat bigint NOT NULL,
      UNIQUE (account_id, month),
      UNIQUE (series, sequence)
    );

    -- The intake's statement calls this when a prepaid account cannot reserve a batch: the statement, hence the
    -- batch, is refused as a whole (SQLSTATE RL402), with what was needed and what was available.
    CREATE FUNCTION relais_insufficient_credit(account uuid, needed bigint, available bigint) RETURNS int
    LANGUAGE plpgsql AS $fn$
    BEGIN
      RAISE EXCEPTION 'insufficient credit' USING ERRCODE = 'RL402', DETAIL = json_build_object('account', account, 'needed', needed, 'available', available)::text;
    END $fn$;

    ALTER TABLE messages ADD COLUMN reserved bigint NOT NULL DEFAULT 0;
    CREATE INDEX messages_reserved ON messages (id) WHERE reserved > 0;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX messages_reserved;
    ALTER TABLE messages DROP COLUMN reserved;
    DROP FUNCTION relais_insufficient_credit;
    DROP TABLE invoices, invoice_counters;
    DROP TABLE credit_movements, credit_accounts, billing_plans, billing_sweeps, usage_lines;
    DROP INDEX message_parts_submitted;
  `.execute(db);
}
