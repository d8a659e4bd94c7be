/**
 * `relais routes list|pause|resume|explain` (docs/routing.md): the routes with their operators and short codes, a
 * pause recorded with its reason and on the audit trail, and where a message to a number would go and why.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PgRouteStore } from '../../src/adapters/store/route-store.ts';
import { cliRig } from '../support/cli-rig.ts';

const fixture = (name: string) => path.resolve(import.meta.dirname, '../fixtures/numbering', name);
const sfr = { name: 'sfr', protocol: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'relais', password: 'pw', operator: 'SFR0' } as const;

describe('relais routes', { timeout: 90_000 }, () => {
  const cli = cliRig('routes-cli', {
    routes: [sfr],
    orange: { host: '127.0.0.1', port: 3000, shortCodes: [{ number: '36001', password: 'pw', alsoOn: ['sfr'] }, { number: '36002', password: 'pw' }] },
    routing: { rules: [{ operators: ['BOUY'], classes: ['marketing'], routes: ['sfr'] }] },
  });
  const { run } = cli;

  beforeAll(async () => {
    // What `relais start` writes from this configuration.
    const orange = (number: string) => ({ name: `orange-${number}`, protocol: 'ucp' as const, host: '127.0.0.1', port: 3000, systemId: number, password: 'pw', settings: {}, operator: 'ORAN', subscribersOnly: true });
    await new PgRouteStore(cli.tdb.db).sync(
      [{ ...sfr, systemId: 'relais', settings: {} }, orange('36001'), orange('36002')],
      [
        { number: '36001', route: 'orange-36001', alsoOn: ['sfr'], ratePerSecond: 10 },
        { number: '36002', route: 'orange-36002', ratePerSecond: 10 },
      ],
      new Date(),
    );
    await run('numbering', 'import-ranges', fixture('majnum-sample.csv'));
  });

  it('lists the routes, pauses one with its reason, resumes it, each change on the audit trail', async () => {
    expect((await run('routes', 'list')).stdout.split('\n').filter(Boolean)).toEqual([
      'orange-36001\tucp 127.0.0.1:3000\tORAN subscribers only\tshort codes: 36001',
      'orange-36002\tucp 127.0.0.1:3000\tORAN subscribers only\tshort codes: 36002',
      'sfr\tsmpp 127.0.0.1:2775\tSFR0\tshort codes: 36001',
    ]);
    expect((await run('routes', 'pause', 'sfr', '--reason', 'maintenance SFR')).stdout.trim()).toBe('route sfr paused: maintenance SFR');
    expect((await run('routes', 'list')).stdout).toContain('sfr\tsmpp 127.0.0.1:2775\tSFR0\tshort codes: 36001\tPAUSED: maintenance SFR');
    await run('routes', 'resume', 'sfr');
    expect((await run('routes', 'list')).stdout).not.toContain('PAUSED');
    await expect(run('routes', 'pause', 'nowhere', '--reason', 'x')).rejects.toMatchObject({ stderr: expect.stringContaining('no route named "nowhere"') });
    const { rows } = await cli.tdb.db.pool.query(`SELECT action, object_id, detail->>'reason' AS reason FROM audit_events WHERE action LIKE 'routes.%' ORDER BY at`);
    expect(rows).toEqual([
      { action: 'routes.pause', object_id: 'sfr', reason: 'maintenance SFR' },
      { action: 'routes.resume', object_id: 'sfr', reason: null },
    ]);
  });

  it('explains where a message would go: the Orange route for an Orange subscriber, a rule, or a refusal', async () => {
    expect((await run('routes', 'explain', '0612000010', '--short-code', '36001')).stdout.trim()).toBe(
      "+33612000010 on 36001: route orange-36001, then sfr — short code 36001's routes; recipient a ORAN (Orange) subscriber",
    );
    expect((await run('routes', 'explain', '0660000010', '--short-code', '36001', '--class', 'marketing')).stdout.trim()).toBe(
      '+33660000010 on 36001: route sfr — rule 1 (operator BOUY, class marketing); recipient a BOUY (Bouygues Telecom) subscriber',
    );
    expect((await run('routes', 'explain', '0660000010', '--short-code', '36002')).stdout.trim()).toMatch(/^\+33660000010 on 36002: refused, not-an-orange-subscriber — the recipient is a BOUY \(Bouygues Telecom\) subscriber: route orange-36002 carries only ORAN subscribers/);
  });
});
