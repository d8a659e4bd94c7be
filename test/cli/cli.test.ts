/**
 * The `relais` command as a person meets it: a version, an unknown command refused, output piped into `head`,
 * money printed as the API prints it, an embedded PostgreSQL whose libraries were not installed — and the
 * production entry point, which runs the build with no TypeScript tooling at all.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingLibraries } from '../../src/adapters/store/embedded-postgres.ts';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../support/db.ts';
import { relaisCommand } from '../support/cli.ts';
import { startTestRelais, type TestRelais } from '../support/relais.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const { DATABASE_URL: _ignored, ...env } = process.env;
const run = (args: string[], options: { env?: NodeJS.ProcessEnv } = {}) =>
  promisify(execFile)(process.execPath, [...relaisCommand, ...args], { env: options.env ?? env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

describe('the relais command', () => {
  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(await run(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('refuses an unknown command with a non-zero exit', async () => {
    const result = await run(['frobnicate']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('says what is missing and how to fix it when the embedded PostgreSQL was installed without its libraries', () => {
    const dir = tempDir('relais-pg-package-');
    mkdirSync(path.join(dir, 'native', 'lib'), { recursive: true });
    writeFileSync(path.join(dir, 'native', 'lib', 'libpq.so.5.17'), '');
    writeFileSync(
      path.join(dir, 'native', 'pg-symlinks.json'),
      JSON.stringify([
        { source: 'native/lib/libpq.so.5.17', target: 'native/lib/libpq.so.5' },
        { source: 'native/lib/libpq.so.5.17', target: 'native/lib/libpq.so' },
      ]),
    );
    expect(missingLibraries(dir)).toEqual(['native/lib/libpq.so.5', 'native/lib/libpq.so']);
    symlinkSync('libpq.so.5.17', path.join(dir, 'native', 'lib', 'libpq.so.5'));
    symlinkSync('libpq.so.5.17', path.join(dir, 'native', 'lib', 'libpq.so'));
    expect(missingLibraries(dir)).toEqual([]);
  });
});

describe('the relais command beside the API', () => {
  let t: TestRelais;
  let tdb: TestDatabase;
  let config: string;
  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api'] }, { brand: 'Dupont' });
    tdb = t.tdb;
    const dir = tempDir('relais-cli-');
    config = path.join(dir, 'relais.config.json');
    writeFileSync(config, JSON.stringify({ database: { url: tdb.url, dataDir: dir }, log: { level: 'warn' } }));
  });
  afterAll(() => t?.stop());

  it('prints a dry run’s cost as the API does', async () => {
    await t.api('POST', '/v1/bases', { name: 'clients' });
    await t.api('POST', '/v1/bases/clients/contacts', { contacts: [{ mobile: '0612345678' }, { mobile: '0612345679' }] });
    const created = await t.api('POST', '/v1/campaigns', { name: 'Avis', class: 'transactional', bases: ['clients'], text: 'Votre avis compte' });
    expect(created.status).toBe(201);
    const api = (await t.api('POST', `/v1/campaigns/${created.body.id}/dry-run`)).body;
    const account = (await new PgAccountStore(tdb.db).listAccounts()).find((a) => a.id === t.accountId)!;
    const cli = await run(['campaign', 'dry-run', created.body.id, '--account', account.name, '-c', config]);
    expect(cli.code, cli.stderr).toBe(0);
    const printed = JSON.parse(cli.stdout);
    expect(printed.cost).toEqual(api.cost);
    expect(printed.cost.euros).toMatch(/^\d+\.\d{2,6}$/);
  });

  it('stops quietly when its output is piped into a reader that closes early (relais … | head)', async () => {
    await t.api('POST', '/v1/bases', { name: 'big' });
    const rows = Array.from({ length: 5_000 }, (_, i) => `not-a-number-${i},Nom ${i}`).join('\r\n');
    const upload = await fetch(`${t.relais.httpUrl}/v1/imports?base=big`, { method: 'POST', headers: { authorization: `Bearer ${t.key}`, 'content-type': 'text/csv' }, body: `Portable,Nom\r\n${rows}\r\n` });
    const imported = (await upload.json()) as { id: string; rejected: number };
    expect(imported.rejected).toBe(5_000);
    const account = (await new PgAccountStore(tdb.db).listAccounts()).find((a) => a.id === t.accountId)!;
    const child = spawn(process.execPath, [...relaisCommand, 'imports', 'errors', imported.id, '--account', account.name, '-c', config], { env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('the production entry point', () => {
  it('runs the build in dist/ with no TypeScript tooling (tsx, typescript) to load', async () => {
    const dir = tempDir('relais-production-');
    await promisify(execFile)(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist')]);
    cpSync(path.join(root, 'bin'), path.join(dir, 'bin'), { recursive: true });
    cpSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    // Refuse to load any development tooling, as after `npm ci --omit=dev`.
    writeFileSync(
      path.join(dir, 'no-dev-tools-hooks.mjs'),
      `export async function resolve(specifier, context, next) {
         if (/^(tsx|typescript|esbuild|vitest)(\\/|$)/.test(specifier)) throw new Error('development tooling loaded at run time: ' + specifier);
         return next(specifier, context);
       }`,
    );
    const guard = path.join(dir, 'no-dev-tools.mjs');
    writeFileSync(guard, `import { register } from 'node:module'; register('./no-dev-tools-hooks.mjs', import.meta.url);`);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', guard, path.join(dir, 'bin', 'relais.js'), '--help']);
    expect(stdout).toMatch(/^Usage: relais/);
  }, 60_000);
});
