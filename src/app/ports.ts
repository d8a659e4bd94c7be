/**
 * Ports: the small interfaces the use cases, the doors and the dispatcher need from the outside world.
 * The consumer declares them; adapters in src/adapters implement them. The message, outbox and route ports and the
 * operator link live here; the others, one file per concern, in ports/ (re-exported below). Each port documents its
 * contract as MUST / SHOULD; the contract test suites in test/contracts check every implementation.
 */
import type { SendDay } from '../core/compliance/index.ts';
import type { ReceiptState } from '../core/message/receipts.ts';
import type { MessageClass } from '../core/message/status.ts';
import type { LateAnswer, LinkAddress, LinkFailure, MobileOriginated, OutboundPart, Receipt, SubmitOutcome } from '../core/message/wire.ts';

export type { LateAnswer, LinkAddress, LinkFailure, MessageClass, MobileOriginated, OutboundPart, Receipt, ReceiptState, SubmitOutcome };

/** Time source. Everything that needs "now" gets it from here, so tests can drive time. */
export interface Clock {
  now(): Date;
}

// ---------------------------------------------------------------------------------------------
// Operator link: one session (SMPP, UCP…) to an operator SMSC, as the dispatcher sees it.
// ---------------------------------------------------------------------------------------------

export interface LinkHandlers {
  /**
   * Called for each receipt. The link MUST acknowledge the receipt to the SMSC only after the returned
   * promise resolves (the receipt is then stored), and MUST NOT acknowledge it if the promise rejects.
   */
  onReceipt(receipt: Receipt): Promise<void>;
  /** Same contract as onReceipt, for mobile-originated messages. */
  onMobileOriginated(mo: MobileOriginated): Promise<void>;
  /** Link state changes, for logs and metrics. */
  onStateChange?(state: LinkState, detail?: string): void;
}

export type LinkState = 'connecting' | 'bound' | 'down' | 'stopped';

/**
 * Contract (checked by test/contracts/operator-link.contract.ts for every implementation):
 * - MUST keep at most `window` submits unanswered; `freeWindow()` says how many more may be written now
 *   (0 while the link is not bound).
 * - MUST settle every `submit` promise: on response, on response timeout (`in-doubt`), or when the link drops
 *   (`in-doubt` if the PDU was written, `not-sent` otherwise). It never rejects.
 * - MUST keep the link alive when idle (enquire_link / UCP 31) and reconnect with backoff after a failure,
 *   until `stop()`.
 * - MUST answer receipts and MOs only after their handler resolved (see LinkHandlers).
 * - SHOULD report state changes.
 */
export interface OperatorLink {
  readonly name: string;
  start(handlers: LinkHandlers): void;
  /** Waits for outstanding submits to settle (or time out), then closes the session. */
  stop(): Promise<void>;
  state(): LinkState;
  freeWindow(): number;
  /** Resolves as soon as freeWindow() may have become positive, or after `maxWaitMs`. */
  waitForCapacity(maxWaitMs: number): Promise<void>;
  submit(part: OutboundPart): Promise<SubmitOutcome>;
}

// ---------------------------------------------------------------------------------------------
// Store: the outbox as the use cases (intake, reads) and the dispatcher see it.
// ---------------------------------------------------------------------------------------------

