/**
 * The month close (docs/billing.md): one invoice per postpaid account with something due, numbered without gaps
 * whatever runs twice, at once, or is killed halfway (kill -9 of `relais billing close`, then again); an issued
 * invoice never changes; the invoices' SMS lines add up to the billed usage.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeMonth, invoicesOf, PgBillingStore } from '../../../src/adapters/store/billing-store.ts';
import { openDatabase } from '../../../src/adapters/store/database.ts';
import { billedParts, type PricePlan } from '../../../src/core/billing/index.ts';
import { relaisCommand } from '../../support/cli.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';
import { eventually } from '../../support/waiting.ts';

const MONTH = '2026-11';
const AFTER = new Date('2026-12-02T08:00:00Z');
const PLANS: PricePlan[] = [
  { grids: ['orange-ops'], billed: 'delivered', noReceipt: 'free' },
  { grids: ['orange-sms-internet'], billed: 'delivered', noReceipt: 'bill' },
  { grids: ['projetcom-bulk-sms'], billed: 'submitted', noReceipt: 'free' },
];

/** `count` accounts; account i has i % 7 × 13 delivered, i % 3 × 5 undeliverable and i % 2 timed-out parts; every 5th is prepaid. */
async function seed(tdb: TestDatabase, count: number): Promise<void> {
  const now = new Date('2026-11-01T00:00:00Z');
  await tdb.db.pool.query(`INSERT INTO accounts (id, name, in_doubt_policy, created_at) SELECT gen_random_uuid(), 'a' || lpad(i::text, 4, '0'), 'hold', $1 FROM generate_series(1, $2) AS i`, [now, count]);
  const { rows } = await tdb.db.pool.query<{ id: string; name: string }>(`SELECT id, name FROM accounts ORDER BY name`);
  const billing = new PgBillingStore(tdb.db);
  for (const [i, { id }] of rows.entries()) {
    if (i % 4 !== 0) await billing.setPlan(id, PLANS[i % PLANS.length]!, i % 5 === 0 ? 'prepaid' : 'postpaid', 'test', now);
    await tdb.db.pool.query(
      `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, final_state, settled_by, month, settled_at)
       SELECT gen_random_uuid(), 0, $1, 'B', 'marketing', '36001', 'sim', s.state, s.settled_by, $2, $3
       FROM (SELECT 'delivered' AS state, 'receipt' AS settled_by, generate_series(1, $4) UNION ALL
             SELECT 'undeliverable', 'receipt', generate_series(1, $5) UNION ALL
             SELECT 'no-receipt', 'timeout', generate_series(1, $6)) AS s`,
      [id, MONTH, now, (i % 7) * 13, (i % 3) * 5, i % 2],
    );
  }
}

async function numbering(tdb: TestDatabase) {
  const { rows } = await tdb.db.pool.query<{ number: string; sequence: string; account_id: string }>(`SELECT number, sequence, account_id FROM invoices ORDER BY sequence`);
  return rows;
}

describe('month close', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    await seed(tdb, 40);
  });
  afterAll(() => tdb?.drop());

  it('refuses a month that is not over', async () => {
    await expect(closeMonth(tdb.db, '2026-12', AFTER)).rejects.toThrow('2026-12 is not over yet');
  });

  it('issues one invoice per postpaid account with something due, numbered 1, 2, 3… in account order; closing again changes nothing', async () => {
    const other = openDatabase(tdb.url);
    const [first, second] = await Promise.all([closeMonth(tdb.db, MONTH, AFTER), closeMonth(other, MONTH, AFTER)]).finally(() => other.close());
    const issued = await invoicesOf(tdb.db, {});
    expect(first!.issued + second!.issued).toBe(issued.length);
    expect(issued.map((i) => i.number)).toEqual(issued.map((_, k) => `F2026-${String(k + 1).padStart(6, '0')}`));
    expect(new Set(issued.map((i) => i.accountId)).size).toBe(issued.length);

    const billing = new PgBillingStore(tdb.db);
    const { rows: accounts } = await tdb.db.pool.query<{ id: string }>(`SELECT id FROM accounts ORDER BY id`);
    let expected = 0;
    for (const { id } of accounts) {
      const { plan, payment } = await billing.planOf(id);
      const counts = await billing.usageCounts(id, MONTH);
      const invoice = issued.find((i) => i.accountId === id);
      if (payment === 'prepaid' || billedParts(plan, counts) === 0) {
        expect(invoice).toBeUndefined();
        continue;
      }
      expected++;
      const sms = invoice!.lines.filter((line) => line.rule === 'sms' || line.rule === 'sms-mt');
      expect(sms.reduce((sum, line) => sum + line.quantity, 0)).toBe(billedParts(plan, counts));
      expect(invoice!.total).toBe(invoice!.lines.reduce((sum, line) => sum + line.amount, 0));
      expect(invoice!.total % 10_000).toBe(0); // to the cent
      expect(invoice!.vat).toBe(Math.round((invoice!.total * 0.2) / 10_000) * 10_000);
    }
    expect(issued).toHaveLength(expected);
    // Account order: the numbers follow the accounts' ids.
    expect(issued.map((i) => i.accountId)).toEqual([...issued.map((i) => i.accountId)].sort());

    expect(await closeMonth(tdb.db, MONTH, new Date('2026-12-03T00:00:00Z'))).toMatchObject({ issued: 0 });
    expect(await invoicesOf(tdb.db, {})).toEqual(issued);
  });
});

