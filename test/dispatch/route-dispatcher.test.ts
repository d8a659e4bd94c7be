/**
 * The dispatcher against a scripted operator link (the port, not a socket) and the real store: claims,
 * priority, per-short-code throttle, retries, in-doubt handling, multi-part resume, leases, clean stop.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Doorbell } from '../../src/app/doorbell.ts';
import type { LinkHandlers, LinkState, OperatorLink, OutboundPart, OutboxStore, SubmitOutcome } from '../../src/app/ports.ts';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgMessageStore } from '../../src/adapters/store/message-store.ts';
import { PgOutboxStore } from '../../src/adapters/store/outbox-store.ts';
import { PgRouteStore } from '../../src/adapters/store/route-store.ts';
import { defaultRetryPolicy } from '../../src/core/message/retry.ts';
import { measure } from '../../src/core/text/index.ts';
import { RouteDispatcher, defaultDispatchOptions, type RouteDeps } from '../../src/dispatch/route-dispatcher.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../support/db.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
/**
 * Long enough that a loaded machine never fences a dispatcher off its own lease mid-test (a renewal later than the
 * time to live less one renewal interval makes it give its routes up, and a submit then in flight is left to
 * recovery): no test here waits for a lease to expire.
 */
const LEASE_TTL_MS = 30_000;

/** An operator link whose answers the test decides; records what was written and when. */
class ScriptedLink implements OperatorLink {
  readonly name = 'scripted';
  written: { part: OutboundPart; at: number }[] = [];
  outstanding = 0;
  maxOutstanding = 0;
  private seq = 0;
  private current: LinkState = 'connecting';
  handlers: LinkHandlers | undefined;
  stopped = false;

  constructor(
    private readonly window: number,
    private readonly answer: (part: OutboundPart, n: number) => SubmitOutcome | Promise<SubmitOutcome> = () => ({ kind: 'accepted', smscMessageId: `S${this.seq}` }),
  ) {}

  start(handlers: LinkHandlers): void {
    this.handlers = handlers;
    this.current = 'bound';
  }
  async stop(): Promise<void> {
    this.stopped = true;
    this.current = 'stopped';
  }
  state(): LinkState {
    return this.current;
  }
  freeWindow(): number {
    return this.current === 'bound' ? this.window - this.outstanding : 0;
  }
  waitForCapacity(maxWaitMs: number): Promise<void> {
    return new Promise((r) => setTimeout(r, Math.min(maxWaitMs, 2)));
  }
  async submit(part: OutboundPart): Promise<SubmitOutcome> {
    if (this.freeWindow() <= 0) throw new Error('window exceeded');
    this.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    this.written.push({ part, at: performance.now() });
    const n = ++this.seq;
    try {
      await new Promise((r) => setTimeout(r, 1));
      return await this.answer(part, n);
    } finally {
      this.outstanding--;
    }
  }
}

