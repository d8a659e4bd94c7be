import { sql, type Kysely } from 'kysely';

/**
 * Retention and the rights of the people whose numbers Relais holds (docs/retention.md):
 * - retention_settings: an account's periods (JSON, core/retention): `ceiling` set by the aggregator (absent: the
 *   defaults), `chosen` by the account (at most the ceiling);
 * - retention_runs: each run of the retention job (or its dry run): when, who asked, and the count of each rule;
 * - retention_marks: how far a rule has gone for one scope (an account's messages by creation time, its MOs by
 *   reception time), so that the next run starts there instead of reading everything again;
 * - campaign_erasures: the campaigns whose exchanges were pseudonymised, with the count of STOPs after the campaign
 *   at that moment: the statistics keep it (the answers are pseudonymised on their own clock afterwards);
 * - the consent ledger stays append-only, with one door for an erasure: a transaction that sets
 *   `relais.erase_consent = 'on'` may delete events (the erasure replaces an opposition by its keyed hash first).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE retention_settings (
      account_id  uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
      ceiling     jsonb,
      chosen      jsonb,
      updated_at  timestamptz NOT NULL,
      updated_by  text
    );

    CREATE TABLE retention_runs (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dry_run      boolean NOT NULL,
      requested_by text NOT NULL,
      started_at   timestamptz NOT NULL,
      finished_at  timestamptz,
      counts       jsonb NOT NULL DEFAULT '{}',
      error        text
    );
    CREATE INDEX retention_runs_started ON retention_runs (started_at DESC);

    CREATE TABLE retention_marks (
      rule        text NOT NULL,
      scope       text NOT NULL,
      mark        timestamptz NOT NULL,
      PRIMARY KEY (rule, scope)
    );

    CREATE TABLE campaign_erasures (
      campaign_id  uuid PRIMARY KEY,
      stops_after  integer NOT NULL,
      at           timestamptz NOT NULL
    );

    CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'consent_events' AND current_setting('relais.erase_consent', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
      END $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE campaign_erasures (
      campaign_id  uuid PRIMARY KEY,
      stops_after  integer NOT NULL,
      at           timestamptz NOT NULL
    );

    CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'consent_events is append-only'; END $$;
    DROP TABLE campaign_erasures, retention_marks, retention_runs, retention_settings;
  `.execute(db);
}
