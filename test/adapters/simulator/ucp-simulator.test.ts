/**
 * The built-in EMI/UCP SMSC simulator as a user of `relais simulate ucp` relies on it: logins, throttling,
 * notifications (withheld, undelivered, duplicated) and where they go, alerts left unanswered, MOs, the
 * counters, its command line. Seen through the UCP link, or through a raw client where every frame matters.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundPart, Receipt, SubmitOutcome } from '../../../src/app/ports.ts';
import { UcpLink } from '../../../src/adapters/ucp-client/ucp-link.ts';
import { runUcpSimulatorFromCli, ucpSimulatorCliOptions } from '../../../src/adapters/simulator/ucp-cli.ts';
import { startUcpSimulator, type UcpSimulator, type UcpSimulatorOptions } from '../../../src/adapters/simulator/ucp-simulator.ts';
import { encodeGsm7 } from '../../../src/core/text/index.ts';
import { textFields, type OperationFields, type UcpOperation, type UcpResult } from '../../../src/protocols/ucp/index.ts';
import { RawSession } from '../ucp-client/raw-smsc.ts';
import { eventually } from '../../support/waiting.ts';

const open: { link?: UcpLink; sim?: UcpSimulator; client?: RawSession }[] = [];
afterEach(async () => {
  for (const { link, sim, client } of open.splice(0)) {
    await link?.stop();
    if (client && !client.closed) {
      client.wire.destroy('test over');
      await client.whenClosed();
    }
    await sim?.close();
  }
});

/** For checks of absence only: nothing can announce that a frame will not come, so wait this long. */
const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function simulator(options: UcpSimulatorOptions = {}): Promise<UcpSimulator> {
  const sim = await startUcpSimulator({ notificationDelayMs: 0, redeliveryDelayMs: 20, ...options });
  open.push({ sim });
  return sim;
}

/** A simulator and a bound link to it, recording receipts and MOs. */
async function linked(options: UcpSimulatorOptions = {}, login = '36001', window = 20) {
  const sim = await simulator(options);
  const receipts: Receipt[] = [];
  const link = new UcpLink({ name: 'sim-test', host: '127.0.0.1', port: sim.port, login, password: 'secret', window });
  open.push({ link });
  link.start({ onReceipt: async (r) => void receipts.push(r), onMobileOriginated: async () => undefined });
  await eventually(() => link.state() === 'bound', 'the login');
  return { sim, link, receipts };
}

const part = (i: number, source = '36001', over: Partial<OutboundPart> = {}): OutboundPart => ({
  source: /^[0-9]+$/.test(source) ? { ton: 0, npi: 1, value: source } : { ton: 5, npi: 0, value: source },
  destination: { ton: 1, npi: 1, value: `3361234${String(i).padStart(4, '0')}` },
  encoding: 'gsm7',
  body: encodeGsm7(`Message ${i}`),
  udh: null,
  receipt: true,
  ...over,
});

/** A raw client on the simulator: every frame written by the test, every frame read kept. */
async function client(sim: UcpSimulator): Promise<RawSession> {
  const socket = connect({ host: '127.0.0.1', port: sim.port });
  const session = new RawSession(socket);
  open.push({ client: session });
  await once(socket, 'connect');
  return session;
}

let nextTrn = 0;
const trn = (): number => nextTrn++ % 100;

async function resultTo(session: RawSession, ot: number, trnOf: number): Promise<UcpResult> {
  return (await session.next((m) => m.kind === 'R' && m.ot === ot && m.trn === trnOf, `R/${ot} #${trnOf}`)) as UcpResult;
}

async function login(session: RawSession, oadc: string, password = 'secret', styp = '1'): Promise<UcpResult> {
  const t = trn();
  session.send({ kind: 'O', ot: 60, trn: t, fields: { OAdC: oadc, OTON: '6', ONPI: '5', STYP: styp, PWD: Buffer.from(password, 'latin1').toString('hex'), VERS: '0100' } });
  return resultTo(session, 60, t);
}

/** A raw client logged in as `oadc`. */
async function loggedIn(sim: UcpSimulator, oadc: string): Promise<RawSession> {
  const session = await client(sim);
  expect(await login(session, oadc)).toMatchObject({ ack: true });
  return session;
}

function submitFields(from: string, to: string, over: Partial<OperationFields<51>> = {}): Partial<OperationFields<51>> {
  return { AdC: to, OAdC: from, NRq: '1', NT: '3', ...textFields('Hello'), ...over };
}