describe('route dispatcher', () => {
  let tdb: TestDatabase;
  let messages: PgMessageStore;
  let outbox: PgOutboxStore;
  let accountId: string;
  let retryAccountId: string;
  const running: RouteDispatcher[] = [];
  let routeSeq = 0;

  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    messages = new PgMessageStore(tdb.db);
    outbox = new PgOutboxStore(tdb.db);
    const accounts = new PgAccountStore(tdb.db);
    accountId = (await accounts.createAccount({ name: 'a' }, new Date())).id;
    retryAccountId = (await accounts.createAccount({ name: 'r', inDoubtPolicy: 'retry' }, new Date())).id;
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((d) => d.stop()));
  });
  afterAll(() => tdb?.drop());

  async function setUp(link: OperatorLink, rate = 1000, options: Partial<RouteDeps['options']> = {}, store: OutboxStore = outbox) {
    const route = `r${routeSeq++}`;
    const shortCode = String(37000 + routeSeq);
    await new PgRouteStore(tdb.db).sync(
      [{ name: route, protocol: 'smpp', host: '127.0.0.1', port: 1, systemId: 'x', password: 'y', settings: {} }],
      [{ number: shortCode, route, ratePerSecond: rate }],
      new Date(),
    );
    const dispatcher = new RouteDispatcher(
      { name: route, routes: [{ name: route, shortCodes: [{ number: shortCode, route, ratePerSecond: rate }], addressing: { shortCodeTon: 0, shortCodeNpi: 1 }, window: 10 }] },
      {
        store,
        openLink: () => link,
        clock: { now: () => new Date() },
        monotonicMs: () => performance.now(),
        log: silent,
        doorbell: new Doorbell(),
        options: { ...defaultDispatchOptions, owner: `test-${route}`, pollIntervalMs: 10, leaseRenewMs: 50, leaseTtlMs: LEASE_TTL_MS, ...options },
      },
    );
    return { route, shortCode, dispatcher };
  }

  /** Two routes carrying one short code, sent on by one dispatcher (one lease, one throttle for the short code). */
  async function setUpPair(links: [OperatorLink, OperatorLink], rate: number, paused = new Map<string, string>()) {
    const [first, second] = [`r${routeSeq++}`, `r${routeSeq++}`];
    const shortCode = String(37000 + routeSeq);
    const sc = { number: shortCode, route: first, alsoOn: [second], ratePerSecond: rate };
    const routeRow = (name: string) => ({ name, protocol: 'smpp' as const, host: '127.0.0.1', port: 1, systemId: 'x', password: 'y', settings: {} });
    await new PgRouteStore(tdb.db).sync([routeRow(first), routeRow(second)], [sc], new Date());
    const spec = (name: string) => ({ name, shortCodes: [sc], addressing: { shortCodeTon: 0, shortCodeNpi: 1 }, window: 10 });
    const dispatcher = new RouteDispatcher(
      { name: `${first}+${second}`, routes: [spec(first), spec(second)] },
      {
        store: outbox,
        openLink: (name) => (name === first ? links[0] : links[1]),
        clock: { now: () => new Date() },
        monotonicMs: () => performance.now(),
        log: silent,
        doorbell: new Doorbell(),
        paused: async () => paused,
        options: { ...defaultDispatchOptions, owner: `test-${first}`, pollIntervalMs: 10, leaseRenewMs: 50, leaseTtlMs: LEASE_TTL_MS, failoverCheckMs: 20, failoverAfterMs: 200 },
      },
    );
    return { routes: [first, second] as const, shortCode, dispatcher };
  }

  async function queue(shortCode: string, texts: string[], extra: { class?: 'transactional' | 'marketing'; accountId?: string; route?: { name: string; reason: string; fallbacks: string[] } } = {}): Promise<string[]> {
    const result = await messages.insertMessages(
      texts.map((body) => {
        const m = measure(body);
        return {
          accountId: extra.accountId ?? accountId,
          recipient: '+33612345678',
          sender: shortCode,
          shortCode,
          class: extra.class ?? 'transactional',
          body,
          encoding: m.encoding,
          segments: m.segments,
          dueAt: new Date(),
          clientReference: null,
          brand: 'Relais',
          status: 'queued' as const,
          error: null,
          compliance: null,
          cap: null,
          route: extra.route ?? null,
        };
      }),
      new Date(),
    );
    return (result as { ids: string[] }).ids;
  }

  async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const statusOf = async (id: string, account = accountId) => (await messages.getMessage(account, id))!.status;
  const allIn = (ids: string[], status: string, account = accountId) => async () =>
    (await Promise.all(ids.map((id) => statusOf(id, account)))).every((s) => s === status);

  function start(d: RouteDispatcher) {
    running.push(d);
    d.start();
  }

  it('submits every due message once, within the window, and records the SMSC ids', async () => {
    const link = new ScriptedLink(5);
    const { shortCode, dispatcher } = await setUp(link);
    const ids = await queue(shortCode, Array.from({ length: 60 }, (_, i) => `m${i}`));
    start(dispatcher);
    await until(allIn(ids, 'submitted'));
    expect(link.written).toHaveLength(60);
    expect(link.maxOutstanding).toBeLessThanOrEqual(5);
    const detail = await messages.getMessage(accountId, ids[0]!);
    expect(detail!.parts[0]!.smscMessageId).toMatch(/^S\d+$/);
  });

  it('never exceeds the short code rate in any sliding second', async () => {
    const link = new ScriptedLink(50);
    const { shortCode, dispatcher } = await setUp(link, 20);
    const ids = await queue(shortCode, Array.from({ length: 50 }, (_, i) => `t${i}`));
    start(dispatcher);
    await until(allIn(ids, 'submitted'), 10_000);
    const times = link.written.map((w) => w.at);
    for (let i = 0; i + 20 < times.length; i++) expect(times[i + 20]! - times[i]!).toBeGreaterThanOrEqual(1_000);
  });

  it('keeps the rate at its own send times under fault load: event-loop stalls and answers that time out', async () => {
    // Every 7th submit is left unanswered until its time-out; the event loop stalls 40 ms every 150 ms.
    const link = new ScriptedLink(50, (_part, n) => (n % 7 === 0 ? new Promise((r) => setTimeout(() => r({ kind: 'in-doubt', reason: 'no answer' }), 300)) : { kind: 'accepted', smscMessageId: `F${n}` }));
    const { shortCode, dispatcher } = await setUp(link, 200, { throttleWindowMs: 1_020 });
    const ids = await queue(shortCode, Array.from({ length: 500 }, (_, i) => `f${i}`));
    const stalls = setInterval(() => {
      const stallEnd = performance.now() + 40;
      while (performance.now() < stallEnd);
    }, 150);
    try {
      start(dispatcher);
      await until(async () => link.written.length >= ids.length, 15_000);
    } finally {
      clearInterval(stalls);
    }
    const times = link.written.map((w) => w.at);
    for (let i = 0; i + 200 < times.length; i++) expect(times[i + 200]! - times[i]!).toBeGreaterThanOrEqual(1_020);
  });

  it("holds a short code to its rate across all the routes that carry it", async () => {
    const links: [ScriptedLink, ScriptedLink] = [new ScriptedLink(50), new ScriptedLink(50)];
    const { routes, shortCode, dispatcher } = await setUpPair(links, 20);
    const ids = [
      ...(await queue(shortCode, Array.from({ length: 25 }, (_, i) => `a${i}`), { route: { name: routes[0], reason: 'test', fallbacks: [] } })),
      ...(await queue(shortCode, Array.from({ length: 25 }, (_, i) => `b${i}`), { route: { name: routes[1], reason: 'test', fallbacks: [] } })),
    ];
    start(dispatcher);
    await until(allIn(ids, 'submitted'), 15_000);
    expect(links.map((l) => l.written.length)).toEqual([25, 25]);
    const times = links.flatMap((l) => l.written.map((w) => w.at)).sort((a, b) => a - b);
    for (let i = 0; i + 20 < times.length; i++) expect(times[i + 20]! - times[i]!).toBeGreaterThanOrEqual(1_000);
  });

  it('moves the queued messages of a paused route to their fallback, and of a route whose link stays down', async () => {
    const paused = new Map<string, string>();
    const healthy = new ScriptedLink(10);
    const dead = new ScriptedLink(10);
    dead.start = (handlers) => void (dead.handlers = handlers); // never binds
    const { routes, shortCode, dispatcher } = await setUpPair([healthy, dead], 1000, paused);
    const stuck = await queue(shortCode, ['d1', 'd2'], { route: { name: routes[1], reason: 'test', fallbacks: [routes[0]] } });
    start(dispatcher);
    await until(allIn(stuck, 'submitted'));
    expect(healthy.written).toHaveLength(2);
    for (const id of stuck) expect((await messages.getMessage(accountId, id))!.route).toMatchObject({ name: routes[0], reason: expect.stringMatching(new RegExp(`^failover from ${routes[1]} to ${routes[0]}: route down for \\d+ s$`)) });

    // The dead link binds at last; the healthy route is paused: what waits on it moves, what has no fallback waits.
    ScriptedLink.prototype.start.call(dead, dead.handlers!);
    paused.set(routes[0], 'maintenance');
    await new Promise((resolve) => setTimeout(resolve, 100)); // a few failover checks: the pause is seen
    const moved = await queue(shortCode, ['p1'], { route: { name: routes[0], reason: 'test', fallbacks: [routes[1]] } });
    const waiting = await queue(shortCode, ['p2'], { route: { name: routes[0], reason: 'test', fallbacks: [] } });
    await until(allIn(moved, 'submitted'));
    expect(dead.written.map((w) => Buffer.from(w.part.body).toString('latin1'))).toEqual(['p1']);
    expect((await messages.getMessage(accountId, moved[0]!))!.route!.reason).toBe(`failover from ${routes[0]} to ${routes[1]}: route paused: maintenance`);
    expect(await statusOf(waiting[0]!)).toBe('queued');
    paused.delete(routes[0]);
    await until(allIn(waiting, 'submitted'));
    expect(healthy.written).toHaveLength(3);
  });

  it('claims transactional messages before marketing ones', async () => {
    const link = new ScriptedLink(1);
    const { shortCode, dispatcher } = await setUp(link, 1000);
    await queue(shortCode, ['promo 1', 'promo 2', 'promo 3'], { class: 'marketing' });
    const [otp] = await queue(shortCode, ['code 1234']);
    start(dispatcher);
    await until(allIn([otp!], 'submitted'));
    expect(Buffer.from(link.written[0]!.part.body).toString('latin1')).toBe('code 1234');
  });

  it('backs off and retries after a throttling answer, then submits', async () => {
    let throttles = 1;
    const link = new ScriptedLink(5, (_p, n) =>
      throttles-- > 0 ? { kind: 'refused', failure: { kind: 'throttled', code: '0x00000058', reason: 'throttled' } } : { kind: 'accepted', smscMessageId: `T${n}` },
    );
    const { shortCode, dispatcher } = await setUp(link, 1000, { retry: { ...defaultRetryPolicy, throttledDelayMs: 50 } });
    const [id] = await queue(shortCode, ['again']);
    start(dispatcher);
    await until(allIn([id!], 'submitted'));
    const detail = await messages.getMessage(accountId, id!);
    expect(detail!.attempts).toBe(2);
    expect(detail!.events.map((e) => e.status)).toEqual(['queued', 'submitting', 'queued', 'submitting', 'submitted']);
    expect(detail!.events[2]!.reason).toContain('throttled');
  });

  it('fails a message the SMSC refuses for good, with its reason', async () => {
    const link = new ScriptedLink(5, () => ({ kind: 'refused', failure: { kind: 'permanent', code: '0x0000000B', reason: 'invalid destination address' } }));
    const { shortCode, dispatcher } = await setUp(link);
    const [id] = await queue(shortCode, ['nope']);
    start(dispatcher);
    await until(allIn([id!], 'failed'));
    expect((await messages.getMessage(accountId, id!))!.error).toEqual({ code: '0x0000000B', reason: 'invalid destination address (0x0000000B)' });
  });

  it('marks a time-out in doubt and never resends it on a hold account; queues it again flagged on a retry account', async () => {
    let first = true;
    const link = new ScriptedLink(5, (_p, n) => {
      if (first) {
        first = false;
        return { kind: 'in-doubt', reason: 'no response within 10000 ms' };
      }
      return { kind: 'accepted', smscMessageId: `D${n}` };
    });
    const { shortCode, dispatcher } = await setUp(link);
    const [held] = await queue(shortCode, ['held']);
    start(dispatcher);
    await until(allIn([held!], 'in_doubt'));
    await new Promise((r) => setTimeout(r, 100));
    expect(link.written).toHaveLength(1);

    first = true;
    const [again] = await queue(shortCode, ['again'], { accountId: retryAccountId });
    await until(allIn([again!], 'submitted', retryAccountId));
    expect((await messages.getMessage(retryAccountId, again!))!.possibleDuplicate).toBe(true);
  });

  it('resumes a concatenated message after its accepted parts, with the same reference', async () => {
    let refusedOnce = false;
    const link = new ScriptedLink(5, (_p, n) => {
      if (n === 2 && !refusedOnce) {
        refusedOnce = true;
        return { kind: 'refused', failure: { kind: 'transient', code: '0x00000008', reason: 'system error' } };
      }
      return { kind: 'accepted', smscMessageId: `P${n}` };
    });
    const { shortCode, dispatcher } = await setUp(link, 1000, { retry: { ...defaultRetryPolicy, transientDelayMs: 20 } });
    const [id] = await queue(shortCode, ['x'.repeat(400)]);
    start(dispatcher);
    await until(allIn([id!], 'submitted'));
    const udhs = link.written.map((w) => Buffer.from(w.part.udh!).toString('hex'));
    // 400 GSM characters = 3 parts: part 1 accepted, part 2 refused then sent again, part 3; part 1 never twice.
    expect(udhs).toHaveLength(4);
    expect(udhs[1]).toBe(udhs[2]);
    expect(new Set(udhs.map((u) => u.slice(6, 8))).size).toBe(1);
    expect((await messages.getMessage(accountId, id!))!.parts.map((p) => p.smscMessageId)).toEqual(['P1', 'P3', 'P4']);
  });

  it('waits for outstanding answers on stop, records them, and leaves the route free', async () => {
    const link = new ScriptedLink(5, async (_p, n) => {
      await new Promise((r) => setTimeout(r, 200));
      return { kind: 'accepted', smscMessageId: `W${n}` };
    });
    const { route, shortCode, dispatcher } = await setUp(link);
    const ids = await queue(shortCode, ['a', 'b', 'c']);
    dispatcher.start();
    await until(async () => link.written.length === 3);
    await dispatcher.stop();
    expect(link.stopped).toBe(true);
    expect(await allIn(ids, 'submitted')()).toBe(true);
    expect(await outbox.acquireLease(route, 'someone-else', 1000, new Date())).toBe(true);
  });

  it('stops in bounded time when the database cannot take an outcome, leaving the message to recovery', async () => {
    let answer: (outcome: SubmitOutcome) => void = () => undefined;
    const link = new ScriptedLink(5, () => new Promise((resolve) => (answer = resolve)));
    // The database went away: every outcome write fails, as long as one tries.
    const unreachable: OutboxStore = Object.assign(Object.create(outbox) as OutboxStore, {
      record: () => Promise.reject(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })),
    });
    const { route, shortCode, dispatcher } = await setUp(link, 1000, {}, unreachable);
    const [id] = await queue(shortCode, ['a']);
    dispatcher.start();
    await until(async () => link.written.length === 1);
    const started = performance.now();
    const stopped = dispatcher.stop();
    answer({ kind: 'accepted', smscMessageId: 'LOST' });
    await stopped;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await messages.getMessage(accountId, id!))!.status).toBe('submitting');
    expect(await outbox.recoverOrphans([route], new Date())).toEqual({ inDoubt: 1, requeued: 0 });
  });

  it('does not send on a route whose lease another process holds', async () => {
    const link = new ScriptedLink(5);
    const { route, shortCode, dispatcher } = await setUp(link);
    await outbox.acquireLease(route, 'other-process', 60_000, new Date());
    await queue(shortCode, ['blocked']);
    start(dispatcher);
    await new Promise((r) => setTimeout(r, 300));
    expect(link.written).toHaveLength(0);
    expect(dispatcher.isOwner()).toBe(false);
  });
});
