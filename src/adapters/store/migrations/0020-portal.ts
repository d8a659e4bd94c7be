import { sql, type Kysely } from 'kysely';

/**
 * The portal's dashboard counts an account's messages of the day and of the month by status
 * (adapters/store/statistics-store.ts). The account's index (account_id, created_at DESC, id DESC) now carries the
 * status, so that count is an index-only scan of the month's entries instead of one heap visit per message. It stays
 * one index: every status change already rewrites each index of the table (0001-spine), so carrying the status costs
 * a few bytes per entry, not another index to maintain.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX messages_account_created_status ON messages (account_id, created_at DESC, id DESC) INCLUDE (status);
    DROP INDEX messages_account_created;
    ALTER INDEX messages_account_created_status RENAME TO messages_account_created;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX messages_account_created_plain ON messages (account_id, created_at DESC, id DESC);
    DROP INDEX messages_account_created;
    ALTER INDEX messages_account_created_plain RENAME TO messages_account_created;
  `.execute(db);
}
