/**
 * The command line on the server writes the audit trail too: the actor is the system user who ran the command,
 * the command line is kept with passwords and whole API keys masked.
 */
import { userInfo } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyPrefixOf, PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgAuditStore } from '../../src/adapters/store/audit-store.ts';
import { maskedCommandLine } from '../../src/cli/common.ts';
import { cliRig } from '../support/cli-rig.ts';

// Each command is a process of its own (several seconds on a loaded machine): a generous limit, not a wait.
describe('the command line on the audit trail', { timeout: 180_000 }, () => {
  const cli = cliRig('audit-cli');
  const { run } = cli;
  let accountId: string;
  beforeAll(async () => {
    accountId = (await new PgAccountStore(cli.tdb.db).createAccount({ name: 'dupont', brand: 'Dupont' }, new Date())).id;
  });

  it('records a change with the system user, the account and the command, its secrets masked', async () => {
    await run('account', 'set', 'dupont', '--brand', 'Dupont & Fils');
    await run('account', 'smpp', 'dupont', '--system-id', 'dupont', '--password', 's3cret');
    const key = /API key \(shown once\): (\S+)/.exec((await run('account', 'key', 'dupont')).stdout)![1]!;
    await run('account', 'revoke-key', 'dupont', key);

    const trail = await new PgAuditStore(cli.tdb.db).list({ accountId }, undefined, 10);
    const me = userInfo().username;
    expect(trail.map((e) => [e.action, e.object, e.actor, e.result])).toEqual([
      ['api-keys.revoke', { type: 'api-key', id: `${keyPrefixOf(key)}…` }, { kind: 'cli', id: null, label: me }, 'ok'],
      ['api-keys.create', { type: 'api-key', id: keyPrefixOf(key) }, { kind: 'cli', id: null, label: me }, 'ok'],
      ['accounts.smpp.update', { type: 'account', id: 'dupont' }, { kind: 'cli', id: null, label: me }, 'ok'],
      ['aggregator.accounts.update', { type: 'account', id: 'dupont' }, { kind: 'cli', id: null, label: me }, 'ok'],
    ]);
    const commands = trail.map((e) => e.detail?.command as string);
    expect(commands[3]).toBe(`account set dupont --brand Dupont & Fils -c ${cli.config}`);
    expect(commands[2]).toBe(`account smpp dupont --system-id dupont --password *** -c ${cli.config}`);
    expect(commands.join(' ')).not.toContain('s3cret');
    expect(commands.join(' ')).not.toContain(key);
  });

  it('records nothing for a refused command (it changed nothing)', async () => {
    const before = (await new PgAuditStore(cli.tdb.db).list({}, undefined, 100)).length;
    await expect(run('account', 'set', 'nobody', '--brand', 'X')).rejects.toThrow(/no account named "nobody"/);
    expect((await new PgAuditStore(cli.tdb.db).list({}, undefined, 100)).length).toBe(before);
  });

  it('masks passwords and whole keys, keeps the rest', () => {
    expect(maskedCommandLine(['account', 'smpp', 'x', '--password=abc', '--password', 'def'])).toBe('account smpp x --password=*** --password ***');
    expect(maskedCommandLine(['revoke-key', 'x', 'rl_abcdefghijklmnopqrstuvwxyz0123456789', 'rl_abc'])).toBe('revoke-key x rl_abcdef… rl_abc');
  });
});
