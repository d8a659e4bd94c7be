/**
 * The e-mail door: an SMTP server that turns a mail to <msisdn>@<domain> into SMS, through the same intake
 * use case as the HTTP API (submitMessages: normalise → compliance guard → outbox). The account is recognised
 * by SMTP AUTH (account name + one of its API keys) or by an allowlisted sender address; every recipient of a
 * mail is queued in one call, all or none, and the mail is answered 250 only once the messages are stored.
 * docs/email.md describes it for users.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { IdempotencyKeyReused, InsufficientCredit, InvalidRequest, type FieldProblem } from '../../app/errors.ts';
import type { Clock, MessageClass } from '../../app/ports.ts';
import { submitMessages, type SendRequest, type SubmitDeps, type Submitted } from '../../app/submit-messages.ts';
import { MsisdnError, parseMsisdn } from '../../core/numbers/index.ts';
import { LoginGuard } from '../login-guard.ts';
import { senderOf } from '../../app/accounts.ts';
import type { Account } from '../../app/ports/accounts.ts';
import { subjectText, trimmedBody } from './mail-text.ts';
import type { EmailSenders, TextFrom } from '../../app/ports/email.ts';

export interface SmtpDoorOptions {
  host: string;
  port: number;
  /** The domain recipients are written in: 0612345678@<domain>. */
  domain: string;
  maxMessageBytes: number;
  maxRecipients: number;
  /** Connections at once, in all and from one address; more are answered 421. */
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** A connection idle this long is closed; one open this long in all is closed, however busy. */
  idleTimeoutMs: number;
  maxSessionMs: number;
  /** AUTH over a connection that is not encrypted; default: only when listening on a loopback address. */
  allowInsecureAuth?: boolean;
  /** PEM files: with both, STARTTLS is offered. */
  tlsKeyFile?: string;
  tlsCertFile?: string;
}

export interface SmtpDoorDeps {
  accounts: { findByApiKey(key: string): Promise<Account | undefined>; findById(id: string): Promise<Account | undefined> };
  email: EmailSenders;
  submit: SubmitDeps;
  clock: Clock;
  log: Logger;
}

export interface SmtpDoor {
  readonly port: number;
  close(): Promise<void>;
}

/** Header names the door reads (case does not matter in a mail). */
export const HEADERS = {
  class: 'x-relais-class',
  sendAt: 'x-relais-send-at',
  brand: 'x-relais-brand',
  shortCode: 'x-relais-short-code',
  from: 'x-relais-from',
  text: 'x-relais-text',
} as const;

