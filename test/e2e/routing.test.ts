/**
 * Routing by operator with failover, end to end (docs/routing.md): short code 36001 is carried by Orange's push-SMS
 * route (UCP, Orange subscribers only) and by SFR, Bouygues Telecom and Free Mobile routes (SMPP), each to its own
 * simulator. A campaign's recipients split by their operator (numbering plan and portability base imported through
 * the API); SFR's SMSC goes away mid-run and its traffic fails over to Bouygues Telecom; every message is delivered
 * once, and no recipient who is not an Orange subscriber reaches Orange's SMSC.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { senderOf, PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgCampaignStore } from '../../src/adapters/store/campaign-store.ts';
import { PgContactStore } from '../../src/adapters/store/contact-store.ts';
import { startSmppSimulator, type SmppSimulator } from '../../src/adapters/simulator/smpp-simulator.ts';
import { startUcpSimulator, type UcpSimulator } from '../../src/adapters/simulator/ucp-simulator.ts';
import { actOnCampaign, campaignReport, createCampaign, type CampaignDeps } from '../../src/app/campaigns.ts';
import { PROJETCOM_BULK_SMS } from '../../src/core/pricing/index.ts';
import { clockFrom, startTestRelais, type TestRelais } from '../support/relais.ts';
import { eventually } from '../support/waiting.ts';

const clock = clockFrom(new Date('2026-11-24T09:00:00Z')); // a working Tuesday, 10:00 in Paris
const fixture = (name: string) => readFileSync(new URL(`../fixtures/numbering/${name}`, import.meta.url));
/** The fixture plan: 0612 Orange (but 06123 SFR), 0660 Bouygues Telecom, 0695 Free Mobile; 0612000001 ported to Free. */
const numbers = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `+33${prefix}${String(i + 10).padStart(9 - prefix.length, '0')}`);
const PER_OPERATOR = 30;
const recipients = {
  orange: numbers('612000', PER_OPERATOR),
  sfr: numbers('612300', PER_OPERATOR),
  bouygues: numbers('660000', PER_OPERATOR),
  free: [...numbers('695000', PER_OPERATOR - 1), '+33612000001'],
};
/** The national significant number of an address as a simulator received it (UCP 0033…, SMPP 33…). */
const nsn = (address: string) => address.replace(/\D/g, '').slice(-9);

