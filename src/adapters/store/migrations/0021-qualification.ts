import { sql, type Kysely } from 'kysely';

/**
 * Qualification (docs/operators.md, "Qualification"):
 * - qualifications: each account's latest answer of the operator lookup per number (operator, state, when). A
 *   number checked within the time to live is answered from here, not looked up again.
 * - qualification_lookups: one row per number actually looked up, the account's billable event (priced per MSISDN,
 *   counted by billing month). No foreign key: what was billed outlives the account's contacts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE qualifications (
      account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      msisdn      text NOT NULL,
      operator    text,
      state       text NOT NULL CHECK (state IN ('valid', 'unknown', 'terminated')),
      checked_at  timestamptz NOT NULL,
      PRIMARY KEY (account_id, msisdn)
    );

    CREATE TABLE qualification_lookups (
      id           bigserial PRIMARY KEY,
      account_id   uuid NOT NULL,
      msisdn       text NOT NULL,
      state        text NOT NULL,
      looked_up_at timestamptz NOT NULL,
      month        text NOT NULL
    );
    CREATE INDEX qualification_lookups_month ON qualification_lookups (month, account_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE qualification_lookups, qualifications`.execute(db);
}
