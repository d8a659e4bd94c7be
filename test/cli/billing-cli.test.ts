/**
 * `relais billing plan|top-up|credit|usage`: the plan checked and set, a top-up recorded with who and why.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgBillingStore } from '../../src/adapters/store/billing-store.ts';
import { relaisCommand } from '../support/cli.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../support/db.ts';

const { DATABASE_URL: _ignored, ...env } = process.env;
const run = (config: string, ...args: string[]) => promisify(execFile)(process.execPath, [...relaisCommand, ...args, '-c', config], { env });
const refusal = (config: string, ...args: string[]) => run(config, ...args).then(() => expect.fail('accepted'), (error: { stderr: string }) => error.stderr);

describe('relais billing', { timeout: 60_000 }, () => {
  let dir: string;
  let tdb: TestDatabase;
  let config: string;
  let accountId: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'relais-billing-cli-'));
    tdb = await createTestDatabase(primaryTarget());
    config = path.join(dir, 'store.config.json');
    writeFileSync(config, JSON.stringify({ database: { url: tdb.url, dataDir: dir }, log: { level: 'warn' } }));
    accountId = (await new PgAccountStore(tdb.db).createAccount({ name: 'dupont', brand: 'Dupont' }, new Date())).id;
  });
  afterAll(async () => {
    await tdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a plan with problems, naming each; sets a valid one, prepaid', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ grids: ['nope'], billed: 'always', noReceipt: 'free' }));
    const stderr = await refusal(config, 'billing', 'plan', 'dupont', '--file', bad);
    expect(stderr).toContain('grids[0]: no built-in grid "nope"');
    expect(stderr).toContain('billed: must be "delivered" or "submitted"');

    const good = path.join(dir, 'plan.json');
    writeFileSync(good, JSON.stringify({ grids: ['projetcom-bulk-sms'], billed: 'submitted', noReceipt: 'bill' }));
    const { stdout } = await run(config, 'billing', 'plan', 'dupont', '--file', good, '--payment', 'prepaid');
    expect(JSON.parse(stdout)).toEqual({ plan: { grids: ['projetcom-bulk-sms'], billed: 'submitted', noReceipt: 'bill' }, payment: 'prepaid' });
    expect((await new PgBillingStore(tdb.db).credit(accountId)).partPrice).toBe(40_000);
  });

  it('tops up with who and why, in euros to the micro-euro', async () => {
    expect((await run(config, 'billing', 'top-up', 'dupont', '12,5', '--by', 'Alice', '--reason', 'transfer 118')).stdout).toContain('credit 12.50 €');
    expect(await refusal(config, 'billing', 'top-up', 'dupont', '0.0000001', '--by', 'Alice', '--reason', 'x')).toContain('is not an amount in euros');
    const { stdout } = await run(config, 'billing', 'credit', 'dupont');
    expect(stdout).toContain('account dupont (prepaid): balance 12.50 €, reserved 0.00 €, available 12.50 €');
    expect(stdout).toMatch(/top-up\t12\.50 €\tAlice\ttransfer 118/);
  });
});
