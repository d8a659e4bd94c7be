/**
 * The e-mail door end to end: real mails through the SMTP server on 127.0.0.1 (nodemailer as the client),
 * queued by the intake use case and delivered by the built-in simulator. The clock starts on a working
 * Tuesday at 10:00 in Paris, inside every send window.
 */
import nodemailer, { type Mail as Mailer } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgEmailStore } from '../../../src/adapters/store/email-store.ts';
import { startSmtpDoor, type SmtpDoor } from '../../../src/adapters/smtp/smtp-door.ts';
import { createLogger } from '../../../src/adapters/log.ts';
import { makeCertificate, type TestCertificate } from '../../support/certificate.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { clockFrom, startTestRelais, type TestRelais } from '../../support/relais.ts';

const TUESDAY_10H_PARIS = new Date('2026-11-24T09:00:00Z');
const clock = clockFrom(TUESDAY_10H_PARIS);
const DOMAIN = 'sms.test';

type Mail = Mailer.Options;

describe('e-mail to SMS', () => {
  let t: TestRelais;
  let email: PgEmailStore;
  let seq = 0;
  /** A recipient no other test uses. */
  const fresh = () => `0761234${String(++seq).padStart(3, '0')}`;
  const e164 = (national: string) => `+33${national.slice(1)}`;
  const send = (mail: Mail, auth: { user: string; pass: string } | false = { user: 'test', pass: t.key }) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: t.relais.smtpPort!, secure: false, ignoreTLS: true, ...(auth ? { auth } : {}) })
      .sendMail({ from: 'alerts@client.example', subject: 'Alerte', ...mail });
  const refusal = (mail: Mail, auth?: { user: string; pass: string } | false) =>
    send(mail, auth).then(
      () => expect.fail('the mail was accepted'),
      (error: { responseCode?: number; response?: string; command?: string }) => ({ code: error.responseCode, response: error.response ?? '', command: error.command }),
    );
  /** The ids and statuses a 250 reply lists. */
  const accepted = (response: string) => [...response.matchAll(/([0-9a-f-]{36}) (queued|suppressed)/g)].map((m) => ({ id: m[1]!, status: m[2]! }));

  beforeAll(async () => {
    t = await startTestRelais({ smtp: { enabled: true, port: 0, domain: DOMAIN, maxMessageBytes: 4096, maxRecipients: 3 } }, { brand: 'Dupont' }, clock);
    email = new PgEmailStore(t.relais.db);
  });
  afterAll(() => t?.stop());

  it('sends an authenticated mail to two recipients as two SMS, delivered by the simulator', async () => {
    const [a, b] = [fresh(), fresh()];
    const info = await send({ to: [`${a}@${DOMAIN}`, `${e164(b)}@${DOMAIN}`], text: 'Votre rendez-vous est confirmé demain à 9 h.' });
    expect(info.response).toMatch(/^250 Accepted, 2 SMS:/);
    const ids = accepted(info.response);
    expect(ids.map((m) => m.status)).toEqual(['queued', 'queued']);
    const messages = await Promise.all(ids.map(({ id }) => t.waitFor(id, (s) => s === 'delivered')));
    expect(messages.map((m) => [m.status, m.to])).toEqual([
      ['delivered', e164(a)],
      ['delivered', e164(b)],
    ]);
    expect(messages[0].text).toMatch(/^Votre rendez-vous est confirmé demain à 9 h\./);
  });

  it('takes mail from an allowlisted sender without AUTH, and refuses any other sender at MAIL FROM', async () => {
    await email.allowSenders(t.accountId, ['Alerts@Client.example'], clock.now());
    const info = await send({ to: `${fresh()}@${DOMAIN}`, text: 'Alerte : niveau de cuve bas' }, false);
    expect(accepted(info.response)).toHaveLength(1);
    const refused = await refusal({ from: 'someone@elsewhere.example', to: `${fresh()}@${DOMAIN}`, text: 'x' }, false);
    expect(refused.code).toBe(530);
    expect(refused.response).toMatch(/Authentication required.*someone@elsewhere\.example is not/);
  });

  it('refuses a wrong password, and a key of another account', async () => {
    expect((await refusal({ to: `${fresh()}@${DOMAIN}`, text: 'x' }, { user: 'test', pass: 'rl_wrong' })).code).toBe(535);
    expect((await refusal({ to: `${fresh()}@${DOMAIN}`, text: 'x' }, { user: 'demo', pass: t.key })).code).toBe(535);
  });

  it('refuses a key without the "messages" right, and an account that is suspended, saying why', async () => {
    const accounts = new PgAccountStore(t.relais.db);
    const statsOnly = await accounts.createApiKey(t.accountId, 'stats', new Date(), { rights: ['statistics'], brands: null });
    expect((await refusal({ to: `${fresh()}@${DOMAIN}`, text: 'x' }, { user: 'test', pass: statsOnly })).code).toBe(535);
    const other = await accounts.createAccount({ name: 'suspendu', brand: 'Suspendu', defaultShortCode: '36001' }, new Date());
    const key = await accounts.createApiKey(other.id, null, new Date());
    await accounts.setStatus('suspendu', 'suspended', 'unpaid invoice', new Date());
    const refused = await refusal({ to: `${fresh()}@${DOMAIN}`, text: 'x' }, { user: 'suspendu', pass: key });
    expect(refused.code).toBe(535);
    expect(refused.response).toContain('is suspended: unpaid invoice');
  });

  it('refuses a bad recipient at RCPT TO, naming the problem', async () => {
    const fixed = await refusal({ to: `0145678901@${DOMAIN}`, text: 'x' });
    expect(fixed.code).toBe(553);
    expect(fixed.response).toContain('0145678901');
    const elsewhere = await refusal({ to: `${fresh()}@other.example`, text: 'x' });
    expect(elsewhere.code).toBe(550);
    expect(elsewhere.response).toContain(`@${DOMAIN}`);
  });

  it('refuses recipients over maxRecipients with 452, and sends to the others', async () => {
    const info = await send({ to: [fresh(), fresh(), fresh(), fresh()].map((n) => `${n}@${DOMAIN}`), text: 'Coupure de courant à 14 h' });
    expect(accepted(info.response)).toHaveLength(3);
    expect(info.rejected).toHaveLength(1);
    expect(String(info.rejectedErrors?.[0]?.response)).toMatch(/^452 Too many recipients/);
  });

  it('sends only the new text of a reply: no quote, no signature', async () => {
    const body = [
      'Votre colis arrive demain   entre 9 h et 12 h.',
      '',
      '-- ',
      'Service client Dupont',
      '',
      'Le lun. 23 nov. 2026 à 10:00, Jean <jean@client.example> a écrit :',
      '> Quand arrive mon colis ?',
    ].join('\r\n');
    const { id } = accepted((await send({ to: `${fresh()}@${DOMAIN}`, subject: 'Re: colis', text: body })).response)[0]!;
    const { body: message } = await t.api('GET', `/v1/messages/${id}`);
    expect(message.text).toMatch(/^Votre colis arrive demain entre 9 h et 12 h\./);
    expect(message.text).not.toMatch(/Service client|Quand arrive|a écrit/);
  });

  it('converts an HTML-only mail to text', async () => {
    const { id } = accepted((await send({ to: `${fresh()}@${DOMAIN}`, html: '<p>Votre code : <b>4821</b></p><blockquote>ancien message</blockquote>' })).response)[0]!;
    const { body: message } = await t.api('GET', `/v1/messages/${id}`);
    expect(message.text).toMatch(/^Votre code : 4821/);
    expect(message.text).not.toContain('ancien message');
  });

  it('takes the subject as the text when the mail or the account says so', async () => {
    const byHeader = accepted((await send({ to: `${fresh()}@${DOMAIN}`, subject: 'Code : 1234', text: 'ignored body', headers: { 'X-Relais-Text': 'subject' } })).response);
    expect((await t.api('GET', `/v1/messages/${byHeader[0]!.id}`)).body.text).toMatch(/^Code : 1234/);

    await email.setTextFrom(t.accountId, 'subject', clock.now());
    try {
      const byAccount = accepted((await send({ to: `${fresh()}@${DOMAIN}`, subject: 'Code : 5678', text: 'ignored body' })).response);
      expect((await t.api('GET', `/v1/messages/${byAccount[0]!.id}`)).body.text).toMatch(/^Code : 5678/);
    } finally {
      await email.setTextFrom(t.accountId, 'body', clock.now());
    }
  });

  it('defers the sending to X-Relais-Send-At', async () => {
    const sendAt = new Date(clock.now().getTime() + 86_400_000);
    sendAt.setUTCMinutes(0, 0, 0);
    const { id } = accepted((await send({ to: `${fresh()}@${DOMAIN}`, text: 'Rappel : rendez-vous demain', headers: { 'X-Relais-Send-At': sendAt.toISOString() } })).response)[0]!;
    const { body: message } = await t.api('GET', `/v1/messages/${id}`);
    expect(message).toMatchObject({ status: 'queued', dueAt: sendAt.toISOString() });
  });

  it('suppresses a marketing mail to recipients without consent', async () => {
    const info = await send({ to: [fresh(), fresh()].map((n) => `${n}@${DOMAIN}`), text: 'Dupont : -20 % sur le rayon jardin ce samedi', headers: { 'X-Relais-Class': 'marketing' } });
    const ids = accepted(info.response);
    expect(info.response).toContain('suppressed (consent)');
    for (const { id, status } of ids) {
      expect(status).toBe('suppressed');
      expect((await t.api('GET', `/v1/messages/${id}`)).body).toMatchObject({ status: 'suppressed', error: { code: 'consent' } });
    }
  });

  it('refuses the whole mail with 550 and the reasons when the intake refuses it; nothing is queued', async () => {
    const before = (await t.api('GET', '/v1/messages/summary')).body.byStatus;
    const refused = await refusal({ to: [fresh(), fresh()].map((n) => `${n}@${DOMAIN}`), text: 'Bonjour', headers: { 'X-Relais-Send-At': 'demain', 'X-Relais-Class': 'transactional' } });
    expect(refused.code).toBe(550);
    expect(refused.response).toMatch(/Refused, no SMS sent: X-Relais-Send-At: "demain" is not an ISO 8601 date-time such as/);
    expect((await t.api('GET', '/v1/messages/summary')).body.byStatus).toEqual(before);

    const empty = await refusal({ to: `${fresh()}@${DOMAIN}`, text: '-- \nJean' });
    expect(empty.response).toMatch(/text: the text is empty/);
    expect((await refusal({ to: `${fresh()}@${DOMAIN}`, text: 'x', headers: { 'X-Relais-Class': 'promo' } })).response).toMatch(/X-Relais-Class: "promo"/);
  });

  it('answers a resent mail (same Message-ID) with the first ids, queuing nothing again', async () => {
    const mail = { to: `${fresh()}@${DOMAIN}`, text: 'Facture disponible', messageId: '<facture-42@client.example>' };
    const first = accepted((await send(mail)).response);
    const again = await send(mail);
    expect(again.response).toMatch(/^250 Already accepted \(same Message-ID\)/);
    expect(accepted(again.response)).toEqual(first);
  });

  it('refuses an oversized mail with 552', async () => {
    const refused = await refusal({ to: `${fresh()}@${DOMAIN}`, text: 'x'.repeat(10_000) });
    expect(refused).toMatchObject({ code: 552, command: 'DATA' });
  });
});

