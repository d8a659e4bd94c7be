/**
 * Prepaid credit under concurrency (docs/billing.md): 8 connections accept random traffic for one prepaid account
 * at once; the available credit never goes below zero, what was accepted is exactly what is reserved, every
 * refusal is an InsufficientCredit; once the messages are finished, settling from two connections at once charges
 * each billed part once and releases every other reservation.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientCredit } from '../../../src/app/errors.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgBillingStore, settleReservations } from '../../../src/adapters/store/billing-store.ts';
import { openDatabase, type Db } from '../../../src/adapters/store/database.ts';
import { PgMessageStore } from '../../../src/adapters/store/message-store.ts';
import { newMessage, provideShortCode36001 } from '../../support/new-message.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';

const t0 = new Date('2026-11-10T10:00:00Z');
const PART = 30_000;
const CONNECTIONS = 8;

let tdb: TestDatabase;
let pools: Db[] = [];
let billing: PgBillingStore;
let accountSeq = 0;

beforeAll(async () => {
  tdb = await createTestDatabase(primaryTarget());
  await provideShortCode36001(tdb.db, t0);
  pools = Array.from({ length: CONNECTIONS }, () => openDatabase(tdb.url));
  billing = new PgBillingStore(tdb.db);
});
afterAll(async () => {
  await Promise.all(pools.map((db) => db.close()));
  await tdb?.drop();
});

const message = (accountId: string, segments: number) => newMessage(accountId, segments, t0);

async function prepaidAccount(credit: number): Promise<string> {
  const id = (await new PgAccountStore(tdb.db).createAccount({ name: `prepaid-${accountSeq++}` }, t0)).id;
  await billing.setPlan(id, { grids: ['orange-ops'], billed: 'delivered', noReceipt: 'free' }, 'prepaid', 'test', t0);
  if (credit > 0) await billing.topUp(id, credit, 'test', 'initial credit', t0);
  return id;
}

describe('prepaid credit', () => {
  it('never goes below zero with 8 connections accepting at once, and settles every reservation once (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }), { minLength: 8, maxLength: 40 }),
        fc.array(fc.constantFrom('delivered', 'undeliverable', 'failed', 'cancelled', 'no-receipt'), { minLength: 1, maxLength: 8 }),
        async (creditParts, requests, fates) => {
          const accountId = await prepaidAccount(creditParts * PART);
          const outcomes = await Promise.all(
            requests.map(async (segments, i) => {
              const store = new PgMessageStore(pools[i % CONNECTIONS]!);
              try {
                const result = await store.insertMessages(segments.map((n) => message(accountId, n)), t0);
                return { accepted: true, parts: segments.reduce((a, b) => a + b, 0), ids: result.kind === 'inserted' ? result.ids : [] };
              } catch (error) {
                if (!(error instanceof InsufficientCredit)) throw error;
                return { accepted: false, parts: 0, ids: [] };
              }
            }),
          );
          const acceptedParts = outcomes.reduce((sum, o) => sum + o.parts, 0);
          let credit = await billing.credit(accountId);
          expect(credit.available).toBeGreaterThanOrEqual(0);
          expect(credit.reserved).toBe(acceptedParts * PART);
          expect(acceptedParts).toBeLessThanOrEqual(creditParts);
          // A refusal is never for credit that was there: a request refused asked for more than what was left at the end.
          const smallestRefused = Math.min(...requests.filter((_, i) => !outcomes[i]!.accepted).map((segments) => segments.reduce((a, b) => a + b, 0)));
          if (Number.isFinite(smallestRefused)) expect(smallestRefused).toBeGreaterThan(creditParts - acceptedParts);

          // Each message meets a fate; the billed parts are the delivered ones.
          const ids = outcomes.flatMap((o) => o.ids);
          let billed = 0;
          for (const [i, id] of ids.entries()) {
            const fate = fates[i % fates.length]!;
            const { rows } = await tdb.db.pool.query<{ segments: number }>(`SELECT segments FROM messages WHERE id = $1`, [id]);
            const segments = rows[0]!.segments;
            if (fate === 'failed' || fate === 'cancelled') {
              await tdb.db.pool.query(`UPDATE messages SET status = $2 WHERE id = $1`, [id, fate]);
              continue;
            }
            await tdb.db.pool.query(`UPDATE messages SET status = $2, parts_accepted = segments WHERE id = $1`, [id, fate === 'no-receipt' ? 'submitted' : fate]);
            await tdb.db.pool.query(
              `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, final_state, settled_by, month, settled_at)
               SELECT $1, i, $2, 'Acme', 'transactional', '36001', 'sim', $3, $4, '2026-11', $5 FROM generate_series(0, $6 - 1) AS i`,
              [id, accountId, fate, fate === 'no-receipt' ? 'timeout' : 'receipt', t0, segments],
            );
            if (fate === 'delivered') billed += segments;
          }
          await Promise.all([settleReservations(pools[0]!, t0), settleReservations(pools[1]!, t0)]);
          await settleReservations(tdb.db, t0);
          credit = await billing.credit(accountId);
          expect(credit).toMatchObject({ reserved: 0, balance: (creditParts - billed) * PART });
          const { rows: left } = await tdb.db.pool.query(`SELECT count(*)::int AS n FROM messages WHERE account_id = $1 AND reserved > 0`, [accountId]);
          expect(left[0].n).toBe(0);
          const charged = credit.movements.filter((m) => m.kind === 'charge').reduce((sum, m) => sum - m.amount, 0);
          expect(charged).toBe(billed * PART);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('reserves nothing for a postpaid account, and a top-up does not make it prepaid', async () => {
    const id = (await new PgAccountStore(tdb.db).createAccount({ name: 'postpaid' }, t0)).id;
    await billing.topUp(id, PART, 'test', 'gesture', t0);
    await new PgMessageStore(tdb.db).insertMessages([message(id, 3)], t0);
    expect(await billing.credit(id)).toMatchObject({ payment: 'postpaid', balance: PART, reserved: 0 });
  });
});
