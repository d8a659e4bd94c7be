/**
 * A PostgreSQL outage is visible: the API answers 503 with Retry-After (never a 500 that hides it), /health says
 * the process is alive and its database down, /ready refuses traffic; when the database is back, so is the API.
 * And the embedded PostgreSQL that Relais runs is started again when it dies.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/log.ts';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/adapters/store/embedded-postgres.ts';
import { parseConfig } from '../../src/config/load.ts';
import { startRelais, type Relais } from '../../src/main.ts';
import { eventually } from '../support/waiting.ts';

const dirs: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'relais-outage-'));
  // The server runs as the user postgres when the tests run as root: it must reach its cluster inside.
  chmodSync(dir, 0o711);
  dirs.push(dir);
  return dir;
}

async function relaisOn(database: Record<string, unknown>): Promise<{ relais: Relais; key: string }> {
  const config = parseConfig({ http: { port: 0 }, log: { level: 'silent' }, roles: ['api'], database: { maxConnections: 4, dataDir: tempDir(), ...database } });
  const relais = await startRelais(config, { log: createLogger('silent') });
  cleanups.push(() => relais.stop());
  const accounts = new PgAccountStore(relais.db);
  const account = await accounts.createAccount({ name: 'outage', defaultShortCode: '36001' }, new Date());
  return { relais, key: await accounts.createApiKey(account.id, null, new Date()) };
}

async function call(relais: Relais, key: string, method: string, url: string, body?: unknown) {
  const response = await fetch(relais.httpUrl + url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const message = { to: '+33612345678', text: 'Votre code : 1234', class: 'transactional' };

describe('a PostgreSQL outage', () => {
  it('answers 503 with Retry-After, says so on /health and /ready, and recovers when the database is back', async () => {
    const pgDir = tempDir();
    let server: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: pgDir });
    cleanups.push(() => server.stop());
    const port = Number(new URL(server.url).port);
    const { relais, key } = await relaisOn({ url: server.url });
    expect((await call(relais, key, 'POST', '/v1/messages', message)).status).toBe(202);
    expect((await call(relais, key, 'GET', '/ready')).status).toBe(200);

    await server.stop();
    const refused = await call(relais, key, 'POST', '/v1/messages', message);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body.detail).toMatch(/^the database cannot be reached/);
    expect((await call(relais, key, 'GET', '/v1/messages?limit=1')).status).toBe(503);
    await eventually(async () => (await call(relais, key, 'GET', '/ready')).status === 503, '/ready to say the database is down', 5_000, 100);
    expect((await call(relais, key, 'GET', '/ready')).headers.get('retry-after')).toBe('5');
    expect(await call(relais, key, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'alive', database: 'down' } });

    server = await startEmbeddedPostgres({ dataDir: pgDir, port });
    await eventually(async () => (await call(relais, key, 'GET', '/ready')).status === 200, '/ready once the database is back', 10_000, 100);
    expect((await call(relais, key, 'GET', '/health')).body).toEqual({ status: 'alive', database: 'up' });
    expect((await call(relais, key, 'POST', '/v1/messages', message)).status).toBe(202);
  });

  it('starts the embedded PostgreSQL again when it dies', async () => {
    const { relais, key } = await relaisOn({});
    const pidFile = path.join(relais.config.database.dataDir, 'postgres', 'cluster', 'postmaster.pid');
    const firstPid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    process.kill(firstPid, 'SIGKILL');
    // The file is gone while the server is down, and written again once it starts.
    const pidNow = () => {
      try {
        return Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      } catch {
        return firstPid;
      }
    };
    await eventually(
      async () => {
        return pidNow() !== firstPid && (await call(relais, key, 'GET', '/ready')).status === 200;
      },
      'the embedded PostgreSQL to run again',
      30_000,
      100,
    );
    expect((await call(relais, key, 'POST', '/v1/messages', message)).status).toBe(202);
  }, 60_000);
});