describe('routing by operator, with failover', () => {
  let t: TestRelais;
  let orange: UcpSimulator;
  const smpp: Record<'sfr' | 'bouygues' | 'free', SmppSimulator> = {} as never;
  let sfrSubmits = 0;
  let sfrDown: Promise<void> | undefined;

  beforeAll(async () => {
    orange = await startUcpSimulator({ password: 'secret', notificationDelayMs: 10 });
    for (const name of ['bouygues', 'free'] as const) smpp[name] = await startSmppSimulator({ receiptDelayMs: 10 });
    // SFR's SMSC goes away once it has taken its 8th message: unbound, then closed (no reconnection possible). Its
    // receipts come before its answers and the route is stop-and-wait, so nothing it took is left without an answer.
    smpp.sfr = await startSmppSimulator({
      receiptBeforeResponse: true,
      onSubmit: () => {
        if (++sfrSubmits === 8) sfrDown = new Promise((resolve) => setImmediate(resolve)).then(() => smpp.sfr.unbindAll()).then(() => smpp.sfr.close());
      },
    });
    const smppRoute = (name: 'sfr' | 'bouygues' | 'free', operator: string) => ({ name, protocol: 'smpp', host: '127.0.0.1', port: smpp[name].port, systemId: 'relais', password: 'pw', operator, window: name === 'sfr' ? 1 : 5 });
    t = await startTestRelais(
      {
        routes: [smppRoute('sfr', 'SFR0'), smppRoute('bouygues', 'BOUY'), smppRoute('free', 'FRTE')],
        orange: { host: '127.0.0.1', port: orange.port, window: 5, shortCodes: [
            { number: '36001', password: 'secret', ratePerSecond: 50, alsoOn: ['sfr', 'bouygues', 'free'] },
            { number: '36002', password: 'secret', ratePerSecond: 10 },
          ],
        },
        routing: {
          rules: [
            { operators: ['SFR0'], routes: ['sfr', 'bouygues'] },
            { operators: ['BOUY'], routes: ['bouygues', 'sfr'] },
            { operators: ['FRTE'], routes: ['free', 'sfr'] },
          ],
          failoverAfterMs: 1_000,
        },
        campaigns: { pollIntervalMs: 50, chunk: 40, aheadSeconds: 1 },
      },
      { brand: 'Dupont', shortCodes: ['36001', '36002'] },
      clock,
    );
    const aggregator = (path: string, body: Buffer) =>
      fetch(t.relais.httpUrl + path, { method: 'POST', headers: { authorization: `Bearer ${t.relais.aggregatorApiKey}`, 'content-type': 'text/csv' }, body });
    expect((await aggregator('/v1/aggregator/numbering/ranges', fixture('majnum-sample.csv'))).status).toBe(201);
    expect((await aggregator('/v1/aggregator/numbering/ports', fixture('ports-sample.csv'))).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await Promise.all([orange?.close(), sfrDown, ...Object.values(smpp).map((s) => s.close())]);
  });

  it('splits a campaign by operator, fails SFR over to Bouygues Telecom mid-run, delivers each message once, and keeps non-Orange recipients off Orange', async () => {
    const contacts = new PgContactStore(t.relais.db);
    const base = await contacts.createBase(t.accountId, 'clients', [], clock.now());
    const everyone = Object.values(recipients).flat();
    await contacts.upsertContacts(base, everyone.map((mobile) => ({ mobile, firstName: null, lastName: null, landline: null, email: null, birthday: null, custom: {} })), clock.now());
    const account = (await new PgAccountStore(t.relais.db).findById(t.accountId))!;
    const known = new Map([['36001', { number: '36001', route: 'orange-36001', ratePerSecond: 50 }]]);
    const deps: CampaignDeps = { campaigns: new PgCampaignStore(t.relais.db), contacts, submit: { shortCodes: () => known, consents: { states: async () => new Map() }, notify: () => undefined }, clock, tariff: PROJETCOM_BULK_SMS };
    const campaign = await createCampaign(deps, senderOf(account), { name: 'livraisons', class: 'transactional', text: 'Dupont : votre commande est en route', bases: [base.id] });
    await actOnCampaign(deps, senderOf(account), campaign.id, 'launch');

    await eventually(async () => (await campaignReport(deps, t.accountId, campaign.id)).delivered === everyone.length, `all ${everyone.length} messages delivered`, 60_000, 100);

    // No loss, no duplicate: every recipient's message reached exactly one SMSC, once.
    const received = [
      ...orange.stats.submits.map((s) => ({ smsc: 'orange', to: nsn(s.destination) })),
      ...(['sfr', 'bouygues', 'free'] as const).flatMap((name) => smpp[name].stats.submits.filter((s) => s.messageId !== null).map((s) => ({ smsc: name, to: nsn(s.destination) }))),
    ];
    expect(received.map((r) => r.to).sort()).toEqual(everyone.map(nsn).sort());
    const smscOf = new Map(received.map((r) => [r.to, r.smsc]));
    // Orange's SMSC saw Orange subscribers only (the number ported to Free went to Free).
    expect(recipients.orange.every((n) => smscOf.get(nsn(n)) === 'orange')).toBe(true);
    expect([...smscOf].filter(([, smsc]) => smsc === 'orange').map(([to]) => to).sort()).toEqual(recipients.orange.map(nsn).sort());
    expect(recipients.free.every((n) => smscOf.get(nsn(n)) === 'free')).toBe(true);
    expect(recipients.bouygues.every((n) => smscOf.get(nsn(n)) === 'bouygues')).toBe(true);
    // SFR took 8, then its traffic failed over to Bouygues Telecom.
    const sfr = recipients.sfr.map((n) => smscOf.get(nsn(n)));
    expect(sfr.filter((smsc) => smsc === 'sfr')).toHaveLength(8);
    expect(sfr.filter((smsc) => smsc === 'bouygues')).toHaveLength(PER_OPERATOR - 8);

    // Each message says where it went and why.
    const { rows } = await t.tdb.db.pool.query<{ recipient: string; route: string; route_reason: string; status: string }>(
      'SELECT m.recipient, m.route, d.reason AS route_reason, m.status FROM messages m JOIN route_decisions d ON d.id = m.route_decision WHERE m.campaign_id = $1',
      [campaign.id],
    );
    const byRecipient = new Map(rows.map((r) => [r.recipient, r]));
    expect(byRecipient.get('+33612000001')).toMatchObject({ route: 'free', route_reason: expect.stringContaining('FRTE (Free Mobile) subscriber (ported)') });
    expect(byRecipient.get(recipients.orange[0]!)).toMatchObject({ route: 'orange-36001', route_reason: expect.stringContaining("short code 36001's routes") });
    const failedOver = rows.filter((r) => r.route_reason.startsWith('failover from sfr to bouygues'));
    expect(failedOver).toHaveLength(PER_OPERATOR - 8);
    expect(failedOver[0]!.route_reason).toMatch(/route down for \d+ s/);
    const detail = await t.api('GET', `/v1/messages/${(await t.tdb.db.pool.query('SELECT id FROM messages WHERE recipient = $1', [failedOver[0]!.recipient])).rows[0].id}`);
    expect(detail.body.route).toMatchObject({ name: 'bouygues', fallbacks: [] });
    expect(detail.body.events.map((e: { reason: string | null }) => e.reason)).toContainEqual(expect.stringMatching(/^failover from sfr to bouygues/));
  }, 120_000);

  it('refuses at intake, with not-an-orange-subscriber, a non-Orange recipient on a short code only Orange carries', async () => {
    const sent = await t.api('POST', '/v1/messages', {
      messages: [
        { to: recipients.orange[0], text: 'Dupont : code 1234', class: 'transactional', shortCode: '36002' },
        { to: recipients.bouygues[0], text: 'Dupont : code 1234', class: 'transactional', shortCode: '36002' },
      ],
    });
    expect(sent.status).toBe(202);
    const [toOrange, toBouygues] = sent.body.messages as { id: string; status: string }[];
    expect(toBouygues).toMatchObject({ status: 'failed' });
    const refused = await t.api('GET', `/v1/messages/${toBouygues!.id}`);
    expect(refused.body).toMatchObject({ status: 'failed', route: null, error: { code: 'not-an-orange-subscriber', reason: expect.stringContaining('route orange-36002 carries only ORAN subscribers') } });
    expect((await t.waitFor(toOrange!.id, (s) => s === 'delivered')).route).toMatchObject({ name: 'orange-36002', fallbacks: [] });
    expect(orange.stats.submits.some((s) => nsn(s.destination) === nsn(recipients.bouygues[0]!))).toBe(false);
  });

  it('shows in the dry run where the messages would go, by route and operator', async () => {
    const contacts = new PgContactStore(t.relais.db);
    const base = await contacts.createBase(t.accountId, 'dry', [], clock.now());
    const audience = [recipients.orange[1]!, recipients.orange[2]!, recipients.bouygues[1]!, recipients.free[1]!];
    await contacts.upsertContacts(base, audience.map((mobile) => ({ mobile, firstName: null, lastName: null, landline: null, email: null, birthday: null, custom: {} })), clock.now());
    const created = await t.api('POST', '/v1/campaigns', { name: 'dry', class: 'transactional', text: 'Dupont : votre colis', bases: [base.id] });
    expect(created.status).toBe(201);
    const plan = await t.api('POST', `/v1/campaigns/${created.body.id}/dry-run`);
    expect(plan.body.routing).toEqual([
      { route: 'bouygues', operator: 'BOUY', messages: 1 },
      { route: 'free', operator: 'FRTE', messages: 1 },
      { route: 'orange-36001', operator: 'ORAN', messages: 2 },
    ]);
  });
});
