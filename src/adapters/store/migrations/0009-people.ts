import { sql, type Kysely } from 'kysely';

/**
 * People and rights (docs/accounts.md):
 * - accounts: the client's company identity (the CONTACT reply is built from it unless set), a second factor the
 *   administrator can require, and a status: `suspended` (doors refuse, queued messages held) or `closed` (the
 *   aggregator deleted it: doors refuse, nothing is sent again; its records stay for their retention period).
 * - account_brands: the brands an account speaks for (each account's own brand is its first).
 * - users: people of the aggregator (`staff_role`) or of one account (`account_id`); an account has at most one
 *   administrator (a partial unique index), who holds every right. Others hold `rights`, limited to `brands`
 *   when given. E-mail addresses are unique whatever their case.
 * - api_keys: rights and brands (null: every right, every brand — what keys made before this migration keep),
 *   when it was last used, who made it.
 * - sessions (signed-in browsers: only the SHA-256 of the cookie is stored), user_tokens (single-use links and
 *   one-time codes, hashed), sign_in_failures (for back-off and lockout).
 * - audit_events: append-only, who did what on behalf of which account, from where, with what result.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE accounts
      ADD COLUMN legal_name text,
      ADD COLUMN siren text,
      ADD COLUMN siret text,
      ADD COLUMN vat_number text,
      ADD COLUMN postal_address text,
      ADD COLUMN contact_email text,
      ADD COLUMN contact_phone text,
      ADD COLUMN require_second_factor boolean NOT NULL DEFAULT false,
      ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
      ADD COLUMN status_reason text,
      ADD COLUMN status_changed_at timestamptz;

    CREATE TABLE account_brands (
      account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      brand       text NOT NULL,
      created_at  timestamptz NOT NULL,
      PRIMARY KEY (account_id, brand)
    );
    INSERT INTO account_brands (account_id, brand, created_at) SELECT id, coalesce(brand, name), created_at FROM accounts;

    CREATE TABLE users (
      id               uuid PRIMARY KEY,
      email            text NOT NULL,
      name             text NOT NULL,
      language         text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
      account_id       uuid REFERENCES accounts (id) ON DELETE CASCADE,
      staff_role       text CHECK (staff_role IN ('operator-admin', 'operator-support')),
      administrator    boolean NOT NULL DEFAULT false,
      rights           text[] NOT NULL DEFAULT '{}',
      brands           text[],
      phone            text,
      password_hash    text,
      totp_secret      text,
      second_factor    text CHECK (second_factor IN ('totp', 'sms')),
      status           text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'disabled')),
      created_at       timestamptz NOT NULL,
      password_set_at  timestamptz,
      disabled_at      timestamptz,
      CHECK ((account_id IS NULL) <> (staff_role IS NULL)),
      CHECK (NOT administrator OR account_id IS NOT NULL)
    );
    CREATE UNIQUE INDEX users_email ON users (lower(email));
    CREATE UNIQUE INDEX users_one_administrator ON users (account_id) WHERE administrator;
    CREATE INDEX users_account ON users (account_id);

    ALTER TABLE api_keys
      ADD COLUMN rights text[],
      ADD COLUMN brands text[],
      ADD COLUMN last_used_at timestamptz,
      ADD COLUMN created_by uuid REFERENCES users (id) ON DELETE SET NULL;

    CREATE TABLE sessions (
      token_hash      bytea PRIMARY KEY,
      user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      csrf_token      text NOT NULL,
      -- Signed in with the password, still to give the second factor: reaches nothing but the second-factor step.
      second_factor_pending boolean NOT NULL DEFAULT false,
      ip              text,
      user_agent      text,
      created_at      timestamptz NOT NULL,
      last_seen_at    timestamptz NOT NULL,
      expires_at      timestamptz NOT NULL,
      revoked_at      timestamptz
    );
    CREATE INDEX sessions_user ON sessions (user_id);

    CREATE TABLE user_tokens (
      token_hash  bytea PRIMARY KEY,
      user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      purpose     text NOT NULL CHECK (purpose IN ('invitation', 'password-reset', 'sms-code')),
      created_at  timestamptz NOT NULL,
      expires_at  timestamptz NOT NULL,
      used_at     timestamptz
    );
    CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);

    CREATE TABLE sign_in_failures (
      id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email_key  text NOT NULL,
      ip         text NOT NULL,
      at         timestamptz NOT NULL
    );
    CREATE INDEX sign_in_failures_email ON sign_in_failures (email_key, at);
    CREATE INDEX sign_in_failures_ip ON sign_in_failures (ip, at);

    CREATE TABLE audit_events (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at           timestamptz NOT NULL,
      -- No foreign keys: the trail outlives what it speaks of.
      account_id   uuid,
      actor_kind   text NOT NULL CHECK (actor_kind IN ('user', 'key', 'staff', 'cli', 'system', 'anonymous')),
      actor_id     text,
      actor_label  text,
      ip           text,
      action       text NOT NULL,
      object_type  text,
      object_id    text,
      result       text NOT NULL CHECK (result IN ('ok', 'refused', 'failed')),
      status       integer,
      detail       jsonb
    );
    CREATE INDEX audit_events_account ON audit_events (account_id, at);
    CREATE INDEX audit_events_at ON audit_events (at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE audit_events, sign_in_failures, user_tokens, sessions;
    ALTER TABLE api_keys DROP COLUMN rights, DROP COLUMN brands, DROP COLUMN last_used_at, DROP COLUMN created_by;
    DROP TABLE users, account_brands;
    ALTER TABLE accounts DROP COLUMN legal_name, DROP COLUMN siren, DROP COLUMN siret, DROP COLUMN vat_number,
      DROP COLUMN postal_address, DROP COLUMN contact_email, DROP COLUMN contact_phone,
      DROP COLUMN require_second_factor, DROP COLUMN status, DROP COLUMN status_reason, DROP COLUMN status_changed_at;
  `.execute(db);
}
