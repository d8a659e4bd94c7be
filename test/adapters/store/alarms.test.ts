/**
 * Alarms against the store (docs/billing.md, "Alarms"): the sweep raises each alarm once per period, hands it to the
 * account's webhooks and mails it; the hard cap holds the account's messages at the dispatcher's claim (accepted,
 * queued, not handed out) and releases them, all of them, when the limit is raised or the month turns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receipt } from '../../../src/app/ports.ts';
import { PgAccountStore, senderOf } from '../../../src/adapters/store/account-store.ts';
import { PgAlarmStore } from '../../../src/adapters/store/alarm-store.ts';
import { PgMessageStore } from '../../../src/adapters/store/message-store.ts';
import { PgOutboxStore } from '../../../src/adapters/store/outbox-store.ts';
import { PgRouteStore } from '../../../src/adapters/store/route-store.ts';
import { PgWebhookStore } from '../../../src/adapters/store/webhook-store.ts';
import { runAlarms, type AlarmDeps } from '../../../src/app/billing-alarms.ts';
import type { OutgoingMail } from '../../../src/app/sign-in.ts';
import { submitMessages, type Sender, type SubmitDeps } from '../../../src/app/submit-messages.ts';
import type { AlarmSettings } from '../../../src/core/billing/index.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';

const november = new Date('2026-11-10T10:00:00Z'); // Tuesday, 11:00 in Paris
const later = (minutes: number) => new Date(november.getTime() + minutes * 60_000);

let tdb: TestDatabase;
let store: PgAlarmStore;
let outbox: PgOutboxStore;
let submit: SubmitDeps;
let sender: Sender;
let accountId: string;
const mails: OutgoingMail[] = [];
const sms: { to: string; text: string }[] = [];
let releases = 0;
let deps: AlarmDeps;
let seq = 0;

beforeAll(async () => {
  tdb = await createTestDatabase(primaryTarget());
  const routes = new PgRouteStore(tdb.db);
  await routes.sync([{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'relais', password: 'secret', settings: {} }], [{ number: '36001', route: 'sim', ratePerSecond: 10 }], november);
  const known = new Map((await routes.shortCodes()).map((s) => [s.number, s]));
  const accounts = new PgAccountStore(tdb.db);
  const account = await accounts.createAccount({ name: 'acme', defaultShortCode: '36001' }, november);
  accountId = account.id;
  sender = senderOf(account);
  submit = { store: new PgMessageStore(tdb.db), consents: { states: async () => new Map() }, shortCodes: () => known, notify: () => undefined };
  store = new PgAlarmStore(tdb.db);
  outbox = new PgOutboxStore(tdb.db);
  deps = {
    store,
    mailer: { send: async (mail) => void mails.push(mail) },
    sendSms: async (to, text) => void sms.push({ to, text }),
    accountName: async () => 'acme',
    released: () => void releases++,
  };
});
afterAll(() => tdb?.drop());

const send = async (count: number, now: Date) =>
  (await submitMessages(submit, sender, Array.from({ length: count }, () => ({ to: `+3361200${String(++seq).padStart(4, '0')}`, text: 'Votre code est 1234', class: 'transactional' as const })), now)).ids;

/** The dispatcher's claim, then the SMSC accepts and delivers every part it was handed. */
async function dispatchAll(now: Date): Promise<string[]> {
  const claimed = await outbox.claimDue([{ route: 'sim', shortCode: '36001', limit: 1000 }], now);
  const outcomes = claimed.map((m) => ({ messageId: m.id, route: 'sim', kind: 'submitted' as const, acceptedParts: [{ index: 0, smscMessageId: `smsc-${m.id}`, at: now }] }));
  await outbox.record({ outcomes, receipts: [] }, now);
  const receipts = claimed.map((m) => ({ route: 'sim', receipt: { smscMessageId: `smsc-${m.id}`, state: 'delivered', raw: Buffer.from('stat:DELIVRD') } satisfies Receipt }));
  await outbox.record({ outcomes: [], receipts }, now);
  return claimed.map((m) => m.id);
}

