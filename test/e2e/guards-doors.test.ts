/**
 * The daily cap through the client doors at once (issue "Consent, STOP, CONTACT", proof): 8 Relais processes on
 * one PostgreSQL — 4 taking the load over the HTTP API, 4 over their SMPP server — receive 10,000 marketing
 * messages to 100 recipients for one brand. Every message is kept, whichever door it came by; each recipient gets
 * exactly one per local day, every other one is moved to a later day or suppressed with the reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgConsentStore } from '../../src/adapters/store/consent-store.ts';
import { PgSmppAccountStore } from '../../src/adapters/store/smpp-account-store.ts';
import { TestEsme, textSubmit } from '../adapters/smpp-server/esme.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../support/db.ts';
import { freePort, startRelaisProcess, type RelaisProcess } from '../support/relais-process.ts';
import { takeTurns } from '../support/turns.ts';

takeTurns();

const PROCESSES = 8;
const MESSAGES = 10_000;
const RECIPIENTS = 100;
const PER_PROCESS = MESSAGES / PROCESSES;
const TEXT = 'Dupont : -20 % sur tout le rayon jardin ce samedi';
const recipient = (i: number) => `+3361100${String(i).padStart(4, '0')}`;
const recipientOf = (process: number, k: number) => recipient((process * 7 + k) % RECIPIENTS);

describe('the daily cap with 8 processes taking HTTP and SMPP at once', () => {
  let tdb: TestDatabase;
  let dir: string;
  const processes: RelaisProcess[] = [];
  const answers = { http: {} as Record<string, number>, smpp: {} as Record<number, number> };

  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    dir = mkdtempSync(path.join(tmpdir(), 'relais-doors-'));
    const now = new Date();
    const account = await new PgAccountStore(tdb.db).createAccount({ name: 'dupont', brand: 'Dupont', defaultShortCode: '36001' }, now);
    const key = await new PgAccountStore(tdb.db).createApiKey(account.id, null, now);
    await new PgSmppAccountStore(tdb.db).setCredential(account.id, { systemId: 'dupont', password: 'secret', allowedIps: [], maxBinds: null }, now);
    await new PgConsentStore(tdb.db).record(
      Array.from({ length: RECIPIENTS }, (_, i) => ({ accountId: account.id, brand: 'Dupont', recipient: recipient(i), kind: 'opt-in' as const, source: 'api' as const, occurredAt: now })),
      now,
    );

    // API-only processes: no dispatcher, so what was accepted stays in the outbox to be counted.
    const ports = await Promise.all(Array.from({ length: PROCESSES }, async () => ({ http: await freePort(), smpp: await freePort() })));
    for (const [i, port] of ports.entries()) {
      const configFile = path.join(dir, `relais-${i}.json`);
      writeFileSync(
        configFile,
        JSON.stringify({
          roles: ['api'],
          http: { port: port.http },
          log: { level: 'warn' },
          simulator: { enabled: false },
          routes: [{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: 9, systemId: 'relais', password: 'relais' }],
          shortCodes: [{ number: '36001', route: 'sim', ratePerSecond: 10 }],
          smppServer: { enabled: true, port: port.smpp },
        }),
      );
      processes.push(startRelaisProcess(configFile, tdb.url, path.join(dir, `data-${i}`)));
    }
    const urls = await Promise.all(processes.map((p) => p.url));

    await Promise.all(
      ports.map((port, p) => (p < PROCESSES / 2 ? sendOverHttp(urls[p]!, key, p) : sendOverSmpp(port.smpp, p))),
    );
  }, 240_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await tdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Batches of 50, four requests at a time. */
  async function sendOverHttp(url: string, key: string, p: number): Promise<void> {
    const batches = Array.from({ length: PER_PROCESS / 50 }, (_, b) => Array.from({ length: 50 }, (_, i) => ({ to: recipientOf(p, b * 50 + i), text: TEXT, class: 'marketing' })));
    const send = async (messages: object[]) => {
      const response = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ messages }) });
      const body = (await response.json()) as { messages: { status: string }[] };
      for (const m of body.messages) answers.http[m.status] = (answers.http[m.status] ?? 0) + 1;
    };
    for (let b = 0; b < batches.length; b += 4) await Promise.all(batches.slice(b, b + 4).map(send));
  }

  /** One transmitter bind, 50 submit_sm in flight. */
  async function sendOverSmpp(port: number, p: number): Promise<void> {
    const esme = await TestEsme.bound(port, 'dupont', 'secret', 'bind_transmitter');
    for (let k = 0; k < PER_PROCESS; k += 50) {
      const resps = await Promise.all(
        Array.from({ length: Math.min(50, PER_PROCESS - k) }, (_, i) => esme.request('submit_sm', textSubmit(recipientOf(p, k + i).slice(1), TEXT, { service_type: 'MKT' }), 30_000)),
      );
      for (const resp of resps) answers.smpp[resp.status] = (answers.smpp[resp.status] ?? 0) + 1;
    }
    await esme.close();
  }

  it('keeps every message, whichever door, and gives each recipient exactly one per local day', async () => {
    expect(answers.http).toEqual({ queued: expect.any(Number), suppressed: expect.any(Number) });
    expect(answers.http.queued! + answers.http.suppressed!).toBe(MESSAGES / 2);
    const errors = processes.flatMap((p) => p.output().split('\n').filter((line) => /"level":(50|60)/.test(line)));
    expect(answers.smpp, errors.join('\n')).toEqual({ 0: MESSAGES / 2 });

    const { rows: doors } = await tdb.db.pool.query<{ smpp: boolean; n: number }>(
      `SELECT s.message_id IS NOT NULL AS smpp, count(*)::int AS n FROM messages m LEFT JOIN smpp_submissions s ON s.message_id = m.id GROUP BY 1 ORDER BY 1`,
    );
    expect(doors).toEqual([
      { smpp: false, n: MESSAGES / 2 },
      { smpp: true, n: MESSAGES / 2 },
    ]);
    const { rows } = await tdb.db.pool.query<{ recipient: string; day: string; n: number }>(
      `SELECT recipient, (due_at AT TIME ZONE 'Europe/Paris')::date::text AS day, count(*)::int AS n FROM messages WHERE status = 'queued' GROUP BY 1, 2`,
    );
    expect(rows.every((r) => r.n === 1)).toBe(true);
    // 100 messages per recipient: one on each of the 7 days allowed ahead, the other 93 suppressed.
    expect(rows).toHaveLength(RECIPIENTS * 7);
    const { rows: suppressed } = await tdb.db.pool.query<{ code: string; n: number }>(
      `SELECT error_code AS code, count(*)::int AS n FROM messages WHERE status = 'suppressed' GROUP BY 1`,
    );
    expect(suppressed).toEqual([{ code: 'frequency-cap', n: MESSAGES - RECIPIENTS * 7 }]);
  });
});
