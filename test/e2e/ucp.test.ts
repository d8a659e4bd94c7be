/**
 * Relais over EMI/UCP end to end (issue "UCP/EMI to Orange"): the HTTP API, the outbox and the dispatcher
 * unchanged, the operator link a UCP session — first to the built-in simulator speaking UCP, then through the
 * Orange profile (one session per short code, logged in as the short code) to a separate UCP SMSC simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundPart, SubmitOutcome } from '../../src/app/ports.ts';
import { startUcpSimulator, type UcpSimulator } from '../../src/adapters/simulator/ucp-simulator.ts';
import { UcpLink } from '../../src/adapters/ucp-client/ucp-link.ts';
import { startTestRelais, type TestRelais } from '../support/relais.ts';

const ackKey = /^\d{1,16}:\d{12}$/;

describe('the built-in simulator speaking UCP', () => {
  let t: TestRelais;
  beforeAll(async () => {
    t = await startTestRelais({ simulator: { protocol: 'ucp' } });
  });
  afterAll(() => t?.stop());

  it('delivers a message: the SMSC id is the AdC:SCTS of the positive result, matched by the notification', async () => {
    expect(t.relais.simulator?.protocol).toBe('ucp');
    const sent = await t.api('POST', '/v1/messages', { to: '06 12 34 56 78', text: 'Colis livré demain', class: 'transactional' });
    expect(sent.status).toBe(202);
    const message = await t.waitFor(sent.body.id, (s) => s === 'delivered');
    expect(message).toMatchObject({ status: 'delivered', from: '36001' });
    expect(message.parts[0].smscMessageId).toMatch(ackKey);
    expect(message.parts[0].smscMessageId.startsWith('0033612345678:')).toBe(true);
    expect(message.parts[0].receipt.state).toBe('delivered');
  });

  it('delivers a long UCS-2 message as concatenated parts, each matched to its own notification', async () => {
    const sent = await t.api('POST', '/v1/messages', { to: '+33698765432', text: 'Rendez-vous confirmé ✅ '.repeat(6), class: 'transactional' });
    expect(sent.body.encoding).toBe('ucs2');
    expect(sent.body.segments).toBeGreaterThan(1);
    const message = await t.waitFor(sent.body.id, (s) => s === 'delivered');
    expect(message.parts).toHaveLength(sent.body.segments);
    expect(message.parts.every((p: { receipt: { state: string } }) => p.receipt.state === 'delivered')).toBe(true);
  });
});

describe('the Orange profile', () => {
  let t: TestRelais;
  let smsc: UcpSimulator;
  /**
   * When Relais wrote each submit, and to whom. The rate is checked there: the simulator, in this process, reads a
   * submit only when this process's event loop gets to it, so under load it reads late ones in a burst and its
   * peak at arrival measures the machine, not Relais. (Its counting is tested on its own.)
   */
  const written: { at: number; to: string }[] = [];
  const link = UcpLink.prototype as unknown as { sendSubmit(part: OutboundPart): Promise<SubmitOutcome> };
  const sendSubmit = link.sendSubmit;
  beforeAll(async () => {
    link.sendSubmit = function (this: UcpLink, part: OutboundPart) {
      written.push({ at: performance.now(), to: part.destination.value });
      return sendSubmit.call(this, part);
    };
    smsc = await startUcpSimulator({ login: '36123', password: 'secret', notificationDelayMs: 20, deliveredRatio: 0.5, seed: 7 });
    t = await startTestRelais({
      orange: { host: '127.0.0.1', port: smsc.port, window: 20, shortCodes: [{ number: '36123', password: 'secret', ratePerSecond: 10 }] },
    });
  });
  afterAll(async () => {
    link.sendSubmit = sendSubmit;
    await t?.stop();
    await smsc?.close();
  });

  it('logs in as the short code and never exceeds its 10 submits per second; notifications settle every message', async () => {
    const messages = Array.from({ length: 25 }, (_, i) => ({ to: `+3361200${String(i).padStart(4, '0')}`, text: `Code ${i}`, class: 'transactional' }));
    const sent = await t.api('POST', '/v1/messages', { messages });
    expect(sent.status).toBe(202);
    const ids: string[] = sent.body.messages.map((m: { id: string }) => m.id);
    const done = await Promise.all(ids.map((id) => t.waitFor(id, (s) => s === 'delivered' || s === 'undeliverable', 15_000)));
    expect(done.map((m) => m.status).sort()).toEqual(expect.arrayContaining(['delivered', 'undeliverable']));
    expect(done.every((m) => m.status === 'delivered' || m.status === 'undeliverable')).toBe(true);
    const failed = done.find((m) => m.status === 'undeliverable');
    expect(failed.parts[0].receipt).toMatchObject({ state: 'undeliverable', errorCode: '108' });
    expect(smsc.stats.sessions.map((s) => s.login)).toContain('36123');
    expect(smsc.stats.submitsReceived).toBe(25);
    const times = written.filter((w) => w.to.startsWith('3361200')).map((w) => w.at);
    expect(times).toHaveLength(25);
    expect(mostInOneSecond(times)).toBeLessThanOrEqual(10);
  }, 20_000);

  it('puts long GSM text on the handset as written: the SMSC packs each part after its header, the handset reads it', async () => {
    const text =
      'Bonjour Élodie, votre commande 4821 est prete : retrait en magasin de 9h à 19h, du lundi au samedi. ' +
      'Montant réglé : 42 € [carte]. Présentez ce message et une pièce d\'identité. Merci et à tres vite !';
    const to = '+33612349999';
    const sent = await t.api('POST', '/v1/messages', { to, text, class: 'transactional' });
    expect(sent.body).toMatchObject({ encoding: 'gsm7', segments: 2 });
    await t.waitFor(sent.body.id, (s) => s === 'delivered' || s === 'undeliverable', 15_000);
    expect(smsc.handset('0033612349999')).toEqual([text]);
    const submits = smsc.stats.submits.filter((x) => x.destination === '0033612349999');
    expect(submits.map((x) => x.mt)).toEqual(['3', '3']);
  });

  it('stores an MO (operation 52) sent to the short code', async () => {
    await smsc.sendMo({ from: '+33612345678', to: '36123', text: 'STOP' });
    const rows = await t.relais.db.kysely.selectFrom('inbound_messages').selectAll().where('recipient', '=', '36123').execute();
    // No marketing went to that number: the STOP is for every account whose short code it is, each with its copy.
    const owners = await t.relais.db.kysely.selectFrom('accounts').select('id').where('default_short_code', '=', '36123').execute();
    expect(owners.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.account_id).sort()).toEqual(owners.map((o) => o.id).sort());
    for (const row of rows) expect(row).toMatchObject({ route: 'orange-36123', sender: '33612345678', body: 'STOP', intent: 'stop' });
  });
});

/** The most instants that fall within one second of each other (any sliding one-second window). */
function mostInOneSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= 1_000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
