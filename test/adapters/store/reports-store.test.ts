/**
 * The reports over a seeded store (docs/monitoring.md): traffic per short code and month — MT submitted and
 * delivered, MO and STOPs, the busiest second against the subscribed rate —, a month over frozen so that purging
 * its messages changes nothing, and availability computed from transitions the recorder wrote.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewMessage, Receipt } from '../../../src/app/ports.ts';
import { availabilityReport, forecastReport, trafficReport, type ReportDeps } from '../../../src/app/reports.ts';
import { AvailabilityRecorder } from '../../../src/adapters/monitoring/availability-recorder.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgAvailabilityStore } from '../../../src/adapters/store/availability-store.ts';
import { PgMessageStore } from '../../../src/adapters/store/message-store.ts';
import { PgMoStore } from '../../../src/adapters/store/mo-store.ts';
import { PgOutboxStore } from '../../../src/adapters/store/outbox-store.ts';
import { PgRouteStore } from '../../../src/adapters/store/route-store.ts';
import { PgTrafficStore } from '../../../src/adapters/store/traffic-store.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';

const november = (day: number, time: string) => new Date(`2026-11-${String(day).padStart(2, '0')}T${time}Z`);
const HOUR = 3_600_000;
const log = pino({ level: 'silent' });

let tdb: TestDatabase;
let account: string;
let now = november(20, '12:00:00');
const clock = { now: () => now };
let deps: ReportDeps;
let seq = 0;

beforeAll(async () => {
  tdb = await createTestDatabase(primaryTarget());
  await new PgRouteStore(tdb.db).sync(
    [{ name: 'orange', protocol: 'ucp', host: '127.0.0.1', port: 5000, systemId: '36001', password: 'secret', settings: {} }],
    [
      { number: '36001', route: 'orange', ratePerSecond: 10 },
      { number: '36002', route: 'orange', ratePerSecond: 20 },
    ],
    now,
  );
  account = (await new PgAccountStore(tdb.db).createAccount({ name: 'acme', shortCodes: ['36001', '36002'] }, now)).id;
  deps = { availability: new PgAvailabilityStore(tdb.db), traffic: new PgTrafficStore(tdb.db), clock, nodeGraceMs: 60_000 };
});
afterAll(() => tdb?.drop());

const message = (shortCode: string): NewMessage => ({
  accountId: account,
  recipient: '+33612345678',
  sender: shortCode,
  shortCode,
  class: 'marketing',
  body: 'Soldes',
  encoding: 'gsm7',
  segments: 1,
  dueAt: now,
  clientReference: null,
  brand: 'acme',
  status: 'queued',
  error: null,
  compliance: null,
  cap: null,
});

/** `count` messages on the short code, handed to the SMSC at `at`, the first `delivered` of them delivered. */
async function sent(shortCode: string, count: number, at: Date, delivered: number): Promise<void> {
  const inserted = await new PgMessageStore(tdb.db).insertMessages(Array.from({ length: count }, () => message(shortCode)), at);
  if (inserted.kind !== 'inserted') throw new Error(inserted.kind);
  await tdb.db.pool.query(`UPDATE messages SET status = 'submitting' WHERE id = ANY ($1::uuid[])`, [inserted.ids]);
  const outbox = new PgOutboxStore(tdb.db, log);
  const smscIds = inserted.ids.map(() => `smsc-${seq++}`);
  const receipts = smscIds.slice(0, delivered).map((smscMessageId) => ({ route: 'orange', receipt: { smscMessageId, state: 'delivered', raw: Buffer.from('stat:DELIVRD') } satisfies Receipt }));
  await outbox.record({ outcomes: inserted.ids.map((messageId, i) => ({ messageId, route: 'orange', kind: 'submitted' as const, acceptedParts: [{ index: 0, smscMessageId: smscIds[i]!, at }] })), receipts: [] }, at);
  await outbox.record({ outcomes: [], receipts }, new Date(at.getTime() + 5_000));
}

async function mo(text: string, intent: 'stop' | 'other', at: Date, accounts: number): Promise<void> {
  const attributions = accounts === 0 ? [] : [{ accountId: account, brand: 'acme' }];
  await new PgMoStore(tdb.db).recordInbound({ route: 'orange', mo: { from: '33612345678', to: '36001', text, receivedAt: at }, intent, keyword: intent === 'stop' ? 'STOP' : null, attributions } as never);
}