const statusOf = async (ids: string[]) => (await tdb.db.pool.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM messages WHERE id = ANY ($1) GROUP BY status`, [ids])).rows;

describe('alarm sweep and hard cap', () => {
  const settings: AlarmSettings = { monthlyVolume: 4, thresholds: [50, 100], hardCap: true, notify: { emails: ['ops@acme.fr'], phones: ['+33612345678'], webhooks: true } };

  it('raises each threshold once, mails, texts and hands it to webhooks; the cap holds what was accepted; raising it releases everything', async () => {
    await new PgWebhookStore(tdb.db).create(accountId, { url: 'https://hooks.acme.fr/relais', events: ['delivered'], secret: 's' }, november);
    await store.setSettings(accountId, settings, 'test', november);

    const first = await send(2, november);
    expect(await dispatchAll(later(1))).toHaveLength(2);
    expect(await runAlarms(deps, later(2))).toMatchObject({ raised: 1, held: 0 });
    expect(await runAlarms(deps, later(3))).toMatchObject({ raised: 0, notified: 0 }); // once in the month
    expect(mails).toEqual([{ to: 'ops@acme.fr', subject: '[Relais] acme: volume threshold reached', text: expect.stringContaining('volume at 50 %') }]);
    expect(sms).toEqual([{ to: '+33612345678', text: expect.stringContaining('volume at 50 %') }]);

    await send(2, later(4));
    await dispatchAll(later(5));
    expect(await runAlarms(deps, later(6))).toMatchObject({ raised: 2, held: 1 }); // volume-100 and hard-cap
    const held = await send(3, later(7)); // still accepted: held, not refused
    expect(await dispatchAll(later(8))).toEqual([]);
    expect(await statusOf(held)).toEqual([{ status: 'queued', n: 3 }]);
    expect(await runAlarms(deps, later(9))).toMatchObject({ raised: 0, held: 0, released: 0 });
    expect(await statusOf(held)).toEqual([{ status: 'held', n: 3 }]); // and an event each says why
    const { rows: why } = await tdb.db.pool.query(`SELECT reason FROM message_events WHERE message_id = $1 AND status = 'held'`, [held[0]]);
    expect(why).toEqual([{ reason: 'the hard cap of 2026-11 is reached (volume 4 parts): sending is held until the limit is raised or the month turns' }]);
    expect(await dispatchAll(later(10))).toEqual([]);

    const listed = await store.list(accountId);
    expect(listed.map((a) => `${a.kind} ${a.key} ${a.period}`)).toEqual(['hard-cap hard-cap 2026-11', 'volume-threshold volume-100 2026-11', 'volume-threshold volume-50 2026-11']);
    expect(listed.every((a) => a.notifiedAt !== null)).toBe(true);
    const { rows: hooks } = await tdb.db.pool.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE alarm_id IS NOT NULL`);
    expect(hooks[0].n).toBe(3);
    const due = (await new PgWebhookStore(tdb.db).claimDue(100, 30_000, later(10))).find((d) => d.kind === 'alarm');
    expect(due).toMatchObject({ kind: 'alarm', alarm: { kind: 'volume-threshold', key: 'volume-50', period: '2026-11' } });

    // The limit raised: the hold goes at once, and every held message leaves.
    await store.setSettings(accountId, { ...settings, monthlyVolume: 100 }, 'test', later(11));
    expect(await runAlarms(deps, later(11))).toMatchObject({ released: 1 });
    expect(releases).toBe(1);
    expect((await dispatchAll(later(12))).sort()).toEqual([...held].sort());
    expect(await statusOf([...first, ...held])).toEqual([{ status: 'delivered', n: 5 }]);
  });

  it('releases a hold when the month turns, and raises the thresholds again in the new month', async () => {
    await store.setSettings(accountId, settings, 'test', later(20));
    expect(await runAlarms(deps, later(21))).toMatchObject({ held: 1 });
    const waiting = await send(2, later(22));
    expect(await dispatchAll(later(23))).toEqual([]);
    await runAlarms(deps, later(24));
    expect(await statusOf(waiting)).toEqual([{ status: 'held', n: 2 }]);

    const december = new Date('2026-11-30T23:00:00Z'); // 00:00 in Paris on 1 December
    expect(await runAlarms(deps, december)).toMatchObject({ released: 1, raised: 0 });
    expect((await dispatchAll(december)).sort()).toEqual([...waiting].sort());
    expect(await store.holdOf(accountId)).toBeUndefined();
  });

  it('counts the parts accepted per hour in Paris for the spike and the declared hours', async () => {
    const sunday = new Date('2026-11-15T05:30:00Z'); // 6:30 in Paris, a Sunday
    await send(3, sunday);
    await send(1, new Date('2026-11-08T05:10:00Z')); // the Sunday before, 6:10
    const figures = (await store.figures([accountId], '2026-11', new Date('2026-11-15T06:00:00Z'), 2)).get(accountId)!;
    expect(figures.today[6]).toBe(3);
    expect(figures.sameWeekdays[0]![6]).toBe(1);
    await store.setSettings(accountId, { hours: { days: [1, 2, 3, 4, 5], from: 8, to: 20 }, notify: { emails: [], phones: [], webhooks: false } }, 'test', sunday);
    const raised = await runAlarms(deps, new Date('2026-11-15T06:00:00Z'));
    expect(raised.raised).toBe(1);
    expect((await store.list(accountId, { period: '2026-11-15' })).map((a) => [a.kind, a.figures.parts])).toEqual([['outside-hours', 3]]);
  });
});
