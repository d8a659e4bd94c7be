import { createHash } from 'node:crypto';
import { measure, unstorableCharacter } from '../core/text/index.ts';
import { readInstant } from '../core/time/instant.ts';
import type { RecipientConsent } from '../core/consent/index.ts';
import { checkAll, mobileOf, type Checked } from './check-all.ts';
import { IdempotencyKeyReused, type FieldProblem } from './errors.ts';
import { guardMessage, type AccountCompliance, type GuardInput } from './guard-message.ts';
import type { ConsentStore, MessageClass, MessageStore, NewMessage, ShortCode, SmppReceiptRequest } from './ports.ts';
import { routed, type Router } from './route-message.ts';

/** One message as a client asks for it, on any door (HTTP today; SMPP and e-mail feed the same use case). */
export interface SendRequest {
  to: string;
  text: string;
  class: MessageClass;
  /** Sender shown on the handset: the short code (default) or an alphanumeric sender ID. */
  from?: string;
  shortCode?: string;
  /** ISO 8601 instant; the message is held until then. */
  sendAt?: string;
  reference?: string;
  /** The brand the message speaks for (STOP, the cap and "brand first" apply per brand); default the account's. */
  brand?: string;
  /** `false` leaves the STOP mention out of a transactional message; marketing always carries it. */
  stopMention?: boolean;
  /** SMPP only: the receipts the client asked for (one per submit_sm that asked), stored with the message. */
  smppReceipts?: SmppReceiptRequest[];
}

export interface Sender extends AccountCompliance {
  accountId: string;
  /** The account's name, which routing rules may name (docs/routing.md). */
  accountName?: string;
  defaultShortCode: string | null;
}

export interface SubmitDeps {
  store: MessageStore;
  /** The consent ledger: each recipient's consent and opposition for the brand. */
  consents: Pick<ConsentStore, 'states'>;
  /** The short codes this deployment sends on. */
  shortCodes: () => ReadonlyMap<string, ShortCode>;
  /** Tells local dispatcher lanes that work arrived. */
  notify: () => void;
  /** Chooses each queued message's route (docs/routing.md); without it, the short code's first route. */
  route?: Router | undefined;
}

export const MAX_SEGMENTS = 10;
export const MAX_BATCH = 10_000;

export interface Submitted {
  ids: string[];
  /** True when an Idempotency-Key replayed an earlier request: nothing new was queued. */
  replayed: boolean;
  messages: NewMessage[];
}

/**
 * Normalise and queue messages: all of them or, on any invalid one, none (every problem is reported with
 * its position). With an idempotency key the same request is queued once, whatever the retries.
 */
export async function submitMessages(
  deps: SubmitDeps,
  sender: Sender,
  requests: SendRequest[],
  now: Date,
  idempotencyKey?: string,
): Promise<Submitted> {
  const known = deps.shortCodes();
  const where = (index: number) => (requests.length === 1 ? '' : `/messages/${index}`);
  const drafts = await checkAll(requests, (request) => draftOf(request, sender, known, now), where);
  const consentOf = await consentsOf(deps, sender.accountId, drafts);
  const decided = await checkAll(drafts, (draft) => guarded(draft, sender, consentOf(draft)), where);
  const messages = decided.map((message) => routed(message, deps.route, sender.accountName));

  const claim = idempotencyKey ? { key: idempotencyKey, requestHash: hashRequests(requests) } : undefined;
  const result = await deps.store.insertMessages(messages, now, claim);
  if (result.kind === 'key-conflict') throw new IdempotencyKeyReused(idempotencyKey!);
  if (result.kind === 'inserted') deps.notify();
  return { ids: result.ids, replayed: result.kind === 'replayed', messages };
}

/** A request read and checked, not yet decided by compliance. */
export type Draft = GuardInput;

/**
 * The consent of each marketing recipient for its brand: one read per brand of the batch. Transactional
 * messages need no consent and go after a STOP (SMS Partner documentation): they cost no read.
 */
export async function consentsOf(deps: Pick<SubmitDeps, 'consents'>, accountId: string, drafts: readonly Draft[]): Promise<(draft: Draft) => RecipientConsent> {
  const byBrand = new Map<string, string[]>();
  for (const draft of drafts) {
    if (draft.class !== 'marketing') continue;
    const recipients = byBrand.get(draft.brand);
    if (recipients) recipients.push(draft.recipient);
    else byBrand.set(draft.brand, [draft.recipient]);
  }
  const states = new Map(await Promise.all([...byBrand].map(async ([brand, recipients]) => [brand, await deps.consents.states(accountId, brand, recipients)] as const)));
  return (draft) => states.get(draft.brand)?.get(draft.recipient) ?? NO_CONSENT_READ;
}

/** What a transactional message is decided with: no consent needed, no opposition read. */
const NO_CONSENT_READ: RecipientConsent = { consent: 'none', optedOut: false, since: null };

/** A draft decided by compliance for its recipient's consent: the message for the outbox, or why it is refused. */
export function guarded(draft: Draft, sender: AccountCompliance, consent: RecipientConsent): Checked<NewMessage> {
  return remeasured(guardMessage(draft, sender, consent));
}

