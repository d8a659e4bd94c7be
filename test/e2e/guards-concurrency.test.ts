/**
 * The frequency cap and STOP under concurrency (issue "Consent, STOP, CONTACT", proof): 8 processes submit
 * 10,000 marketing messages to 100 recipients for one brand at once. The cap holds exactly — one message per
 * recipient per local day, every other one moved to a later day or suppressed with the reason — because the
 * slot is a primary key taken in the transaction that inserts the message. Then a STOP arrives: no message to
 * that recipient is handed to a link afterwards.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgConsentStore } from '../../src/adapters/store/consent-store.ts';
import { PgOutboxStore } from '../../src/adapters/store/outbox-store.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../support/db.ts';
import { takeTurns } from '../support/turns.ts';
import { provideShortCode36001 } from '../support/new-message.ts';

takeTurns();

const run = promisify(execFile);
const WORKERS = 8;
const MESSAGES = 10_000;
const RECIPIENTS = 100;
const now = new Date('2026-11-24T09:00:00Z');
const recipient = (i: number) => `+3361100${String(i).padStart(4, '0')}`;

describe('guards under concurrency, 8 processes on one PostgreSQL', () => {
  let tdb: TestDatabase;
  let accountId: string;
  let counts: Record<string, number>[];

  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    await provideShortCode36001(tdb.db, now);
    accountId = (await new PgAccountStore(tdb.db).createAccount({ name: 'dupont', brand: 'Dupont', defaultShortCode: '36001' }, now)).id;
    await new PgConsentStore(tdb.db).record(
      Array.from({ length: RECIPIENTS }, (_, i) => ({ accountId, brand: 'Dupont', recipient: recipient(i), kind: 'opt-in' as const, source: 'import' as const, occurredAt: now })),
      now,
    );
    const worker = path.resolve(import.meta.dirname, '../support/guard-worker.ts');
    const outputs = await Promise.all(
      Array.from({ length: WORKERS }, (_, w) =>
        run(process.execPath, ['--import', 'tsx', worker, tdb.url, accountId, String(w), String(MESSAGES / WORKERS), String(RECIPIENTS), '50'], { timeout: 120_000 }),
      ),
    );
    counts = outputs.map((o) => JSON.parse(o.stdout.trim().split('\n').at(-1)!));
  }, 180_000);
  afterAll(() => tdb?.drop());

  it('gives each recipient exactly one marketing SMS per local day; the others are suppressed with the reason', async () => {
    const answered = counts.reduce((sum, c) => sum + (c.queued ?? 0) + (c.suppressed ?? 0), 0);
    expect(answered).toBe(MESSAGES);
    const { rows } = await tdb.db.pool.query<{ recipient: string; day: string; n: number }>(
      `SELECT recipient, (due_at AT TIME ZONE 'Europe/Paris')::date::text AS day, count(*)::int AS n
       FROM messages WHERE status = 'queued' GROUP BY 1, 2`,
    );
    // 100 messages per recipient: one on each of the 7 days allowed ahead, the other 93 suppressed.
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(new Set(rows.map((r) => r.recipient)).size).toBe(RECIPIENTS);
    expect(rows.length).toBe(RECIPIENTS * 7);
    const { rows: suppressed } = await tdb.db.pool.query<{ code: string; n: number }>(
      `SELECT error_code AS code, count(*)::int AS n FROM messages WHERE status = 'suppressed' GROUP BY 1`,
    );
    expect(suppressed).toEqual([{ code: 'frequency-cap', n: MESSAGES - RECIPIENTS * 7 }]);
    const { rows: slots } = await tdb.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM marketing_slots');
    expect(slots[0]!.n).toBe(RECIPIENTS * 7);
  });

  it('after a STOP is recorded, no message to that recipient is handed to a link: the claim suppresses them', async () => {
    const stopped = recipient(3);
    await new PgConsentStore(tdb.db).record([{ accountId, brand: 'Dupont', recipient: stopped, kind: 'opt-out', source: 'stop-mo', occurredAt: now }], now);
    const outbox = new PgOutboxStore(tdb.db);
    const weekLater = new Date(now.getTime() + 8 * 86_400_000);
    const claimed = [];
    for (let batch; (batch = await outbox.claimDue([{ route: 'sim', shortCode: '36001', limit: 500 }], weekLater)).length > 0; ) claimed.push(...batch);
    expect(claimed).toHaveLength((RECIPIENTS - 1) * 7);
    expect(claimed.some((m) => m.recipient === stopped)).toBe(false);
    const { rows } = await tdb.db.pool.query<{ status: string; code: string; n: number }>(
      `SELECT status, error_code AS code, count(*)::int AS n FROM messages WHERE recipient = $1 AND status <> 'suppressed' OR (recipient = $1 AND error_code = 'opposition') GROUP BY 1, 2`,
      [stopped],
    );
    expect(rows).toEqual([{ status: 'suppressed', code: 'opposition', n: 7 }]);
  });
});
