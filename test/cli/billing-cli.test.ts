/**
 * `relais billing plan|top-up|credit|usage|invoice`: the plan checked and set, a top-up recorded with who and why
 * (a prepaid account's with its invoice), the invoice written as a PDF.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    const seller = { legalName: 'Relais Télécom', siren: '732829320', vatNumber: 'FR44732829320', postalAddress: '12 rue de la Paix, 75002 Paris' };
    writeFileSync(config, JSON.stringify({ database: { url: tdb.url, dataDir: dir }, log: { level: 'warn' }, billing: { seller } }));
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

  it('tops up with who and why, in euros to the micro-euro, and writes the top-up invoice as a PDF', async () => {
    const topUp = (await run(config, 'billing', 'top-up', 'dupont', '12,5', '--by', 'Alice', '--reason', 'transfer 118')).stdout;
    expect(topUp).toContain('credit 12.50 €');
    const invoice = /invoice (F\d{4}-\d{6})/.exec(topUp)![1]!;
    const pdf = path.join(dir, 'invoice.pdf');
    expect((await run(config, 'billing', 'invoice', invoice, '--pdf', pdf)).stdout).toContain(`${invoice}: written to ${pdf}`);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await refusal(config, 'billing', 'top-up', 'dupont', '0.0000001', '--by', 'Alice', '--reason', 'x')).toContain('is not an amount in euros');
    const { stdout } = await run(config, 'billing', 'credit', 'dupont');
    expect(stdout).toContain('account dupont (prepaid): balance 12.50 €, reserved 0.00 €, available 12.50 €');
    expect(stdout).toMatch(/top-up\t12\.50 €\tAlice\ttransfer 118/);
  });
});
