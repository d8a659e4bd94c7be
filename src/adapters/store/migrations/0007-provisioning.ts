import { sql, type Kysely } from 'kysely';

/**
 * What the aggregator provisions per account, and the consent evidence's date:
 * - consent_events.dated: whether the evidence itself gave when consent happened (core/consent: only dated
 *   evidence, or a START, can overturn an opt-out). Events recorded before this migration are read back: an API
 *   or portal event whose occurred_at is its recording instant, and an import event dated at its import's start,
 *   were not dated by their evidence (that is what Relais wrote when no date was given).
 * - account_short_codes: the short codes an account may send on (a short code may be shared by several accounts);
 *   each account's default short code is assigned to it.
 * - accounts: approved alphanumeric senders, options granted (alphanumeric sender, Géo Présence, everything
 *   promoted is free), the rule set chosen, the STOP wording and STOP short code, a lower marketing-per-day limit.
 * - api_keys.role: 'aggregator' keys reach the provisioning routes and belong to no account.
 * - import_notices: rows an import kept, with something the client must know (an opt-in that did not re-open
 *   consent after the recipient's opt-out).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE consent_events ADD COLUMN dated boolean NOT NULL DEFAULT true;
    ALTER TABLE consent_events DISABLE TRIGGER consent_events_append_only;
    UPDATE consent_events e SET dated = false
    WHERE (e.source IN ('api', 'portal') AND e.occurred_at = e.recorded_at)
       OR (e.source = 'import' AND EXISTS (SELECT 1 FROM imports i WHERE e.reference = 'import:' || i.id AND e.occurred_at = i.created_at));
    ALTER TABLE consent_events ENABLE TRIGGER consent_events_append_only;
    ALTER TABLE consent_events ALTER COLUMN dated DROP DEFAULT;

    CREATE TABLE account_short_codes (
      account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      short_code  text NOT NULL,
      PRIMARY KEY (account_id, short_code)
    );
    CREATE INDEX account_short_codes_short_code ON account_short_codes (short_code);
    INSERT INTO account_short_codes (account_id, short_code)
    SELECT id, default_short_code FROM accounts WHERE default_short_code IS NOT NULL;

    ALTER TABLE accounts
      ADD COLUMN alphanumeric_senders text[] NOT NULL DEFAULT '{}',
      ADD COLUMN options text[] NOT NULL DEFAULT '{}',
      ADD COLUMN rule_set jsonb,
      ADD COLUMN stop_wording jsonb,
      ADD COLUMN stop_short_code text,
      ADD COLUMN marketing_per_day smallint CHECK (marketing_per_day >= 0);

    ALTER TABLE api_keys
      ALTER COLUMN account_id DROP NOT NULL,
      ADD COLUMN role text NOT NULL DEFAULT 'account' CHECK (role IN ('account', 'aggregator')),
      ADD CONSTRAINT api_keys_role_account CHECK ((role = 'account') = (account_id IS NOT NULL));

    ALTER TABLE imports ADD COLUMN consents_not_reopened integer NOT NULL DEFAULT 0;
    CREATE TABLE import_notices (
      import_id  uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
      line       integer NOT NULL,
      msisdn     text NOT NULL,
      reason     text NOT NULL,
      PRIMARY KEY (import_id, line)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE import_notices;
    ALTER TABLE imports DROP COLUMN consents_not_reopened;
    DELETE FROM api_keys WHERE role = 'aggregator';
    ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_account, DROP COLUMN role, ALTER COLUMN account_id SET NOT NULL;
    ALTER TABLE accounts DROP COLUMN alphanumeric_senders, DROP COLUMN options, DROP COLUMN rule_set, DROP COLUMN stop_wording,
      DROP COLUMN stop_short_code, DROP COLUMN marketing_per_day;
    DROP TABLE account_short_codes;
    ALTER TABLE consent_events DROP COLUMN dated;
  `.execute(db);
}
