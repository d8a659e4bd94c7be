/**
 * `relais qualify <msisdn...>` and `relais qualify --base <id>`: numbers answered one a line, a base qualified
 * whole, terminated numbers removed from the contacts, each run on the audit trail.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgContactStore } from '../../src/adapters/store/contact-store.ts';
import { cliRig } from '../support/cli-rig.ts';

const contact = (mobile: string) => ({ mobile, firstName: null, lastName: null, landline: null, email: null, birthday: null, custom: {} });

describe('relais qualify', { timeout: 90_000 }, () => {
  const cli = cliRig('qualify-cli', { qualification: { simulator: { terminated: ['+33612000003'] } } });
  const { run } = cli;
  beforeAll(async () => {
    const now = new Date();
    const account = await new PgAccountStore(cli.tdb.db).createAccount({ name: 'acme' }, now);
    const contacts = new PgContactStore(cli.tdb.db);
    const base = await contacts.createBase(account.id, 'clients', [], now);
    await contacts.upsertContacts(base, ['+33612000001', '+33612000002', '+33612000003'].map(contact), now);
  });

  it('qualifies numbers, then a base from the cache and the lookup, removing the terminated number', async () => {
    const numbers = await run('qualify', '--account', 'acme', '06 12 00 00 01');
    expect(numbers.stdout).toMatch(/^\+33612000001\tvalid\t\w+\tlooked up\t/);
    expect(numbers.stdout).toContain('1 numbers: 1 looked up (billable), 0 cached');

    const base = await run('qualify', '--account', 'acme', '--base', 'clients');
    expect(base.stdout.trim()).toBe('base clients: 3 numbers: 2 looked up (billable), 1 cached; 2 valid, 0 unknown, 1 terminated; 1 contacts removed');
    const { rows } = await cli.tdb.db.pool.query(`SELECT mobile FROM contacts ORDER BY mobile`);
    expect(rows).toEqual([{ mobile: '+33612000001' }, { mobile: '+33612000002' }]);
    const { rows: trail } = await cli.tdb.db.pool.query(`SELECT action, actor_kind FROM audit_events WHERE action = 'qualifications.qualify'`);
    expect(trail).toHaveLength(2);
  });
});
