/** The mails Relais wrote to its outbox directory (no SMTP relay configured), as a reader would open them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';

export interface ReadMail {
  to: string;
  subject: string;
  text: string;
  file: string;
}

export async function mailsIn(dir: string): Promise<ReadMail[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
  const mails: ReadMail[] = [];
  for (const file of files) {
    const parsed = await simpleParser(readFileSync(path.join(dir, file)));
    const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? '');
    mails.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '', file });
  }
  return mails;
}

/** The last mail to this address, and the token of the link it carries. */
export async function lastMailTo(dir: string, address: string): Promise<ReadMail & { link: string; token: string }> {
  const mail = (await mailsIn(dir)).filter((m) => m.to.includes(address)).at(-1);
  if (!mail) throw new Error(`no mail to ${address} in ${dir}`);
  const link = /https?:\/\/\S+\?token=(\S+)/.exec(mail.text);
  if (!link) throw new Error(`the mail to ${address} carries no link: ${mail.text}`);
  return { ...mail, link: link[0], token: decodeURIComponent(link[1]!) };
}
