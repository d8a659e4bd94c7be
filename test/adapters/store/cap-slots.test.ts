/**
 * The frequency cap's slots under concurrent batches: two requests naming the same recipients in different orders
 * are both answered (no deadlock refusing a whole batch), and each recipient gets one marketing SMS per local day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgConsentStore } from '../../../src/adapters/store/consent-store.ts';
import { PgMessageStore } from '../../../src/adapters/store/message-store.ts';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../../../src/app/guard-message.ts';
import type { NewMessage } from '../../../src/app/ports.ts';
import { submitMessages } from '../../../src/app/submit-messages.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';
import { eventually } from '../../support/waiting.ts';
import { provideShortCode36001 } from '../../support/new-message.ts';

const now = new Date('2026-11-24T09:00:00Z');
const recipient = (i: number) => `+3361200000${i}`;

describe('marketing slots taken by concurrent batches', () => {
  let tdb: TestDatabase;
  let accountId: string;
  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    await provideShortCode36001(tdb.db, now);
    accountId = (await new PgAccountStore(tdb.db).createAccount({ name: 'dupont', brand: 'Dupont', defaultShortCode: '36001' }, now)).id;
    await new PgConsentStore(tdb.db).record(
      [1, 2, 3].map((i) => ({ accountId, brand: 'Dupont', recipient: recipient(i), kind: 'opt-in' as const, source: 'import' as const, occurredAt: now })),
      now,
    );
  }, 60_000);
  afterAll(() => tdb?.drop());

  /** The messages the intake builds (compliance, cap plan) for these recipients, in this order. */
  async function built(order: number[]): Promise<NewMessage[]> {
    let messages: NewMessage[] = [];
    const capture = { insertMessages: async (m: NewMessage[]) => ((messages = m), { kind: 'inserted' as const, ids: m.map(() => '') }) };
    const deps = { store: capture as never, consents: new PgConsentStore(tdb.db), shortCodes: () => new Map([['36001', { number: '36001', route: 'sim', ratePerSecond: 10 }]]), notify: () => undefined };
    const sender = { accountId, defaultShortCode: '36001', brand: 'Dupont', capPolicy: 'defer' as const, shortCodes: ['36001'], settings: DEFAULT_COMPLIANCE_SETTINGS };
    await submitMessages(deps, sender, order.map((i) => ({ to: recipient(i), text: 'Dupont : -20 % sur le rayon jardin', class: 'marketing' })), now);
    return messages;
  }

  it('answers both batches when each would wait on a slot the other took, and keeps one per recipient per day', async () => {
    const [first, second] = [await built([1, 3, 2]), await built([2, 3, 1])];
    const day = (await tdb.db.pool.query<{ day: string }>(`SELECT ($1::timestamptz AT TIME ZONE 'Europe/Paris')::date::text AS day`, [first[0]!.cap!.first.at])).rows[0]!.day;
    // A third transaction holds recipient 3's first slot, so that both batches stop on it having taken their first
    // recipient; once it gives the slot up, each batch's next slot is one the other holds.
    const holder = await tdb.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO marketing_slots (account_id, brand, recipient, local_day, slot, short_code, message_id) VALUES ($1, 'Dupont', $2, $3, 1, '36001', gen_random_uuid())`,
        [accountId, recipient(3), day],
      );
      // Two stores: two processes' intakes, each its own transaction.
      const results = Promise.allSettled([new PgMessageStore(tdb.db).insertMessages(first, now), new PgMessageStore(tdb.db).insertMessages(second, now)]);
      const waiting = async () => (await tdb.db.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n;
      await eventually(async () => (await waiting()) === 2, 'both batches waiting');
      await holder.query('ROLLBACK');
      const answers = (await results).map((r) => (r.status === 'rejected' ? String(r.reason) : 'answered'));
      expect(answers).toEqual(['answered', 'answered']);
    } finally {
      holder.release();
    }
    const { rows } = await tdb.db.pool.query<{ recipient: string; n: number; days: number }>(
      `SELECT recipient, count(*)::int AS n, count(DISTINCT (due_at AT TIME ZONE 'Europe/Paris')::date)::int AS days FROM messages WHERE status = 'queued' GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([1, 2, 3].map((i) => ({ recipient: recipient(i), n: 2, days: 2 })));
  });
});