/** A message ready for the outbox: normalised, encoded, routed, decided by compliance. */
export interface NewMessage {
  accountId: string;
  recipient: string;
  sender: string;
  shortCode: string;
  class: MessageClass;
  brand: string;
  body: string;
  encoding: 'gsm7' | 'ucs2';
  segments: number;
  dueAt: Date;
  clientReference: string | null;
  /**
   * `suppressed`: accepted and kept, never sent (no consent, opted out, over the cap), with the rule and reason;
   * `failed`: accepted and kept, no route may carry it (docs/routing.md), with the reason.
   */
  status: 'queued' | 'suppressed' | 'failed';
  error: { code: string; reason: string } | null;
  /** The compliance decision, kept with the message as evidence. */
  compliance: ComplianceRecord | null;
  /**
   * Marketing under the frequency cap: the store gives it the first day with a free slot, atomically, trying
   * `first` then each `dayAfter` (at most `maxDays` days); none free → suppressed.
   */
  cap: CapPlan | null;
  /** Set on the messages a campaign queued. */
  campaignId?: string | null;
  /** The route chosen at intake, why, and its fallbacks (docs/routing.md); absent: the short code's first route. */
  route?: MessageRoute | null;
  /**
   * Taken over SMPP asking for receipts: stored with the message, in the same statement. One per submit_sm that
   * asked (several parts of a concatenated message may).
   */
  smppReceipts?: SmppReceiptRequest[] | null;
}

/** Where a message goes: the route routing chose, the reason, and the routes it may fall back on, in order. */
export interface MessageRoute {
  name: string;
  reason: string;
  fallbacks: readonly string[];
  /** The recipient's operator as routing saw it (not stored: the reason says it). */
  operator?: string | undefined;
}

/**
 * An SMPP client's registered_delivery (1 always, 2 on failure) for one submit_sm, the id its receipt names and the
 * source address it goes back to.
 */
export interface SmppReceiptRequest {
  /** The message_id the client was given for that submit_sm; null when it was the message id itself. */
  receiptId: string | null;
  registeredDelivery: number;
  sourceAddr: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
}

export interface CapPlan {
  first: SendDay;
  /** Messages a recipient may get per local day for the brand. */
  perDay: number;
  maxDays: number;
  /** The next day the rules allow after `day` (core/compliance `nextSendDay`), or undefined. */
  dayAfter(day: SendDay): SendDay | undefined;
}

/** What compliance decided for a message: the rule set and every rule that did not simply pass. */
export interface ComplianceRecord {
  ruleSet: string;
  decision: 'allow' | 'defer' | 'reject';
  notes: { rule: string; verdict: string; reason: string }[];
}

export interface IdempotencyClaim {
  key: string;
  /** Hash of the request body: the same key with another body is a client error. */
  requestHash: string;
}

export type InsertResult =
  | { kind: 'inserted'; ids: string[] }
  /** The idempotency key was seen with the same request: the messages it created. */
  | { kind: 'replayed'; ids: string[] }
  /** The idempotency key was seen with a different request. */
  | { kind: 'key-conflict' };

export interface MessagePartView {
  index: number;
  smscMessageId: string;
  submittedAt: Date;
  receipt: { state: ReceiptState; errorCode: string | null; at: Date | null } | null;
}

export interface MessageEventView {
  status: string;
  reason: string | null;
  at: Date;
}

export interface MessageView {
  id: string;
  recipient: string;
  sender: string;
  shortCode: string;
  class: MessageClass;
  body: string;
  encoding: 'gsm7' | 'ucs2';
  segments: number;
  status: string;
  dueAt: Date;
  attempts: number;
  possibleDuplicate: boolean;
  clientReference: string | null;
  error: { code: string | null; reason: string } | null;
  createdAt: Date;
  submittedAt: Date | null;
  doneAt: Date | null;
}

export interface MessageDetail extends MessageView {
  brand: string;
  /** Where routing sent it: the route, why, and its remaining fallbacks (null: not routed). */
  route: MessageRoute | null;
  /** What compliance decided, with the rule set that decided it (null: decided before traces were kept). */
  compliance: ComplianceRecord | null;
  parts: MessagePartView[];
  events: MessageEventView[];
}

export interface MessageFilter {
  status?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Only messages of these brands (a principal limited to some brands: docs/accounts.md). */
  brands?: readonly string[];
}

/** Opaque position in a listing, newest first. */
export interface ListCursor {
  createdAt: Date;
  id: string;
}