/** The longest reply text we send: SMTP reply lines are limited to 512 octets. */
const MAX_REPLY = 440;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export async function startSmtpDoor(options: SmtpDoorOptions, deps: SmtpDoorDeps): Promise<SmtpDoor> {
  const { domain, maxRecipients } = options;
  const allowInsecureAuth = options.allowInsecureAuth ?? isLoopback(options.host);
  const tls = options.tlsKeyFile && options.tlsCertFile ? { key: readFileSync(options.tlsKeyFile), cert: readFileSync(options.tlsCertFile) } : undefined;
  const log = deps.log.child({ door: 'smtp' });
  const logins = new LoginGuard({ perAccount: 5, perAddress: 20, windowMs: 60_000, blockMs: 60_000 });
  const perAddress = new Map<string, number>();

  const server = new SMTPServer({
    name: domain,
    banner: 'Relais e-mail to SMS',
    size: options.maxMessageBytes,
    authMethods: ['PLAIN', 'LOGIN'],
    // Allowlisted senders need no AUTH; onMailFrom refuses everyone else.
    authOptional: true,
    // Without STARTTLS smtp-server would accept AUTH in clear whatever allowInsecureAuth says: onAuth decides.
    allowInsecureAuth,
    ...(tls ? tls : { disabledCommands: ['STARTTLS'] }),
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 3_000,
    maxClients: options.maxConnections,
    socketTimeout: options.idleTimeoutMs,

    onConnect(session, callback) {
      const open = perAddress.get(session.remoteAddress) ?? 0;
      if (open >= options.maxConnectionsPerAddress) {
        callback(smtpError(421, `Too many connections from ${session.remoteAddress}: at most ${options.maxConnectionsPerAddress} at once`));
        return;
      }
      perAddress.set(session.remoteAddress, open + 1);
      (session as SMTPServerSession & { counted?: boolean }).counted = true;
      callback();
    },

    onClose(session) {
      if (!(session as SMTPServerSession & { counted?: boolean }).counted) return;
      const open = (perAddress.get(session.remoteAddress) ?? 1) - 1;
      if (open > 0) perAddress.set(session.remoteAddress, open);
      else perAddress.delete(session.remoteAddress);
    },

    onAuth(auth, session, callback) {
      if (!session.secure && !allowInsecureAuth) {
        callback(smtpError(538, 'Authentication needs an encrypted connection: issue STARTTLS first'));
        return;
      }
      const refused = () => smtpError(535, 'Authentication failed: the user name is the account name, the password one of its API keys');
      const attempt = logins.begin(session.remoteAddress, auth.username ?? '');
      if ('refused' in attempt) {
        log.info({ user: auth.username, remote: session.remoteAddress }, 'SMTP authentication refused: too many failures');
        callback(smtpError(454, `Authentication refused: ${attempt.refused}`));
        return;
      }
      deps.accounts.findByApiKey(auth.password ?? '').then(
        (account) => {
          const failed = !account || account.name !== auth.username;
          attempt.end(failed);
          if (failed) {
            log.info({ user: auth.username, remote: session.remoteAddress }, 'SMTP authentication refused');
            callback(refused());
          } else if (account.status !== 'active') {
            const why = `the account "${account.name}" is ${account.status}${account.statusReason ? `: ${account.statusReason}` : ''}`;
            log.warn({ user: auth.username, remote: session.remoteAddress, reason: why }, 'SMTP authentication refused: the account is not active');
            callback(smtpError(535, `Authentication refused: ${why}`));
          } else callback(null, { user: account.id });
        },
        (error: unknown) => {
          attempt.end(false);
          callback(temporaryFailure(log, error));
        },
      );
    },

    onMailFrom(address, session, callback) {
      if (session.user) {
        callback();
        return;
      }
      deps.email.accountOfSender(address.address).then(
        (accountId) =>
          callback(
            accountId
              ? null
              : smtpError(
                  530,
                  `Authentication required: log in with the account name and an API key, or send from an address allowlisted for the account (${address.address || '<>'} is not)`,
                ),
          ),
        (error: unknown) => callback(temporaryFailure(log, error)),
      );
    },

    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= maxRecipients) {
        callback(smtpError(452, `Too many recipients: at most ${maxRecipients} per mail; send the others in another mail`));
        return;
      }
      const parsed = recipientOf(address.address, domain);
      callback('problem' in parsed ? smtpError(parsed.code, parsed.problem) : null);
    },

    onData(stream, session, callback) {
      readMail(stream, options.maxMessageBytes).then(
        async (raw) => {
          if (!raw) throw smtpError(552, `Message too large: the limit is ${options.maxMessageBytes} bytes`);
          return handleMail(raw, session, deps, domain);
        },
      ).then(
        (reply) => callback(null, reply),
        (error: unknown) => callback(toSmtpError(log, error)),
      );
    },
  });
  server.on('error', (error) => log.warn({ err: error }, 'SMTP connection error'));
  // A session kept alive by a byte now and then still ends.
  server.server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), options.maxSessionMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log.info({ host: options.host, port, domain, tls: Boolean(tls), allowInsecureAuth }, 'SMTP door listening');
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The whole mail, or undefined when it went over the size limit (the rest is read and dropped). */
function readMail(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= maxBytes) chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () => resolve(stream.sizeExceeded || length > maxBytes ? undefined : Buffer.concat(chunks)));
  });
}

