import { sql, type Kysely } from 'kysely';

/**
 * Signing in (docs/accounts.md, "Signing in" and "Second factor"):
 * - user_tokens.attempts: wrong tries of a one-time code sent by SMS (at most 5, then the code is dead);
 * - users.totp_last_step: the TOTP time step last accepted, so that a code seen once cannot be replayed;
 * - users.totp_pending_secret: an authenticator being enrolled, which replaces totp_secret once a code confirms it;
 * - sign_in_failures.forgiven: a successful sign-in forgives its e-mail address's failures (they stay counted for
 *   their IP address).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE user_tokens ADD COLUMN attempts integer NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN totp_last_step bigint, ADD COLUMN totp_pending_secret text;
    ALTER TABLE sign_in_failures ADD COLUMN forgiven boolean NOT NULL DEFAULT false;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE user_tokens DROP COLUMN attempts;
    ALTER TABLE users DROP COLUMN totp_last_step, DROP COLUMN totp_pending_secret;
    ALTER TABLE sign_in_failures DROP COLUMN forgiven;
  `.execute(db);
}
