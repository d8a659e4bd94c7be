/**
 * Store contract (src/app/ports.ts: MessageStore, OutboxStore): the same suite on the embedded PostgreSQL
 * and, when DATABASE_URL is set, on the external one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptOutcome, NewMessage, Receipt } from '../../../src/app/ports.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgMessageStore } from '../../../src/adapters/store/message-store.ts';
import { PgOutboxStore } from '../../../src/adapters/store/outbox-store.ts';
import { PgRouteStore } from '../../../src/adapters/store/route-store.ts';
import { PgWebhookStore } from '../../../src/adapters/store/webhook-store.ts';
import { messageStatusFromReceipts, type ReceiptState } from '../../../src/core/message/receipts.ts';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/db.ts';

const t0 = new Date('2026-06-01T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe.each(databaseTargets())('store contract on $name PostgreSQL', (target) => {
  let tdb: TestDatabase;
  let messages: PgMessageStore;
  let outbox: PgOutboxStore;
  let accounts: PgAccountStore;
  let webhooks: PgWebhookStore;
  let holdAccount: string;
  let retryAccount: string;
  let shortCodeSeq = 0;

  beforeAll(async () => {
    tdb = await createTestDatabase(target);
    messages = new PgMessageStore(tdb.db);
    outbox = new PgOutboxStore(tdb.db);
    accounts = new PgAccountStore(tdb.db);
    webhooks = new PgWebhookStore(tdb.db);
    await new PgRouteStore(tdb.db).sync(
      [{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'relais', password: 'secret', settings: {} }],
      Array.from({ length: 40 }, (_, i) => ({ number: String(36000 + i), route: 'sim', ratePerSecond: 10 })),
      t0,
    );
    holdAccount = (await accounts.createAccount({ name: 'hold' }, t0)).id;
    retryAccount = (await accounts.createAccount({ name: 'retry', inDoubtPolicy: 'retry' }, t0)).id;
  });
  afterAll(() => tdb?.drop());

  /** Each test works on its own short code, so claims never see another test's messages. */
  const freshShortCode = () => String(36000 + shortCodeSeq++);

  function message(shortCode: string, overrides: Partial<NewMessage> = {}): NewMessage {
    return {
      accountId: holdAccount,
      recipient: '+33612345678',
      sender: shortCode,
      shortCode,
      class: 'transactional',
      body: 'Votre code est 1234',
      encoding: 'gsm7',
      segments: 1,
      dueAt: t0,
      clientReference: null,
      brand: 'Relais',
      status: 'queued',
      error: null,
      compliance: null,
      cap: null,
      ...overrides,
    };
  }

  async function insert(...list: NewMessage[]): Promise<string[]> {
    const result = await messages.insertMessages(list, t0);
    if (result.kind !== 'inserted') throw new Error(result.kind);
    return result.ids;
  }

  const submitted = (messageId: string, smscIds: string[], when = at(1)): AttemptOutcome => ({
    messageId,
    route: 'sim',
    kind: 'submitted',
    acceptedParts: smscIds.map((smscMessageId, index) => ({ index, smscMessageId, at: when })),
  });
  const receipt = (smscMessageId: string, state: Receipt['state'], errorCode?: string): { route: string; receipt: Receipt } => ({
    route: 'sim',
    receipt: { smscMessageId, state, raw: Buffer.from(`id:${smscMessageId} stat:${state}`), ...(errorCode ? { errorCode } : {}) },
  });
  const status = async (id: string, accountId = holdAccount) => (await messages.getMessage(accountId, id))?.status;

  describe('intake', () => {
    it('stores a message as queued with its first event, readable only by its account', async () => {
      const [id] = await insert(message(freshShortCode(), { clientReference: 'order-42' }));
      const detail = await messages.getMessage(holdAccount, id!);
      expect(detail).toMatchObject({ status: 'queued', recipient: '+33612345678', clientReference: 'order-42', segments: 1 });
      expect(detail!.events.map((e) => e.status)).toEqual(['queued']);
      expect(await messages.getMessage(retryAccount, id!)).toBeUndefined();
      expect(await messages.getMessage(holdAccount, 'not-a-uuid')).toBeUndefined();
    });

    it('stores every one of many concurrent requests exactly once (coalesced inserts)', async () => {
      const sc = freshShortCode();
      const results = await Promise.all(Array.from({ length: 300 }, (_, i) => insert(message(sc, { clientReference: `r${i}` }))));
      const ids = results.flat();
      expect(new Set(ids).size).toBe(300);
      const claimed = await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 1000 }], at(1));
      expect(claimed.map((c) => c.id).sort()).toEqual([...ids].sort());
    });

    it('is all or nothing: a batch with an invalid row inserts nothing', async () => {
      const sc = freshShortCode();
      await expect(messages.insertMessages([message(sc), message('99999')], t0)).rejects.toThrow();
      expect(await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 10 }], at(1))).toEqual([]);
    });

    it('honours idempotency keys: same request replays, another request under the same key conflicts', async () => {
      const sc = freshShortCode();
      const key = { key: 'k-1', requestHash: 'hash-a' };
      const concurrent = await Promise.all([1, 2, 3].map(() => messages.insertMessages([message(sc)], t0, key)));
      const inserted = concurrent.filter((r) => r.kind === 'inserted');
      expect(inserted).toHaveLength(1);
      for (const r of concurrent) expect(r).toMatchObject({ ids: (inserted[0] as { ids: string[] }).ids });
      expect(await messages.insertMessages([message(sc)], t0, { key: 'k-1', requestHash: 'hash-b' })).toEqual({ kind: 'key-conflict' });
      expect(await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 10 }], at(1))).toHaveLength(1);
    });

    it('lists newest first with a cursor and filters by status', async () => {
      const sc = freshShortCode();
      const account = (await accounts.createAccount({ name: 'lister' }, t0)).id;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await messages.insertMessages([message(sc, { accountId: account })], at(i));
        ids.push(...(r as { ids: string[] }).ids);
      }
      const first = await messages.listMessages(account, {}, undefined, 2);
      expect(first.map((m) => m.id)).toEqual([ids[4], ids[3]]);
      const next = await messages.listMessages(account, {}, { createdAt: first[1]!.createdAt, id: first[1]!.id }, 10);
      expect(next.map((m) => m.id)).toEqual([ids[2], ids[1], ids[0]]);
      expect(await messages.listMessages(account, { status: 'delivered' }, undefined, 10)).toEqual([]);
      expect(await messages.listMessages(account, { createdFrom: at(3) }, undefined, 10)).toHaveLength(2);
      expect(await messages.countByStatus(account)).toEqual({ queued: 5 });
    });
  });

  describe('claims', () => {
    it('hands transactional messages out before marketing ones, and never a message not yet due', async () => {
      const sc = freshShortCode();
      const [marketing] = await insert(message(sc, { class: 'marketing' }));
      const [later] = await insert(message(sc, { dueAt: at(3600) }));
      const [otp] = await insert(message(sc));
      const claimed = await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 10 }], at(1));
      expect(claimed.map((c) => c.id)).toEqual([otp, marketing]);
      expect(claimed.map((c) => c.id)).not.toContain(later);
      expect(await status(otp!)).toBe('submitting');
    });

    it('claims several short codes in one call, each up to its own limit', async () => {
      const [a, b] = [freshShortCode(), freshShortCode()];
      await insert(...Array.from({ length: 5 }, () => message(a)), ...Array.from({ length: 5 }, () => message(b)));
      const claimed = await outbox.claimDue([{ route: 'sim', shortCode: a, limit: 2 }, { route: 'sim', shortCode: b, limit: 4 }], at(1));
      expect(claimed.filter((c) => c.shortCode === a)).toHaveLength(2);
      expect(claimed.filter((c) => c.shortCode === b)).toHaveLength(4);
    });

    it('never gives the same message to two concurrent claimers', async () => {
      const sc = freshShortCode();
      await insert(...Array.from({ length: 200 }, () => message(sc)));
      const rounds = await Promise.all(Array.from({ length: 8 }, () => outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 40 }], at(1))));
      const ids = rounds.flat().map((c) => c.id);
      expect(ids).toHaveLength(200);
      expect(new Set(ids).size).toBe(200);
    });
  });

  describe('outcomes and receipts', () => {
    it('follows a message from submitted to delivered with the SMSC id and every event', async () => {
      const sc = freshShortCode();
      const [id] = await insert(message(sc));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 1 }], at(1));
      await outbox.record({ outcomes: [submitted(id!, ['AbC123'])], receipts: [] }, at(1));
      expect(await status(id!)).toBe('submitted');
      await outbox.record({ outcomes: [], receipts: [receipt('abc123', 'delivered')] }, at(2));
      expect(await status(id!)).toBe('submitted'); // ids are case-sensitive
      await outbox.record({ outcomes: [], receipts: [receipt('AbC123', 'delivered')] }, at(2));
      const detail = await messages.getMessage(holdAccount, id!);
      expect(detail).toMatchObject({ status: 'delivered', submittedAt: at(1), doneAt: at(2) });
      expect(detail!.parts).toMatchObject([{ index: 0, smscMessageId: 'AbC123', receipt: { state: 'delivered' } }]);
      expect(detail!.events.map((e) => e.status)).toEqual(['queued', 'submitting', 'submitted', 'delivered']);
    });

    it('matches a receipt that arrived before its submit response, in the same flush or a later one', async () => {
      const sc = freshShortCode();
      const [a, b] = await insert(message(sc), message(sc));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 2 }], at(1));
      await outbox.record({ outcomes: [submitted(a!, ['early-a'])], receipts: [receipt('early-a', 'delivered')] }, at(1));
      await outbox.record({ outcomes: [], receipts: [receipt('early-b', 'undeliverable', '001')] }, at(1));
      expect(await status(b!)).toBe('submitting');
      await outbox.record({ outcomes: [submitted(b!, ['early-b'])], receipts: [] }, at(2));
      expect(await status(a!)).toBe('delivered');
      const detail = await messages.getMessage(holdAccount, b!);
      expect(detail).toMatchObject({ status: 'undeliverable', error: { code: '001' } });
    });

    it('matches a receipt days later, and one recorded by another process through the sweep', async () => {
      const sc = freshShortCode();
      const [id] = await insert(message(sc));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 1 }], at(1));
      await outbox.record({ outcomes: [submitted(id!, ['late-1'])], receipts: [] }, at(1));
      await outbox.record({ outcomes: [], receipts: [receipt('late-1', 'expired')] }, at(3 * 86400));
      expect(await status(id!)).toBe('expired');

      // A receipt stored as pending while the part row did not exist yet, then the part appears.
      const [other] = await insert(message(sc));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 1 }], at(1));
      await outbox.record({ outcomes: [], receipts: [receipt('swept-1', 'delivered')] }, at(1));
      await tdb.db.pool.query(
        `INSERT INTO message_parts (message_id, part_index, route, smsc_message_id, submitted_at) VALUES ($1, 0, 'sim', 'swept-1', $2)`,
        [other, at(1)],
      );
      await tdb.db.pool.query(`UPDATE messages SET status = 'submitted' WHERE id = $1`, [other]);
      expect(await outbox.matchPendingReceipts(at(2))).toBeGreaterThanOrEqual(1);
      expect(await status(other!)).toBe('delivered');
    });

    it('ignores a duplicate receipt and never lets an intermediate state overwrite a final one', async () => {
      const sc = freshShortCode();
      const [id] = await insert(message(sc));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 1 }], at(1));
      await outbox.record({ outcomes: [submitted(id!, ['dup-1'])], receipts: [receipt('dup-1', 'enroute')] }, at(1));
      expect(await status(id!)).toBe('submitted');
      await outbox.record({ outcomes: [], receipts: [receipt('dup-1', 'undeliverable', '34'), receipt('dup-1', 'enroute')] }, at(2));
      await outbox.record({ outcomes: [], receipts: [receipt('dup-1', 'delivered')] }, at(3));
      const detail = await messages.getMessage(holdAccount, id!);
      expect(detail).toMatchObject({ status: 'undeliverable', error: { code: '34' } });
      expect(detail!.events.filter((e) => e.status === 'undeliverable')).toHaveLength(1);
    });

    it('settles a multi-part message only when every part has its receipt', async () => {
      const sc = freshShortCode();
      const [ok, ko] = await insert(message(sc, { segments: 3 }), message(sc, { segments: 2 }));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 2 }], at(1));
      await outbox.record({ outcomes: [submitted(ok!, ['p1', 'p2', 'p3']), submitted(ko!, ['q1', 'q2'])], receipts: [] }, at(1));
      await outbox.record({ outcomes: [], receipts: [receipt('p1', 'delivered'), receipt('p3', 'delivered'), receipt('q1', 'delivered')] }, at(2));
      expect(await status(ok!)).toBe('submitted');
      await outbox.record({ outcomes: [], receipts: [receipt('p2', 'delivered'), receipt('q2', 'rejected', '0B')] }, at(3));
      expect(await status(ok!)).toBe('delivered');
      expect(await status(ko!)).toBe('rejected');
    });

    it('settles multi-part messages as the core rule says, for every mix of final receipts', async () => {
      const states: ReceiptState[] = ['delivered', 'undeliverable', 'expired', 'rejected', 'deleted', 'unknown'];
      const mixes = states.flatMap((a) => states.map((b) => [a, b, 'delivered'] as ReceiptState[]));
      const sc = freshShortCode();
      const ids = await insert(...mixes.map(() => message(sc, { segments: 3 })));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: ids.length }], at(1));
      await outbox.record({ outcomes: ids.map((id, m) => submitted(id, [0, 1, 2].map((p) => `mix-${m}-${p}`))), receipts: [] }, at(1));
      await outbox.record({ outcomes: [], receipts: mixes.flatMap((mix, m) => mix.map((state, p) => receipt(`mix-${m}-${p}`, state))) }, at(2));
      for (const [m, mix] of mixes.entries()) expect(await status(ids[m]!), mix.join(',')).toBe(messageStatusFromReceipts(mix, 3));
    });

    it('requeues with a due time, fails with the SMSC reason, and resumes after accepted parts', async () => {
      const sc = freshShortCode();
      const [retry, fail, partial] = await insert(message(sc), message(sc), message(sc, { segments: 2 }));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 3 }], at(1));
      await outbox.record(
        {
          outcomes: [
            { messageId: retry!, route: 'sim', acceptedParts: [], kind: 'retry', dueAt: at(60), reason: 'throttled: 0x58', countsAsAttempt: true },
            { messageId: fail!, route: 'sim', acceptedParts: [], kind: 'failed', code: '0x0000000B', reason: 'invalid destination' },
            {
              messageId: partial!,
              route: 'sim',
              acceptedParts: [{ index: 0, smscMessageId: 'half-1', at: at(1) }],
              kind: 'retry',
              dueAt: at(5),
              reason: 'transient',
              countsAsAttempt: true,
            },
          ],
          receipts: [],
        },
        at(1),
      );
      expect(await messages.getMessage(holdAccount, retry!)).toMatchObject({ status: 'queued', dueAt: at(60), attempts: 1 });
      expect(await messages.getMessage(holdAccount, fail!)).toMatchObject({ status: 'failed', error: { code: '0x0000000B', reason: 'invalid destination' } });
      expect(await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 10 }], at(10))).toMatchObject([{ id: partial, partsAccepted: 1, attempts: 1 }]);
    });

    it('applies the account policy to a message in doubt: hold, or queue again flagged', async () => {
      const sc = freshShortCode();
      const [held] = await insert(message(sc));
      const [again] = await insert(message(sc, { accountId: retryAccount }));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 2 }], at(1));
      const inDoubt = (id: string): AttemptOutcome => ({ messageId: id, route: 'sim', acceptedParts: [], kind: 'in-doubt', reason: 'no response within 10 s' });
      await outbox.record({ outcomes: [inDoubt(held!), inDoubt(again!)], receipts: [] }, at(11));
      expect(await messages.getMessage(holdAccount, held!)).toMatchObject({ status: 'in_doubt', possibleDuplicate: false });
      expect(await messages.getMessage(retryAccount, again!)).toMatchObject({ status: 'queued', possibleDuplicate: true });
      expect(await messages.retryInDoubt(holdAccount, held!, at(12))).toBe(true);
      expect(await messages.getMessage(holdAccount, held!)).toMatchObject({ status: 'queued', possibleDuplicate: true });
      expect(await messages.retryInDoubt(holdAccount, held!, at(12))).toBe(false);
    });

    it('does not let a late outcome change a message that is no longer submitting', async () => {
      const sc = freshShortCode();
      const [id] = await insert(message(sc));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 1 }], at(1));
      await outbox.recoverOrphans(['sim'], at(2));
      await outbox.record({ outcomes: [{ messageId: id!, route: 'sim', acceptedParts: [], kind: 'failed', code: null, reason: 'late' }] , receipts: [] }, at(3));
      expect(await status(id!)).toBe('in_doubt');
    });
  });

  describe('receipts as evidence, and writes that can never succeed', () => {
    /** The text of a UCS-2 message as many SMSCs copy it into `text:`: its first octets, NULs included. */
    const nulText = Buffer.concat([Buffer.from('id:nul-1 sub:001 dlvrd:001 submit date:2606011000 done date:2606011001 stat:DELIVRD err:000 text:'), Buffer.from('\u00c9t\u00e9 2026', 'utf16le').swap16()]);
    const deadLetters = async (subject: string) =>
      (await tdb.db.pool.query<{ kind: string; reason: string; payload: string }>(`SELECT kind, reason, payload FROM dead_letters WHERE subject = $1`, [subject])).rows;

    it('stores a receipt whose text holds NUL octets, octet for octet, matched at once or kept pending', async () => {
      const sc = freshShortCode();
      const [now, later] = await insert(message(sc), message(sc));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 2 }], at(1));
      await outbox.record({ outcomes: [submitted(now!, ['nul-1'])], receipts: [] }, at(1));
      const withNuls = (id: string) => ({ route: 'sim', receipt: { smscMessageId: id, state: 'delivered' as const, raw: nulText } });
      await outbox.record({ outcomes: [], receipts: [withNuls('nul-1'), withNuls('nul-2')] }, at(2));
      expect(await status(now!)).toBe('delivered');
      await outbox.record({ outcomes: [submitted(later!, ['nul-2'])], receipts: [] }, at(3));
      expect(await status(later!)).toBe('delivered');
      const { rows } = await tdb.db.pool.query<{ receipt_raw: Buffer }>(`SELECT receipt_raw FROM message_parts WHERE smsc_message_id IN ('nul-1', 'nul-2')`);
      expect(rows.map((r) => r.receipt_raw)).toEqual([nulText, nulText]);
      expect(nulText.includes(0)).toBe(true);
    });

    it('sets a receipt PostgreSQL refuses aside with its reason, and still stores the outcome written with it', async () => {
      const sc = freshShortCode();
      const [id] = await insert(message(sc));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 1 }], at(1));
      // `err:` followed by NULs: a text column refuses it, whatever is tried.
      const refused = { route: 'sim', receipt: { smscMessageId: 'dead-1', state: 'delivered' as const, errorCode: '\u0000\u0000\u0000', raw: nulText } };
      await outbox.record({ outcomes: [submitted(id!, ['dead-1'])], receipts: [refused] }, at(1));
      expect(await status(id!)).toBe('submitted');
      // Written again (as a writer that saw it fail would): nothing is stored twice, nothing refused.
      await outbox.record({ outcomes: [submitted(id!, ['dead-1'])], receipts: [] }, at(2));
      const letters = await deadLetters('dead-1');
      expect(letters).toMatchObject([{ kind: 'receipt', reason: expect.stringMatching(/^22021 /) }]);
      expect(JSON.parse(letters[0]!.payload)).toMatchObject({ smscMessageId: 'dead-1', raw: { base64: nulText.toString('base64') } });
      const detail = await messages.getMessage(holdAccount, id!);
      expect(detail!.parts).toHaveLength(1);
      expect(detail!.events.map((e) => e.status)).toEqual(['queued', 'submitting', 'submitted']);
    });

    it('does not let one record that can never be written fail the others written at the same moment', async () => {
      const sc = freshShortCode();
      const [a, b] = await insert(message(sc), message(sc));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 2 }], at(1));
      await Promise.all([
        outbox.record({ outcomes: [submitted(a!, ['together-a'])], receipts: [] }, at(1)),
        outbox.record({ outcomes: [], receipts: [{ route: 'sim', receipt: { smscMessageId: 'together-a', state: 'delivered', errorCode: '\u0000', raw: nulText } }] }, at(1)),
        outbox.record({ outcomes: [submitted(b!, ['together-b'])], receipts: [receipt('together-b', 'delivered')] }, at(1)),
      ]);
      expect([await status(a!), await status(b!)]).toEqual(['submitted', 'delivered']);
      expect(await deadLetters('together-a')).toHaveLength(1);
    });

    it('puts a message in doubt when the outcome of its submit can never be written, keeping the outcome aside', async () => {
      const sc = freshShortCode();
      const [id] = await insert(message(sc));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 1 }], at(1));
      await outbox.record({ outcomes: [submitted(id!, ['bad\u0000id'])], receipts: [] }, at(1));
      const detail = await messages.getMessage(holdAccount, id!);
      expect(detail).toMatchObject({ status: 'in_doubt', parts: [] });
      expect(detail!.events.at(-1)!.reason).toMatch(/could not be stored .*dead_letters/);
      expect(await deadLetters(id!)).toMatchObject([{ kind: 'outcome', payload: expect.stringContaining('bad\\u0000id') }]);
    });
  });

  describe('leases and crash recovery', () => {
    it('gives a route to one owner at a time and lets another take it when the lease expires', async () => {
      expect(await outbox.acquireLease('lease-route', 'A', 10_000, t0)).toBe(true);
      expect(await outbox.acquireLease('lease-route', 'B', 10_000, at(5))).toBe(false);
      expect(await outbox.acquireLease('lease-route', 'A', 10_000, at(5))).toBe(true);
      expect(await outbox.acquireLease('lease-route', 'B', 10_000, at(16))).toBe(true);
      await outbox.releaseLease('lease-route', 'A');
      expect(await outbox.acquireLease('lease-route', 'A', 10_000, at(17))).toBe(false);
      await outbox.releaseLease('lease-route', 'B');
      expect(await outbox.acquireLease('lease-route', 'A', 10_000, at(17))).toBe(true);
    });

    it('marks what a dead owner left submitting as in doubt, or queues it again per account policy', async () => {
      const sc = freshShortCode();
      const [held] = await insert(message(sc));
      const [again] = await insert(message(sc, { accountId: retryAccount }));
      const [waiting] = await insert(message(sc, { dueAt: at(600) }));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 10 }], at(1));
      expect(await outbox.recoverOrphans(['sim'], at(2))).toEqual({ inDoubt: 1, requeued: 1 });
      expect(await status(held!)).toBe('in_doubt');
      expect(await messages.getMessage(retryAccount, again!)).toMatchObject({ status: 'queued', possibleDuplicate: true });
      expect(await status(waiting!)).toBe('queued');
      expect(await messages.countByStatus(holdAccount)).toMatchObject({ in_doubt: expect.any(Number) });
    });

    it('cancels only a queued message', async () => {
      const sc = freshShortCode();
      const [a, b] = await insert(message(sc, { dueAt: at(3600) }), message(sc));
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 10 }], at(1));
      expect(await messages.cancelMessage(holdAccount, a!, at(2))).toBe(true);
      expect(await messages.cancelMessage(holdAccount, b!, at(2))).toBe(false);
      expect(await status(a!)).toBe('cancelled');
    });
  });

  describe('webhook fan-out', () => {
    it('queues one delivery per subscribed webhook for each status change, in the same transaction', async () => {
      const sc = freshShortCode();
      const account = (await accounts.createAccount({ name: 'hooked' }, t0)).id;
      const all = await webhooks.create(account, { url: 'http://127.0.0.1:9/all', events: ['queued', 'submitting', 'submitted', 'delivered'], secret: 's' }, t0);
      const finals = await webhooks.create(account, { url: 'http://127.0.0.1:9/final', events: ['delivered'], secret: 's' }, t0);
      const { ids: [id] } = (await messages.insertMessages([message(sc, { accountId: account })], t0)) as { ids: string[] };
      await outbox.claimDue([{ route: 'sim', shortCode: sc, limit: 1 }], at(1));
      await outbox.record({ outcomes: [submitted(id!, ['hook-1'])], receipts: [receipt('hook-1', 'delivered')] }, at(1));
      expect((await webhooks.deliveries(account, all.id, { limit: 10 })).map((d) => d.messageId)).toEqual([id, id, id, id]);
      expect(await webhooks.deliveries(account, finals.id, { limit: 10 })).toHaveLength(1);
      const due = await webhooks.claimDue(10, 30_000, at(2));
      expect(due.filter((d) => d.kind === 'message.status' && d.message.id === id)).toHaveLength(5);
      expect(await webhooks.claimDue(10, 30_000, at(3))).toEqual([]);

      // The history page by page, newest first, and by state.
      const history = await webhooks.deliveries(account, all.id, { limit: 10 });
      const first = await webhooks.deliveries(account, all.id, { limit: 3 });
      expect(first).toEqual(history.slice(0, 3));
      expect(await webhooks.deliveries(account, all.id, { limit: 3, before: first.at(-1)!.id })).toEqual(history.slice(3));
      await webhooks.recordAttempt({ id: history[1]!.id, attempt: 1 }, { httpStatus: 500, error: 'HTTP 500', durationMs: 3, outcome: 'failed', next: null }, at(4));
      expect((await webhooks.deliveries(account, all.id, { limit: 10, status: 'failed' })).map((d) => [d.id, d.status, d.attempts.length])).toEqual([[history[1]!.id, 'failed', 1]]);
      expect(await webhooks.deliveries(account, all.id, { limit: 10, status: 'delivered' })).toEqual([]);
    });
  });
});