/** The final text (the STOP mention may have been added) measured again, and held to the limit. */
function remeasured(guarded: Checked<NewMessage>): Checked<NewMessage> {
  if ('problems' in guarded) return guarded;
  const { encoding, segments } = measure(guarded.body);
  if (segments > MAX_SEGMENTS) return { problems: [tooLong(segments, encoding, 'with the STOP mention')] };
  return { ...guarded, encoding, segments };
}

function tooLong(segments: number, encoding: string, what = ''): FieldProblem {
  return { field: '/text', reason: `the text needs ${segments} SMS parts in ${encoding}${what ? ` ${what}` : ''}; the maximum is ${MAX_SEGMENTS}` };
}

/** One request read against the account and the platform's short codes; `now` is when it was asked. */
export function draftOf(request: SendRequest, sender: Sender, known: ReadonlyMap<string, ShortCode>, now: Date): Checked<Draft> {
  const problems = unstorableFields(request);
  if (problems.length > 0) return { problems };
  const recipient = mobileOf(request.to, '/to', problems);
  const address = sendingAddress(request, sender, known, problems);

  const measured = measure(request.text);
  if (request.text.length === 0) problems.push({ field: '/text', reason: 'the text is empty' });
  if (measured.segments > MAX_SEGMENTS) problems.push(tooLong(measured.segments, measured.encoding));

  let dueAt = now;
  if (request.sendAt !== undefined) {
    const sendAt = readInstant(request.sendAt);
    if ('reason' in sendAt) problems.push({ field: '/sendAt', reason: sendAt.reason });
    else if (sendAt > now) dueAt = sendAt;
  }

  if (problems.length > 0 || !recipient || !address) return { problems };
  return {
    accountId: sender.accountId,
    recipient,
    sender: address.from,
    shortCode: address.shortCode,
    class: request.class,
    brand: request.brand ?? sender.brand,
    body: request.text,
    encoding: measured.encoding,
    segments: measured.segments,
    dueAt,
    clientReference: request.reference ?? null,
    ...(request.stopMention === undefined ? {} : { stopMention: request.stopMention }),
    ...(request.smppReceipts?.length ? { smppReceipts: request.smppReceipts } : {}),
  };
}

/** The account's short codes, for a message. */
const listed = (shortCodes: readonly string[]) => shortCodes.join(', ') || 'none: the aggregator assigns short codes to accounts';

/**
 * The short code a message goes on and the sender shown on the handset, on every door (docs/domain.md rule 6):
 * the short code asked for, or the sender when it is a short code, or the account's default (or only) one —
 * always one the aggregator assigned to the account and the platform sends on. The sender is that short code, or
 * an alphanumeric name the account may use (its option, then the rules and its approved list, checked by
 * compliance); any other number — a mobile, another short code — is refused.
 */
export function sendingAddress(
  request: Pick<SendRequest, 'from' | 'shortCode'>,
  sender: Pick<Sender, 'shortCodes' | 'defaultShortCode' | 'settings'>,
  known: ReadonlyMap<string, ShortCode>,
  problems: FieldProblem[],
): { shortCode: string; from: string } | undefined {
  const { from } = request;
  const mine = sender.shortCodes;
  const numeric = from !== undefined && (mine.includes(from) || !/\p{L}/u.test(from));
  if (numeric && !mine.includes(from)) {
    problems.push({
      field: '/from',
      reason: `"${from}" cannot be the sender: a sender made of digits must be one of this account's short codes (${listed(mine)}); a mobile number never sends commercial traffic, and an alphanumeric sender needs a letter`,
    });
  } else if (numeric && request.shortCode !== undefined && request.shortCode !== from) {
    problems.push({ field: '/from', reason: `a short code sends as itself: "from" ${from} and "shortCode" ${request.shortCode} differ` });
  } else if (from !== undefined && !numeric && !sender.settings.options.includes('alphanumeric-sender')) {
    problems.push({
      field: '/from',
      reason: `"${from}" is an alphanumeric sender: the account needs the "alphanumeric-sender" option (account options, granted by the aggregator), and the name in its approved alphanumericSenders`,
    });
  }
  const shortCode = request.shortCode ?? (numeric && mine.includes(from) ? from : undefined) ?? sender.defaultShortCode ?? (mine.length === 1 ? mine[0] : undefined);
  if (shortCode === undefined) {
    problems.push({ field: '/shortCode', reason: `choose the short code to send on (this account's: ${listed(mine)})` });
    return undefined;
  }
  if (!mine.includes(shortCode)) {
    problems.push({ field: '/shortCode', reason: `${shortCode} is not one of this account's short codes (${listed(mine)})` });
  } else if (!known.has(shortCode)) {
    problems.push({ field: '/shortCode', reason: `${shortCode} is assigned to this account but no route of this platform carries it: tell the aggregator` });
  }
  return { shortCode, from: from ?? shortCode };
}

/** The text fields of a request that hold a character no door keeps (core/text/storable.ts), each named. */
function unstorableFields(request: SendRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of ['to', 'text', 'from', 'shortCode', 'sendAt', 'reference', 'brand'] as const) {
    const value = request[field];
    const reason = typeof value === 'string' ? unstorableCharacter(value) : undefined;
    if (reason) problems.push({ field: `/${field}`, reason });
  }
  return problems;
}

function hashRequests(requests: SendRequest[]): string {
  return createHash('sha256').update(JSON.stringify(requests)).digest('base64url');
}