const SESSION_LIMITS = { maxConnections: 100, maxConnectionsPerAddress: 10, idleTimeoutMs: 60_000, maxSessionMs: 600_000 };

describe('the e-mail door off loopback', () => {
  let door: SmtpDoor;
  beforeAll(async () => {
    const never = () => Promise.reject(new Error('not reached'));
    door = await startSmtpDoor(
      { host: '127.0.0.1', port: 0, domain: DOMAIN, maxMessageBytes: 4096, maxRecipients: 10, allowInsecureAuth: false, ...SESSION_LIMITS },
      { accounts: { findByApiKey: never, findById: never }, email: { accountOfSender: async () => undefined, textFrom: async () => 'body' }, submit: undefined as never, clock, log: createLogger('silent') },
    );
  });
  afterAll(() => door?.close());

  it('refuses AUTH without TLS when allowInsecureAuth is false', async () => {
    const error = await nodemailer
      .createTransport({ host: '127.0.0.1', port: door.port, secure: false, ignoreTLS: true, auth: { user: 'test', pass: 'rl_x' } })
      .sendMail({ from: 'a@client.example', to: `0612345678@${DOMAIN}`, text: 'x' })
      .then(() => undefined, (e: { responseCode?: number }) => e);
    expect(error?.responseCode).toBe(538);
  });
});

