/** `relais user create|invite|list|disable`: the aggregator's commands for the people who sign in. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/app/passwords.ts';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgSignInStore } from '../../src/adapters/store/sign-in-store.ts';
import { relaisCommand } from '../support/cli.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../support/db.ts';
import { lastMailTo } from '../support/outbox.ts';

const { DATABASE_URL: _ignored, ...env } = process.env;
const run = (config: string, ...args: string[]) => promisify(execFile)(process.execPath, [...relaisCommand, ...args, '-c', config], { env });
const refusal = (config: string, ...args: string[]) => run(config, ...args).then(() => expect.fail('accepted'), (error: { stderr: string }) => error.stderr);

// Each command is a process of its own (a few seconds each on a loaded machine): a generous limit, not a wait.
describe('relais user create|invite|list|disable', { timeout: 180_000 }, () => {
  let dir: string;
  let tdb: TestDatabase;
  let config: string;
  let store: PgSignInStore;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'relais-users-cli-'));
    tdb = await createTestDatabase(primaryTarget());
    config = path.join(dir, 'relais.config.json');
    writeFileSync(config, JSON.stringify({ database: { url: tdb.url, dataDir: dir }, portal: { publicUrl: 'https://portal.example.net' }, log: { level: 'warn' } }));
    await new PgAccountStore(tdb.db).createAccount({ name: 'dupont' }, new Date());
    store = new PgSignInStore(tdb.db);
  });
  afterAll(async () => {
    await tdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a user of an account with rights and brands, and prints the generated password once', async () => {
    const { stdout } = await run(config, 'user', 'create', '--email', 'paul@dupont.fr', '--name', 'Paul', '--account', 'dupont', '--rights', 'messages,statistics', '--brands', 'Dupont', '--language', 'en');
    const password = /password \(shown once\): (\S+)/.exec(stdout)![1]!;
    const paul = (await store.findUserByEmail('paul@dupont.fr'))!;
    expect(paul).toMatchObject({ accountName: 'dupont', rights: ['messages', 'statistics'], brands: ['Dupont'], language: 'en', status: 'active', administrator: false });
    expect(await verifyPassword(password, paul.passwordHash)).toBe(true);
  });

  it('creates staff, and an administrator (one per account)', async () => {
    await run(config, 'user', 'create', '--email', 'ops@relais.example', '--name', 'Ops', '--staff', 'operator-support');
    expect((await store.findUserByEmail('ops@relais.example'))!.staffRole).toBe('operator-support');
    await run(config, 'user', 'create', '--email', 'boss@dupont.fr', '--name', 'Boss', '--account', 'dupont', '--administrator');
    expect((await store.findUserByEmail('boss@dupont.fr'))!.administrator).toBe(true);
    expect(await refusal(config, 'user', 'create', '--email', 'boss2@dupont.fr', '--name', 'Boss 2', '--account', 'dupont', '--administrator')).toContain('already has its administrator');
  });

  it('refuses what cannot be, and creates nothing', async () => {
    expect(await refusal(config, 'user', 'create', '--email', 'x@dupont.fr', '--name', 'X', '--account', 'dupont', '--rights', 'messages,everything')).toContain('--rights: unknown "everything"');
    expect(await refusal(config, 'user', 'create', '--email', 'x@dupont.fr', '--name', 'X')).toContain('either --account');
    expect(await refusal(config, 'user', 'create', '--email', 'x@dupont.fr', '--name', 'X', '--account', 'nobody')).toContain('no account named "nobody"');
    expect(await refusal(config, 'user', 'create', '--email', 'PAUL@dupont.fr', '--name', 'Again', '--account', 'dupont')).toContain('already exists');
    expect(await store.findUserByEmail('x@dupont.fr')).toBeUndefined();
  });

  it('--invite mails an invitation (to the outbox without an SMTP relay); user invite sends a new one', async () => {
    const { stdout } = await run(config, 'user', 'create', '--email', 'new@dupont.fr', '--name', 'Nouvelle', '--account', 'dupont', '--rights', 'contacts', '--invite');
    expect(stdout).not.toMatch(/password/);
    expect(stdout).toContain(`invitation mailed to ${path.join(dir, 'outbox')}`);
    const first = await lastMailTo(path.join(dir, 'outbox'), 'new@dupont.fr');
    expect(first.link.startsWith('https://portal.example.net/invitation?token=')).toBe(true);
    expect((await store.findUserByEmail('new@dupont.fr'))!.status).toBe('invited');
    await run(config, 'user', 'invite', '--email', 'new@dupont.fr');
    expect((await lastMailTo(path.join(dir, 'outbox'), 'new@dupont.fr')).token).not.toBe(first.token);
    expect(await refusal(config, 'user', 'invite', '--email', 'paul@dupont.fr')).toContain('is active');
  });

  it('lists users, by account or staff', async () => {
    const all = (await run(config, 'user', 'list')).stdout.trim().split('\n');
    expect(all.length).toBe(4);
    const dupont = (await run(config, 'user', 'list', '--account', 'dupont')).stdout;
    expect(dupont).toContain('paul@dupont.fr\tPaul\taccount dupont\tactive\ten\trights messages,statistics\tbrands Dupont');
    expect(dupont).not.toContain('ops@relais.example');
    expect((await run(config, 'user', 'list', '--staff')).stdout).toContain('ops@relais.example\tOps\tstaff operator-support\tactive');
  });

  it('disables a user and ends their sessions', async () => {
    const paul = (await store.findUserByEmail('paul@dupont.fr'))!;
    await store.createSession(Buffer.alloc(32, 7), { userId: paul.id, csrfToken: 'x', secondFactorPending: false, ip: null, userAgent: null, expiresAt: new Date(Date.now() + 3_600_000) }, new Date());
    await run(config, 'user', 'disable', '--email', 'paul@dupont.fr');
    expect((await store.findUserByEmail('paul@dupont.fr'))!.status).toBe('disabled');
    expect((await store.findSession(Buffer.alloc(32, 7)))!.revokedAt).not.toBeNull();
    expect(await refusal(config, 'user', 'disable', '--email', 'nobody@dupont.fr')).toContain('no user');
  });
});
