/**
 * Qualification and localisation past their retention period (docs/retention.md): the retention job deletes an
 * account's answers checked more than its exchange period ago and pseudonymises the number of each lookup and each
 * localisation hit as old, as it does for a message's recipient; what is billed per account and month stays counted,
 * and so does the month's invoice.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageOf } from '../../../src/adapters/http/billing-routes.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgBillingStore } from '../../../src/adapters/store/billing-store.ts';
import { Pseudonyms } from '../../../src/adapters/store/pseudonym.ts';
import { PgQualificationStore } from '../../../src/adapters/store/qualification-store.ts';
import { PgRetentionStore } from '../../../src/adapters/store/retention-store.ts';
import { PgGdprStore } from '../../../src/adapters/store/gdpr-store.ts';
import { erasePerson, runRetention } from '../../../src/app/retention.ts';
import { billingMonth } from '../../../src/core/billing/index.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';

const now = new Date();
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
const clock = { now: () => now };
const [A, B, C] = ['+33612000001', '+33612000002', '+33612000003'];

let tdb: TestDatabase;
let pseudonyms: Pseudonyms;
let qualifications: PgQualificationStore;
const ids: Record<string, string> = {};

async function qualify(accountId: string, msisdns: string[], at: Date): Promise<void> {
  await qualifications.record(accountId, msisdns.map((msisdn) => ({ msisdn, operator: 'SFR0', state: 'valid' as const, checkedAt: at })));
}

/** What billing reads: the lookups per account and month. */
async function billed() {
  const { rows } = await tdb.db.pool.query(`SELECT account_id, month, state, count(*)::int AS n FROM qualification_lookups GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
  return rows;
}

const numbers = async (table: 'qualifications' | 'qualification_lookups' | 'location_hits', accountId: string) =>
  (await tdb.db.pool.query<{ msisdn: string }>(`SELECT msisdn FROM ${table} WHERE account_id = $1 ORDER BY msisdn`, [accountId])).rows.map((r) => r.msisdn);

beforeAll(async () => {
  tdb = await createTestDatabase(primaryTarget());
  pseudonyms = new Pseudonyms(randomBytes(32));
  qualifications = new PgQualificationStore(tdb.db);
  const accounts = new PgAccountStore(tdb.db);
  for (const name of ['acme', 'brief']) ids[name] = (await accounts.createAccount({ name }, daysAgo(400))).id;
  // acme keeps the default 30 days; brief chose 3.
  const store = new PgRetentionStore(tdb.db, pseudonyms);
  await store.saveSettings(ids.brief!, { chosen: { exchangeDays: 3 } }, 'test', daysAgo(400));

  await qualify(ids.acme!, [A, B], daysAgo(40));
  await qualify(ids.acme!, [C], daysAgo(35));
  await qualify(ids.acme!, [A], daysAgo(5)); // A's answer renewed: its answer is young, its first lookup old
  await qualify(ids.brief!, [A, B], daysAgo(5));
  await qualify(ids.brief!, [C], daysAgo(1));
  // Localisation hits (Géo Présence) of acme: B's 40 days ago, C's 5 days ago.
  for (const [msisdn, at, outcome] of [[B, daysAgo(40), 'inside'], [C, daysAgo(5), 'off']] as const) {
    await tdb.db.pool.query(`INSERT INTO location_hits (account_id, msisdn, outcome, asked_at, month) VALUES ($1, $2, $3, $4, $5)`, [ids.acme, msisdn, outcome, at, billingMonth(at)]);
  }
});
afterAll(() => tdb?.drop());

describe('qualification and the retention job', () => {
  it('deletes the answers and pseudonymises the lookups past the period, keeping the counts billing reads; its dry run said so', async () => {
    const store = new PgRetentionStore(tdb.db, pseudonyms, 2); // tiny batches: the rule walks several
    const before = await billed();
    const usageBefore = await usageOf(new PgBillingStore(tdb.db), ids.acme!, billingMonth(daysAgo(40)), now);
    const hitsBefore = await new PgBillingStore(tdb.db).localisationOf(ids.acme!, billingMonth(daysAgo(40)));

    const dry = await runRetention({ store, clock }, { dryRun: true, requestedBy: 'test' });
    expect(await numbers('qualification_lookups', ids.acme!)).toEqual([A, A, B, C]);
    const run = await runRetention({ store, clock }, { dryRun: false, requestedBy: 'test' });
    expect(run.counts).toEqual(dry.counts);
    // acme: answers B and C (40 and 35 days), lookups A, B, C; brief: answers A and B (5 days > 3), their lookups.
    expect(run.counts).toMatchObject({ qualifications: 4, 'qualification-lookups': 5, 'localisation-hits': 1 });
    expect(await numbers('location_hits', ids.acme!)).toEqual([C, pseudonyms.of(B)].sort());
    expect(await new PgBillingStore(tdb.db).localisationOf(ids.acme!, billingMonth(daysAgo(40)))).toEqual(hitsBefore);

    expect(await numbers('qualifications', ids.acme!)).toEqual([A]);
    expect(await numbers('qualification_lookups', ids.acme!)).toEqual([A, ...[A, B, C].map((n) => pseudonyms.of(n))].sort());
    expect(await numbers('qualifications', ids.brief!)).toEqual([C]);
    expect(await numbers('qualification_lookups', ids.brief!)).toEqual([C, ...[A, B].map((n) => pseudonyms.of(n))].sort());
    // A's renewed answer is still the cache: within the time to live it is not looked up (nor billed) again.
    expect(await qualifications.fresh(ids.acme!, [A, B, C], daysAgo(30))).toEqual([expect.objectContaining({ msisdn: A, operator: 'SFR0' })]);

    expect(await billed()).toEqual(before);
    expect(await usageOf(new PgBillingStore(tdb.db), ids.acme!, billingMonth(daysAgo(40)), now)).toEqual(usageBefore);

    const again = await runRetention({ store, clock }, { dryRun: true, requestedBy: 'test' });
    expect(again.counts).toMatchObject({ qualifications: 0, 'qualification-lookups': 0, 'localisation-hits': 0 });
  });

  it("exports a number's lookups, marked once pseudonymised, and erases the number from them: the count stays", async () => {
    const gdpr = new PgGdprStore(tdb.db, pseudonyms);
    const before = await billed();
    const exported = await gdpr.export(A, ids.acme!);
    expect(exported.qualifications).toEqual([expect.objectContaining({ operator: 'SFR0', state: 'valid' })]);
    expect(exported.qualificationLookups.map((l) => l.pseudonymised)).toEqual([true, false]); // 40 days ago (by the job), 5 days ago

    const erased = await erasePerson(gdpr, clock, A, null);
    expect(erased.accounts).toEqual([expect.objectContaining({ accountId: ids.acme, qualifications: 1 })]);
    const after = await gdpr.export(A, null);
    expect(after.qualifications).toEqual([]);
    expect(after.qualificationLookups.map((l) => [l.account_id, l.pseudonymised])).toEqual([
      [ids.acme, true],
      [ids.acme, true], // 5 days ago, as brief's, and looked up first
      [ids.brief, true],
    ]);
    expect(await billed()).toEqual(before);
  });
});
