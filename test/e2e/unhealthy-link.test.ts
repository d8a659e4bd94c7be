/**
 * An SMSC that answers enquire_link but never answers submits must not keep being fed: after a few submits in a
 * row go unanswered, the session is restarted, so no session is given much more than its window. And an answer
 * that comes after its submit was given up as in doubt settles the message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmppSimulator, type SmppSimulator } from '../../src/adapters/simulator/smsc.ts';
import { startTestRelais, type TestRelais } from '../support/relais.ts';
import { eventually } from '../support/waiting.ts';

const WINDOW = 20;

async function relaisOn(simulator: SmppSimulator, route: Record<string, unknown>): Promise<TestRelais> {
  return startTestRelais({
    simulator: { enabled: false },
    routes: [{ name: 'smsc', protocol: 'smpp', host: '127.0.0.1', port: simulator.port, systemId: 'relais', password: 'relais', window: WINDOW, ...route }],
    shortCodes: [{ number: '36001', route: 'smsc', ratePerSecond: 1000 }],
  });
}

const send = (t: TestRelais, count: number) =>
  t.api('POST', '/v1/messages', { messages: Array.from({ length: count }, (_, i) => ({ to: `+336120${String(i).padStart(5, '0')}`, text: `Code ${i}`, class: 'transactional' })) });

describe('an SMSC that answers enquire_link but never a submit', () => {
  let simulator: SmppSimulator;
  let t: TestRelais;
  beforeAll(async () => {
    simulator = await startSmppSimulator({ withholdResponses: true, receiptDelayMs: 10 });
    t = await relaisOn(simulator, { responseTimeoutMs: 200, enquireLinkIntervalMs: 1000, restartAfterUnanswered: 3 });
  });
  afterAll(async () => {
    await t?.stop();
    await simulator?.close();
  });

  it('stops feeding the session after 3 submits in a row went unanswered, and restarts it', async () => {
    expect((await send(t, 200)).status).toBe(202);
    await eventually(() => simulator.stats.sessions.length >= 3, 'two restarts of the session', 15_000, 20);
    const perSession = simulator.stats.sessions.map((s) => s.submits);
    // Each session gets its window, and perhaps what was on its way when the third answer was given up.
    for (const submits of perSession.slice(0, -1)) expect(submits).toBeLessThanOrEqual(WINDOW + 3);
    // What the closed sessions were given is in doubt; the rest waits, queued, for a session that answers.
    const given = perSession.slice(0, -1).reduce((a, b) => a + b, 0);
    await eventually(async () => (await t.api('GET', '/v1/messages/summary')).body.inDoubt >= given, 'the submits of the closed sessions to be in doubt');
    expect((await t.api('GET', '/v1/messages/summary')).body.byStatus.queued).toBeGreaterThan(0);
  });
});

describe('an SMSC that answers a submit after Relais gave it up', () => {
  let simulator: SmppSimulator;
  let t: TestRelais;
  beforeAll(async () => {
    simulator = await startSmppSimulator({ responseDelayMs: 300, receiptDelayMs: 50 });
    t = await relaisOn(simulator, { responseTimeoutMs: 100, restartAfterUnanswered: 100 });
  });
  afterAll(async () => {
    await t?.stop();
    await simulator?.close();
  });

  it('settles the message in doubt with the late submit_sm_resp, then its receipt delivers it', async () => {
    const sent = await t.api('POST', '/v1/messages', { to: '+33612345678', text: 'Votre code : 1234', class: 'transactional' });
    const message = await t.waitFor(sent.body.id, (status) => status === 'delivered');
    expect(message.status).toBe('delivered');
    expect(message.events.map((e: { status: string }) => e.status)).toEqual(['queued', 'submitting', 'in_doubt', 'submitted', 'delivered']);
    expect(message.events[3].reason).toMatch(/^the SMSC answered late: part 1 accepted/);
    expect(message.parts).toHaveLength(1);
  });
});
