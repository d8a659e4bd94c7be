/**
 * `relais incident`: the support opens a ticket for an account, closes it with its cause (resolved first), and
 * finds it in the month's CSV report; each change is on the account's audit trail.
 */
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgAuditStore } from '../../src/adapters/store/audit-store.ts';
import { cliRig } from '../support/cli-rig.ts';

describe('relais incident', { timeout: 180_000 }, () => {
  const cli = cliRig('incident-cli');
  const { run } = cli;
  let accountId: string;
  beforeAll(async () => {
    accountId = (await new PgAccountStore(cli.tdb.db).createAccount({ name: 'dupont', brand: 'Dupont' }, new Date())).id;
  });

  it('opens, closes with the cause, and reports the month', async () => {
    const opened = await run('incident', 'open', 'dupont', '--title', 'Plus aucun envoi', '--description', 'Appel du client à 9 h', '--severity', 'critical', '--category', 'sending');
    const reference = opened.stdout.trim();
    expect(reference).toMatch(/^INC-\d{4}-000001$/);

    const closed = await run('incident', 'close', reference, '--cause', 'Route Orange suspendue ; rétablie.');
    expect(closed.stdout).toMatch(new RegExp(`^${reference}: closed after \\d+ h \\d\\d business hours; cause: Route Orange suspendue ; rétablie\\.`));

    const month = DateTime.now().setZone('Europe/Paris').toFormat('yyyy-LL');
    const report = await run('incident', 'report', '--month', month, '--csv');
    const lines = report.stdout.split('\r\n');
    expect(lines[0]).toBe('reference,account,severity,category,openedAt,resolvedAt,closedAt,businessMinutes,targetMinutes,met,cause');
    expect(lines[1]).toMatch(new RegExp(`^${reference},dupont,critical,sending,.*,360,(yes|no),Route Orange suspendue ; rétablie\\.$`));

    const trail = await new PgAuditStore(cli.tdb.db).list({ accountId }, undefined, 10);
    expect(trail.map((e) => [e.action, e.object?.id])).toEqual([
      ['incidents.close', reference],
      ['incidents.create', reference],
    ]);
  });
});
