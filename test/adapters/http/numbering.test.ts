/**
 * The aggregator's numbering routes: import the plan and the portability base as CSV bodies, ask who serves a
 * number (answered from memory, reloaded by the import), read the refused lines back; imports are audited; an
 * account's key is refused.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/numbering/${name}`, import.meta.url));

describe('numbering over HTTP', () => {
  let t: TestRelais;
  let aggregatorKey: string;
  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api'] });
    aggregatorKey = await new PgAccountStore(t.relais.db).createAggregatorKey('numbering test', new Date());
  });
  afterAll(() => t?.stop());

  const call = async (method: string, path: string, body?: string | Buffer, key = aggregatorKey) => {
    const response = await fetch(`${t.relais.httpUrl}/v1/aggregator${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'text/csv' }) },
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('imports the plan and the ports, then answers who serves a number', async () => {
    const ranges = await call('POST', '/numbering/ranges', fixture('majnum-sample.csv'));
    expect(ranges.status).toBe(201);
    expect(ranges.body).toMatchObject({ kind: 'ranges', lines: 10, taken: 10, rejected: 0 });
    expect((await call('GET', '/numbering/06 12 30 00 01')).body).toEqual({
      msisdn: '+33612300001',
      operator: 'SFR0',
      name: 'SFR',
      source: 'range',
      rangeHolder: { operator: 'SFR0', name: 'SFR' },
      portedOn: null,
    });

    const ports = await call('POST', '/numbering/ports', fixture('ports-sample.csv'));
    expect(ports).toMatchObject({ status: 201, body: { kind: 'ports', taken: 4 } });
    expect((await call('GET', '/numbering/+33612000001')).body).toMatchObject({
      operator: 'FRTE',
      name: 'Free Mobile',
      source: 'ported',
      rangeHolder: { operator: 'ORAN' },
      portedOn: '2024-02-01',
    });
    expect((await call('GET', '/numbering/0690000003')).body).toMatchObject({ msisdn: '+590690000003', operator: 'DIGI', source: 'ported' });
    expect((await call('GET', '/numbering')).body).toMatchObject({ ranges: 10, ports: 4, imports: [{ kind: 'ports' }, { kind: 'ranges' }] });
  });

  it('applies a delta, refuses its bad lines with their reasons, and keeps them for reading back', async () => {
    const delta = `${fixture('ports-delta-sample.csv').toString()}0612000009;ORAN;yesterday\n`;
    const done = await call('POST', '/numbering/ports?delta=true', delta);
    expect(done).toMatchObject({ status: 201, body: { kind: 'ports-delta', lines: 4, taken: 3, rejected: 1, summary: { returned: 1, new: 1, changed: 1 } } });
    expect(done.body.rejects).toEqual([{ line: 5, content: '0612000009;ORAN;yesterday', reason: expect.stringMatching(/not a date/) }]);
    expect((await call('GET', '/numbering/+33612000001')).body).toMatchObject({ operator: 'ORAN', source: 'range', portedOn: null });
    expect((await call('GET', `/numbering/imports/${done.body.id}`)).body.rejects).toHaveLength(1);
    const [entry] = (await call('GET', '/audit?action=numbering.import-ports')).body.events;
    expect(entry).toMatchObject({ action: 'numbering.import-ports', result: 'ok', status: 201 });
  });

  it('refuses what is not a number, a file of the wrong shape, and an account key', async () => {
    expect(await call('GET', '/numbering/hello')).toMatchObject({ status: 422, body: { errors: [{ field: '/msisdn' }] } });
    expect(await call('POST', '/numbering/ranges', 'name;phone\nx;y\n')).toMatchObject({ status: 422, body: { detail: expect.stringMatching(/no operator column/) } });
    expect((await call('GET', '/numbering/0612000001', undefined, t.key)).status).toBe(401);
  });
});
