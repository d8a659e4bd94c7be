/**
 * What a test of the `relais` command needs: a throwaway database, a temporary data directory, a configuration file
 * pointing the command at both, and the command run with that file. Call it inside a `describe`: it registers the
 * hooks that make and remove them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { relaisCommand } from './cli.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from './db.ts';

/** DATABASE_URL would win over the file's database: the command must use the test's database. */
const { DATABASE_URL: _ignored, ...env } = process.env;

export interface CliRig {
  readonly dir: string;
  readonly tdb: TestDatabase;
  /** The configuration file the command is run with. */
  readonly config: string;
  run(...args: string[]): Promise<{ stdout: string; stderr: string }>;
}

/** `extra`: more sections of the configuration file (beside `database` and `log`). */
export function cliRig(name: string, extra: Record<string, unknown> = {}): CliRig {
  let dir = '';
  let tdb: TestDatabase | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), `relais-${name}-`));
    tdb = await createTestDatabase(primaryTarget());
    writeFileSync(path.join(dir, 'store.config.json'), JSON.stringify({ database: { url: tdb.url, dataDir: dir }, log: { level: 'warn' }, ...extra }));
  });
  afterAll(async () => {
    await tdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get tdb() {
      return tdb!;
    },
    get config() {
      return path.join(dir, 'store.config.json');
    },
    run: (...args) => promisify(execFile)(process.execPath, [...relaisCommand, ...args, '-c', path.join(dir, 'store.config.json')], { env }),
  };
}
