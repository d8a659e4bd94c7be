/**
 * `relais report availability|traffic --month`: the reports from the store, as CSV and as a table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PgAvailabilityStore } from '../../src/adapters/store/availability-store.ts';
import { PgRouteStore } from '../../src/adapters/store/route-store.ts';
import { cliRig } from '../support/cli-rig.ts';

describe('relais report', { timeout: 60_000 }, () => {
  const cli = cliRig('report-cli');
  const { run } = cli;
  beforeAll(async () => {
    await new PgRouteStore(cli.tdb.db).sync([{ name: 'orange', protocol: 'ucp', host: '127.0.0.1', port: 5000, systemId: '36001', password: 'x', settings: {} }], [{ number: '36001', route: 'orange', ratePerSecond: 10 }], new Date());
    const at = (text: string) => new Date(text);
    await new PgAvailabilityStore(cli.tdb.db).append([
      { kind: 'route', subject: 'orange', node: 'n1', state: 'up', reason: null, at: at('2026-10-31T23:00:00Z') },
      { kind: 'route', subject: 'orange', node: 'n1', state: 'down', reason: 'connection refused', at: at('2026-11-12T10:00:00Z') },
      { kind: 'route', subject: 'orange', node: 'n1', state: 'up', reason: null, at: at('2026-11-12T12:00:00Z') },
    ]);
  });

  it('writes the availability of a month as CSV, and the traffic as a table', async () => {
    const { stdout } = await run('report', 'availability', '--month', '2026-11', '--csv');
    const [header, row] = stdout.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(header).toBe('"kind","subject","month","availability","up_seconds","down_seconds","unobserved_seconds","meets_target","rolling12_availability","rolling12_meets_target","outages","longest_outage_seconds","outages_over_restoration_target"');
    // 2 hours down in a 30-day month: 99.72 %, and the outage within 6 hours.
    expect(row).toBe(`"route","orange","2026-11","${(1 - 2 / 720).toFixed(6)}",${720 * 3600 - 7200},7200,0,"yes","${(1 - 2 / 720).toFixed(6)}","yes",1,7200,0`);

    const traffic = await run('report', 'traffic', '--month', '2026-11');
    expect(traffic.stdout).toMatch(/^short code\s+MT submitted\s+MT delivered\s+MO\s+STOPs\s+peak\/s\s+subscribed\/s\s+peak use$/m);
    expect(traffic.stdout).toMatch(/^36001\s+0\s+0\s+0\s+0\s+0\s+10\s+0\.000 %$/m);
  });
});