describe('month close failing midway, in-process', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    await seed(tdb, 40);
  });
  afterAll(() => tdb?.drop());

  it('a transaction that fails midway (a crash) loses its batch only; closing again gives the same numbers to the same accounts', async () => {
    // The 15th invoice's insert fails once: the close's second batch of 10 rolls back, as a crash there would.
    await tdb.db.pool.query(`
      CREATE TABLE crash_once (armed boolean);
      INSERT INTO crash_once VALUES (true);
      CREATE FUNCTION crash_at_15() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NEW.sequence = 15 AND (SELECT armed FROM crash_once) THEN RAISE EXCEPTION 'crash'; END IF;
        RETURN NEW;
      END $fn$;
      CREATE TRIGGER crash_at_15 BEFORE INSERT ON invoices FOR EACH ROW EXECUTE FUNCTION crash_at_15();`);
    await expect(closeMonth(tdb.db, MONTH, AFTER, undefined, 10)).rejects.toThrow('crash');
    const before = await numbering(tdb);
    expect(before.map((r) => Number(r.sequence))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await tdb.db.pool.query(`UPDATE crash_once SET armed = false`);

    expect((await closeMonth(tdb.db, MONTH, AFTER, undefined, 10)).issued).toBeGreaterThan(10);
    const after = await numbering(tdb);
    expect(after.slice(0, 10)).toEqual(before);
    expect(after.map((r) => Number(r.sequence))).toEqual(after.map((_, k) => k + 1));
    // The same numbers an uninterrupted close gives: the accounts with something due, in the order of their ids.
    expect(after.map((r) => r.account_id)).toEqual([...after.map((r) => r.account_id)].sort());
    const { rows } = await tdb.db.pool.query<{ last_number: string }>(`SELECT last_number FROM invoice_counters WHERE series = 'F2026'`);
    expect(Number(rows[0]!.last_number)).toBe(after.length);
  });
});

describe('month close killed halfway', { timeout: 120_000 }, () => {
  let tdb: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    dir = mkdtempSync(path.join(tmpdir(), 'relais-close-'));
    await seed(tdb, 1500);
  }, 120_000);
  afterAll(async () => {
    await tdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 during the close, then close again: every invoice once, numbers without a gap', async () => {
    const config = path.join(dir, 'store.config.json');
    writeFileSync(config, JSON.stringify({ database: { url: tdb.url, dataDir: dir }, log: { level: 'warn' } }));
    const { DATABASE_URL: _ignored, ...env } = process.env;
    const closing = spawn(process.execPath, [...relaisCommand, 'billing', 'close', '--month', MONTH, '-c', config], { env, stdio: 'ignore' });
    const exited = new Promise((resolve) => closing.once('exit', resolve));
    await eventually(async () => (await numbering(tdb)).length > 0, 'the first invoices', 60_000, 2);
    closing.kill('SIGKILL');
    await exited;
    const before = await numbering(tdb);

    const { stdout } = await promisify(execFile)(process.execPath, [...relaisCommand, 'billing', 'close', '--month', MONTH, '-c', config], { env });
    expect(stdout).toContain('invoice(s) issued');
    const after = await numbering(tdb);
    expect(before.length).toBeLessThan(after.length); // killed halfway, not after the end
    expect(after.slice(0, before.length)).toEqual(before); // issued invoices unchanged
    expect(after.map((r) => Number(r.sequence))).toEqual(after.map((_, k) => k + 1));
    expect(new Set(after.map((r) => r.account_id)).size).toBe(after.length);
    const { rows } = await tdb.db.pool.query<{ last_number: string }>(`SELECT last_number FROM invoice_counters WHERE series = 'F2026'`);
    expect(Number(rows[0]!.last_number)).toBe(after.length);
  });
});