/**
 * Contract (test/contracts/message-store.contract.ts): inserts are atomic per call (all messages or none);
 * an idempotency key is bound to its first request for the account; reads never see another account's data.
 */
export interface MessageStore {
  /** Once inserted, each message's `dueAt`, `status` and `error` say where the frequency cap put it. */
  insertMessages(messages: NewMessage[], now: Date, idempotency?: IdempotencyClaim): Promise<InsertResult>;
  getMessage(accountId: string, id: string): Promise<MessageDetail | undefined>;
  listMessages(accountId: string, filter: MessageFilter, after: ListCursor | undefined, limit: number): Promise<MessageView[]>;
  countByStatus(accountId: string, brands?: readonly string[]): Promise<Record<string, number>>;
  /** Moves a queued message to cancelled; false when it is no longer queued. */
  cancelMessage(accountId: string, id: string, now: Date): Promise<boolean>;
  /** Puts an in-doubt message back in the queue (flagged possible duplicate); false when it is not in doubt. */
  retryInDoubt(accountId: string, id: string, now: Date): Promise<boolean>;
}

/** What a dispatcher lane asks the outbox for: due messages routed on `route` for `shortCode`. */
export interface ClaimWant {
  route: string;
  shortCode: string;
  limit: number;
}

/** A message the dispatcher has claimed (status `submitting`). */
export interface ClaimedMessage {
  id: string;
  accountId: string;
  recipient: string;
  sender: string;
  shortCode: string;
  body: string;
  encoding: 'gsm7' | 'ucs2';
  segments: number;
  /** Parts already accepted by the SMSC in an earlier attempt (they are not sent again). */
  partsAccepted: number;
  attempts: number;
}

export interface AcceptedPart {
  index: number;
  smscMessageId: string;
  at: Date;
}

/** What one attempt did, for the outbox. `acceptedParts` are the parts the SMSC took during this attempt. */
export type AttemptOutcome = { messageId: string; acceptedParts: AcceptedPart[]; route: string } & (
  | { kind: 'submitted' }
  | { kind: 'retry'; dueAt: Date; reason: string; countsAsAttempt: boolean }
  | { kind: 'failed'; code: string | null; reason: string }
  | { kind: 'in-doubt'; reason: string }
);

/**
 * Contract (test/contracts/outbox-store.contract.ts):
 * - claimDue MUST hand each queued, due message to exactly one caller, transactional before marketing, and
 *   mark it `submitting` durably before returning it;
 * - record MUST store outcomes before receipts, so a receipt that overtook its submit response is matched in
 *   the same call, and MUST resolve only once both are durable; a receipt for an unknown id is kept and
 *   matched when the id appears (matchPendingReceipts does it for ids recorded by another process); a record the
 *   database refuses for its content is kept aside with the reason instead (and record resolves), any other
 *   failure rejects, and recording the same thing again changes nothing;
 * - a final receipt is never overwritten by a later one for the same part (duplicates are ignored);
 * - leases give a route to one owner at a time; recoverOrphans settles what a dead owner left `submitting`.
 */
