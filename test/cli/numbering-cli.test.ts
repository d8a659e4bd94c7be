/**
 * `relais numbering import-ranges|import-ports|lookup`: the files imported from the command line, refused lines
 * told with their reasons, imports on the audit trail, and who serves a number.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRig } from '../support/cli-rig.ts';

const fixture = (name: string) => path.resolve(import.meta.dirname, '../fixtures/numbering', name);

describe('relais numbering', { timeout: 90_000 }, () => {
  const cli = cliRig('numbering-cli');
  const { run } = cli;

  it('imports the plan and a portability file, telling the refused lines, then looks a number up', async () => {
    const ranges = await run('numbering', 'import-ranges', fixture('majnum-sample.csv'));
    expect(ranges.stdout).toMatch(/^ranges import [0-9a-f-]{36}: 10 line\(s\), 10 taken, 0 refused \(ranges 10, operators 7\)/);

    const ports = path.join(cli.dir, 'ports.csv');
    writeFileSync(ports, 'msisdn;operator;date\n0612000001;FRTE;2024-02-01\n0612000002;FRTE;someday\n');
    const imported = await run('numbering', 'import-ports', ports);
    expect(imported.stdout).toContain('2 line(s), 1 taken, 1 refused');
    expect(imported.stdout).toMatch(/line 3: "someday" is not a date/);

    const { stdout } = await run('numbering', 'lookup', '06 12 00 00 01');
    expect(stdout.trim()).toBe('+33612000001: FRTE (Free Mobile), ported since 2024-02-01; range holder ORAN (Orange)');
    const { rows } = await cli.tdb.db.pool.query(`SELECT action, actor_kind FROM audit_events WHERE action LIKE 'numbering.%' ORDER BY at`);
    expect(rows).toEqual([
      { action: 'numbering.import-ranges', actor_kind: 'cli' },
      { action: 'numbering.import-ports', actor_kind: 'cli' },
    ]);
  });
});
