/**
 * The e-mail door against hostile or careless senders: a NUL in the text, MIME too deep or with thousands of parts
 * (a permanent refusal: retrying the same bytes cannot help), guessed passwords, too many connections, and a
 * session kept open by a command now and then.
 */
import { connect, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';
import { eventually } from '../../support/waiting.ts';

const DOMAIN = 'sms.test';

describe('the e-mail door against hostile senders', () => {
  let t: TestRelais;
  const sockets: Socket[] = [];
  let seq = 0;
  const fresh = () => `0761299${String(++seq).padStart(3, '0')}@${DOMAIN}`;
  const send = (mail: Record<string, unknown>, auth = { user: 'test', pass: '' }) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: t.relais.smtpPort!, secure: false, ignoreTLS: true, auth: { ...auth, pass: auth.pass || t.key } })
      .sendMail({ from: 'alerts@client.example', subject: 'Alerte', ...mail })
      .then(
        (info) => ({ code: 250, response: info.response }),
        (error: { responseCode?: number; response?: string }) => ({ code: error.responseCode, response: error.response ?? '' }),
      );
  const stored = async () => Object.values((await t.api('GET', '/v1/messages/summary')).body.byStatus as Record<string, number>).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    t = await startTestRelais({
      smtp: { enabled: true, port: 0, domain: DOMAIN, maxMessageBytes: 2_000_000, maxConnectionsPerAddress: 4, maxSessionMs: 3_000 },
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await t?.stop();
  });

  /** A raw SMTP connection, once its greeting (or refusal) has arrived. */
  async function rawConnection(): Promise<{ socket: Socket; greeting: string; closed: Promise<void> }> {
    const socket = connect(t.relais.smtpPort!, '127.0.0.1');
    sockets.push(socket);
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const greeting = await new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))));
    return { socket, greeting, closed };
  }

  it('refuses a text holding a NUL for good (550), queuing nothing', async () => {
    const before = await stored();
    const refused = await send({ to: fresh(), text: 'Code\u00001234' });
    expect(refused.code).toBe(550);
    expect(refused.response).toMatch(/text: contains a NUL character/);
    expect(await stored()).toBe(before);
  });

  it('refuses a mail with thousands of MIME parts, or nested too deep, for good (554)', async () => {
    const many = await send({ to: fresh(), text: 'Bonjour', attachments: Array.from({ length: 1500 }, (_, i) => ({ filename: `${i}.txt`, content: 'x' })) });
    expect(many, many.response).toMatchObject({ code: 554 });
    let nested = 'Content-Type: text/plain\r\n\r\nBonjour\r\n';
    for (let i = 0; i < 30; i++) nested = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${nested}--b${i}--\r\n`;
    const deep = await send({ envelope: { from: 'alerts@client.example', to: [fresh()] }, raw: `From: alerts@client.example\r\nTo: x@${DOMAIN}\r\nSubject: x\r\nMIME-Version: 1.0\r\n${nested}` });
    expect(deep.code).toBe(554);
    expect(deep.response).toMatch(/multipart containers/);
  });

  it('refuses AUTH for a while after 5 failures for that user from that address, even with the right key', async () => {
    for (let i = 0; i < 5; i++) expect((await send({ to: fresh(), text: 'x' }, { user: 'test', pass: `rl_wrong${i}` })).code).toBe(535);
    const locked = await send({ to: fresh(), text: 'x' });
    expect(locked.code).toBe(454);
    expect(locked.response).toMatch(/too many failed logins/);
  });

  it('refuses connections over the per-address limit with 421', async () => {
    const open = [];
    for (let i = 0; i < 4; i++) open.push(await rawConnection());
    expect(open.map((c) => c.greeting.slice(0, 3))).toEqual(['220', '220', '220', '220']);
    const fifth = await rawConnection();
    expect(fifth.greeting).toMatch(/^421 .*Too many connections/);
    for (const { socket } of [...open, fifth]) socket.destroy();
  });

  it('closes a session kept open by a NOOP now and then once it has lasted its maximum', async () => {
    const { socket, closed } = await rawConnection();
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    const noop = setInterval(() => socket.writable && socket.write('NOOP\r\n'), 200);
    try {
      await eventually(() => isClosed, 'the session to be closed', 10_000, 20);
    } finally {
      clearInterval(noop);
    }
  });
});
