import { sql, type Kysely } from 'kysely';

/**
 * Géo Présence and localisation (docs/operators.md, "Géo Présence"):
 * - location_hits: one row per number asked of the location provider, the account's billable event (priced per hit,
 *   whatever the answer, counted by billing month in Europe/Paris). No foreign key: what was billed outlives the
 *   account's contacts and campaigns.
 * - geolocation_consents: recipients' acceptance (or withdrawal) of geolocated marketing per brand, with its
 *   evidence; append-only, like the consent ledger it sits next to (an opt-out there, after an acceptance here,
 *   ends the acceptance).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE location_hits (
      id           bigserial PRIMARY KEY,
      account_id   uuid NOT NULL,
      msisdn       text NOT NULL,
      outcome      text NOT NULL CHECK (outcome IN ('located', 'inside', 'outside', 'refused', 'off', 'unknown')),
      campaign_id  uuid,
      asked_at     timestamptz NOT NULL,
      month        text NOT NULL
    );
    CREATE INDEX location_hits_month ON location_hits (month, account_id);
    CREATE INDEX location_hits_campaign ON location_hits (campaign_id) WHERE campaign_id IS NOT NULL;
    -- The hits whose number is not pseudonymised yet: the retention job walks them (a pseudonymised row leaves it).
    CREATE INDEX location_hits_numbered ON location_hits (account_id, asked_at) WHERE left(msisdn, 1) <> '#';

    CREATE TABLE geolocation_consents (
      id           bigserial PRIMARY KEY,
      account_id   uuid NOT NULL REFERENCES accounts (id),
      brand        text NOT NULL,
      recipient    text NOT NULL,
      accepted     boolean NOT NULL,
      channel      text,
      wording      text,
      reference    text,
      occurred_at  timestamptz NOT NULL,
      recorded_at  timestamptz NOT NULL
    );
    CREATE INDEX geolocation_consents_recipient ON geolocation_consents (account_id, recipient, brand, occurred_at DESC, id DESC);
    -- Append-only, except the erasure of a person at their request (gdpr-store.ts), as for consent_events.
    CREATE FUNCTION geolocation_consents_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('relais.erase_consent', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'geolocation_consents is append-only';
      END $$;
    CREATE TRIGGER geolocation_consents_append_only BEFORE UPDATE OR DELETE ON geolocation_consents
      FOR EACH ROW EXECUTE FUNCTION geolocation_consents_append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE geolocation_consents, location_hits; DROP FUNCTION geolocation_consents_append_only();`.execute(db);
}
