/**
 * Routes in the store (docs/routing.md): a short code carried by several routes, a message stored with the route
 * routing chose, claimed only by that route's lane, and moved by failover to the first of its fallbacks that can send
 * — with the reason in its events, once, never while it is being submitted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgMessageStore } from '../../../src/adapters/store/message-store.ts';
import { PgOutboxStore } from '../../../src/adapters/store/outbox-store.ts';
import { PgRouteStore } from '../../../src/adapters/store/route-store.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';
import { newMessage } from '../../support/new-message.ts';

const now = new Date('2026-11-24T09:00:00Z');
const route = (name: string) => ({ name, protocol: 'smpp' as const, host: '127.0.0.1', port: 2775, systemId: 'relais', password: 'secret', settings: {} });

describe('routes and failover in the store', () => {
  let tdb: TestDatabase;
  let accountId: string;
  let messages: PgMessageStore;
  let outbox: PgOutboxStore;
  let routes: PgRouteStore;

  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    routes = new PgRouteStore(tdb.db);
    await routes.sync(
      [{ ...route('orange'), operator: 'ORAN', subscribersOnly: true }, route('sfr'), route('bouygues')],
      [{ number: '36001', route: 'orange', alsoOn: ['sfr', 'bouygues'], ratePerSecond: 10 }],
      now,
    );
    accountId = (await new PgAccountStore(tdb.db).createAccount({ name: 'acme', defaultShortCode: '36001' }, now)).id;
    messages = new PgMessageStore(tdb.db);
    outbox = new PgOutboxStore(tdb.db);
  }, 60_000);
  afterAll(() => tdb?.drop());

  const queue = async (count: number, name: string, fallbacks: string[]) => {
    const result = await messages.insertMessages(
      Array.from({ length: count }, (_, i) => newMessage(accountId, 1, now, { recipient: `+3361200${String(i).padStart(4, '0')}`, route: { name, reason: `chosen for the test`, fallbacks } })),
      now,
    );
    return (result as { ids: string[] }).ids;
  };
  const routeOf = async (id: string) => (await messages.getMessage(accountId, id))!.route;

  it('keeps the routes of a short code in order, and an operator route as such', async () => {
    expect(await routes.shortCodes()).toEqual([{ number: '36001', route: 'orange', alsoOn: ['sfr', 'bouygues'], ratePerSecond: 10 }]);
    expect((await routes.routes()).find((r) => r.name === 'orange')).toMatchObject({ operator: 'ORAN', subscribersOnly: true });
  });

  it('hands a message only to the lane of its route; a message stored without a route takes its short code’s first', async () => {
    const [onSfr] = await queue(1, 'sfr', []);
    const unrouted = (await messages.insertMessages([newMessage(accountId, 1, now)], now)) as { ids: string[] };
    expect(await routeOf(unrouted.ids[0]!)).toEqual({ name: 'orange', reason: "short code 36001's route", fallbacks: [] });
    expect(await outbox.claimDue([{ route: 'bouygues', shortCode: '36001', limit: 10 }], now)).toEqual([]);
    expect((await outbox.claimDue([{ route: 'sfr', shortCode: '36001', limit: 10 }], now)).map((m) => m.id)).toEqual([onSfr]);
    expect((await outbox.claimDue([{ route: 'orange', shortCode: '36001', limit: 10 }], now)).map((m) => m.id)).toEqual(unrouted.ids);
  });

  it('fails over the queued messages of a route to the first usable fallback, with the reason, and leaves those with none', async () => {
    const both = await queue(3, 'orange', ['sfr', 'bouygues']);
    const bouyguesOnly = await queue(2, 'orange', ['bouygues']);
    const none = await queue(1, 'orange', []);
    const [claimed] = await outbox.claimDue([{ route: 'orange', shortCode: '36001', limit: 1 }], now);

    const moved = await outbox.failOver('orange', ['sfr'], 'route down for 12 s', 100, now);
    expect(moved).toBe(2); // the three with SFR as a fallback, but the one being submitted
    for (const id of both.filter((id) => id !== claimed!.id)) {
      expect(await routeOf(id)).toEqual({ name: 'sfr', reason: 'failover from orange to sfr: route down for 12 s', fallbacks: ['bouygues'] });
      const events = (await messages.getMessage(accountId, id))!.events;
      expect(events.at(-1)).toMatchObject({ status: 'queued', reason: 'failover from orange to sfr: route down for 12 s' });
    }
    expect((await routeOf(claimed!.id))!.name).toBe('orange');
    for (const id of [...bouyguesOnly, ...none]) expect((await routeOf(id))!.name).toBe('orange');

    // SFR down too: what it took goes on to Bouygues Telecom, its last fallback.
    expect(await outbox.failOver('sfr', ['bouygues'], 'route paused: maintenance', 100, now)).toBe(2);
    expect(await outbox.failOver('orange', ['bouygues'], 'route paused: maintenance', 1, now)).toBe(1);
    expect(await outbox.failOver('orange', ['bouygues'], 'route paused: maintenance', 100, now)).toBe(1);
    expect(await outbox.failOver('orange', ['bouygues', 'sfr'], 'again', 100, now)).toBe(0);
    // A check that moves nothing stores no decision (a route down is checked every second, each time with its own reason).
    expect((await tdb.db.pool.query(`SELECT count(*)::int AS n FROM route_decisions WHERE reason LIKE '%: again'`)).rows[0].n).toBe(0);
    expect((await routeOf(none[0]!))!.name).toBe('orange');
  });

  it('keeps each distinct decision once, however many messages and concurrent intakes name it', async () => {
    const reason = 'rule 7 (the test): a decision no message had yet';
    const before = Number((await tdb.db.pool.query('SELECT count(*) FROM route_decisions')).rows[0].count);
    // Two stores (two processes) insert batches naming the same two new decisions at once.
    const other = new PgMessageStore(tdb.db);
    const batch = (store: PgMessageStore, offset: number) =>
      store.insertMessages(
        Array.from({ length: 400 }, (_, i) => newMessage(accountId, 1, now, { recipient: `+3362${String(offset + i).padStart(7, '0')}`, route: { name: i % 2 ? 'sfr' : 'bouygues', reason, fallbacks: i % 2 ? ['bouygues'] : [] } })),
        now,
      );
    const [a, b] = (await Promise.all([batch(messages, 0), batch(other, 400)])) as { ids: string[] }[];
    expect(Number((await tdb.db.pool.query('SELECT count(*) FROM route_decisions')).rows[0].count)).toBe(before + 2);
    expect(await routeOf(a!.ids[1]!)).toEqual({ name: 'sfr', reason, fallbacks: ['bouygues'] });
    expect(await routeOf(b!.ids[0]!)).toEqual({ name: 'bouygues', reason, fallbacks: [] });
  });

  it('records and lifts a pause on a route', async () => {
    expect(await routes.setPaused('sfr', 'maintenance until 14:00', now)).toBe(true);
    expect(await routes.paused()).toEqual(new Map([['sfr', 'maintenance until 14:00']]));
    expect(await routes.setPaused('sfr', null, now)).toBe(true);
    expect(await routes.paused()).toEqual(new Map());
    expect(await routes.setPaused('nowhere', 'x', now)).toBe(false);
  });
});
