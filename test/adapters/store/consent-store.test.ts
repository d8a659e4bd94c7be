/**
 * The consent ledger in PostgreSQL (src/app/ports.ts: ConsentStore): append-only, histories in the ledger's
 * order, states per brand with '*' (every brand). On the embedded PostgreSQL and, when DATABASE_URL is set, on
 * the external one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewConsentEvent, RecordedConsent } from '../../../src/app/ports.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgConsentStore } from '../../../src/adapters/store/consent-store.ts';
import { ALL_BRANDS, consentFor } from '../../../src/core/consent/index.ts';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/db.ts';

const t0 = new Date('2026-06-01T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe.each(databaseTargets())('consent store on $name PostgreSQL', (target) => {
  let tdb: TestDatabase;
  let store: PgConsentStore;
  let account: string;
  let other: string;
  let seq = 0;

  beforeAll(async () => {
    tdb = await createTestDatabase(target);
    store = new PgConsentStore(tdb.db);
    const accounts = new PgAccountStore(tdb.db);
    account = (await accounts.createAccount({ name: 'acme' }, t0)).id;
    other = (await accounts.createAccount({ name: 'other' }, t0)).id;
  });
  afterAll(() => tdb?.drop());

  /** Each test works on its own recipients. */
  const freshRecipient = () => `+336${String(10_000_000 + seq++).padStart(8, '0')}`;
  const event = (recipient: string, overrides: Partial<NewConsentEvent> = {}): NewConsentEvent => ({
    accountId: account,
    brand: 'A',
    recipient,
    kind: 'opt-in',
    source: 'api',
    occurredAt: t0,
    ...overrides,
  });
  const count = async () => Number((await tdb.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM consent_events')).rows[0]!.n);

  it('records events with their fields, and returns them with an id and the recording time', async () => {
    const r = freshRecipient();
    const now = at(60);
    const [{ event: recorded, duplicate, overruledBy }] = (await store.record([event(r, { channel: 'web form', wording: 'J’accepte, v3', reference: 'form-12', ip: '2001:db8::1', occurredAt: at(1) })], now)) as [RecordedConsent];
    expect({ duplicate, overruledBy }).toEqual({ duplicate: false, overruledBy: null });
    expect(recorded).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      accountId: account,
      brand: 'A',
      recipient: r,
      kind: 'opt-in',
      source: 'api',
      channel: 'web form',
      wording: 'J’accepte, v3',
      reference: 'form-12',
      ip: '2001:db8::1',
      occurredAt: at(1),
      dated: true,
      recordedAt: now,
      retracted: null,
    });
    expect(await store.history(account, r)).toEqual([recorded]);
    const [bare] = await store.record([event(r, { occurredAt: at(2) })], now);
    expect(bare!.event).toMatchObject({ channel: null, wording: null, reference: null, ip: null });
  });

  it('gives the history oldest first, whatever the order events were recorded in, and keeps a batch’s order at one instant', async () => {
    const r = freshRecipient();
    await store.record([event(r, { kind: 'opt-out', occurredAt: at(30) })], at(40));
    await store.record([event(r, { occurredAt: at(10), reference: 'first' })], at(41));
    const sameInstant = await store.record(
      [event(r, { occurredAt: at(20), reference: 'a' }), event(r, { kind: 'opt-out', occurredAt: at(20), reference: 'b' }), event(r, { occurredAt: at(20), reference: 'c' })],
      at(42),
    );
    const history = await store.history(account, r);
    expect(history.map((e) => e.reference ?? e.kind)).toEqual(['first', 'a', 'b', 'c', 'opt-out']);
    expect(history.slice(1, 4).map((e) => e.id)).toEqual(sameInstant.map((e) => e.event.id));
  });

  it('keeps accounts apart', async () => {
    const r = freshRecipient();
    await store.record([event(r, { accountId: other, kind: 'opt-out' })], t0);
    expect(await store.history(account, r)).toEqual([]);
    expect((await store.states(account, 'A', [r])).get(r)).toEqual({ consent: 'none', optedOut: false, since: null });
    expect(await store.history(other, r)).toHaveLength(1);
  });

  it('derives the state of a batch of recipients for a brand, with the events for every brand', async () => {
    const [stopAll, reopened, softB, nothing, stopB] = Array.from({ length: 5 }, freshRecipient) as [string, string, string, string, string];
    await store.record(
      [
        // opt-in for A, then a STOP that could not be attributed: opted out of every brand.
        event(stopAll, { occurredAt: at(1) }),
        event(stopAll, { brand: 'B', occurredAt: at(2) }),
        event(stopAll, { brand: ALL_BRANDS, kind: 'opt-out', source: 'stop-mo', occurredAt: at(3) }),
        // the same, then a new opt-in for A: A only is open again.
        event(reopened, { occurredAt: at(1) }),
        event(reopened, { brand: ALL_BRANDS, kind: 'opt-out', source: 'stop-mo', occurredAt: at(2) }),
        event(reopened, { occurredAt: at(3), source: 'start-mo' }),
        event(softB, { brand: 'B', kind: 'soft-opt-in', occurredAt: at(1) }),
        // an opt-out for B does not touch A.
        event(stopB, { occurredAt: at(1) }),
        event(stopB, { brand: 'B', kind: 'opt-out', occurredAt: at(2) }),
      ],
      at(10),
    );
    const recipients = [stopAll, reopened, softB, nothing, stopB, stopAll];
    const forA = await store.states(account, 'A', recipients);
    const forB = await store.states(account, 'B', recipients);
    const forC = await store.states(account, 'C', recipients);
    expect([...forA.keys()]).toEqual([stopAll, reopened, softB, nothing, stopB]);

    expect(forA.get(stopAll)).toEqual({ consent: 'none', optedOut: true, since: at(3) });
    expect(forB.get(stopAll)).toEqual({ consent: 'none', optedOut: true, since: at(3) });
    expect(forC.get(stopAll)).toEqual({ consent: 'none', optedOut: true, since: at(3) });

    expect(forA.get(reopened)).toEqual({ consent: 'opt-in', optedOut: false, since: at(3) });
    expect(forB.get(reopened)).toEqual({ consent: 'none', optedOut: true, since: at(2) });

    expect(forA.get(softB)).toEqual({ consent: 'none', optedOut: false, since: null });
    expect(forB.get(softB)).toEqual({ consent: 'soft-opt-in', optedOut: false, since: at(1) });

    expect(forA.get(nothing)).toEqual({ consent: 'none', optedOut: false, since: null });

    expect(forA.get(stopB)).toEqual({ consent: 'opt-in', optedOut: false, since: at(1) });
    expect(forB.get(stopB)).toEqual({ consent: 'none', optedOut: true, since: at(2) });

    // The store's states are the core rule applied to the history.
    for (const r of [stopAll, reopened, softB, nothing, stopB]) {
      const history = await store.history(account, r);
      for (const [brand, states] of [['A', forA], ['B', forB], ['C', forC]] as const) expect(states.get(r)).toEqual(consentFor(history, brand));
    }
    expect(await store.states(account, 'A', [])).toEqual(new Map());
  });

  it('records 10,000 events in one call', async () => {
    const r = freshRecipient();
    const before = await count();
    const events = Array.from({ length: 10_000 }, (_, i) => event(r, { occurredAt: at(i), reference: `row-${i}`, kind: i % 2 ? 'opt-out' : 'opt-in' }));
    const recorded = await store.record(events, at(20_000));
    expect(recorded).toHaveLength(10_000);
    expect(await count()).toBe(before + 10_000);
    expect((await store.states(account, 'A', [r])).get(r)).toEqual({ consent: 'none', optedOut: true, since: at(9_999) });
  });

  it('records a batch all or none', async () => {
    const r = freshRecipient();
    const before = await count();
    await expect(store.record([event(r), event(r, { kind: 'maybe' as 'opt-in' })], t0)).rejects.toThrow();
    expect(await count()).toBe(before);
    expect(await store.history(account, r)).toEqual([]);
  });

  it('records the same evidence once: a request retried, a file imported again', async () => {
    const r = freshRecipient();
    const form = event(r, { channel: 'web form', wording: 'v3', reference: 'form-1', occurredAt: at(1) });
    const [first] = await store.record([form], at(5));
    const [again, sameBatchTwice] = await store.record([form, form], at(6));
    expect(first!.duplicate).toBe(false);
    expect(again).toEqual({ event: first!.event, duplicate: true, overruledBy: null });
    expect(sameBatchTwice!.duplicate).toBe(true);
    // Undated evidence from two imports of the same file: one event.
    const undated = event(r, { source: 'import', channel: 'import', dated: false, occurredAt: at(10), reference: 'import:1' });
    await store.record([undated], at(10));
    const [second] = await store.record([{ ...undated, occurredAt: at(20), reference: 'import:2' }], at(20));
    expect(second!.duplicate).toBe(true);
    // Different evidence is new: another date, another wording, an opt-out.
    const others = await store.record([{ ...form, occurredAt: at(2) }, { ...form, wording: 'v4' }, { ...form, reference: 'form-2' }, { ...form, kind: 'opt-out' }], at(30));
    expect(others.map((o) => o.duplicate)).toEqual([false, false, false, false]);
    expect(await store.history(account, r)).toHaveLength(6);
  });

  it('records concurrent copies of the same evidence once', async () => {
    const r = freshRecipient();
    const form = event(r, { channel: 'web form', occurredAt: at(1) });
    const results = await Promise.all(Array.from({ length: 8 }, () => store.record([form], at(2))));
    expect(results.filter(([o]) => !o!.duplicate)).toHaveLength(1);
    expect(await store.history(account, r)).toHaveLength(1);
  });

  it('keeps a STOP standing against undated, older or soft opt-ins, and says so; a START or dated evidence re-opens', async () => {
    const r = freshRecipient();
    await store.record([event(r, { channel: 'web form', occurredAt: at(1) })], at(1));
    await store.record([event(r, { kind: 'opt-out', source: 'stop-mo', channel: 'sms 36001', occurredAt: at(10) })], at(10));
    const weak = await store.record(
      [
        event(r, { source: 'import', channel: 'import', dated: false, occurredAt: at(20) }),
        event(r, { channel: 'shop', occurredAt: at(5) }),
        event(r, { kind: 'soft-opt-in', channel: 'purchase', occurredAt: at(21) }),
        event(r, { occurredAt: at(22) }),
      ],
      at(30),
    );
    expect(weak.map((w) => w.duplicate)).toEqual([false, false, false, false]);
    expect(weak.map((w) => w.overruledBy?.occurredAt)).toEqual([at(10), at(10), at(10), at(10)]);
    expect((await store.states(account, 'A', [r])).get(r)).toEqual({ consent: 'none', optedOut: true, since: at(10) });

    const [dated] = await store.record([event(r, { channel: 'web form', wording: 'v4', occurredAt: at(25) })], at(31));
    expect(dated!.overruledBy).toBeNull();
    expect((await store.states(account, 'A', [r])).get(r)).toEqual({ consent: 'opt-in', optedOut: false, since: at(25) });
  });

  it('leaves retracted events out of the state, and shows them in the history with their retraction', async () => {
    const r = freshRecipient();
    const [{ event: optIn }] = (await store.record([event(r, { channel: 'web form', occurredAt: at(1) })], at(1))) as [RecordedConsent];
    await tdb.db.pool.query(`INSERT INTO consent_retractions (event_id, reason, at) VALUES ($1, 'import 1 rolled back', $2)`, [optIn.id, at(2)]);
    expect((await store.states(account, 'A', [r])).get(r)).toEqual({ consent: 'none', optedOut: false, since: null });
    expect(await store.history(account, r)).toEqual([{ ...optIn, retracted: { at: at(2), reason: 'import 1 rolled back' } }]);
    // Retracted evidence recorded again is new evidence.
    const [again] = await store.record([event(r, { channel: 'web form', occurredAt: at(1) })], at(3));
    expect(again!.duplicate).toBe(false);
    expect((await store.states(account, 'A', [r])).get(r)?.consent).toBe('opt-in');
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const r = freshRecipient();
    const [{ event: recorded }] = (await store.record([event(r, { kind: 'opt-out' })], t0)) as [RecordedConsent];
    await expect(tdb.db.pool.query(`UPDATE consent_events SET kind = 'opt-in' WHERE id = $1`, [recorded.id])).rejects.toThrow(/append-only/);
    await expect(tdb.db.kysely.updateTable('consent_events').set({ brand: 'B' }).where('recipient', '=', r).execute()).rejects.toThrow(/append-only/);
    await expect(tdb.db.pool.query(`DELETE FROM consent_events WHERE id = $1`, [recorded.id])).rejects.toThrow(/append-only/);
    await expect(tdb.db.kysely.deleteFrom('consent_events').execute()).rejects.toThrow(/append-only/);
    await expect(tdb.db.pool.query('TRUNCATE consent_events')).rejects.toThrow(/append-only/);
    expect(await store.history(account, r)).toEqual([recorded]);
  });
});
