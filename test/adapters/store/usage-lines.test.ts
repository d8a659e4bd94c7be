/**
 * Usage lines (docs/billing.md): every part that reaches its final state gets exactly one line, written with the
 * state; duplicate, intermediate, early and late receipts, a write repeated after a crash, and the no-receipt sweep
 * never make a part count twice.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewMessage, Receipt } from '../../../src/app/ports.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { settleNoReceipts } from '../../../src/adapters/store/billing-store.ts';
import { PgMessageStore } from '../../../src/adapters/store/message-store.ts';
import { PgOutboxStore } from '../../../src/adapters/store/outbox-store.ts';
import { finalReceiptStates, type ReceiptState } from '../../../src/core/message/receipts.ts';
import { newMessage, provideShortCode36001 } from '../../support/new-message.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';

const t0 = new Date('2026-10-31T22:00:00Z'); // 23:00 in Paris, the last hour of October
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const HOUR = 3_600_000;

let tdb: TestDatabase;
let messages: PgMessageStore;
let account: string;
let seq = 0;

beforeAll(async () => {
  tdb = await createTestDatabase(primaryTarget());
  messages = new PgMessageStore(tdb.db);
  await provideShortCode36001(tdb.db, t0);
  account = (await new PgAccountStore(tdb.db).createAccount({ name: 'acme' }, t0)).id;
});
afterAll(() => tdb?.drop());

const message = (segments: number, overrides: Partial<NewMessage> = {}) => newMessage(account, segments, t0, { class: 'marketing', ...overrides });

async function submittedMessage(outbox: PgOutboxStore, segments: number, submittedAt = at(1)): Promise<{ id: string; smscIds: string[] }> {
  const result = await messages.insertMessages([message(segments)], t0);
  if (result.kind !== 'inserted') throw new Error(result.kind);
  const id = result.ids[0]!;
  await tdb.db.pool.query(`UPDATE messages SET status = 'submitting' WHERE id = $1`, [id]);
  const smscIds = Array.from({ length: segments }, () => `smsc-${seq++}`);
  await outbox.record(
    { outcomes: [{ messageId: id, route: 'sim', kind: 'submitted', acceptedParts: smscIds.map((smscMessageId, index) => ({ index, smscMessageId, at: submittedAt })) }], receipts: [] },
    submittedAt,
  );
  return { id, smscIds };
}

const receipt = (smscMessageId: string, state: ReceiptState) => ({
  route: 'sim',
  receipt: { smscMessageId, state, raw: Buffer.from(`id:${smscMessageId} stat:${state}`) } satisfies Receipt,
});

async function linesOf(messageId: string) {
  const { rows } = await tdb.db.pool.query(
    `SELECT part_index, account_id, brand, class, short_code, route, parts, final_state, settled_by, month FROM usage_lines WHERE message_id = $1 ORDER BY part_index`,
    [messageId],
  );
  return rows;
}

describe('usage lines', () => {
  it('writes one line per part with what billing needs, in the Paris month the final state was recorded in', async () => {
    const outbox = new PgOutboxStore(tdb.db);
    const { id, smscIds } = await submittedMessage(outbox, 2);
    await outbox.record({ outcomes: [], receipts: [receipt(smscIds[0]!, 'delivered')] }, at(60)); // 23:01 Paris, October
    await outbox.record({ outcomes: [], receipts: [receipt(smscIds[1]!, 'undeliverable')] }, at(3_600)); // 00:00 Paris, November
    expect(await linesOf(id)).toEqual([
      { part_index: 0, account_id: account, brand: 'Acme', class: 'marketing', short_code: '36001', route: 'sim', parts: 1, final_state: 'delivered', settled_by: 'receipt', month: '2026-10' },
      { part_index: 1, account_id: account, brand: 'Acme', class: 'marketing', short_code: '36001', route: 'sim', parts: 1, final_state: 'undeliverable', settled_by: 'receipt', month: '2026-11' },
    ]);
  });

  it('counts a part once whatever arrives twice: duplicates, a receipt before its submit response, a write repeated after a crash', async () => {
    const states = fc.constantFrom<ReceiptState>('delivered', 'undeliverable', 'expired', 'rejected', 'accepted', 'enroute');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ segments: fc.integer({ min: 1, max: 3 }), early: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.record({ message: fc.nat(), part: fc.nat(), state: states, repeat: fc.boolean(), restart: fc.boolean() }), { maxLength: 25 }),
        async (specs, events) => {
          let outbox = new PgOutboxStore(tdb.db);
          const sent = [];
          for (const spec of specs) {
            if (spec.early) {
              // The receipt overtakes the submit response: it waits in pending_receipts, then is matched.
              const result = await messages.insertMessages([message(spec.segments)], t0);
              if (result.kind !== 'inserted') throw new Error(result.kind);
              const id = result.ids[0]!;
              await tdb.db.pool.query(`UPDATE messages SET status = 'submitting' WHERE id = $1`, [id]);
              const smscIds = Array.from({ length: spec.segments }, () => `smsc-${seq++}`);
              await outbox.record({ outcomes: [], receipts: [receipt(smscIds[0]!, 'delivered')] }, at(1));
              await outbox.record(
                { outcomes: [{ messageId: id, route: 'sim', kind: 'submitted', acceptedParts: smscIds.map((smscMessageId, index) => ({ index, smscMessageId, at: at(1) })) }], receipts: [] },
                at(2),
              );
              sent.push({ id, smscIds, firstFinal: ['delivered' as ReceiptState, ...Array<ReceiptState | undefined>(spec.segments - 1).fill(undefined)] });
            } else {
              const { id, smscIds } = await submittedMessage(outbox, spec.segments);
              sent.push({ id, smscIds, firstFinal: Array<ReceiptState | undefined>(spec.segments).fill(undefined) });
            }
          }
          for (const event of events) {
            const target = sent[event.message % sent.length]!;
            const part = event.part % target.smscIds.length;
            const written = { outcomes: [], receipts: [receipt(target.smscIds[part]!, event.state)] };
            await outbox.record(written, at(10));
            if (event.repeat) await outbox.record(written, at(11));
            if (event.restart) outbox = new PgOutboxStore(tdb.db); // a new process after a crash gets the SMSC's resend
            if (finalReceiptStates.includes(event.state) && target.firstFinal[part] === undefined) target.firstFinal[part] = event.state;
          }
          for (const { id, firstFinal } of sent) {
            const expected = firstFinal.flatMap((state, part) => (state ? [{ part_index: part, final_state: state, settled_by: 'receipt' }] : []));
            expect((await linesOf(id)).map(({ part_index, final_state, settled_by }) => ({ part_index, final_state, settled_by }))).toEqual(expected);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('settles a part without a final receipt after the delay, once, and says so; a later receipt changes nothing', async () => {
    const outbox = new PgOutboxStore(tdb.db);
    const submittedAt = new Date('2026-12-01T08:00:00Z');
    const { id, smscIds } = await submittedMessage(outbox, 2, submittedAt);
    await outbox.record({ outcomes: [], receipts: [receipt(smscIds[0]!, 'delivered'), receipt(smscIds[1]!, 'enroute')] }, new Date(submittedAt.getTime() + 5_000));
    const after = (hours: number) => new Date(submittedAt.getTime() + hours * HOUR);

    await settleNoReceipts(tdb.db, after(71), 72 * HOUR); // settles the earlier tests' parts, not this one's
    expect((await linesOf(id)).map((l) => l.settled_by)).toEqual(['receipt']);

    const [first, second] = await Promise.all([settleNoReceipts(tdb.db, after(73), 72 * HOUR), settleNoReceipts(tdb.db, after(73), 72 * HOUR)]);
    expect(first! + second!).toBe(1);
    expect(await settleNoReceipts(tdb.db, after(80), 72 * HOUR)).toBe(0);
    await outbox.record({ outcomes: [], receipts: [receipt(smscIds[1]!, 'delivered')] }, after(90));
    expect((await linesOf(id)).map(({ part_index, final_state, settled_by, month }) => ({ part_index, final_state, settled_by, month }))).toEqual([
      { part_index: 0, final_state: 'delivered', settled_by: 'receipt', month: '2026-12' },
      { part_index: 1, final_state: 'no-receipt', settled_by: 'timeout', month: '2026-12' },
    ]);
  });
});
