import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveOperatorDirectory } from '../../../src/adapters/numbering-directory.ts';
import { NumberingFileError, PgNumberingStore, streamOf } from '../../../src/adapters/store/numbering-store.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/numbering/${name}`, import.meta.url));
const now = () => new Date('2026-12-01T10:00:00Z');

describe('the numbering store', () => {
  let database: TestDatabase;
  let store: PgNumberingStore;
  let directory: LiveOperatorDirectory;

  beforeAll(async () => {
    database = await createTestDatabase(primaryTarget());
    store = new PgNumberingStore(database.db);
    directory = new LiveOperatorDirectory(store);
  });
  afterAll(async () => {
    directory.stop();
    await database.drop();
  });

  it('imports the plan, and the directory loaded from the store answers from it', async () => {
    const done = await store.importRanges(fixture('majnum-sample.csv'), { fileName: 'majnum-sample.csv', now });
    expect(done).toMatchObject({ kind: 'ranges', lines: 10, taken: 10, rejected: 0, summary: { ranges: 10, operators: 7 } });
    expect(await directory.refresh()).toBe(true);
    expect(directory.operatorOf('+33612300001')).toEqual({ operator: 'SFR0', name: 'SFR', source: 'range' });
    expect(directory.operatorOf('+590690123456')).toMatchObject({ operator: 'OCAR', name: 'Orange Caraïbe' });
    expect(await directory.refresh()).toBe(false);
  });

  it('refuses bad lines of the plan with their reasons and keeps the others; a file without the columns changes nothing', async () => {
    const file = Buffer.from(
      [
        'EZABPQM;Tranche_Debut;Tranche_Fin;Mnémo;Territoire;Date_Attribution',
        '0612;0612000000;0612999999;ORAN;France;1997-03-15',
        '0613;0613000000;0612999999;ORAN;France;1997-03-15',
        '0614;0614000000;0614999999;;France;1997-03-15',
        '0660;0660000000;0660999999;BOUY;France;31/02/1996',
        '06125;0612500000;0613099999;FRTE;France;2012-01-12',
        '0751;0751000000;0751999999;FRTE;France;2015-06-18',
      ].join('\r\n'),
      'latin1', // Windows-1252, as the regulator has published it
    );
    const done = await store.importRanges(file, { now });
    expect(done).toMatchObject({ lines: 6, taken: 2, rejected: 4 });
    expect(done.rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, expect.stringMatching(/is after the last/)],
      [4, expect.stringMatching(/no operator code/)],
      [5, expect.stringMatching(/not a date/)],
      [6, expect.stringMatching(/overlaps 33612000000–33612999999 \(ORAN\)/)],
    ]);
    expect((await store.findImport(done.id))!.rejects).toHaveLength(4);
    await expect(store.importRanges(Buffer.from('a;b;c\n1;2;3\n'), { now })).rejects.toThrow(NumberingFileError);
    // Put the fixture back for what follows.
    await store.importRanges(fixture('majnum-sample.csv'), { now });
  });

  it('imports a full portability file: a port overrides the range, reloaded without a restart', async () => {
    const done = await store.importPorts(streamOf(fixture('ports-sample.csv')), false, { fileName: 'ports-sample.csv', now });
    expect(done).toMatchObject({ kind: 'ports', lines: 4, taken: 4, rejected: 0, summary: { ports: 4 } });
    expect(directory.operatorOf('+33612000001').source).toBe('range');
    await directory.refresh();
    expect(directory.operatorOf('+33612000001')).toEqual({ operator: 'FRTE', name: 'Free Mobile', source: 'ported' });
    expect(directory.operatorOf('+33612300004')).toMatchObject({ operator: 'BOUY', source: 'ported' });
    expect(directory.operatorOf('+590690000003')).toMatchObject({ operator: 'DIGI', source: 'ported' });
    expect(directory.operatorOf('+33612000002')).toMatchObject({ operator: 'ORAN', source: 'range' });
    expect(await store.portOf(33612000001)).toEqual({ operator: 'FRTE', portedOn: '2024-02-01' });
    expect(directory.figures).toMatchObject({ ports: 4, ranges: 10 });
  });

  it('applies a delta: a return gives the number back to its range, a port changes or adds one', async () => {
    const done = await store.importPorts(streamOf(fixture('ports-delta-sample.csv')), true, { now });
    expect(done).toMatchObject({ kind: 'ports-delta', lines: 3, taken: 3, rejected: 0, summary: { new: 1, changed: 1, returned: 1, unchanged: 0 } });
    await directory.refresh();
    expect(directory.operatorOf('+33612000001')).toMatchObject({ operator: 'ORAN', source: 'range' });
    expect(directory.operatorOf('+33660000002')).toMatchObject({ operator: 'SFR0', source: 'ported' });
    expect(directory.operatorOf('+33695000005')).toMatchObject({ operator: 'ORAN', source: 'ported' });
    expect(directory.figures.ports).toBe(4);
    // A delta replayed late (older than what the base knows) changes nothing.
    const stale = await store.importPorts(streamOf('0660000002;BOUY;2020-01-01\n0612000001;;2020-01-01;return\n'), true, { now });
    expect(stale.summary).toMatchObject({ new: 0, changed: 0, unchanged: 2 });
    expect(await store.portOf(33660000002)).toMatchObject({ operator: 'SFR0' });
  });

  it('refuses bad portability lines with their reasons and loses none: lines = taken + rejected', async () => {
    const file = [
      'msisdn;operator;date',
      '0612000010;FRTE;2024-01-01',
      '+447700900123;ORAN;2024-01-01',
      '0612000011;ORAN;2024-13-01',
      '',
      '0612000012;FRTE',
      '0612000013;ORAN;2024-01-01;return',
      '0612000010;BOUY;2024-02-01',
      '0660000020;FRTE;2024-01-01',
    ].join('\n');
    const done = await store.importPorts(streamOf(file), false, { now });
    expect(done.lines).toBe(done.taken + done.rejected);
    expect(done).toMatchObject({ lines: 7, taken: 2, rejected: 5, summary: { ports: 2 } });
    expect(done.rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, expect.stringMatching(/given again on line 8, which is kept/)],
      [3, expect.stringMatching(/not a number of the French plan/)],
      [4, expect.stringMatching(/not a date/)],
      [6, expect.stringMatching(/found 2 field/)],
      [7, expect.stringMatching(/belongs in a delta/)],
    ]);
    expect(done.rejects[1]!.content).toBe('+447700900123;ORAN;2024-01-01');
    await directory.refresh();
    // The full file replaced the base.
    expect(directory.operatorOf('+33612000010')).toMatchObject({ operator: 'BOUY', source: 'ported' });
    expect(directory.operatorOf('+33660000002')).toMatchObject({ operator: 'BOUY', source: 'range' });
    expect(directory.figures.ports).toBe(2);
    expect(await store.listImports()).toHaveLength(7);
  });

  it('another process picks an import up on its own within its polling period', async () => {
    // A second directory on its own pool, as another Relais process would have, polling every 50 ms.
    const other = new LiveOperatorDirectory(new PgNumberingStore(database.db), { pollMs: 50 });
    await other.start();
    try {
      expect(other.operatorOf('+33751000077')).toMatchObject({ operator: 'FRTE', source: 'range' });
      await store.importPorts(streamOf('0751000077;SFR0;2026-11-30\n'), true, { now });
      await other.reloaded.until(() => other.operatorOf('+33751000077').source === 'ported', 10_000);
      expect(other.operatorOf('+33751000077')).toMatchObject({ operator: 'SFR0', source: 'ported' });
    } finally {
      other.stop();
    }
  });

  it('a file that is not a portability file changes nothing', async () => {
    const before = await store.versions();
    await expect(store.importPorts(streamOf('msisdn;operator;date\n'), false, { now })).rejects.toThrow(/no line to import/);
    expect(await store.versions()).toEqual(before);
    expect(await store.portOf(33612000010)).toMatchObject({ operator: 'BOUY' });
  });
});
