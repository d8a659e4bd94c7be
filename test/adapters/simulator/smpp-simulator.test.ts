/**
 * The built-in SMSC simulator, seen through the SMPP link as a user of `relais simulate smpp` would see it:
 * ids, receipt formats and mix, throttling, what it records, MOs, its command line.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundPart, Receipt, SubmitOutcome } from '../../../src/app/ports.ts';
import { PduSocket } from '../../../src/adapters/smpp-client/pdu-socket.ts';
import { SmppLink } from '../../../src/adapters/smpp-client/smpp-link.ts';
import { SlidingCount } from '../../../src/adapters/simulator/sliding-count.ts';
import { runSmppSimulatorFromCli, simulatorCliOptions, startSmppSimulator, type SmppSimulator, type SmppSimulatorOptions } from '../../../src/adapters/simulator/smpp-simulator.ts';
import { eventually } from '../../support/waiting.ts';

const open: { link?: SmppLink; sim?: SmppSimulator }[] = [];
afterEach(async () => {
  for (const { link, sim } of open.splice(0)) {
    await link?.stop();
    await sim?.close();
  }
});

const part = (i: number, source = '36001', over: Partial<OutboundPart> = {}): OutboundPart => ({
  source: { ton: 0, npi: 1, value: source },
  destination: { ton: 1, npi: 1, value: `3361234${String(i).padStart(4, '0')}` },
  encoding: 'gsm7',
  body: Uint8Array.from(Buffer.from(`Message ${i}`, 'latin1')),
  udh: null,
  receipt: true,
  ...over,
});

/** A simulator and a bound link to it, recording the receipts. */
async function connected(options: SmppSimulatorOptions = {}, window = 50) {
  const sim = await startSmppSimulator({ receiptDelayMs: 0, ...options });
  const receipts: Receipt[] = [];
  const mos: string[] = [];
  const link = new SmppLink({ name: 'sim-test', host: '127.0.0.1', port: sim.port, systemId: 'relais', password: 'relais', window });
  open.push({ link, sim });
  link.start({ onReceipt: async (r) => void receipts.push(r), onMobileOriginated: async (mo) => void mos.push(mo.text) });
  await eventually(() => link.state() === 'bound', 'the bind');
  const send = async (count: number, make = (i: number) => part(i)): Promise<SubmitOutcome[]> => {
    const outcomes: Promise<SubmitOutcome>[] = [];
    for (let i = 0; i < count; i++) {
      while (link.freeWindow() === 0) await link.waitForCapacity(100);
      outcomes.push(link.submit(make(i)));
    }
    return Promise.all(outcomes);
  };
  return { sim, link, receipts, mos, send };
}

const ids = (outcomes: SubmitOutcome[]) => outcomes.flatMap((o) => (o.kind === 'accepted' ? [o.smscMessageId] : []));

