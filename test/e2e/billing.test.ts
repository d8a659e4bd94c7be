/**
 * Billing through a running Relais and its built-in SMSC simulator (docs/billing.md): the aggregator sets a plan
 * and tops up a prepaid account; each delivered part is billed once and charged from the credit; the usage API
 * shows the running cost and the next tier; short credit is refused at every door (HTTP 402, SMPP
 * ESME_RSUBMITFAIL, SMTP 452) and pauses a campaign instead of failing its recipients.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore, senderOf } from '../../src/adapters/store/account-store.ts';
import { PgCampaignStore } from '../../src/adapters/store/campaign-store.ts';
import { PgConsentStore } from '../../src/adapters/store/consent-store.ts';
import { PgContactStore } from '../../src/adapters/store/contact-store.ts';
import { PgSmppAccountStore } from '../../src/adapters/store/smpp-account-store.ts';
import { actOnCampaign, createCampaign, type CampaignDeps } from '../../src/app/campaigns.ts';
import { PROJETCOM_BULK_SMS } from '../../src/core/pricing/index.ts';
import { TestEsme, textSubmit } from '../adapters/smpp-server/esme.ts';
import { clockFrom, startTestRelais, type TestRelais } from '../support/relais.ts';
import { eventually } from '../support/waiting.ts';

const TUESDAY_10H_PARIS = new Date('2026-11-24T09:00:00Z');
const clock = clockFrom(TUESDAY_10H_PARIS);
const PART = 30_000; // Orange OPS: 0.030 € per delivered SMS-MT
let seq = 0;
const e164 = () => `+3366${String(++seq).padStart(7, '0')}`;

describe('billing', () => {
  let t: TestRelais;
  const aggregator = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${t.relais.httpUrl}/v1/aggregator${path}`, {
      method,
      headers: { authorization: `Bearer ${t.relais.aggregatorApiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const credit = async () => (await t.api('GET', '/v1/credit')).body;
  const send = (text = 'Votre code est 1234') => t.api('POST', '/v1/messages', { to: e164(), text, class: 'transactional' });

  beforeAll(async () => {
    t = await startTestRelais({ billing: { sweepMs: 1000 }, smppServer: { enabled: true, port: 0 }, smtp: { enabled: true, port: 0, domain: 'sms.test' }, campaigns: { pollIntervalMs: 50, chunk: 100, aheadSeconds: 1 } }, { brand: 'Dupont' }, clock);
    await new PgSmppAccountStore(t.relais.db).setCredential(t.accountId, { systemId: 'dupont', password: 'secret', allowedIps: [], maxBinds: null }, clock.now());
    const plan = await aggregator('PUT', '/accounts/test/plan', { plan: { grids: ['orange-ops'], billed: 'delivered', noReceipt: 'free' }, payment: 'prepaid' });
    expect(plan.status).toBe(200);
  });
  afterAll(() => t?.stop());

  it('refuses a plan with problems, listing each', async () => {
    const refused = await aggregator('PUT', '/accounts/test/plan', { plan: { grids: ['orange-ops-qualification', 'nope'], billed: 'delivered', noReceipt: 'free' }, payment: 'prepaid' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: '/plan/grids/1', reason: expect.stringContaining('no built-in grid "nope"') }]);
  });

  it('charges a delivered part once from the prepaid credit, after reserving it at acceptance; top-ups say who and why', async () => {
    const topUp = await aggregator('POST', '/accounts/test/credit', { amount: 2 * PART, by: 'Alice (accounts)', reason: 'payment received, transfer 2026-118' });
    expect(topUp.body).toMatchObject({ payment: 'prepaid', balance: 2 * PART, reserved: 0, available: 2 * PART, partPrice: PART });
    expect(topUp.body.movements[0]).toMatchObject({ kind: 'top-up', amount: 2 * PART, by: 'Alice (accounts)', reason: 'payment received, transfer 2026-118' });

    const sent = await send();
    expect(sent.status).toBe(202);
    await t.waitFor(sent.body.id, (status) => status === 'delivered');
    await eventually(async () => (await credit()).reserved === 0, 'the reservation settled', 15_000, 50);
    expect(await credit()).toMatchObject({ balance: PART, reserved: 0, available: PART });
  });

  it('shows the month’s usage and exports its lines as CSV', async () => {
    const usage = await t.api('GET', '/v1/usage');
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({
      month: '2026-11',
      closed: false,
      plan: { grids: ['orange-ops'], billed: 'delivered', noReceipt: 'free', payment: 'prepaid' },
      parts: { settled: 1, billed: 1 },
      counts: [{ class: 'transactional', shortCode: expect.any(String), finalState: 'delivered', settledBy: 'receipt', parts: 1, billed: true }],
      nextTiers: [],
    });
    expect(usage.body.cost.lines.find((line: { rule: string }) => line.rule === 'sms-mt')).toMatchObject({ quantity: 1, amount: PART });
    expect((await t.api('GET', '/v1/usage?month=2026-10')).body.parts).toEqual({ settled: 0, billed: 0 });

    const csv = await fetch(`${t.relais.httpUrl}/v1/usage/lines?month=2026-11`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows[0]).toBe('"messageId","part","brand","class","shortCode","route","campaignId","parts","finalState","settledBy","settledAt"');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('"delivered","receipt"');
  });

  it('refuses at every door what the credit cannot cover, with the reason', async () => {
    // 30,000 µ€ left: one part. A 2-part message needs 60,000.
    const long = 'Votre rendez-vous est confirmé pour demain. '.repeat(4);
    const http = await send(long);
    expect(http.status).toBe(402);
    expect(http.body).toMatchObject({ title: 'Payment required', detail: expect.stringContaining('insufficient prepaid credit: this needs 0.06 € and 0.03 € is available') });

    const esme = await TestEsme.bound(t.relais.smppServerPort!, 'dupont', 'secret', 'bind_transmitter');
    try {
      const resp = await esme.request('submit_sm', textSubmit(e164().slice(1), 'Votre rendez vous est confirme pour demain. '.repeat(5)), 10_000);
      expect(resp.status).toBe(0x45); // ESME_RSUBMITFAIL
    } finally {
      await esme.close();
    }

    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: t.relais.smtpPort!, secure: false, ignoreTLS: true, auth: { user: 'test', pass: t.key } });
    const refused = await transport
      .sendMail({ from: 'alerts@client.example', to: `0${e164().slice(3)}@sms.test`, subject: 'x', text: long })
      .then(() => undefined, (error: { responseCode?: number; response?: string }) => error);
    expect(refused?.responseCode).toBe(452);
    expect(refused?.response).toContain('insufficient prepaid credit');
    expect(await credit()).toMatchObject({ balance: PART, reserved: 0 });
  });

  it('pauses a campaign the credit cannot cover instead of failing its recipients; it goes on after a top-up', async () => {
    const contacts = new PgContactStore(t.relais.db);
    const account = (await new PgAccountStore(t.relais.db).findById(t.accountId))!;
    const sender = senderOf(account);
    const shortCodes = new Map([[account.defaultShortCode!, { number: account.defaultShortCode!, route: 'simulator', ratePerSecond: 100 }]]);
    const deps: CampaignDeps = { campaigns: new PgCampaignStore(t.relais.db), contacts, submit: { shortCodes: () => shortCodes, consents: new PgConsentStore(t.relais.db), notify: () => undefined }, clock, tariff: PROJETCOM_BULK_SMS };
    const base = await contacts.createBase(t.accountId, 'clients', [], clock.now());
    await contacts.upsertContacts(base, Array.from({ length: 5 }, () => ({ mobile: e164(), firstName: 'Client', lastName: null, landline: null, email: null, birthday: null, custom: {} })), clock.now());
    const campaign = await createCampaign(deps, sender, { name: 'rappel', class: 'transactional', text: 'Rappel : rendez-vous demain, {firstName}', bases: [base.id] });
    await actOnCampaign(deps, sender, campaign.id, 'launch');

    await eventually(async () => (await deps.campaigns.get(t.accountId, campaign.id))!.status === 'paused', 'the campaign to pause itself', 15_000, 50);
    const { rows } = await t.tdb.db.pool.query(`SELECT status, count(*)::int AS n FROM messages WHERE campaign_id = $1 GROUP BY status`, [campaign.id]);
    expect(rows).toEqual([]); // nobody failed: nobody was queued

    await aggregator('POST', '/accounts/test/credit', { amount: 5 * PART, by: 'Alice (accounts)', reason: 'campaign top-up' });
    await actOnCampaign(deps, sender, campaign.id, 'resume');
    await eventually(async () => (await deps.campaigns.get(t.accountId, campaign.id))!.status === 'completed', 'the campaign to complete', 20_000, 50);
    await eventually(async () => (await credit()).reserved === 0, 'the reservations settled', 15_000, 50);
    expect(await credit()).toMatchObject({ balance: PART, reserved: 0 });
  });

  it('closes a month that is over into numbered invoices the account reads; refuses the month in progress', async () => {
    const accounts = new PgAccountStore(t.relais.db);
    const postpaid = await accounts.createAccount({ name: 'martin', brand: 'Martin' }, clock.now());
    const key = await accounts.createApiKey(postpaid.id, null, clock.now());
    await t.tdb.db.pool.query(
      `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, final_state, settled_by, month, settled_at)
       SELECT gen_random_uuid(), 0, $1, 'Martin', 'marketing', '36001', 'sim', 'delivered', 'receipt', '2026-10', '2026-10-15T10:00:00Z' FROM generate_series(1, 1000)`,
      [postpaid.id],
    );
    expect((await aggregator('POST', '/billing/close', { month: '2026-11' })).status).toBe(409);
    const closed = await aggregator('POST', '/billing/close', { month: '2026-10' });
    // Two invoices: martin's SMS, and the prepaid account's short code (its credit paid for its SMS, not for 36001's month).
    expect(closed.body).toEqual({ issued: 2, alreadyIssued: 0, nothingDue: expect.any(Number) });
    expect((await aggregator('POST', '/billing/close', { month: '2026-10' })).body).toMatchObject({ issued: 0 });

    const read = await fetch(`${t.relais.httpUrl}/v1/invoices`, { headers: { authorization: `Bearer ${key}` } });
    const { invoices } = (await read.json()) as { invoices: { number: string; total: number; vat: number; totalWithVat: number; lines: { rule: string; quantity: number }[] }[] };
    expect(invoices).toEqual([expect.objectContaining({ kind: 'month', month: '2026-10', total: 1000 * PART, vat: 200 * PART, totalWithVat: 1200 * PART })]);
    expect(invoices[0]!.lines).toEqual([expect.objectContaining({ rule: 'sms-mt', quantity: 1000 })]);

    const prepaid = (await t.api('GET', '/v1/invoices')).body.invoices as { number: string; kind: string; lines: { rule: string; quantity: number }[] }[];
    const [month, ...others] = prepaid.filter((i) => i.kind === 'month');
    expect(others).toEqual([]);
    expect(month!.lines.map((l) => l.rule)).toContain('short-code-monthly');
    expect(month!.lines.map((l) => l.rule)).not.toContain('sms-mt');
    // One numbering for the prepaid account's top-ups and both month invoices, without a gap.
    const numbers = [...prepaid, ...invoices].map((i) => i.number).sort();
    expect(numbers).toEqual(numbers.map((_, k) => `F2026-${String(k + 1).padStart(6, '0')}`));
  });
});
