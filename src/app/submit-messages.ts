import { createHash } from 'node:crypto';
import { measure } from '../core/text/index.ts';
import { MsisdnError, parseMsisdn } from '../core/numbers/index.ts';
import { IdempotencyKeyReused, InvalidRequest, type FieldProblem } from './errors.ts';
import type { MessageClass, MessageStore, NewMessage, ShortCode } from './ports.ts';

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
}

export interface Sender {
  accountId: string;
  defaultShortCode: string | null;
}

export interface SubmitDeps {
  store: MessageStore;
  /** The short codes this deployment sends on. */
  shortCodes: () => ReadonlyMap<string, ShortCode>;
  /** Tells local dispatcher lanes that work arrived. */
  notify: () => void;
}

export const MAX_SEGMENTS = 10;
export const MAX_BATCH = 10_000;
const YIELD_EVERY = 250;

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
  const problems: FieldProblem[] = [];
  const messages: NewMessage[] = [];
  const known = deps.shortCodes();
  for (const [index, request] of requests.entries()) {
    // A batch of 10,000 takes a while to normalise: let the dispatcher's timers run in between.
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
    const at = requests.length === 1 ? '' : `/messages/${index}`;
    const result = toNewMessage(request, sender, known, now);
    if ('problems' in result) problems.push(...result.problems.map((p) => ({ ...p, field: at + p.field })));
    else messages.push(result);
  }
  if (problems.length > 0) throw new InvalidRequest(problems);

  const claim = idempotencyKey ? { key: idempotencyKey, requestHash: hashRequests(requests) } : undefined;
  const result = await deps.store.insertMessages(messages, now, claim);
  if (result.kind === 'key-conflict') throw new IdempotencyKeyReused(idempotencyKey!);
  if (result.kind === 'inserted') deps.notify();
  return { ids: result.ids, replayed: result.kind === 'replayed', messages };
}

function toNewMessage(request: SendRequest, sender: Sender, known: ReadonlyMap<string, ShortCode>, now: Date): NewMessage | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const recipient = recipientOf(request.to, problems);

  const shortCode = request.shortCode ?? sender.defaultShortCode ?? (known.size === 1 ? [...known.keys()][0]! : undefined);
  if (!shortCode) {
    problems.push({ field: '/shortCode', reason: `choose the short code to send on (one of ${[...known.keys()].join(', ') || 'none configured'})` });
  } else if (!known.has(shortCode)) {
    problems.push({ field: '/shortCode', reason: `${shortCode} is not a short code of this platform (known: ${[...known.keys()].join(', ') || 'none'})` });
  }

  const measured = measure(request.text);
  if (request.text.length === 0) problems.push({ field: '/text', reason: 'the text is empty' });
  if (measured.segments > MAX_SEGMENTS) {
    problems.push({ field: '/text', reason: `the text needs ${measured.segments} SMS parts in ${measured.encoding}; the maximum is ${MAX_SEGMENTS}` });
  }

  let dueAt = now;
  if (request.sendAt !== undefined) {
    const sendAt = new Date(request.sendAt);
    if (Number.isNaN(sendAt.getTime())) problems.push({ field: '/sendAt', reason: `"${request.sendAt}" is not an ISO 8601 date-time` });
    else if (sendAt > now) dueAt = sendAt;
  }

  if (problems.length > 0 || !recipient || !shortCode) return { problems };
  return {
    accountId: sender.accountId,
    recipient,
    sender: request.from ?? shortCode,
    shortCode,
    class: request.class,
    body: request.text,
    encoding: measured.encoding,
    segments: measured.segments,
    dueAt,
    clientReference: request.reference ?? null,
  };
}

/** What the client typed → E.164 mobile number, or a problem saying why not. */
function recipientOf(to: string, problems: FieldProblem[]): string | undefined {
  try {
    return parseMsisdn(to, { requireMobile: true }).e164;
  } catch (error) {
    if (!(error instanceof MsisdnError)) throw error;
    problems.push({ field: '/to', reason: error.message });
    return undefined;
  }
}

function hashRequests(requests: SendRequest[]): string {
  return createHash('sha256').update(JSON.stringify(requests)).digest('base64url');
}
