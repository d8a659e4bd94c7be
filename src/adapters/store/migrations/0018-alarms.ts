import { sql, type Kysely } from 'kysely';

/**
 * Alarms and the aggregator's operator costs (docs/billing.md, "Alarms" and "The aggregator's side"):
 * - alarm_settings: each account's alarm settings (JSON, core/billing/alarms.ts).
 * - alarms: every alarm raised, once per account, kind, key and period (the UNIQUE makes a second raise a no-op,
 *   whichever process evaluates); `notified_at` is set once its e-mails and SMS are sent (until then the sweep tries
 *   again: at least once).
 * - sending_holds: accounts whose hard cap is reached; the dispatcher's claim leaves their queued messages where
 *   they are (as it does for a suspended account) until the row is removed: the limit raised or the month turned.
 * - webhook_deliveries.alarm_id: a webhook delivery may tell an alarm (a subject beside a message event, an MO and a
 *   prepared body).
 * - operator_contract: the aggregator's contract with its operator as data (tariff grids, qualified MSISDNs, one-off
 *   events), priced to get the operator's cost.
 * - operator_counts: the operator's own monthly counts per short code, imported for the reconciliation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE alarm_settings (
      account_id  uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
      settings    jsonb NOT NULL,
      updated_at  timestamptz NOT NULL,
      updated_by  text
    );

    CREATE TABLE alarms (
      id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      kind        text NOT NULL,
      key         text NOT NULL,
      period      text NOT NULL,
      message     text NOT NULL,
      figures     jsonb NOT NULL,
      raised_at   timestamptz NOT NULL,
      notified_at timestamptz,
      UNIQUE (account_id, kind, key, period)
    );
    CREATE INDEX alarms_account ON alarms (account_id, id DESC);
    CREATE INDEX alarms_to_notify ON alarms (id) WHERE notified_at IS NULL;

    CREATE TABLE sending_holds (
      account_id  uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
      month       text NOT NULL,
      reason      text NOT NULL,
      since       timestamptz NOT NULL
    );

    ALTER TABLE webhook_deliveries
      ADD COLUMN alarm_id bigint REFERENCES alarms (id) ON DELETE CASCADE,
      DROP CONSTRAINT webhook_deliveries_one_subject,
      ADD CONSTRAINT webhook_deliveries_one_subject CHECK (num_nonnulls(event_id, inbound_id, payload, alarm_id) = 1);

    CREATE TABLE operator_contract (
      name        text PRIMARY KEY,
      contract    jsonb NOT NULL,
      updated_at  timestamptz NOT NULL
    );

    CREATE TABLE operator_counts (
      month       text NOT NULL,
      short_code  text NOT NULL,
      delivered   bigint NOT NULL CHECK (delivered >= 0),
      imported_at timestamptz NOT NULL,
      source      text,
      PRIMARY KEY (month, short_code)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE operator_counts, operator_contract;
    DELETE FROM webhook_deliveries WHERE alarm_id IS NOT NULL;
    ALTER TABLE webhook_deliveries
      DROP CONSTRAINT webhook_deliveries_one_subject,
      DROP COLUMN alarm_id,
      ADD CONSTRAINT webhook_deliveries_one_subject CHECK (num_nonnulls(event_id, inbound_id, payload) = 1);
    DROP TABLE sending_holds, alarms, alarm_settings;
  `.execute(db);
}
