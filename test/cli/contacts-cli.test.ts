/**
 * Contacts and campaigns from the command line: `relais import` (and `imports errors|rollback`), `relais contacts
 * terminated`, `relais campaign create|dry-run|stats`, on a test database beside no running Relais.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgRouteStore } from '../../src/adapters/store/route-store.ts';
import { parseCsv } from '../support/csv.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../support/db.ts';
import { relaisCommand } from '../support/cli.ts';

let tdb: TestDatabase;
let dir: string;
let config: string;
/** DATABASE_URL would win over the file's database: the command must use this test's database. */
const { DATABASE_URL: _ignored, ...env } = process.env;
const relais = (...args: string[]) => promisify(execFile)(process.execPath, [...relaisCommand, ...args, '-c', config], { env });
/**
 * Each command is a Relais process, which loads its TypeScript sources (through tsx) before doing anything:
 * 2.5–6 s on a loaded 2-core machine. A test's time limit is therefore a budget per command it runs, generous
 * enough to mean "hung"; every test waits for its commands to exit, never for a time.
 */
const PER_COMMAND_MS = 15_000;
const budget = (commands: number) => commands * PER_COMMAND_MS;
const refusal = (...args: string[]) => relais(...args).then(() => expect.fail('accepted'), (error: { stderr: string }) => error.stderr);

beforeAll(async () => {
  tdb = await createTestDatabase(primaryTarget());
  dir = mkdtempSync(path.join(tmpdir(), 'relais-contacts-cli-'));
  config = path.join(dir, 'relais.config.json');
  writeFileSync(config, JSON.stringify({ database: { url: tdb.url, dataDir: dir }, log: { level: 'warn' } }));
  await new PgAccountStore(tdb.db).createAccount({ name: 'dupont', brand: 'Dupont', defaultShortCode: '36001' }, new Date());
  // What a running Relais would have declared.
  await new PgRouteStore(tdb.db).sync(
    [{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'relais', password: 'x', settings: {} }],
    [{ number: '36001', route: 'sim', ratePerSecond: 10 }],
    new Date(),
  );
});
afterAll(async () => {
  await tdb?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The import of the first test, which the next ones plan a campaign on and roll back. */
let importId: string;

it('imports a file and gives its rejected rows as CSV', async () => {
  const file = path.join(dir, 'clients.csv');
  writeFileSync(file, Buffer.from('Nom;Prénom;Portable;Opt-in\r\nDupré;Anaïs;06 12 34 56 78;oui\r\nMartin;Loïc;01 23 45 67 89;oui\r\nBernard;Léa;0698765432;non\r\n', 'latin1'));
  const imported = await relais('import', file, '--account', 'dupont', '--base', 'clients', '--list', 'salon', '--consent-wording', 'CGU v3');
  const id = /import (\S+) completed: 2 new, 0 merged, 1 rejected, 2 consents recorded \(base clients\)/.exec(imported.stdout)?.[1];
  expect(id, imported.stdout).toBeDefined();
  importId = id!;
  expect(imported.stdout).toContain(`relais imports errors ${id} --account dupont > errors.csv`);

  const errors = parseCsv((await relais('imports', 'errors', id!, '--account', 'dupont')).stdout.replace(/^\uFEFF/, ''));
  expect(errors[0]).toEqual(['line', 'reason', 'row']);
  expect(errors.slice(1).map((row) => row[0])).toEqual(['3']);
  expect(errors[1]![1]).toMatch(/mobile "01 23 45 67 89"/);
}, budget(2));

it('plans a campaign on the imported list: create, dry run, statistics; a draft cannot be paused', async () => {
  expect(importId).toBeDefined();
  const created = await relais('campaign', 'create', '--account', 'dupont', '--name', 'Soldes', '--base', 'clients', '--list', 'salon', '--text', 'Dupont : {prenom}, -20 % samedi');
  const campaign = /campaign (\S+) created \(draft\)/.exec(created.stdout)![1]!;
  const plan = JSON.parse((await relais('campaign', 'dry-run', campaign, '--account', 'dupont')).stdout);
  expect(plan).toMatchObject({ audience: { contacts: 2, recipients: 2 }, excluded: { stop: 1 }, encoding: { ucs2: 1 } });
  const stats = JSON.parse((await relais('campaign', 'stats', campaign, '--account', 'dupont')).stdout);
  expect(stats).toMatchObject({ campaign: { status: 'draft' }, sent: 0, pending: 0, costSoFar: { microEuros: 0, euros: '0.00' } });
  expect(await refusal('campaign', 'pause', campaign, '--account', 'dupont')).toContain('a draft campaign cannot be paused');
}, budget(4));

it('rolls the import back', async () => {
  expect(importId).toBeDefined();
  const rolledBack = await relais('imports', 'rollback', importId, '--account', 'dupont');
  expect(rolledBack.stdout).toContain(`import ${importId}: rolled-back`);
  expect((await tdb.db.pool.query('SELECT count(*)::int AS n FROM contacts')).rows[0].n).toBe(0);
}, budget(1));

it('removes terminated numbers from every base, and refuses a file without a mobile column with the reason', async () => {
  const file = path.join(dir, 'more.csv');
  writeFileSync(file, 'mobile,prénom\n0611111111,Ana\n0622222222,Bob\n');
  await relais('import', file, '--account', 'dupont', '--base', 'boutique');
  const terminated = path.join(dir, 'terminated.txt');
  writeFileSync(terminated, '06 11 11 11 11\nnot a number\n');
  const removed = await relais('contacts', 'terminated', terminated, '--account', 'dupont');
  expect(removed.stdout).toContain('1 contacts removed for 1 terminated numbers');
  expect(removed.stderr).toContain('not a number, skipped: not a number');

  const noMobile = path.join(dir, 'no-mobile.csv');
  writeFileSync(noMobile, 'nom,prénom\nDupont,Jean\n');
  expect(await refusal('import', noMobile, '--account', 'dupont', '--base', 'boutique')).toMatch(/mobile/i);
}, budget(3));
