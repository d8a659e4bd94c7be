import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { createMailer } from '../../../src/adapters/mail/mailer.ts';

describe('the mailer of invitations and password resets', () => {
  it('with no SMTP relay configured, writes each mail as an .eml file in the outbox directory', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'relais-outbox-')), 'outbox');
    try {
      const mailer = createMailer({ smtp: { port: 587, secure: false }, from: 'Relais <relais@localhost>', outboxDir: dir });
      await mailer.send({ to: 'a@example.com', subject: 'Objet accentué', text: 'Bonjour,\nle lien.' });
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      const eml = readFileSync(path.join(dir, files[0]!), 'utf8');
      expect(eml).toMatch(/^To: a@example.com$/m);
      expect(eml).toMatch(/^From: Relais <relais@localhost>$/m);
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it('with an SMTP relay configured, sends through it (with its login)', async () => {
    const received: { from: string; to: string[]; data: string; user?: string }[] = [];
    const server = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString(), user: session.user as string });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.server.address() as AddressInfo).port;
      const mailer = createMailer({ smtp: { host: '127.0.0.1', port, secure: false, user: 'relais', password: 'secret' }, from: 'relais@example.net', outboxDir: '/nonexistent' });
      expect(mailer.outboxDir).toBeUndefined();
      await mailer.send({ to: 'b@example.com', subject: 'Hello', text: 'the link' });
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ from: 'relais@example.net', to: ['b@example.com'], user: 'relais' });
      expect(received[0]!.data).toMatch(/Subject: Hello/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
