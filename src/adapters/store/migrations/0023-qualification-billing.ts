import { sql, type Kysely } from 'kysely';

/**
 * Qualification billed and kept no longer than its period (docs/operators.md "Qualification", docs/retention.md):
 * - qualification_lookups_numbered: the lookups whose number is not pseudonymised yet, by account and time. The
 *   retention job walks them in order and pseudonymises them; a pseudonymised row leaves the index, so each run
 *   reads only what is left to do (billing counts lookups by month and account: `qualification_lookups_month`).
 * - qualifications_checked: an account's answers by time, for the job to delete those past their period.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX qualification_lookups_numbered ON qualification_lookups (account_id, looked_up_at) WHERE left(msisdn, 1) <> '#';
    CREATE INDEX qualifications_checked ON qualifications (account_id, checked_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX qualifications_checked; DROP INDEX qualification_lookups_numbered`.execute(db);
}
