import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { createLogger } from '../../src/adapters/log.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Clock } from '../../src/app/ports.ts';
import { startRelais, type Relais } from '../../src/main.ts';
import { systemClock } from '../../src/adapters/clock.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from './db.ts';

export interface TestRelais {
  relais: Relais;
  key: string;
  accountId: string;
  tdb: TestDatabase;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
  /** Polls a message until `done(status)` or the timeout. */
  waitFor(id: string, done: (status: string) => boolean, timeoutMs?: number): Promise<any>;
  stop(): Promise<void>;
}

/** A clock that starts at `start` and runs at the real pace: tests of rules that depend on the time of day. */
export function clockFrom(start: Date): Clock {
  const offset = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/**
 * Relais in-process on a fresh database (the external PostgreSQL when DATABASE_URL is set, else the
 * embedded test server), HTTP on a free port, built-in simulator unless routes are given.
 */
export async function startTestRelais(
  config: Record<string, unknown> = {},
  account: Parameters<PgAccountStore['createAccount']>[0] extends infer A ? Omit<A, 'name'> : never = {},
  clock: Clock = systemClock,
): Promise<TestRelais> {
  const tdb = await createTestDatabase(primaryTarget());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-test-'));
  const parsed = parseConfig({
    http: { port: 0 },
    log: { level: 'silent' },
    ...config,
    // The first start on an empty database writes the demo account's key under dataDir: keep it out of the repository.
    database: { url: tdb.url, maxConnections: 8, dataDir },
    simulator: { receiptDelayMs: 20, ratePerSecond: 1000, ...(config.simulator as object) },
    dispatcher: { pollIntervalMs: 20, leaseTtlMs: 3000, receiptSweepMs: 1000, ...(config.dispatcher as object) },
  });
  const relais = await startRelais(parsed, { log: createLogger('silent'), clock });
  const accounts = new PgAccountStore(relais.db);
  const shortCodes = parsed.shortCodes.length > 0 ? parsed.shortCodes : [{ number: parsed.simulator.shortCode }];
  const created = await accounts.createAccount({ name: 'test', defaultShortCode: shortCodes[0]!.number, ...account }, clock.now());
  const key = await accounts.createApiKey(created.id, null, clock.now());

  const api: TestRelais['api'] = async (method, path, body, headers = {}) => {
    const response = await fetch(relais.httpUrl + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  const waitFor: TestRelais['waitFor'] = async (id, done, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await api('GET', `/v1/messages/${id}`);
      if (done(body.status) || Date.now() > deadline) return body;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return {
    relais,
    key,
    accountId: created.id,
    tdb,
    api,
    waitFor,
    stop: async () => {
      await relais.stop();
      await tdb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
