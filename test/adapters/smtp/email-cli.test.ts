/** `relais account email`: the allowlist and the text source of an account, from the command line. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgEmailStore } from '../../../src/adapters/store/email-store.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';
import { relaisCommand } from '../../support/cli.ts';

let tdb: TestDatabase;
let dir: string;
let config: string;
/** DATABASE_URL would win over the file's database: the command must use this test's database. */
const { DATABASE_URL: _ignored, ...env } = process.env;
const relais = (...args: string[]) => promisify(execFile)(process.execPath, [...relaisCommand, ...args, '-c', config], { env });

beforeAll(async () => {
  tdb = await createTestDatabase(primaryTarget());
  dir = mkdtempSync(path.join(tmpdir(), 'relais-email-cli-'));
  config = path.join(dir, 'relais.config.json');
  writeFileSync(config, JSON.stringify({ database: { url: tdb.url, dataDir: dir }, log: { level: 'warn' } }));
  const accounts = new PgAccountStore(tdb.db);
  await accounts.createAccount({ name: 'dupont' }, new Date());
  await accounts.createAccount({ name: 'martin' }, new Date());
});
afterAll(async () => {
  await tdb?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('allowlists and revokes sender addresses, sets the text source, and keeps an address to one account', async () => {
  const dupont = (await new PgAccountStore(tdb.db).findByName('dupont'))!;
  const email = new PgEmailStore(tdb.db);

  const { stdout } = await relais('account', 'email', 'dupont', '--allow', 'Alerts@Client.example', 'ops@client.example', '--text-from', 'subject');
  expect(stdout).toContain('account dupont: SMS text from the subject; allowlisted senders: alerts@client.example, ops@client.example');
  expect(await email.accountOfSender('ALERTS@client.example')).toBe(dupont.id);
  expect(await email.textFrom(dupont.id)).toBe('subject');

  await relais('account', 'email', 'dupont', '--revoke', 'ops@client.example');
  expect(await email.senders(dupont.id)).toEqual(['alerts@client.example']);

  const taken = await relais('account', 'email', 'martin', '--allow', 'alerts@client.example').then(
    () => expect.fail('accepted'),
    (error: { stderr: string }) => error.stderr,
  );
  expect(taken).toContain('already allowlisted for another account');
  expect(await email.accountOfSender('alerts@client.example')).toBe(dupont.id);
});