/** A recipient address → its E.164 number, or the SMTP reply that refuses it. */
export function recipientOf(address: string, domain: string): { e164: string } | { code: number; problem: string } {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const host = at < 0 ? '' : address.slice(at + 1);
  if (host.toLowerCase() !== domain.toLowerCase()) {
    return { code: 550, problem: `<${address}>: this server only sends SMS to <phone number>@${domain}` };
  }
  try {
    return { e164: parseMsisdn(local, { requireMobile: true }).e164 };
  } catch (error) {
    if (!(error instanceof MsisdnError)) throw error;
    return { code: 553, problem: `<${address}>: ${error.message}` };
  }
}

async function handleMail(raw: Buffer, session: SMTPServerSession, deps: SmtpDoorDeps, domain: string): Promise<string> {
  const accountId = (session.user as string | undefined) ?? (session.envelope.mailFrom ? await deps.email.accountOfSender(session.envelope.mailFrom.address) : undefined);
  const account = accountId ? await deps.accounts.findById(accountId) : undefined;
  if (!account) throw smtpError(530, 'Authentication required');
  if (account.status !== 'active') throw smtpError(554, `The account "${account.name}" is ${account.status}${account.statusReason ? `: ${account.statusReason}` : ''}; nothing is sent`);

  const mail = await parsed(raw);
  const problems: FieldProblem[] = [];
  const klass = headerOf(mail, HEADERS.class)?.toLowerCase() ?? 'transactional';
  if (klass !== 'transactional' && klass !== 'marketing') problems.push({ field: 'X-Relais-Class', reason: `"${klass}" is neither marketing nor transactional` });
  const textFromHeader = headerOf(mail, HEADERS.text)?.toLowerCase();
  if (textFromHeader !== undefined && textFromHeader !== 'body' && textFromHeader !== 'subject') {
    problems.push({ field: 'X-Relais-Text', reason: `"${textFromHeader}" is neither body nor subject` });
  }
  if (problems.length > 0) throw new InvalidRequest(problems);
  const textFrom = (textFromHeader as TextFrom | undefined) ?? (await deps.email.textFrom(account.id));
  const text = textFrom === 'subject' ? subjectText(mail.subject ?? '') : trimmedBody(mail.text ?? '');

  // One message per distinct number: 0612345678@ and +33612345678@ are the same handset.
  const recipients = [...new Set(session.envelope.rcptTo.map((r) => recipientOf(r.address, domain)).flatMap((r) => ('e164' in r ? [r.e164] : [])))];
  const sendAt = headerOf(mail, HEADERS.sendAt);
  const brand = headerOf(mail, HEADERS.brand);
  const shortCode = headerOf(mail, HEADERS.shortCode);
  const from = headerOf(mail, HEADERS.from);
  const requests: SendRequest[] = recipients.map((to) => ({
    to,
    text,
    class: klass as MessageClass,
    ...(sendAt ? { sendAt } : {}),
    ...(brand ? { brand } : {}),
    ...(shortCode ? { shortCode } : {}),
    ...(from ? { from } : {}),
  }));

  // A client that did not get our 250 sends the same mail again: its Message-ID makes that retry a replay.
  const messageId = mail.messageId;
  const key = messageId ? 'email:' + createHash('sha256').update(`${messageId}\n${recipients.join(',')}`).digest('base64url') : undefined;
  let result: Submitted;
  try {
    result = await submitMessages(
      deps.submit,
      senderOf(account),
      requests,
      deps.clock.now(),
      key,
    );
  } catch (error) {
    if (error instanceof InvalidRequest) throw new InvalidRequest(error.problems.map((p) => forMail(p, requests)));
    throw error;
  }
  deps.log.info({ door: 'smtp', account: account.name, messages: result.ids.length, replayed: result.replayed }, 'mail accepted');
  return acceptedReply(result);
}

/**
 * The mail read. A mail that cannot be read (too many MIME parts, nested too deep, broken) is refused for good
 * (554): the same bytes sent again would fail again.
 */
