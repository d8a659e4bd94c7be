/**
 * The audit trail's store: append-only (no UPDATE, DELETE or TRUNCATE), except the retention purge, which removes
 * the entries older than a year and nothing younger, whatever it is asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAuditStore } from '../../../src/adapters/store/audit-store.ts';
import type { AuditEntry } from '../../../src/app/ports.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';

const DAY = 86_400_000;
const entry = (at: Date, action: string): AuditEntry => ({
  at,
  accountId: '0190a3c4-0000-7000-8000-000000000001',
  actor: { kind: 'cli', id: null, label: 'root' },
  ip: null,
  action,
  object: { type: 'account', id: 'dupont' },
  result: 'ok',
  status: null,
  detail: { options: ['--brand'] },
});

describe('audit store', () => {
  let tdb: TestDatabase;
  let store: PgAuditStore;
  const now = new Date();
  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    store = new PgAuditStore(tdb.db);
    await store.record(entry(new Date(now.getTime() - 800 * DAY), 'old.two-years'));
    await store.record(entry(new Date(now.getTime() - 370 * DAY), 'old.thirteen-months'));
    await store.record(entry(new Date(now.getTime() - 300 * DAY), 'young.ten-months'));
    await store.record(entry(new Date(now.getTime() - DAY), 'young.yesterday'));
  });
  afterAll(() => tdb?.drop());

  const actions = async () => (await store.list({}, undefined, 100)).map((e) => e.action);

  it('keeps what it was given, newest first', async () => {
    const [newest] = await store.list({}, undefined, 1);
    expect(newest).toEqual({ id: expect.any(String), ...entry(new Date(now.getTime() - DAY), 'young.yesterday') });
    expect(await actions()).toEqual(['young.yesterday', 'young.ten-months', 'old.thirteen-months', 'old.two-years']);
  });

  it('refuses to change or remove an entry', async () => {
    const { pool } = tdb.db;
    await expect(pool.query(`UPDATE audit_events SET result = 'refused'`)).rejects.toThrow(/append-only/);
    await expect(pool.query(`DELETE FROM audit_events WHERE action = 'young.yesterday'`)).rejects.toThrow(/append-only/);
    await expect(pool.query(`DELETE FROM audit_events WHERE action = 'old.two-years'`)).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    // The purge's setting does not open younger entries, even to a statement of one's own.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL relais.purge_audit = 'on'`);
      await expect(client.query(`DELETE FROM audit_events WHERE action = 'young.ten-months'`)).rejects.toThrow(/append-only/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await actions()).toHaveLength(4);
  });

  it('a purge asked to remove entries younger than a year removes nothing', async () => {
    await expect(store.purgeBefore(now)).rejects.toThrow(/append-only/);
    expect(await actions()).toHaveLength(4);
  });

  it('purges the entries older than a year; younger ones stay', async () => {
    expect(await store.purgeBefore(new Date(now.getTime() - 365 * DAY))).toBe(2);
    expect(await actions()).toEqual(['young.yesterday', 'young.ten-months']);
    // The setting lasted the purge's transaction only.
    await expect(tdb.db.pool.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
  });
});