describe('traffic report', () => {
  it('counts MT submitted and delivered, MO and STOPs per short code, and the busiest second against the subscribed rate', async () => {
    await sent('36001', 8, november(3, '09:00:00.100'), 6); // 8 in one second: 80 % of 10/s
    await sent('36001', 4, november(3, '09:00:01.100'), 4);
    await sent('36002', 5, november(4, '10:00:00.000'), 5);
    await sent('36001', 3, new Date('2026-10-15T10:00:00Z'), 3); // October: not November's
    await mo('STOP', 'stop', november(5, '08:00:00'), 1);
    await mo('Bonjour', 'other', november(5, '08:01:00'), 1);

    const report = await trafficReport(deps, '2026-11');
    expect(report.lines).toEqual([
      { shortCode: '36001', month: '2026-11', mtSubmitted: 12, mtDelivered: 10, moReceived: 2, stops: 1, peakPerSecond: 8, subscribedPerSecond: 10, peakUsage: 0.8, deliveryRatio: 0.8333 },
      { shortCode: '36002', month: '2026-11', mtSubmitted: 5, mtDelivered: 5, moReceived: 0, stops: 0, peakPerSecond: 5, subscribedPerSecond: 20, peakUsage: 0.25, deliveryRatio: 1 },
    ]);
  });

  it('freezes a month once it is over: purging its messages later changes neither its report nor the forecast', async () => {
    now = new Date('2026-12-02T12:00:00Z');
    const before = await trafficReport(deps, '2026-11');
    await trafficReport(deps, '2026-10');
    await tdb.db.pool.query('DELETE FROM message_parts');
    await tdb.db.pool.query('DELETE FROM inbound_messages');
    expect(await trafficReport(deps, '2026-11')).toEqual(before);

    const forecast = await forecastReport(deps, '2026-11');
    expect(forecast.months).toEqual(['2026-12', '2027-01', '2027-02', '2027-03', '2027-04', '2027-05']);
    const first = forecast.forecasts.find((f) => f.shortCode === '36001')!;
    // October (3) and November (12), frozen before the purge: a trend of +9 a month.
    expect(first.historyMonths).toBe(2);
    expect(first.months[0]).toEqual({ month: '2026-12', mt: 21, peakPerSecond: 23 });
    expect(first.exceedsSubscribedRate).toBe(true);
  });
});

describe('availability report', () => {
  it('computes each route and door availability from the transitions the recorders wrote, over the nodes', async () => {
    const store = new PgAvailabilityStore(tdb.db);
    const options = { flushMs: 10, heartbeatMs: 30_000, maxQueued: 100 };
    now = new Date('2026-10-31T23:00:00Z'); // midnight in Paris: November begins
    const a = new AvailabilityRecorder(store, clock, log, { ...options, node: 'node-a' });
    await a.start();
    a.record('route', 'orange', 'up');
    a.record('door', 'http', 'up');
    now = november(10, '08:00:00');
    a.record('route', 'orange', 'down', 'keep-alive: no answer');
    now = november(10, '15:00:00'); // 7 hours: over the 6-hour target
    a.record('route', 'orange', 'up');
    now = november(20, '00:00:00');
    // A second node takes the route over before the first stops: no outage.
    const b = new AvailabilityRecorder(store, clock, log, { ...options, node: 'node-b' });
    await b.start();
    b.record('route', 'orange', 'up');
    now = november(20, '00:00:05');
    await a.stop('deploying');
    await b.flush();

    now = new Date('2026-12-01T10:00:00Z');
    const report = await availabilityReport(deps, '2026-11');
    const route = report.subjects.find((s) => s.kind === 'route' && s.subject === 'orange')!;
    expect(route.availability.downMs).toBe(7 * HOUR);
    // Up from November's first instant until node-b is taken as gone (its start's heartbeat plus the grace), less the outage.
    const upMs = november(20, '00:01:00').getTime() - new Date('2026-10-31T23:00:00Z').getTime() - 7 * HOUR;
    expect(route.availability.upMs).toBe(upMs);
    expect(route.availability.ratio).toBeCloseTo(upMs / (upMs + 7 * HOUR), 10);
    expect(route.availability.meetsTarget).toBe(false);
    expect(route.outages).toEqual([{ start: november(10, '08:00:00'), restoredAt: november(10, '15:00:00'), durationMs: 7 * HOUR, reasons: ['keep-alive: no answer'], withinTarget: false }]);
    // node-b never stopped and never beat again after its start: gone after its grace, the rest unobserved.
    expect(route.availability.unobservedMs).toBe(new Date('2026-11-30T23:00:00Z').getTime() - november(20, '00:01:00').getTime());

    const door = report.subjects.find((s) => s.kind === 'door' && s.subject === 'http')!;
    expect(door.availability.downMs).toBe(0);
    expect(door.availability.upMs).toBe(november(20, '00:00:05').getTime() - new Date('2026-10-31T23:00:00Z').getTime());
    expect(report.targets).toEqual({ availability: 0.99, restorationSeconds: 21_600 });
  });
});