async function submit(session: RawSession, fields: Partial<OperationFields<51>>): Promise<UcpResult> {
  const t = trn();
  session.send({ kind: 'O', ot: 51, trn: t, fields });
  return resultTo(session, 51, t);
}

const kinds = (outcomes: SubmitOutcome[]) => outcomes.map((o) => (o.kind === 'refused' ? `${o.failure.kind} ${o.failure.code}` : o.kind));

describe('UCP SMSC simulator', () => {
  it('listens on 127.0.0.1, on a free port when asked for port 0', async () => {
    const sim = await simulator();
    expect(sim.port).toBeGreaterThan(0);
    const session = await client(sim);
    expect(session.wire.socket.remoteAddress).toBe('127.0.0.1');
  });

  describe('logins', () => {
    it('accepts the configured login and password, and refuses another password or login with 07', async () => {
      const sim = await simulator({ login: '36001', password: 'secret' });
      expect(await login(await client(sim), '36001', 'secret')).toMatchObject({ ack: true });
      expect(await login(await client(sim), '36001', 'wrong')).toMatchObject({ ack: false, fields: { EC: '07' } });
      expect(await login(await client(sim), '36002', 'secret')).toMatchObject({ ack: false, fields: { EC: '07' } });
      expect(sim.stats).toMatchObject({ loginsAccepted: 1, loginsRefused: 2 });
    });

    it('accepts any login when none is configured, but only STYP 1', async () => {
      const sim = await simulator();
      expect(await login(await client(sim), '12345', 'anything')).toMatchObject({ ack: true });
      expect(await login(await client(sim), '12345', 'anything', '3')).toMatchObject({ ack: false, fields: { EC: '03' } });
    });

    it('refuses every login with rejectLogin, and the link never gets bound', async () => {
      const sim = await simulator({ rejectLogin: true, login: '36001', password: 'secret' });
      expect(await login(await client(sim), '36001', 'secret')).toMatchObject({ ack: false, fields: { EC: '07' } });
      const states: string[] = [];
      const link = new UcpLink({ name: 'refused', host: '127.0.0.1', port: sim.port, login: '36001', password: 'secret', reconnect: { minMs: 10, afterBindRefusalMs: 20 } });
      open.push({ link });
      link.start({ onReceipt: async () => undefined, onMobileOriginated: async () => undefined, onStateChange: (s) => void states.push(s) });
      await eventually(() => sim.stats.loginsRefused >= 3, 'the link to try again');
      expect(states).not.toContain('bound');
    });

    it('answers a submit before the login with 07 and takes nothing', async () => {
      const sim = await simulator();
      const session = await client(sim);
      expect(await submit(session, submitFields('36001', '0033612345678'))).toMatchObject({ ack: false, fields: { EC: '07' } });
      expect(sim.stats).toMatchObject({ submitsReceived: 0, submitsAccepted: 0 });
      expect(sim.stats.submits).toEqual([]);
    });
  });

  describe('submits', () => {
    it('answers AdC:SCTS, a distinct key for each message to the same recipient, and records the submit', async () => {
      const { sim, link } = await linked();
      const outcomes = await Promise.all([link.submit(part(1)), link.submit(part(1)), link.submit(part(2, '36001', { receipt: false }))]);
      const ids = outcomes.map((o) => (o.kind === 'accepted' ? o.smscMessageId : o.kind));
      expect(ids[0]).toMatch(/^0033612340001:\d{12}$/);
      expect(new Set(ids).size).toBe(3);
      expect(sim.stats.submits[2]).toMatchObject({ messageId: ids[2], source: '36001', destination: '0033612340002', mt: '3', alphabet: 'gsm7', notification: false });
      expect(sim.stats.submits[2]!.body).toEqual(Buffer.from(encodeGsm7('Message 2')));
    });

    it('answers 04 beyond n accepted submits per second and originator, and accepts again a second later', async () => {
      const { sim, link } = await linked({ throttlePerSecond: 3 });
      const burst = (source: string) => Array.from({ length: 5 }, (_, i) => link.submit(part(i, source)));
      const [a, b] = await Promise.all([Promise.all(burst('36001')), Promise.all(burst('36002'))]);
      expect(kinds(a)).toEqual(['accepted', 'accepted', 'accepted', 'throttled 04', 'throttled 04']);
      expect(kinds(b)).toEqual(['accepted', 'accepted', 'accepted', 'throttled 04', 'throttled 04']);
      expect(sim.stats).toMatchObject({ submitsReceived: 10, submitsAccepted: 6, throttled: 4 });
      await settle(1_050); // the sliding second has to pass: nothing announces it
      expect(kinds([await link.submit(part(9, '36001'))])).toEqual(['accepted']);
    });

    it('counts the peak per second for each originator, an alphanumeric one by its name', async () => {
      const { sim, link } = await linked();
      await Promise.all([...[1, 2, 3, 4].map((i) => link.submit(part(i, '36001'))), ...[5, 6].map((i) => link.submit(part(i, 'ALPHA')))]);
      expect(sim.stats.peakPerSecond).toEqual({ '36001': 4, ALPHA: 2 });
      expect(sim.stats.sessions).toEqual([{ login: '36001', submits: 6, maxOutstanding: expect.any(Number), open: true }]);
    });
  });

  describe('notifications', () => {
    it('sends a notification (Dst 0) that the link matches to its submit', async () => {
      const { sim, link, receipts } = await linked();
      const outcome = await link.submit(part(1));
      await eventually(() => receipts.length === 1, 'the receipt');
      expect(receipts[0]).toMatchObject({ smscMessageId: outcome.kind === 'accepted' ? outcome.smscMessageId : '?', state: 'delivered' });
      await eventually(() => sim.stats.notificationsAcknowledged === 1, 'the acknowledgement');
    });

    it('says not delivered (Dst 2, Rsn 108) with deliveredRatio 0', async () => {
      const { link, receipts } = await linked({ deliveredRatio: 0 });
      await link.submit(part(1));
      await eventually(() => receipts.length === 1, 'the receipt');
      expect(receipts[0]).toMatchObject({ state: 'undeliverable', errorCode: '108' });
      expect(Buffer.from(receipts[0]!.raw).toString()).toContain('Dst=2');
    });

    it('sends no notification with withholdNotifications, even when one is asked for', async () => {
      const control = await linked();
      const { sim, link, receipts } = await linked({ withholdNotifications: true });
      const startedAt = Date.now();
      await Promise.all([control.link.submit(part(1)), link.submit(part(1))]);
      await eventually(() => control.receipts.length === 1, 'the control receipt');
      // Absence: wait at least as long again as the control's receipt took, and some more.
      await settle(Math.max(100, 2 * (Date.now() - startedAt)));
      expect(sim.stats.submits[0]!.notification).toBe(true);
      expect(receipts).toEqual([]);
      expect(sim.stats.notificationsSent).toBe(0);
    });

    it('sends every notification twice with duplicateNotifications', async () => {
      const { sim, link, receipts } = await linked({ duplicateNotifications: true });
      const outcome = await link.submit(part(1));
      await eventually(() => receipts.length === 2, 'two receipts');
      const id = outcome.kind === 'accepted' ? outcome.smscMessageId : '?';
      expect(receipts.map((r) => r.smscMessageId)).toEqual([id, id]);
      expect(sim.stats.notificationsSent).toBe(2);
    });

    it('sends the notification to a session of the login that submitted, holding it while there is none', async () => {
      const sim = await simulator({ notificationDelayMs: 50 });
      const other = await loggedIn(sim, '36002'); // logged in first: a careless SMSC would pick it
      const submitter = await loggedIn(sim, '36001');
      expect(await submit(submitter, submitFields('36001', '0033612345678'))).toMatchObject({ ack: true });
      const notification = (await submitter.next((m) => m.kind === 'O' && m.ot === 53, 'the notification')) as UcpOperation<53>;
      expect(notification.fields).toMatchObject({ AdC: '36001', OAdC: '0033612345678', Dst: '0' });
      expect(other.received.filter((m) => m.kind === 'O')).toEqual([]);
      submitter.send({ kind: 'R', ot: 53, trn: notification.trn, ack: true, fields: {} });
      await eventually(() => sim.stats.notificationsAcknowledged === 1, 'the acknowledgement');

      // The submitter gone before its notification: held until the same login comes back.
      expect(await submit(submitter, submitFields('36001', '0033687654321'))).toMatchObject({ ack: true });
      submitter.wire.destroy('gone');
      await submitter.whenClosed();
      await settle(150); // three notification delays: nothing announces that it went nowhere
      expect(other.received.filter((m) => m.kind === 'O')).toEqual([]);
      const back = await loggedIn(sim, '36001');
      const held = (await back.next((m) => m.kind === 'O' && m.ot === 53, 'the held notification')) as UcpOperation<53>;
      expect(held.fields).toMatchObject({ AdC: '36001', OAdC: '0033687654321' });
      back.send({ kind: 'R', ot: 53, trn: held.trn, ack: true, fields: {} });
      await eventually(() => sim.stats.notificationsAcknowledged === 2, 'the acknowledgement');
      expect(back.received.filter((m) => m.kind === 'O')).toHaveLength(1);
    });

    it('sends a notification left unanswered again when its session is lost', async () => {
      const sim = await simulator();
      const first = await loggedIn(sim, '36001');
      expect(await submit(first, submitFields('36001', '0033612345678'))).toMatchObject({ ack: true });
      const unanswered = await first.next((m) => m.kind === 'O' && m.ot === 53, 'the notification');
      first.wire.destroy('gone');
      await first.whenClosed();
      const again = await (await loggedIn(sim, '36001')).next((m) => m.kind === 'O' && m.ot === 53, 'the notification again');
      expect(again.fields).toEqual(unanswered.fields);
    });

    it('sends a notification refused by the client again', async () => {
      const sim = await simulator();
      const session = await loggedIn(sim, '36001');
      expect(await submit(session, submitFields('36001', '0033612345678'))).toMatchObject({ ack: true });
      const first = await session.next((m) => m.kind === 'O' && m.ot === 53, 'the notification');
      session.send({ kind: 'R', ot: 53, trn: first.trn, ack: false, fields: { EC: '04' } });
      const again = await session.next((m) => m.kind === 'O' && m.ot === 53, 'the notification again', session.received.indexOf(first) + 1);
      expect(again.fields).toEqual(first.fields);
      session.send({ kind: 'R', ot: 53, trn: again.trn, ack: true, fields: {} });
      await eventually(() => sim.stats.notificationsAcknowledged === 1, 'the acknowledgement');
      expect(sim.stats).toMatchObject({ notificationsSent: 2, deliveriesRefused: 1 });
    });
  });

  describe('alerts', () => {
    it('answers alerts, and leaves them unanswered with ignoreAlerts', async () => {
      const check = async (options: UcpSimulatorOptions): Promise<boolean> => {
        const sim = await simulator(options);
        const session = await loggedIn(sim, '36001');
        session.send({ kind: 'O', ot: 31, trn: 50, fields: { AdC: '36001', PID: '0539' } });
        // Results come in order: once the submit written after the alert is answered, the alert's would be in.
        expect(await submit(session, submitFields('36001', '0033612345678'))).toMatchObject({ ack: true });
        expect(sim.stats.alertsReceived).toBe(1);
        return session.received.some((m) => m.kind === 'R' && m.ot === 31 && m.trn === 50);
      };
      expect(await check({})).toBe(true);
      expect(await check({ ignoreAlerts: true })).toBe(false);
    });

    it('gets a link that keeps alive with alerts dropped and logged in again with ignoreAlerts', async () => {
      const sim = await simulator({ ignoreAlerts: true });
      const link = new UcpLink({
        name: 'alerts',
        host: '127.0.0.1',
        port: sim.port,
        login: '36001',
        password: 'secret',
        keepAliveIntervalMs: 50,
        responseTimeoutMs: 100,
        reconnect: { minMs: 10, maxMs: 20 },
      });
      open.push({ link });
      link.start({ onReceipt: async () => undefined, onMobileOriginated: async () => undefined });
      await eventually(() => sim.stats.loginsAccepted >= 2, 'a second login');
      expect(sim.stats.alertsReceived).toBeGreaterThanOrEqual(1);
    });
  });

  describe('MOs', () => {
    it('sends an MO to the session logged in as its short code, and resolves once acknowledged', async () => {
      const sim = await simulator();
      const first = await loggedIn(sim, '36001');
      const second = await loggedIn(sim, '36002');
      let acknowledged = false;
      const sent = sim.sendMo({ from: '+33612345678', to: '36002', text: 'STOP' }).then(() => (acknowledged = true));
      const mo = (await second.next((m) => m.kind === 'O' && m.ot === 52, 'the MO')) as UcpOperation<52>;
      expect(mo.fields).toMatchObject({ AdC: '36002', OAdC: '33612345678', OTOA: '1139', MT: '3', Msg: textFields('STOP').Msg });
      expect(acknowledged).toBe(false);
      second.send({ kind: 'R', ot: 52, trn: mo.trn, ack: true, fields: {} });
      await sent;
      expect(first.received.filter((m) => m.kind === 'O')).toEqual([]);
      expect(sim.stats).toMatchObject({ mosSent: 1, mosAcknowledged: 1 });
    });

    it('holds an MO until a session logs in, and writes UCS-2 text as MT=4', async () => {
      const sim = await simulator();
      const sent = sim.sendMo({ from: '0612345678', to: '36001', text: 'Arrêt 🙏' });
      const session = await loggedIn(sim, '36001');
      const mo = (await session.next((m) => m.kind === 'O' && m.ot === 52, 'the MO')) as UcpOperation<52>;
      expect(mo.fields).toMatchObject({ AdC: '36001', OAdC: '0612345678', OTOA: '', MT: '4', XSer: '020108' });
      session.send({ kind: 'R', ot: 52, trn: mo.trn, ack: true, fields: {} });
      await sent;
    });

    it('gets MOs to the link, which reads them', async () => {
      const sim = await simulator();
      const mos: { from: string; to: string; text: string }[] = [];
      const link = new UcpLink({ name: 'mo', host: '127.0.0.1', port: sim.port, login: '36001', password: 'secret' });
      open.push({ link });
      link.start({ onReceipt: async () => undefined, onMobileOriginated: async ({ from, to, text }) => void mos.push({ from, to, text }) });
      await sim.sendMo({ from: '+33698765432', to: '36001', text: 'Arrêt, merci 🙏' });
      expect(mos).toEqual([{ from: '33698765432', to: '36001', text: 'Arrêt, merci 🙏' }]);
    });
  });

  describe('command line', () => {
    it('prints the listening line, arrivals, counters, and the final counters when stopped', async () => {
      const flags = ucpSimulatorCliOptions.map((o) => o.long);
      expect(flags).toEqual(
        expect.arrayContaining(['--port', '--login', '--password', '--notification-delay-ms', '--delivered-ratio', '--throttle-per-second', '--ignore-alerts', '--no-keep-bodies', '--arrivals', '--stats-interval-ms']),
      );
      expect(ucpSimulatorCliOptions.every((o) => o.description.length > 0)).toBe(true);

      const lines: string[] = [];
      let stop: () => void = () => undefined;
      const running = runUcpSimulatorFromCli(
        { port: 0, arrivals: true, keepBodies: false, notificationDelayMs: 0, statsIntervalMs: 20 },
        { out: (line) => lines.push(line), until: new Promise<void>((resolve) => (stop = resolve)) },
      );
      try {
        await eventually(() => lines.length > 0, 'the listening line');
        const port = Number(/^UCP SMSC simulator listening on 127\.0\.0\.1:(\d+)$/.exec(lines[0]!)?.[1]);
        expect(port).toBeGreaterThan(0);
        const receipts: Receipt[] = [];
        const link = new UcpLink({ name: 'cli', host: '127.0.0.1', port, login: '36999', password: 'secret' });
        link.start({ onReceipt: async (r) => void receipts.push(r), onMobileOriginated: async () => undefined });
        try {
          await eventually(() => link.state() === 'bound', 'the login');
          expect((await link.submit(part(1, '36999'))).kind).toBe('accepted');
          await eventually(() => receipts.length === 1, 'the receipt');
          await eventually(() => lines.some((l) => l.includes('"notificationsAcknowledged":1')), 'a counters line');
        } finally {
          await link.stop();
        }
      } finally {
        stop();
        await running;
      }
      const events = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      const arrivals = events.filter((e) => 'arrival' in e);
      expect(arrivals).toEqual([{ arrival: { source: '36999', destination: '0033612340001', at: expect.any(Number) } }]);
      expect(Math.abs(arrivals[0].arrival.at - Date.now())).toBeLessThan(60_000);
      expect(events.filter((e) => 'stats' in e).length).toBeGreaterThan(1);
      expect(events.at(-1).stats).toMatchObject({ loginsAccepted: 1, submitsAccepted: 1, notificationsAcknowledged: 1, peakPerSecond: { '36999': 1 }, openSessions: 0 });
      expect(events.at(-1).stats).not.toHaveProperty('submits');
    });
  });
});
