import { sql, type Kysely } from 'kysely';

/**
 * Contacts and campaigns (issue "import a million, plan, simulate, send, resume"):
 * - bases of contacts per account, with their typed custom fields; lists; segments (saved filters);
 * - imports, their rejected rows (the downloadable error file) and what they changed (to roll back);
 * - retracted consent events (an import rolled back withdraws the opt-ins it declared; the ledger stays append-only);
 * - campaigns, whose messages carry their campaign: at most one per recipient, by a unique index;
 * - webhook deliveries of received MOs (event "inbound"), beside those of message status changes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE contact_bases (
      id             uuid PRIMARY KEY,
      account_id     uuid NOT NULL REFERENCES accounts (id),
      name           text NOT NULL,
      custom_fields  jsonb NOT NULL DEFAULT '[]',
      created_at     timestamptz NOT NULL,
      UNIQUE (account_id, name)
    );

    -- id is ordered: a campaign walks its audience by id, and its cursor is the last id it queued.
    CREATE TABLE contacts (
      id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      base_id           uuid NOT NULL REFERENCES contact_bases (id) ON DELETE CASCADE,
      mobile            text NOT NULL,
      last_name         text,
      first_name        text,
      landline          text,
      email             text,
      birthday          date,
      custom            jsonb NOT NULL DEFAULT '{}',
      created_at        timestamptz NOT NULL,
      updated_at        timestamptz NOT NULL,
      last_activity_at  timestamptz,
      import_id         uuid,
      UNIQUE (base_id, mobile)
    );
    -- No other index: each costs every imported row. A number is found through (base_id, mobile), one probe
    -- per base of the account; a rollback (rare) scans for its import_id.

    -- Removed contacts (number hygiene, terminated numbers, API): who, why, when. The contact row is deleted.
    CREATE TABLE contact_removals (
      id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      account_id  uuid NOT NULL,
      base_id     uuid NOT NULL,
      mobile      text NOT NULL,
      reason      text NOT NULL,
      at          timestamptz NOT NULL
    );
    CREATE INDEX contact_removals_account ON contact_removals (account_id, at);

    CREATE TABLE contact_lists (
      id          uuid PRIMARY KEY,
      base_id     uuid NOT NULL REFERENCES contact_bases (id) ON DELETE CASCADE,
      name        text NOT NULL,
      created_at  timestamptz NOT NULL,
      UNIQUE (base_id, name)
    );
    CREATE TABLE contact_list_members (
      list_id     uuid NOT NULL REFERENCES contact_lists (id) ON DELETE CASCADE,
      contact_id  bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
      PRIMARY KEY (list_id, contact_id)
    );
    CREATE INDEX contact_list_members_contact ON contact_list_members (contact_id);

    CREATE TABLE segments (
      id          uuid PRIMARY KEY,
      base_id     uuid NOT NULL REFERENCES contact_bases (id) ON DELETE CASCADE,
      name        text NOT NULL,
      filter      jsonb NOT NULL,
      created_at  timestamptz NOT NULL,
      UNIQUE (base_id, name)
    );

    -- An import commits chunk by chunk (several at once); each chunk records its range of lines in
    -- import_chunks in its own transaction: resuming reads the file again and skips the settled ranges.
    CREATE TABLE imports (
      id              uuid PRIMARY KEY,
      account_id      uuid NOT NULL REFERENCES accounts (id),
      base_id         uuid NOT NULL REFERENCES contact_bases (id) ON DELETE CASCADE,
      list_id         uuid REFERENCES contact_lists (id) ON DELETE SET NULL,
      file_name       text,
      status          text NOT NULL CHECK (status IN ('running', 'completed', 'rolled-back')),
      settings        jsonb NOT NULL,
      lines_done      integer NOT NULL DEFAULT 1,
      rows_inserted   integer NOT NULL DEFAULT 0,
      rows_merged     integer NOT NULL DEFAULT 0,
      rows_rejected   integer NOT NULL DEFAULT 0,
      consents        integer NOT NULL DEFAULT 0,
      created_at      timestamptz NOT NULL,
      updated_at      timestamptz NOT NULL,
      finished_at     timestamptz
    );
    CREATE TABLE import_chunks (
      import_id   uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
      first_line  integer NOT NULL,
      last_line   integer NOT NULL,
      PRIMARY KEY (import_id, first_line)
    );
    CREATE TABLE import_rejections (
      import_id  uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
      line       integer NOT NULL,
      reason     text NOT NULL,
      raw        text NOT NULL,
      PRIMARY KEY (import_id, line)
    );
    -- The fields a merged contact had before the import changed them (the first time it did).
    CREATE TABLE import_undo (
      import_id   uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
      contact_id  bigint NOT NULL,
      previous    jsonb NOT NULL,
      PRIMARY KEY (import_id, contact_id)
    );

    -- Append-only like the ledger it annotates (no foreign key: the ledger's own TRUNCATE guard must be the
    -- one that answers).
    CREATE TABLE consent_retractions (
      event_id  uuid PRIMARY KEY,
      reason    text NOT NULL,
      at        timestamptz NOT NULL
    );
    CREATE TRIGGER consent_retractions_append_only BEFORE UPDATE OR DELETE ON consent_retractions
      FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();
    CREATE TRIGGER consent_retractions_no_truncate BEFORE TRUNCATE ON consent_retractions
      FOR EACH STATEMENT EXECUTE FUNCTION consent_events_append_only();

    CREATE TABLE campaigns (
      id             uuid PRIMARY KEY,
      account_id     uuid NOT NULL REFERENCES accounts (id),
      name           text NOT NULL,
      status         text NOT NULL CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')),
      class          text NOT NULL CHECK (class IN ('transactional', 'marketing')),
      brand          text NOT NULL,
      short_code     text NOT NULL,
      sender         text NOT NULL,
      template       text NOT NULL,
      audience       jsonb NOT NULL,
      send_at        timestamptz,
      cursor         bigint NOT NULL DEFAULT 0,
      queued         integer NOT NULL DEFAULT 0,
      created_at     timestamptz NOT NULL,
      updated_at     timestamptz NOT NULL,
      started_at     timestamptz,
      finished_at    timestamptz
    );
    CREATE INDEX campaigns_account ON campaigns (account_id, created_at);
    CREATE INDEX campaigns_active ON campaigns (status) WHERE status IN ('scheduled', 'running');

    ALTER TABLE webhook_deliveries ALTER COLUMN event_id DROP NOT NULL,
      ADD COLUMN inbound_id uuid REFERENCES inbound_messages (id) ON DELETE CASCADE,
      ADD CONSTRAINT webhook_deliveries_one_subject CHECK ((event_id IS NULL) <> (inbound_id IS NULL));

    ALTER TABLE messages ADD COLUMN campaign_id uuid;
    CREATE UNIQUE INDEX messages_campaign_recipient ON messages (campaign_id, recipient) WHERE campaign_id IS NOT NULL;
    CREATE INDEX messages_campaign_status ON messages (campaign_id, status, due_at) WHERE campaign_id IS NOT NULL;
    -- Number hygiene reads the recent unknown-subscriber failures.
    CREATE INDEX messages_undeliverable ON messages (done_at) WHERE status = 'undeliverable';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX messages_campaign_recipient, messages_campaign_status, messages_undeliverable;
    DELETE FROM webhook_deliveries WHERE inbound_id IS NOT NULL;
    ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_one_subject, DROP COLUMN inbound_id,
      ALTER COLUMN event_id SET NOT NULL;
    ALTER TABLE messages DROP COLUMN campaign_id;
    DROP TABLE campaigns, consent_retractions, import_undo, import_rejections, import_chunks, imports, segments,
      contact_list_members, contact_lists, contact_removals, contacts, contact_bases;
  `.execute(db);
}