describe('SMPP SMSC simulator', () => {
  it('listens on 127.0.0.1, on a free port when asked for port 0', async () => {
    const sim = await startSmppSimulator();
    open.push({ sim });
    expect(sim.port).toBeGreaterThan(0);
  });

  it('answers with unique opaque ids in mixed case, some differing only by case', async () => {
    const { send } = await connected();
    const given = ids(await send(300));
    expect(new Set(given).size).toBe(300);
    expect(given.some((id) => /[a-z]/.test(id)) && given.some((id) => /[A-Z]/.test(id))).toBe(true);
    expect(new Set(given.map((id) => id.toLowerCase())).size).toBeLessThan(300);
  });

  it('mixes delivered and undelivered receipts as asked, the same way for the same seed', async () => {
    const run = async (seed: number) => {
      const { send, receipts } = await connected({ deliveredRatio: 0.5, seed }, 1);
      await send(40);
      await eventually(() => receipts.length === 40, '40 receipts');
      return receipts.map((r) => r.state);
    };
    const first = await run(7);
    expect(new Set(first)).toEqual(new Set(['delivered', 'undeliverable']));
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
  });

  it.each(['text', 'tlv', 'both'] as const)('sends receipts as %s', async (receiptFormat) => {
    const { send, receipts } = await connected({ receiptFormat, deliveredRatio: 0 });
    const [id] = ids(await send(1));
    await eventually(() => receipts.length === 1, 'the receipt');
    expect(receipts[0]).toMatchObject({ smscMessageId: id, state: 'undeliverable', errorCode: '001' });
    const raw = Buffer.from(receipts[0]!.raw).toString('latin1');
    expect(raw.includes('stat:UNDELIV')).toBe(receiptFormat !== 'tlv');
    expect(raw.includes('message_state=5')).toBe(receiptFormat !== 'text');
  });

  it('sends the receipt after the response, unless told to send it first', async () => {
    // The order is read on the wire, as the client's socket receives the PDUs. (Through the link, the receipt's
    // handler and the code awaiting the submit run in turns of the event loop whose order depends on whether both
    // PDUs came in one read: not what this checks.)
    for (const receiptBeforeResponse of [false, true]) {
      const sim = await startSmppSimulator({ receiptDelayMs: 0, receiptBeforeResponse });
      open.push({ sim });
      const received: string[] = [];
      const socket = connect({ host: '127.0.0.1', port: sim.port });
      const wire = new PduSocket(socket, (pdu) => {
        received.push(pdu.command);
        if (pdu.command === 'bind_transceiver_resp') wire.send('submit_sm', 2, { source_addr: '36001', dest_addr_ton: 1, destination_addr: '33612340001', registered_delivery: 1, short_message: Buffer.from('Hello') });
        if (pdu.command === 'deliver_sm') wire.send('deliver_sm_resp', pdu.sequence);
      });
      socket.once('connect', () => wire.send('bind_transceiver', 1, { system_id: 'relais', password: 'relais', interface_version: 0x34 }));
      await eventually(() => received.length === 3, 'the bind, submit and receipt answers');
      wire.destroy('done');
      expect(received).toEqual(['bind_transceiver_resp', ...(receiptBeforeResponse ? ['deliver_sm', 'submit_sm_resp'] : ['submit_sm_resp', 'deliver_sm'])]);
    }
  });

  it('throttles above N accepted submits per second and source address', async () => {
    const { sim, send } = await connected({ throttlePerSecond: 5 });
    const outcomes = await send(24, (i) => part(i, i % 2 === 0 ? '36001' : '36002'));
    expect(ids(outcomes)).toHaveLength(10);
    expect(outcomes.filter((o) => o.kind === 'refused' && o.failure.kind === 'throttled')).toHaveLength(14);
    expect(sim.stats).toMatchObject({ submitsReceived: 24, submitsAccepted: 10, throttled: 14, peakPerSecond: { '36001': 12, '36002': 12 } });
  });

  it('records each submit as received, UDH apart, or only counters when bodies are not kept', async () => {
    const udh = Uint8Array.from([0x05, 0x00, 0x03, 0x11, 0x02, 0x02]);
    const kept = await connected();
    await kept.send(1, (i) => part(i, '36001', { udh, encoding: 'ucs2', body: Uint8Array.from([0, 0x41]) }));
    expect(kept.sim.stats.submits).toEqual([
      { messageId: expect.any(String), source: '36001', destination: '33612340000', dataCoding: 8, esmClass: 0x40, registeredDelivery: 1, udh: Buffer.from(udh), body: Buffer.from([0, 0x41]) },
    ]);
    const counted = await connected({ keepBodies: false });
    await counted.send(20);
    expect(counted.sim.stats).toMatchObject({ submitsAccepted: 20, submits: [] });
    await eventually(() => counted.sim.stats.receiptsAcknowledged === 20, 'receipts acknowledged');
  });

  it('reports the most outstanding submits it saw per session', async () => {
    const { sim, send } = await connected({ responseDelayMs: 20 }, 6);
    await send(18);
    expect(sim.stats.maxOutstanding).toBe(6);
    expect(sim.stats.sessions).toEqual([{ systemId: 'relais', mode: 'transceiver', submits: 18, maxOutstanding: 6, open: true }]);
  });

  it('keeps an MO until a receiver binds', async () => {
    const sim = await startSmppSimulator();
    open.push({ sim });
    const acknowledged = sim.sendMo({ from: '+33612345678', to: '36001', text: 'CONTACT' });
    const texts: string[] = [];
    const link = new SmppLink({ name: 'late', host: '127.0.0.1', port: sim.port, systemId: 'a', password: 'b' });
    open.push({ link });
    link.start({ onReceipt: async () => undefined, onMobileOriginated: async (mo) => void texts.push(mo.text) });
    await acknowledged;
    expect(texts).toEqual(['CONTACT']);
  });

  it('refuses binds with other credentials, or all binds when told to', async () => {
    for (const options of [{ systemId: 'relais', password: 'right' }, { rejectBind: true }]) {
      const sim = await startSmppSimulator(options);
      const link = new SmppLink({ name: 'refused', host: '127.0.0.1', port: sim.port, systemId: 'relais', password: 'wrong' });
      open.push({ link, sim });
      link.start({ onReceipt: async () => undefined, onMobileOriginated: async () => undefined });
      await eventually(() => sim.stats.bindsRefused === 1, 'the refusal');
      expect(sim.stats.bindsAccepted).toBe(0);
    }
  });

  it('runs from the command line: options with defaults, a listening line, arrivals and counters as JSON', async () => {
    const flags = simulatorCliOptions.map((o) => o.long);
    expect(flags).toEqual(expect.arrayContaining(['--port', '--receipt-delay-ms', '--delivered-ratio', '--throttle-per-second', '--no-keep-bodies', '--arrivals', '--stats-interval-ms']));
    expect(simulatorCliOptions.every((o) => o.description.length > 0)).toBe(true);

    const lines: string[] = [];
    let stop: () => void = () => undefined;
    const running = runSmppSimulatorFromCli(
      { port: 0, arrivals: true, keepBodies: false, receiptDelayMs: 0 },
      { out: (line) => lines.push(line), until: new Promise<void>((resolve) => (stop = resolve)) },
    );
    await eventually(() => lines.length > 0, 'the listening line');
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(lines[0]!)?.[1]);
    const link = new SmppLink({ name: 'cli', host: '127.0.0.1', port, systemId: 'relais', password: 'relais' });
    link.start({ onReceipt: async () => undefined, onMobileOriginated: async () => undefined });
    await eventually(() => link.state() === 'bound', 'the bind');
    expect((await link.submit(part(1, '36999'))).kind).toBe('accepted');
    await link.stop();
    stop();
    await running;
    const events = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(events[0]).toEqual({ arrival: { source: '36999', destination: '33612340001', at: expect.any(Number) } });
    expect(Math.abs(events[0].arrival.at - Date.now())).toBeLessThan(60_000);
    expect(events.at(-1).stats).toMatchObject({ submitsAccepted: 1, peakPerSecond: { '36999': 1 }, openSessions: 0 });
  });
});

describe('SlidingCount', () => {
  it('remembers the highest count in any window of one second, not only whole seconds', () => {
    const count = new SlidingCount(1_000);
    for (const t of [0, 100, 900, 1_050, 1_099, 1_900, 2_950]) count.add(t);
    // (99, 1099] holds 100, 900, 1050, 1099.
    expect(count.peak).toBe(4);
    expect(count.count(2_950)).toBe(1);
  });
});
