/**
 * What the SMPP link does beyond the port contract: keep-alive, answering the SMSC, acknowledging deliver_sm
 * only once stored, writing parts as the SMSC expects them, backoff — against the simulator on 127.0.0.1.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundPart } from '../../../src/app/ports.ts';
import { reconnectDelay, SmppLink, type SmppLinkOptions } from '../../../src/adapters/smpp-client/smpp-link.ts';
import { startSmppSimulator, type SmppSimulator, type SmppSimulatorOptions } from '../../../src/adapters/simulator/smpp-simulator.ts';
import { decodePdu, encodePdu, PduFramer } from '../../../src/protocols/smpp/index.ts';
import { fixturePdu } from '../../protocols/smpp/fixtures.ts';
import { eventually } from '../../support/waiting.ts';
import { recorder } from '../../support/link-handlers.ts';

const open: { link?: SmppLink; sim?: SmppSimulator }[] = [];
afterEach(async () => {
  for (const { link, sim } of open.splice(0)) {
    await link?.stop();
    await sim?.close();
  }
});

async function setup(simOptions: SmppSimulatorOptions = {}, linkOptions: Partial<SmppLinkOptions> = {}, handlers = recorder()) {
  const sim = await startSmppSimulator({ receiptDelayMs: 0, redeliveryDelayMs: 20, ...simOptions });
  const link = new SmppLink({
    name: 'test',
    host: '127.0.0.1',
    port: sim.port,
    systemId: 'relais',
    password: 'pw',
    reconnect: { minMs: 10, maxMs: 50, afterBindRefusalMs: 50 },
    ...linkOptions,
  });
  open.push({ link, sim });
  link.start(handlers);
  await eventually(() => link.state() === 'bound' || handlers.states.includes('down'), 'the bind or its refusal');
  return { sim, link, handlers };
}

const part = (over: Partial<OutboundPart> = {}): OutboundPart => ({
  source: { ton: 0, npi: 1, value: '36001' },
  destination: { ton: 1, npi: 1, value: '33612345678' },
  encoding: 'gsm7',
  body: Uint8Array.from([0x48, 0x65, 0x6c, 0x6c, 0x6f]),
  udh: null,
  receipt: true,
  ...over,
});

describe('reconnection backoff', () => {
  const policy = { minMs: 1_000, maxMs: 60_000, afterBindRefusalMs: 30_000, jitter: 0.5 };
  it('doubles from the minimum up to the maximum', () => {
    expect([1, 2, 3, 4, 8, 20].map((n) => reconnectDelay(n, false, policy, () => 0))).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000]);
  });
  it('shortens each delay by a random share up to the jitter', () => {
    expect(reconnectDelay(2, false, policy, () => 0.999)).toBeGreaterThan(1_000);
    expect(reconnectDelay(2, false, policy, () => 0.999)).toBeLessThan(1_010);
  });
  it('waits longer after a bind refusal', () => {
    expect(reconnectDelay(1, true, policy, () => 0)).toBe(30_000);
  });
});

describe('SmppLink', () => {
  it('writes each part with the data_coding, esm_class, UDH and registered_delivery the SMSC expects', async () => {
    const { sim, link } = await setup();
    const udh = Uint8Array.from([0x05, 0x00, 0x03, 0x07, 0x02, 0x01]);
    const outcomes = await Promise.all([
      link.submit(part()),
      link.submit(part({ encoding: 'ucs2', body: Uint8Array.from([0x00, 0xe9]), receipt: false })),
      link.submit(part({ flash: true })),
      link.submit(part({ udh })),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    const [gsm, ucs2, flash, long] = sim.stats.submits;
    expect(gsm).toMatchObject({ source: '36001', destination: '33612345678', dataCoding: 0, esmClass: 0, registeredDelivery: 1, udh: null, body: Buffer.from('Hello') });
    expect(ucs2).toMatchObject({ dataCoding: 8, registeredDelivery: 0, body: Buffer.from([0x00, 0xe9]) });
    expect(flash).toMatchObject({ dataCoding: 0x10 });
    expect(long).toMatchObject({ esmClass: 0x40, udh: Buffer.from(udh), body: Buffer.from('Hello') });
  });

  it('refuses a part it cannot encode, permanently, without writing it', async () => {
    const { sim, link } = await setup();
    const outcome = await link.submit(part({ udh: Uint8Array.from([0x09, 0x00]) }));
    expect(outcome).toMatchObject({ kind: 'refused', failure: { kind: 'permanent', code: 'encoding' } });
    expect(sim.stats.submitsReceived).toBe(0);
    expect(link.freeWindow()).toBe(10);
  });

  it('does not write beyond the window: a submit with no room is not sent', async () => {
    const { link } = await setup({ responseDelayMs: 50 }, { window: 2 });
    const first = [link.submit(part()), link.submit(part())];
    expect(link.freeWindow()).toBe(0);
    expect(await link.submit(part())).toEqual({ kind: 'not-sent', reason: 'window full' });
    expect((await Promise.all(first)).map((o) => o.kind)).toEqual(['accepted', 'accepted']);
  });

  it('says not sent before it is started and while it cannot bind', async () => {
    const idle = new SmppLink({ name: 'idle', host: '127.0.0.1', port: 1, systemId: 'x', password: 'y' });
    expect(await idle.submit(part())).toMatchObject({ kind: 'not-sent' });
    await idle.stop();
    expect(idle.state()).toBe('stopped');
  });

  it('sends enquire_link when idle and stays bound while the SMSC answers', async () => {
    const { sim, link, handlers } = await setup({}, { enquireLinkIntervalMs: 20 });
    await eventually(() => sim.stats.enquireLinksReceived >= 3, 'three enquire_link');
    expect(link.state()).toBe('bound');
    expect(handlers.states).toEqual(['connecting', 'bound']);
  });

  it('declares the link dead when enquire_link goes unanswered, and binds again', async () => {
    const { sim, handlers } = await setup({ ignoreEnquireLink: true }, { enquireLinkIntervalMs: 20, responseTimeoutMs: 300 });
    await eventually(() => sim.stats.bindsAccepted >= 2 && handlers.states.at(-1) === 'bound', 'a second bind');
    expect(handlers.states.slice(0, 4)).toEqual(['connecting', 'bound', 'down', 'connecting']);
  });

  it("answers the SMSC's enquire_link", async () => {
    const { sim } = await setup();
    await sim.probe();
    expect(sim.connections()).toBe(1);
  });

  it("answers the SMSC's unbind, then binds again", async () => {
    const { sim, link, handlers } = await setup();
    await sim.unbindAll();
    await eventually(() => sim.stats.bindsAccepted === 2 && link.state() === 'bound', 'the new bind');
    expect(handlers.states).toEqual(['connecting', 'bound', 'down', 'connecting', 'bound']);
  });

  it('retries a refused bind after its backoff', async () => {
    const { sim, link, handlers } = await setup({ systemId: 'relais', password: 'other' });
    await eventually(() => sim.stats.bindsRefused >= 2, 'a second bind attempt');
    expect(link.state()).not.toBe('bound');
    expect(handlers.states).not.toContain('bound');
  });

  it('acknowledges a deliver_sm only once its handler resolved', async () => {
    let store: () => void = () => undefined;
    const handlers = recorder({ onMobileOriginated: () => new Promise<void>((resolve) => (store = resolve)) });
    const { sim } = await setup({}, {}, handlers);
    let acknowledged = false;
    const mo = sim.sendMo({ from: '+33612345678', to: '36001', text: 'STOP' }).then(() => (acknowledged = true));
    await sim.probe(); // the link has read the deliver_sm: enquire_link answers come in order
    expect(acknowledged).toBe(false);
    store();
    await mo;
    expect(sim.stats.mosAcknowledged).toBe(1);
  });

  it('answers ESME_RX_T_APPN when the handler fails, so the SMSC sends the receipt again', async () => {
    let failures = 1;
    const handlers = recorder();
    handlers.onReceipt = async (r) => {
      if (failures-- > 0) throw new Error('database down');
      handlers.receipts.push(r);
    };
    const { sim, link } = await setup({}, {}, handlers);
    const outcome = await link.submit(part());
    await eventually(() => handlers.receipts.length === 1, 'the receipt sent again');
    expect(handlers.receipts[0]).toMatchObject({ smscMessageId: outcome.kind === 'accepted' ? outcome.smscMessageId : '?', state: 'delivered' });
    // The handler stored it before the link answered: the answer reaches the SMSC a moment later.
    await eventually(() => sim.stats.receiptsAcknowledged === 1, 'the receipt acknowledged');
    expect(sim.stats).toMatchObject({ deliveriesRefused: 1, receiptsSent: 2, receiptsAcknowledged: 1 });
  });

  it('answers a deliver_sm it could not store with the empty message_id body, not a header alone', async () => {
    // A hand-driven SMSC: the octets the link writes are the ones checked.
    const written: Buffer[] = [];
    const server = createServer((socket) => {
      const framer = new PduFramer();
      socket.on('data', (chunk: Buffer) =>
        framer.push(chunk, (frame) => {
          const pdu = decodePdu(frame);
          if (pdu.command === 'bind_transceiver') {
            socket.write(encodePdu('bind_transceiver_resp', pdu.sequence, { system_id: 'smsc' }));
            socket.write(Buffer.concat([fixturePdu('receipt-text-decimal-id').subarray(0, 12), Buffer.from([0, 0, 0, 42]), fixturePdu('receipt-text-decimal-id').subarray(16)]));
          } else if (pdu.command === 'deliver_sm_resp') written.push(Buffer.from(frame));
          else if (pdu.command === 'unbind') socket.end(encodePdu('unbind_resp', pdu.sequence));
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const handlers = recorder({ onReceipt: () => Promise.reject(new Error('database down')) });
    const link = new SmppLink({ name: 'strict', host: '127.0.0.1', port: (server.address() as AddressInfo).port, systemId: 'relais', password: 'pw' });
    open.push({ link });
    link.start(handlers);
    await eventually(() => written.length === 1, 'the deliver_sm_resp');
    expect(written[0]!.toString('hex')).toBe('00000011' + '80000005' + '00000064' + '0000002a' + '00');
    await link.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads MOs in UCS-2', async () => {
    const { sim, handlers } = await setup();
    await sim.sendMo({ from: '+33698765432', to: '36001', text: 'Arrêt, merci 🙏' });
    expect(handlers.mos).toEqual([{ from: '33698765432', to: '36001', text: 'Arrêt, merci 🙏', receivedAt: expect.any(Date) }]);
  });

  it('settles outstanding submits as in doubt when the SMSC goes away', async () => {
    const { sim, link } = await setup({ withholdResponses: true });
    const pending = link.submit(part());
    await eventually(() => sim.stats.submitsReceived === 1, 'the submit to arrive');
    await sim.close();
    expect(await pending).toMatchObject({ kind: 'in-doubt', reason: expect.stringContaining('link lost') });
  });

  it('stops cleanly while reconnecting to an SMSC that is not there, leaving no timer', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise((resolve) => server.close(resolve));
    const handlers = recorder();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const link = new SmppLink({ name: 'nowhere', host: '127.0.0.1', port, systemId: 'x', password: 'y', reconnect: { minMs: 5_000 } });
    link.start(handlers);
    await eventually(() => handlers.states.includes('down'), 'the failed connection');
    await link.stop();
    expect(link.state()).toBe('stopped');
    await eventually(() => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length <= before, 'the reconnection timer to be cleared', 1_000);
  });
});
