import { sql, type Kysely } from 'kysely';

/**
 * E-mail to SMS: the sender addresses allowlisted per account (a mail from one of them needs no SMTP AUTH),
 * and where an account's mails take the SMS text from (the body, or the subject).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- address is stored lower-cased: one address belongs to one account at most.
    CREATE TABLE email_senders (
      address     text PRIMARY KEY CHECK (address = lower(address)),
      account_id  uuid NOT NULL REFERENCES accounts (id),
      created_at  timestamptz NOT NULL
    );
    CREATE INDEX email_senders_account ON email_senders (account_id);

    CREATE TABLE email_settings (
      account_id  uuid PRIMARY KEY REFERENCES accounts (id),
      text_from   text NOT NULL DEFAULT 'body' CHECK (text_from IN ('body', 'subject')),
      updated_at  timestamptz NOT NULL
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE email_settings; DROP TABLE email_senders;`.execute(db);
}