export interface OutboxStore {
  /** Claims, for each (route, short code), up to its limit of due messages routed there. */
  claimDue(wants: ClaimWant[], now: Date): Promise<ClaimedMessage[]>;
  record(batch: { outcomes: AttemptOutcome[]; receipts: { route: string; receipt: Receipt }[] }, now: Date): Promise<void>;
  matchPendingReceipts(now: Date): Promise<number>;
  /** Stores a mobile-originated message as received, before the link acknowledges it. */
  recordInbound(route: string, mo: MobileOriginated): Promise<void>;
  acquireLease(route: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  releaseLease(route: string, owner: string): Promise<void>;
  /** Settles messages left `submitting` on these routes by a previous owner: in doubt, or queued again per account policy. */
  recoverOrphans(routes: string[], now: Date): Promise<{ inDoubt: number; requeued: number }>;
  /**
   * Failover: moves the queued messages of a route that cannot send (`from`) to the first of their fallbacks that
   * can (`usable`), at most `limit`, each with an event giving the reason; returns how many moved. A message
   * without a usable fallback stays where it is.
   */
  failOver(from: string, usable: readonly string[], reason: string, limit: number, now: Date): Promise<number>;
  /**
   * A late answer to the part `partIndex` of a message recorded in doubt: accepted, the part is recorded (a receipt
   * already waiting for its id is matched) and the message is submitted, or queued for its next parts; refused, it
   * was not sent: queued again, or failed for a permanent refusal. False when the message is no longer in doubt
   * (settled otherwise meanwhile), or in doubt about another part.
   */
  settleLateAnswer(answer: { messageId: string; route: string; partIndex: number; answer: LateAnswer }, now: Date): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Routes (operator links) and short codes.
// ---------------------------------------------------------------------------------------------

/** Connection settings beyond host and credentials; every field optional, defaults belong to the link. */
export interface RouteSettings {
  window?: number;
  responseTimeoutMs?: number;
  /** Submits in a row unanswered in time before the session is restarted. */
  restartAfterUnanswered?: number;
  /** SMPP */
  systemType?: string;
  enquireLinkIntervalMs?: number;
  /** Address type of short-code senders on this route (SMPP TON/NPI). */
  shortCodeTon?: number;
  shortCodeNpi?: number;
  /** UCP */
  keepAliveIntervalMs?: number;
  loginTon?: string;
  loginNpi?: string;
  internationalPrefix?: string;
  bufferedNotifications?: boolean;
  expiredReasons?: string[];
}

export interface Route {
  name: string;
  protocol: 'smpp' | 'ucp';
  host: string;
  port: number;
  /** Who the link logs in as: the SMPP system_id, or the UCP login's OAdC (for Orange, the short code). */
  systemId: string;
  password: string;
  settings: RouteSettings;
  /** The operator the route reaches (Arcep code: ORAN, SFR0, BOUY, FRTE…), when known. */
  operator?: string | undefined;
  /** The route carries only its operator's subscribers (Orange's push-SMS offer). */
  subscribersOnly?: boolean | undefined;
}

export interface ShortCode {
  number: string;
  /** The route that carries it first (its default route). */
  route: string;
  /** Other routes that carry it too, in order of preference after `route` (docs/routing.md). */
  alsoOn?: readonly string[] | undefined;
  /** Submits per second the operator accepts on this short code; 0 pauses it. */
  ratePerSecond: number;
}

/** Every route that carries a short code, in order. */
export const routesOf = (shortCode: Pick<ShortCode, 'route' | 'alsoOn'>): string[] => [shortCode.route, ...(shortCode.alsoOn ?? [])];

export interface RouteStore {
  routes(): Promise<Route[]>;
  shortCodes(): Promise<ShortCode[]>;
  /** The routes an aggregator paused now, with the reason given. */
  paused(): Promise<Map<string, string>>;
  /** Pauses a route with a reason (its traffic fails over, or waits), or resumes it (null); false: no such route. */
  setPaused(name: string, reason: string | null, now: Date): Promise<boolean>;
}

/** The structured logger every component receives (pino's shape). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}


// ---------------------------------------------------------------------------------------------
// The other ports, one file per concern in ports/ (consumers import them from here or from their file).
// ---------------------------------------------------------------------------------------------

export * from './ports/accounts.ts';
export * from './ports/alarms.ts';
export * from './ports/audit.ts';
export * from './ports/billing.ts';
export * from './ports/campaigns.ts';
export * from './ports/consent.ts';
export * from './ports/contacts.ts';
export * from './ports/email.ts';
export * from './ports/mo.ts';
export * from './ports/operator-costs.ts';
export * from './ports/people.ts';
export * from './ports/retention.ts';
export * from './ports/smpp.ts';
export * from './ports/statistics.ts';
export * from './ports/webhooks.ts';
