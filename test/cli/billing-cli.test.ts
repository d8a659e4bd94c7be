/**
 * `relais billing plan|top-up|credit|usage|invoice`: the plan checked and set, a top-up recorded with who and why
 * (a prepaid account's with its invoice), the invoice written as a PDF.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgBillingStore } from '../../src/adapters/store/billing-store.ts';
import { cliRig } from '../support/cli-rig.ts';

describe('relais billing', { timeout: 60_000 }, () => {
  const seller = { legalName: 'Relais Télécom', siren: '732829320', vatNumber: 'FR44732829320', postalAddress: '12 rue de la Paix, 75002 Paris' };
  const cli = cliRig('billing-cli', { billing: { seller } });
  const { run } = cli;
  const refusal = (...args: string[]) => run(...args).then(() => expect.fail('accepted'), (error: { stderr: string }) => error.stderr);
  let accountId: string;
  beforeAll(async () => {
    accountId = (await new PgAccountStore(cli.tdb.db).createAccount({ name: 'dupont', brand: 'Dupont' }, new Date())).id;
  });

  it('refuses a plan with problems, naming each; sets a valid one, prepaid', async () => {
    const bad = path.join(cli.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ grids: ['nope'], billed: 'always', noReceipt: 'free' }));
    const stderr = await refusal('billing', 'plan', 'dupont', '--file', bad);
    expect(stderr).toContain('grids[0]: no built-in grid "nope"');
    expect(stderr).toContain('billed: must be "delivered" or "submitted"');

    const good = path.join(cli.dir, 'plan.json');
    writeFileSync(good, JSON.stringify({ grids: ['projetcom-bulk-sms'], billed: 'submitted', noReceipt: 'bill' }));
    const { stdout } = await run('billing', 'plan', 'dupont', '--file', good, '--payment', 'prepaid');
    expect(JSON.parse(stdout)).toEqual({ plan: { grids: ['projetcom-bulk-sms'], billed: 'submitted', noReceipt: 'bill' }, payment: 'prepaid' });
    expect((await new PgBillingStore(cli.tdb.db).credit(accountId)).partPrice).toBe(40_000);
  });

  it('tops up with who and why, in euros to the micro-euro, and writes the top-up invoice as a PDF', async () => {
    const topUp = (await run('billing', 'top-up', 'dupont', '12,5', '--by', 'Alice', '--reason', 'transfer 118')).stdout;
    expect(topUp).toContain('credit 12.50 €');
    const invoice = /invoice (F\d{4}-\d{6})/.exec(topUp)![1]!;
    const pdf = path.join(cli.dir, 'invoice.pdf');
    expect((await run('billing', 'invoice', invoice, '--pdf', pdf)).stdout).toContain(`${invoice}: written to ${pdf}`);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await refusal('billing', 'top-up', 'dupont', '0.0000001', '--by', 'Alice', '--reason', 'x')).toContain('is not an amount in euros');
    const { stdout } = await run('billing', 'credit', 'dupont');
    expect(stdout).toContain('account dupont (prepaid): balance 12.50 €, reserved 0.00 €, available 12.50 €');
    expect(stdout).toMatch(/top-up\t12\.50 €\tAlice\ttransfer 118/);
  });
});
