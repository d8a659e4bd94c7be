/**
 * Consent that a re-import cannot re-open, STOP attributed to what the recipient received, senders held to what
 * the account may use, and the aggregator's provisioning taking effect at once — through the real doors (HTTP,
 * SMTP, the aggregator's API, an SMSC simulator sending MOs). Two short codes on one simulated SMSC; the clock
 * starts on a working Tuesday at 10:00 in Paris, inside every send window, and runs at the real pace.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmppSimulator, type SmppSimulator } from '../../src/adapters/simulator/smpp-simulator.ts';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgConsentStore } from '../../src/adapters/store/consent-store.ts';
import { clockFrom, startTestRelais, type TestRelais } from '../support/relais.ts';
import { parseCsv } from '../support/csv.ts';
import { firstValue } from '../support/waiting.ts';

const TUESDAY_10H_PARIS = new Date('2026-11-24T09:00:00Z');
const clock = clockFrom(TUESDAY_10H_PARIS);
const TEXT = 'Dupont : -20 % sur tout le rayon jardin ce samedi';

describe('consent, STOP attribution, senders and provisioning', () => {
  let simulator: SmppSimulator;
  let t: TestRelais;
  let consents: PgConsentStore;
  let accounts: PgAccountStore;
  let seq = 0;
  /** A recipient no other test uses: national and E.164. */
  const fresh = () => {
    const digits = `6${String(10_000_000 + ++seq * 7).padStart(8, '0')}`;
    return { national: `0${digits}`, e164: `+33${digits}` };
  };
  const call = async (key: string, method: string, path: string, body?: unknown, type = 'application/json') => {
    const response = await fetch(t.relais.httpUrl + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': type }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text } as { status: number; body: any };
  };
  const aggregator = (method: string, path: string, body?: unknown) => call(t.relais.aggregatorApiKey!, method, `/v1/aggregator${path}`, body);
  const optIn = (key: string, msisdn: string, brand: string, occurredAt: string) => call(key, 'POST', '/v1/consents', { msisdn, brand, kind: 'opt-in', channel: 'web form', occurredAt });
  const delivered = async (key: string, request: Record<string, unknown>) => {
    const sent = await call(key, 'POST', '/v1/messages', { class: 'marketing', text: TEXT, ...request });
    expect(sent.body.status).toBe('queued');
    return firstValue(async () => {
      const { body } = await call(key, 'GET', `/v1/messages/${sent.body.id}`);
      return body.status === 'delivered' ? body : undefined;
    }, `message ${sent.body.id} delivered`);
  };
  const reply = (from: string, to: string, text: string) => simulator.sendMo({ from: from.slice(1), to, text });

  let voisin: { id: string; key: string };

  beforeAll(async () => {
    simulator = await startSmppSimulator({ port: 0, receiptDelayMs: 10 });
    t = await startTestRelais(
      {
        simulator: { enabled: false },
        routes: [{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: simulator.port, systemId: 'relais', password: 'relais', window: 50 }],
        shortCodes: [
          { number: '36001', route: 'sim', ratePerSecond: 200 },
          { number: '36002', route: 'sim', ratePerSecond: 200 },
        ],
        smtp: { enabled: true, port: 0, domain: 'sms.test' },
      },
      { brand: 'Dupont' },
      clock,
    );
    consents = new PgConsentStore(t.relais.db);
    accounts = new PgAccountStore(t.relais.db);
    const created = await accounts.createAccount({ name: 'voisin', brand: 'Voisin', defaultShortCode: '36001' }, clock.now());
    voisin = { id: created.id, key: await accounts.createApiKey(created.id, null, clock.now()) };
  });
  afterAll(async () => {
    await t?.stop();
    await simulator?.close();
  });

  describe('a STOP is never undone by evidence that does not come from the recipient', () => {
    it('re-importing a file with "oui" and no date after a STOP keeps the STOP, says so, and records the same evidence once', async () => {
      const r = fresh();
      await optIn(t.key, r.national, 'Dupont', '2026-11-01T10:00:00+01:00');
      await delivered(t.key, { to: r.e164 });
      await reply(r.e164, '36001', 'STOP');
      expect((await call(t.key, 'GET', `/v1/consents/${r.national}`)).body.brands).toEqual([expect.objectContaining({ brand: 'Dupont', optedOut: true })]);

      await call(t.key, 'POST', '/v1/bases', { name: `clients-${seq}` });
      const file = `mobile;consentement\r\n${r.national};oui\r\n`;
      const imported = await call(t.key, 'POST', `/v1/imports?base=clients-${seq}`, file, 'text/csv');
      expect(imported.status).toBe(201);
      expect(imported.body).toMatchObject({ status: 'completed', inserted: 1, consents: 1, consentsNotReopened: 1 });
      const notices = await call(t.key, 'GET', imported.body.noticesUrl);
      const [head, row] = parseCsv(notices.body);
      expect(head).toEqual(['line', 'msisdn', 'reason']);
      expect(row).toEqual(['2', r.e164, expect.stringMatching(/^opted out by the recipient on 2026-11-24T\S+ by SMS \(STOP\), consent not re-opened/)]);

      const state = await call(t.key, 'GET', `/v1/consents/${r.national}`);
      expect(state.body.brands).toEqual([expect.objectContaining({ brand: 'Dupont', consent: 'none', optedOut: true })]);
      const after = await call(t.key, 'POST', '/v1/messages', { to: r.e164, class: 'marketing', text: TEXT });
      expect(after.body).toMatchObject({ status: 'suppressed', error: { code: 'opposition' } });

      const again = await call(t.key, 'POST', `/v1/imports?base=clients-${seq}`, file, 'text/csv');
      expect(again.body).toMatchObject({ status: 'completed', merged: 1, consents: 0, consentsNotReopened: 1 });
      expect((await consents.history(t.accountId, r.e164)).filter((e) => e.source === 'import')).toHaveLength(1);
    });

    it('the API keeps an undated opt-in as evidence, with a notice; a dated one with its channel re-opens consent', async () => {
      const r = fresh();
      await optIn(t.key, r.national, 'Dupont', '2026-11-01T10:00:00+01:00');
      await delivered(t.key, { to: r.e164 });
      await reply(r.e164, '36001', 'STOP');
      const undated = await call(t.key, 'POST', '/v1/consents', { msisdn: r.national, brand: 'Dupont', kind: 'opt-in', channel: 'web form' });
      expect(undated.body).toMatchObject({ dated: false, duplicate: false, notice: expect.stringContaining('consent not re-opened') });
      const older = await optIn(t.key, r.national, 'Dupont', '2026-11-20T10:00:00+01:00');
      expect(older.body.notice).toContain('consent not re-opened');
      expect((await call(t.key, 'POST', '/v1/messages', { to: r.e164, class: 'marketing', text: TEXT })).body.status).toBe('suppressed');

      const signedUpAgain = await optIn(t.key, r.national, 'Dupont', new Date(clock.now().getTime() + 1_000).toISOString());
      expect(signedUpAgain.body.notice).toBeNull();
      expect((await call(t.key, 'POST', '/v1/messages', { to: r.e164, class: 'marketing', text: TEXT })).body.status).toBe('queued');
    });
  });

  describe('a STOP on a shared short code', () => {
    it('goes to the account whose marketing reached the number, not to one with a message waiting for a later day', async () => {
      const r = fresh();
      await optIn(t.key, r.national, 'Dupont', '2026-11-01T10:00:00+01:00');
      await optIn(voisin.key, r.national, 'Voisin', '2026-11-01T10:00:00+01:00');
      // Dupont's marketing waits for Thursday; Voisin's reaches the handset today.
      const later = await call(t.key, 'POST', '/v1/messages', { to: r.e164, class: 'marketing', text: TEXT, sendAt: '2026-11-26T10:00:00+01:00' });
      expect(later.body.status).toBe('queued');
      await delivered(voisin.key, { to: r.e164, text: 'Voisin : la brocante est ouverte dimanche' });
      await reply(r.e164, '36001', 'STOP');

      expect((await call(voisin.key, 'GET', `/v1/consents/${r.national}`)).body.brands).toEqual([expect.objectContaining({ brand: 'Voisin', optedOut: true })]);
      expect((await call(t.key, 'GET', `/v1/consents/${r.national}`)).body.brands).toEqual([expect.objectContaining({ brand: 'Dupont', optedOut: false, consent: 'opt-in' })]);
      await call(t.key, 'POST', `/v1/messages/${later.body.id}/cancel`);
    });

    it('opts out of every account whose marketing reached the number within a day of the latest: a STOP in doubt', async () => {
      const r = fresh();
      await optIn(t.key, r.national, 'Dupont', '2026-11-01T10:00:00+01:00');
      await optIn(voisin.key, r.national, 'Voisin', '2026-11-01T10:00:00+01:00');
      await delivered(t.key, { to: r.e164 });
      await delivered(voisin.key, { to: r.e164, text: 'Voisin : la brocante est ouverte dimanche' });
      await reply(r.e164, '36001', 'stop');
      for (const [key, brand] of [[t.key, 'Dupont'], [voisin.key, 'Voisin']] as const) {
        expect((await call(key, 'GET', `/v1/consents/${r.national}`)).body.brands).toEqual([expect.objectContaining({ brand, optedOut: true })]);
      }
    });
  });

  describe('the sender is a short code of the account, or an alphanumeric sender it may use; nothing else', () => {
    it.each(['0612345678', '+33612345678', '123456', '36002'])('refuses "from": %j over HTTP, naming the field', async (from) => {
      const sent = await call(t.key, 'POST', '/v1/messages', { to: fresh().e164, class: 'transactional', text: 'Votre code : 1234', from });
      expect(sent.status).toBe(422);
      expect(sent.body.errors).toEqual([expect.objectContaining({ field: '/from', reason: expect.stringContaining('36001') })]);
    });

    it('refuses another account’s short code, listing only the account’s own', async () => {
      const sent = await call(t.key, 'POST', '/v1/messages', { to: fresh().e164, class: 'transactional', text: 'Votre code : 1234', shortCode: '36002' });
      expect(sent.status).toBe(422);
      expect(sent.body.errors).toEqual([{ field: '/shortCode', reason: "36002 is not one of this account's short codes (36001)" }]);
    });

    it('refuses a mobile number as the sender over e-mail too', async () => {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: t.relais.smtpPort!, secure: false, ignoreTLS: true, auth: { user: 'test', pass: t.key } });
      const refused = await transport
        .sendMail({ from: 'alerts@client.example', to: `${fresh().national}@sms.test`, subject: 'x', text: 'Votre code : 1234', headers: { 'X-Relais-From': '0612345678' } })
        .then(() => undefined, (error: { responseCode?: number; response?: string }) => error);
      expect(refused?.responseCode).toBe(550);
      expect(refused?.response).toContain('X-Relais-From');
    });

    it('refuses an alphanumeric sender without the option, naming the setting; accepts it once granted and approved', async () => {
      const to = fresh().e164;
      const refused = await call(t.key, 'POST', '/v1/messages', { to, class: 'transactional', text: 'Votre colis arrive demain', from: 'Dupont' });
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: '/from', reason: expect.stringContaining('"alphanumeric-sender" option') })]);

      expect((await aggregator('PATCH', '/accounts/test', { options: ['alphanumeric-sender'] })).status).toBe(200);
      const notApproved = await firstValue(async () => {
        const sent = await call(t.key, 'POST', '/v1/messages', { to, class: 'transactional', text: 'Votre colis arrive demain', from: 'Dupont' });
        return sent.body.errors?.[0]?.reason.includes('not approved') ? sent : undefined;
      }, 'the option granted');
      expect(notApproved.body.errors[0].reason).toContain("alphanumericSenders");

      await aggregator('PATCH', '/accounts/test', { alphanumericSenders: ['Dupont'] });
      const sent = await firstValue(async () => {
        const attempt = await call(t.key, 'POST', '/v1/messages', { to, class: 'transactional', text: 'Votre colis arrive demain', from: 'Dupont' });
        return attempt.status === 202 ? attempt : undefined;
      }, 'the sender approved');
      expect(sent.body.status).toBe('queued');
      expect((await call(t.key, 'GET', `/v1/messages/${sent.body.id}`)).body).toMatchObject({ from: 'Dupont', text: 'Votre colis arrive demain' });
      await aggregator('PATCH', '/accounts/test', { options: [], alphanumericSenders: [] });
    });
  });

  describe('provisioning by the aggregator', () => {
    it('assigns short codes: the account may send on 36002 once it is assigned, and no more once taken back', async () => {
      const send = () => call(t.key, 'POST', '/v1/messages', { to: fresh().e164, class: 'transactional', text: 'Votre code : 1234', shortCode: '36002' });
      expect((await send()).status).toBe(422);
      const assigned = await aggregator('PATCH', '/accounts/test', { shortCodes: ['36001', '36002'] });
      expect(assigned.body).toMatchObject({ name: 'test', shortCodes: ['36001', '36002'], defaultShortCode: '36001' });
      // Within a second on every process: the doors read accounts afresh.
      await firstValue(async () => ((await send()).status === 202 ? true : undefined), 'sending on 36002 allowed', 2_000);
      await aggregator('PATCH', '/accounts/test', { shortCodes: ['36001'] });
      await firstValue(async () => ((await send()).status === 422 ? true : undefined), 'sending on 36002 refused again', 2_000);
    });

    it('refuses what cannot be, naming each field: a short code of no route, a default it does not hold, a STOP wording without the short code, an unknown rule set', async () => {
      const refused = await aggregator('PATCH', '/accounts/test', {
        shortCodes: ['36001', '36999'],
        stopShortCode: '36002',
        stopWording: { shortCode: 'Désabonnement : répondez STOP' },
        ruleSet: { name: 'AF2M', version: '2099' },
        marketingPerDay: 3,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['/shortCodes/1', '/stopShortCode', '/ruleSet', '/stopWording/shortCode', '/marketingPerDay']);
      expect((await aggregator('GET', '/accounts/test')).body).toMatchObject({ shortCodes: ['36001'], stopWording: null, ruleSet: null });
    });

    it('sets the STOP wording and the rule set; the next message follows them', async () => {
      await aggregator('PATCH', '/accounts/test', { stopWording: { shortCode: 'Désinscription : STOP au {shortCode}' }, ruleSet: { name: 'AF2M', version: '2026' } });
      const r = fresh();
      await optIn(t.key, r.national, 'Dupont', '2026-11-01T10:00:00+01:00');
      const message = await firstValue(async () => {
        const sent = await call(t.key, 'POST', '/v1/messages', { to: r.e164, class: 'marketing', text: TEXT });
        const { body } = await call(t.key, 'GET', `/v1/messages/${sent.body.id}`);
        if (body.text.endsWith('Désinscription : STOP au 36001')) return body;
        await call(t.key, 'POST', `/v1/messages/${sent.body.id}/cancel`);
        return undefined;
      }, 'the new wording in use', 2_000);
      expect(message.compliance).toMatchObject({ ruleSet: 'AF2M 2026', decision: 'allow' });
      await aggregator('PATCH', '/accounts/test', { stopWording: null, ruleSet: null });
    });

    it('needs an aggregator key: an account’s key is refused', async () => {
      expect((await call(t.key, 'GET', '/v1/aggregator/accounts')).status).toBe(401);
      const listed = await aggregator('GET', '/accounts');
      expect(listed.body.accounts.map((a: { name: string }) => a.name)).toEqual(['demo', 'test', 'voisin']);
    });
  });

  it('has no built-in simulator to send MOs through here: the route says so', async () => {
    const refused = await aggregator('POST', '/simulator/mo', { from: '+33612345678', to: '36001', text: 'STOP' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('built-in SMSC simulator is not running');
  });
});
