import { sql, type Kysely } from 'kysely';

/**
 * An aggregator key speaks for a member of the aggregator's staff: `operator-admin` (every key made before this
 * migration) or `operator-support`, who reads every account and changes nothing (docs/accounts.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE api_keys ADD COLUMN staff_role text CHECK (staff_role IN ('operator-admin', 'operator-support'));
    UPDATE api_keys SET staff_role = 'operator-admin' WHERE role = 'aggregator';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE api_keys DROP COLUMN staff_role`.execute(db);
}
