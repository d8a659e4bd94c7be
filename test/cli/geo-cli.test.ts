/**
 * `relais geo accept | locate | usage`: an acceptance recorded, a number located (billed, audited) or refused
 * without it (nothing billed), the month's hits priced.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { cliRig } from '../support/cli-rig.ts';

describe('relais geo', { timeout: 90_000 }, () => {
  const cli = cliRig('geo-cli', { geoPresence: { simulator: { positions: { '+33612000001': { lat: 48.8561, lon: 2.3526 } }, off: ['+33612000002'] } } });
  const { run } = cli;
  beforeAll(async () => {
    await new PgAccountStore(cli.tdb.db).createAccount({ name: 'acme', brand: 'Dupont' }, new Date());
  });

  it('locates a number that accepted, bills every hit, refuses one that did not', async () => {
    expect((await run('geo', 'accept', '--account', 'acme', '06 12 00 00 01', '--channel', 'web form')).stdout.trim()).toBe('+33612000001\tDupont\taccepts geolocated marketing');
    await run('geo', 'accept', '--account', 'acme', '0612000002');
    expect((await run('geo', 'locate', '--account', 'acme', '0612000001')).stdout).toMatch(/^\+33612000001\tlocated\t48\.8561, 2\.3526\t±\d+ m\t.*\t\(billed\)$/m);
    expect((await run('geo', 'locate', '--account', 'acme', '0612000002')).stdout).toMatch(/^\+33612000002\toff\t/);
    const refused = await run('geo', 'locate', '--account', 'acme', '0612000003').catch((error: { stderr: string }) => error);
    expect(refused.stderr).toContain('has not accepted geolocated marketing');

    const usage = (await run('geo', 'usage', '--account', 'acme')).stdout;
    expect(usage).toMatch(/^\d{4}-\d{2}: 2 hits \(1 located\)/);
    expect(usage).toContain('total\t100.16 € excl. VAT');
    const { rows } = await cli.tdb.db.pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'locations.locate'`);
    expect(rows[0].n).toBe(2);
  });

  it('takes a campaign perimeter as JSON, refused off a 35ABC short code', async () => {
    const perimeter = JSON.stringify({ circle: { centre: { lat: 48.853, lon: 2.3499 }, radiusMetres: 800 } });
    const refused = await run('campaign', 'create', '--account', 'acme', '--name', 'soldes', '--base', 'clients', '--text', 'Dupont : -20 %', '--short-code', '36001', '--perimeter', perimeter).catch((error: { stderr: string }) => error);
    expect(refused.stderr).toContain('a perimeter needs a Géo Présence short code (35ABC');
    const notJson = await run('campaign', 'create', '--account', 'acme', '--name', 'soldes', '--base', 'clients', '--text', 'Dupont', '--perimeter', '{circle').catch((error: { stderr: string }) => error);
    expect(notJson.stderr).toContain('--perimeter is not JSON');
  });
});
