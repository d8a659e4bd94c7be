/**
 * Prepaid credit under concurrency from separate processes (docs/billing.md, "Prepaid credit"): 8 processes accept
 * batches for one prepaid account at once, far beyond its credit. What is accepted is exactly what is reserved and
 * never more than the credit; the others are refused for credit; once every message met its fate, the delivered
 * parts are charged once and every other reservation is released.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgBillingStore, settleReservations } from '../../src/adapters/store/billing-store.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../support/db.ts';
import { takeTurns } from '../support/turns.ts';
import { provideShortCode36001 } from '../support/new-message.ts';

takeTurns();

const run = promisify(execFile);
const PROCESSES = 8;
const PART = 30_000;
const CREDIT_PARTS = 300;
const t0 = new Date('2026-11-10T10:00:00Z');

describe('prepaid credit, 8 processes accepting at once', () => {
  let tdb: TestDatabase;
  let billing: PgBillingStore;
  let accountId: string;
  let outcomes: { accepted: { id: string; parts: number }[]; refused: number }[];

  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    await provideShortCode36001(tdb.db, t0);
    billing = new PgBillingStore(tdb.db);
    accountId = (await new PgAccountStore(tdb.db).createAccount({ name: 'prepaid' }, t0)).id;
    await billing.setPlan(accountId, { grids: ['orange-ops'], billed: 'delivered', noReceipt: 'free' }, 'prepaid', 'test', t0);
    await billing.topUp(accountId, CREDIT_PARTS * PART, 'test', 'initial credit', t0);
    const worker = path.resolve(import.meta.dirname, '../support/prepaid-worker.ts');
    const outputs = await Promise.all(
      Array.from({ length: PROCESSES }, (_, p) => run(process.execPath, ['--import', 'tsx', worker, tdb.url, accountId, String(p + 1), '30'], { timeout: 120_000 })),
    );
    outcomes = outputs.map((o) => JSON.parse(o.stdout.trim().split('\n').at(-1)!));
  }, 180_000);
  afterAll(() => tdb?.drop());

  it('reserves exactly what was accepted, never more than the credit, then charges the delivered parts once and releases the rest', async () => {
    const accepted = outcomes.flatMap((o) => o.accepted);
    const acceptedParts = accepted.reduce((sum, m) => sum + m.parts, 0);
    // 240 batches of about 7.5 parts each asked for about six times the credit
    expect(outcomes.reduce((sum, o) => sum + o.refused, 0)).toBeGreaterThan(0);
    expect(acceptedParts).toBeLessThanOrEqual(CREDIT_PARTS);
    let credit = await billing.credit(accountId);
    expect(credit.available).toBeGreaterThanOrEqual(0);
    expect(credit.reserved).toBe(acceptedParts * PART);

    // Every other message is delivered, the others fail; the delivered parts are billed.
    let billed = 0;
    for (const [i, { id, parts }] of accepted.entries()) {
      if (i % 2 === 1) {
        await tdb.db.pool.query(`UPDATE messages SET status = 'failed' WHERE id = $1`, [id]);
        continue;
      }
      await tdb.db.pool.query(`UPDATE messages SET status = 'delivered', parts_accepted = segments WHERE id = $1`, [id]);
      await tdb.db.pool.query(
        `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, final_state, settled_by, month, settled_at)
         SELECT $1, i, $2, 'Acme', 'transactional', '36001', 'sim', 'delivered', 'receipt', '2026-11', $3 FROM generate_series(0, $4 - 1) AS i`,
        [id, accountId, t0, parts],
      );
      billed += parts;
    }
    await settleReservations(tdb.db, t0);
    credit = await billing.credit(accountId);
    expect(credit).toMatchObject({ reserved: 0, balance: (CREDIT_PARTS - billed) * PART });
    const charged = credit.movements.filter((m) => m.kind === 'charge').reduce((sum, m) => sum - m.amount, 0);
    expect(charged).toBe(billed * PART);
  });
});
