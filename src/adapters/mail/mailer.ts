import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Mailer, OutgoingMail } from '../../app/sign-in.ts';

export interface MailSettings {
  /** The SMTP relay; without a host, mails are written to `outboxDir` instead of sent. */
  smtp: { host?: string | undefined; port: number; secure: boolean; user?: string | undefined; password?: string | undefined };
  from: string;
  outboxDir: string;
}

/**
 * Sends the mails of signing in (invitations, password resets) through the configured SMTP relay, or, with none
 * configured (the embedded defaults), writes each as an .eml file in the outbox directory, where a newcomer reads it.
 */
export function createMailer(settings: MailSettings): Mailer & { readonly outboxDir: string | undefined } {
  const { smtp, from } = settings;
  if (smtp.host) {
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    });
    return {
      outboxDir: undefined,
      send: async (mail) => {
        await transport.sendMail({ from, ...mail });
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let sequence = 0;
  return {
    outboxDir: settings.outboxDir,
    send: async (mail: OutgoingMail) => {
      const info = await transport.sendMail({ from, ...mail });
      mkdirSync(settings.outboxDir, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++sequence}.eml`;
      writeFileSync(path.join(settings.outboxDir, name), info.message as Buffer, { mode: 0o600 });
    },
  };
}