describe('the e-mail door with STARTTLS', () => {
  let t: TestRelais;
  let certificate: TestCertificate;
  beforeAll(async () => {
    certificate = makeCertificate();
    const { keyFile, certFile } = certificate;
    t = await startTestRelais(
      { smtp: { enabled: true, port: 0, domain: DOMAIN, allowInsecureAuth: false, tlsKeyFile: keyFile, tlsCertFile: certFile } },
      { brand: 'Dupont' },
      clock,
    );
  });
  afterAll(async () => {
    await t?.stop();
    certificate?.remove();
  });
  const transport = (tls: boolean) =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.relais.smtpPort!,
      secure: false,
      ...(tls ? { requireTLS: true, tls: certificate.trust } : { ignoreTLS: true }),
      auth: { user: 'test', pass: t.key },
    });

  it('takes an authenticated mail after STARTTLS (the certificate checked), and delivers it', async () => {
    const info = await transport(true).sendMail({ from: 'alerts@client.example', to: `0761239001@${DOMAIN}`, text: 'Votre colis arrive demain' });
    const [id] = [...info.response.matchAll(/([0-9a-f-]{36}) queued/g)].map((m) => m[1]!);
    expect((await t.waitFor(id!, (s) => s === 'delivered')).status).toBe('delivered');
  });

  it('refuses AUTH on the same door before STARTTLS', async () => {
    const error = await transport(false)
      .sendMail({ from: 'alerts@client.example', to: `0761239002@${DOMAIN}`, text: 'x' })
      .then(() => undefined, (e: { responseCode?: number }) => e);
    expect(error?.responseCode).toBe(538);
  });
});