async function parsed(raw: Buffer): Promise<ParsedMail> {
  if (multiparts(raw) > MAX_MULTIPARTS) throw smtpError(554, `Refused, no SMS sent: the mail has more than ${MAX_MULTIPARTS} multipart containers (nested too deep, or too many parts)`);
  try {
    return await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch (error) {
    throw smtpError(554, `Refused, no SMS sent: the mail cannot be read (${(error as Error).message})`);
  }
}

/** Multipart containers a mail may hold (however nested): an SMS needs one or two; a forwarded mail a few more. */
const MAX_MULTIPARTS = 20;

function multiparts(raw: Buffer): number {
  return (raw.toString('latin1').match(/^content-type:\s*multipart\/[^\r\n]*(\r?\n[ \t][^\r\n]*)*/gim) ?? []).length;
}

/** A header's value as text (mailparser decodes encoded words; a Date-like header comes back as a Date). */
function headerOf(mail: ParsedMail, name: string): string | undefined {
  const value = mail.headers.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0].trim() || undefined : undefined;
  if (typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value.trim() || undefined;
  return undefined;
}

/** A problem of the intake told in the mail's words: the recipient instead of "/messages/3", the header instead of "/sendAt". */
function forMail(problem: FieldProblem, requests: readonly SendRequest[]): FieldProblem {
  const match = /^(?:\/messages\/(\d+))?(\/.*)$/.exec(problem.field);
  if (!match) return problem;
  const field = match[2]!;
  const to = requests[match[1] === undefined ? 0 : Number(match[1])]?.to;
  const names: Record<string, string> = { '/text': 'text', '/sendAt': 'X-Relais-Send-At', '/shortCode': 'X-Relais-Short-Code', '/from': 'X-Relais-From', '/brand': 'X-Relais-Brand', '/class': 'X-Relais-Class' };
  return { field: field === '/to' || !names[field] ? `${to ?? 'recipient'}${field === '/to' ? '' : ` ${field.slice(1)}`}` : names[field]!, reason: problem.reason };
}

function acceptedReply(result: Submitted): string {
  const each = result.ids.map((id, i) => {
    const m = result.messages[i]!;
    return m.status === 'suppressed' ? `${id} suppressed (${m.error?.code ?? 'guard'})` : `${id} queued`;
  });
  const head = `${result.replayed ? 'Already accepted (same Message-ID)' : 'Accepted'}, ${result.ids.length} SMS:`;
  return truncate(`${head} ${each.join(', ')}`);
}

function refusedReply(problems: readonly FieldProblem[]): string {
  const reasons = [...new Set(problems.map((p) => `${p.field}: ${p.reason}`))];
  return truncate(`Refused, no SMS sent: ${reasons.join('; ')}`);
}

function truncate(text: string): string {
  return text.length <= MAX_REPLY ? text : text.slice(0, MAX_REPLY - 3) + '...';
}

type SmtpError = Error & { responseCode: number };

function smtpError(code: number, message: string): SmtpError {
  return Object.assign(new Error(message), { responseCode: code });
}

function temporaryFailure(log: Logger, error: unknown): SmtpError {
  log.error({ err: error }, 'SMTP door: temporary failure');
  return smtpError(451, 'Temporary failure, nothing was sent; try again later');
}

function toSmtpError(log: Logger, error: unknown): SmtpError {
  if (error instanceof Error && typeof (error as Partial<SmtpError>).responseCode === 'number') return error as SmtpError;
  if (error instanceof InvalidRequest) return smtpError(550, refusedReply(error.problems));
  if (error instanceof InsufficientCredit) return smtpError(452, `Insufficient credit, nothing was sent: ${error.message}`);
  if (error instanceof IdempotencyKeyReused) return smtpError(550, 'Refused: this Message-ID was already used for another mail to the same recipients; send it with a new Message-ID');
  return temporaryFailure(log, error);
}
