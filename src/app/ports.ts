/**
 * Ports: the small interfaces the use cases and the dispatcher need from the outside world.
 * The consumer declares them; adapters in src/adapters implement them. Each port documents its
 * contract as MUST / SHOULD; the contract test suites in test/contracts check every implementation.
 */
import type { SendDay } from '../core/compliance/index.ts';
import type { Attribution, ConsentEvent, ConsentEvidence, MarketingReceived, RecipientConsent } from '../core/consent/index.ts';

export type { Attribution, MarketingReceived };
import type { ColumnTarget, Contact, CustomFieldDef, ImportedRow } from '../core/contacts/types.ts';
import type { SegmentFilter } from '../core/contacts/segment.ts';
import type { CampaignStatus } from '../core/campaign/lifecycle.ts';
import type { ReceiptState } from '../core/message/receipts.ts';
import type { MessageClass } from '../core/message/status.ts';
import type { LateAnswer, LinkAddress, LinkFailure, MobileOriginated, OutboundPart, Receipt, SubmitOutcome } from '../core/message/wire.ts';

export type { CampaignStatus, LateAnswer, LinkAddress, LinkFailure, MessageClass, MobileOriginated, OutboundPart, Receipt, ReceiptState, SubmitOutcome };

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
// Consent.
// ---------------------------------------------------------------------------------------------

/** Evidence to append to the consent ledger (core/consent); `dated` defaults to true (`occurredAt` came with it). */
export type NewConsentEvent = Omit<ConsentEvidence, 'channel' | 'wording' | 'reference' | 'ip' | 'dated'> &
  Partial<Pick<ConsentEvidence, 'channel' | 'wording' | 'reference' | 'ip' | 'dated'>>;

/** What recording one piece of evidence did. */
export interface RecordedConsent {
  /** The event recorded, or the identical one already in the ledger. */
  event: ConsentEvent;
  /** Identical evidence was already recorded: nothing new. */
  duplicate: boolean;
  /** An opt-in (new or already recorded) that does not re-open consent: the recipient's opt-out that still stands. */
  overruledBy: ConsentEvent | null;
}

/**
 * The consent ledger: append-only; `states` derives each recipient's state for a brand (its own events and
 * those for every brand, '*').
 */
export interface ConsentStore {
  /** Appends the evidence (identical evidence already recorded is not recorded twice), all or none. */
  record(events: NewConsentEvent[], now: Date): Promise<RecordedConsent[]>;
  /** Every event of a recipient for the account, oldest first. */
  history(accountId: string, recipient: string): Promise<ConsentEvent[]>;
  states(accountId: string, brand: string, recipients: readonly string[]): Promise<Map<string, RecipientConsent>>;
}


/** A received MO as stored, with what it asked for and whom it was attributed to. */
export interface InboundRecord {
  route: string;
  mo: MobileOriginated;
  intent: string;
  keyword: string | null;
  /** Whom it is for, one attribution per account (none: stored unattributed). */
  attributions: readonly Attribution[];
}

export interface MoStore {
  /**
   * Stores an MO as received: a copy for each attributed account (each lists it, and its webhooks and SMPP
   * receiver binds get it), or one unattributed. Returns the id of each account's copy (key null: unattributed).
   */
  recordInbound(record: InboundRecord): Promise<Map<string | null, string>>;
  /**
   * The marketing that reached `recipient` on `shortCode` between `since` and `until` (handed to the SMSC and not
   * reported undelivered): the latest per account and brand.
   */
  marketingReceived(shortCode: string, recipient: string, since: Date, until: Date): Promise<MarketingReceived[]>;
  /** The accounts that may send on `shortCode`. */
  accountsOn(shortCode: string): Promise<string[]>;
  /** Marketing messages to `recipient` on `shortCode` claimed and not yet answered by the SMSC. */
  marketingInFlight(shortCode: string, recipient: string): Promise<number>;
  /** The MOs attributed to an account, newest first, before the id `before` when given. */
  listInbound(accountId: string, limit: number, before?: string, brands?: readonly string[]): Promise<InboundView[]>;
}

export interface InboundView {
  id: string;
  from: string;
  to: string;
  text: string;
  intent: string;
  keyword: string | null;
  brand: string | null;
  receivedAt: Date;
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
// Contacts, imports and campaigns.
// ---------------------------------------------------------------------------------------------

export interface ContactBase {
  id: string;
  accountId: string;
  name: string;
  customFields: CustomFieldDef[];
  createdAt: Date;
}

export interface ContactList {
  id: string;
  baseId: string;
  name: string;
}

export interface Segment {
  id: string;
  baseId: string;
  name: string;
  filter: SegmentFilter;
}

/** A stored contact, with its id (ordered: campaigns walk their audience by it). */
export interface StoredContact extends Contact {
  id: string;
  lastActivityAt: Date | null;
}

/** How an import reads its file and what it records. */
export interface ImportSettings {
  encoding: string;
  delimiter: string;
  headers: string[] | null;
  targets: ColumnTarget[];
  /** Consent columns are recorded for this brand, with this channel and wording (the evidence). */
  consent: { brand: string; channel: string | null; wording: string | null };
}

export type ImportStatus = 'running' | 'completed' | 'rolled-back';

export interface ImportRecord {
  id: string;
  accountId: string;
  baseId: string;
  listId: string | null;
  fileName: string | null;
  status: ImportStatus;
  settings: ImportSettings;
  /** The furthest line of the file settled (stored or rejected); a resumed import skips every settled range. */
  linesDone: number;
  rowsInserted: number;
  rowsMerged: number;
  rowsRejected: number;
  /** Consent events recorded (identical evidence already in the ledger is not recorded again). */
  consents: number;
  /** Opt-ins kept as evidence that did not re-open consent: the recipient had opted out (import notices). */
  consentsNotReopened: number;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface ImportRejection {
  line: number;
  reason: string;
  raw: string;
}

/** A row the import kept, with something the client must know (an opt-in that did not re-open consent). */
export interface ImportNotice {
  line: number;
  msisdn: string;
  reason: string;
}

/** The rows of the file's lines `firstLine`..`lastLine`, settled in one transaction. */
export interface ImportChunk {
  rows: { line: number; row: ImportedRow }[];
  rejections: ImportRejection[];
  firstLine: number;
  lastLine: number;
}

/** Who a campaign (or a segment count) is for: contacts of these bases, in any of the lists, matching the segment. */
export interface Audience {
  baseIds: string[];
  listIds: string[];
  segment: SegmentFilter | null;
  /** The custom fields of the bases: the segment's conditions compare values of their types. */
  customFields: CustomFieldDef[];
}

/** A contact of an audience, with what the guards need to know of it. */
export interface AudienceMember {
  contact: StoredContact;
  /** The consent state for the brand (core/consent's rule): null when there is no event. */
  consent: 'opt-in' | 'soft-opt-in' | 'opt-out' | null;
  /** Local days (YYYY-MM-DD), from yesterday on, on which the recipient already has marketing slots for the brand. */
  capDays: string[];
}

export interface AudienceScope {
  accountId: string;
  brand: string;
  now: Date;
}

/**
 * Contract: every read and write is scoped to the account (a base of another account is not found); an import
 * chunk is settled whole or not at all (contacts, consent events, rejections and its line range together).
 */
export interface ContactStore {
  createBase(accountId: string, name: string, customFields: CustomFieldDef[], now: Date): Promise<ContactBase>;
  /** By id or by name. */
  findBase(accountId: string, idOrName: string): Promise<ContactBase | undefined>;
  listBases(accountId: string): Promise<(ContactBase & { contacts: number })[]>;
  /** Adds custom fields (a field of the same name must have the same type). */
  addCustomFields(base: ContactBase, fields: CustomFieldDef[]): Promise<ContactBase>;
  /** Inserts or merges contacts (non-empty fields replace the stored ones); how many were new and merged. */
  upsertContacts(base: ContactBase, contacts: Contact[], now: Date): Promise<{ inserted: number; merged: number }>;
  getContact(base: ContactBase, mobile: string): Promise<StoredContact | undefined>;
  listContacts(base: ContactBase, afterId: string | undefined, limit: number): Promise<StoredContact[]>;
  /** Deletes the numbers from the base, or from every base of the account; each removal audited with the reason. How many contacts. */
  removeNumbers(accountId: string, mobiles: string[], reason: string, now: Date, base?: ContactBase): Promise<number>;

  /**
   * Number hygiene: removes, from every base of their account, the recipients whose messages failed with one of
   * `errors` (receipt error codes per protocol) more than `limit` times since `since`; each removal audited.
   */
  removeUnreachable(errors: Readonly<Record<string, readonly string[]>>, limit: number, since: Date, reason: string, now: Date): Promise<number>;

  createList(base: ContactBase, name: string, now: Date): Promise<ContactList>;
  findList(base: ContactBase, idOrName: string): Promise<ContactList | undefined>;
  listLists(base: ContactBase): Promise<(ContactList & { members: number })[]>;
  addToList(list: ContactList, mobiles: string[]): Promise<number>;

  saveSegment(base: ContactBase, name: string, filter: SegmentFilter, now: Date): Promise<Segment>;
  findSegment(base: ContactBase, idOrName: string): Promise<Segment | undefined>;
  listSegments(base: ContactBase): Promise<Segment[]>;

  /** Contacts in the audience, and distinct mobiles among them. */
  countAudience(audience: Audience, scope: AudienceScope): Promise<{ contacts: number; recipients: number }>;
  /** The next `limit` contacts of the audience after the contact id `afterId` ('0' for the first), by id. */
  audience(audience: Audience, scope: AudienceScope, afterId: string, limit: number): Promise<AudienceMember[]>;

  startImport(input: { accountId: string; baseId: string; listId: string | null; fileName: string | null; settings: ImportSettings }, now: Date): Promise<ImportRecord>;
  getImport(accountId: string, id: string): Promise<ImportRecord | undefined>;
  /**
   * Settles a chunk whole (contacts, consent events, rejected rows, its line range, the counters); chunks of one
   * import may be settled concurrently. InvalidState when the import is no longer running or the range is taken.
   */
  settleImportChunk(record: ImportRecord, chunk: ImportChunk, now: Date): Promise<ImportRecord>;
  /** The line ranges already settled, in order: what a resume skips. */
  settledRanges(record: ImportRecord): Promise<{ firstLine: number; lastLine: number }[]>;
  finishImport(record: ImportRecord, now: Date): Promise<ImportRecord>;
  /** Removes the contacts the import created, restores those it merged, retracts the opt-ins it declared. */
  rollbackImport(record: ImportRecord, now: Date): Promise<ImportRecord>;
  rejections(record: ImportRecord): AsyncIterable<ImportRejection>;
  notices(record: ImportRecord): AsyncIterable<ImportNotice>;
}

/** What a client writes of a campaign (everything but its life). */
export interface CampaignDraft {
  name: string;
  class: MessageClass;
  brand: string;
  shortCode: string;
  /** The short code, or an alphanumeric sender ID. */
  sender: string;
  /** The message, with merge fields (core/campaign). */
  template: string;
  /** `qualify`: the recipients are qualified before they are sent to, terminated numbers left out (docs/operators.md). */
  audience: { baseIds: string[]; listIds: string[]; segmentId: string | null; qualify?: boolean };
  /** When it should start; null: when launched. */
  sendAt: Date | null;
}

export interface Campaign extends CampaignDraft {
  id: string;
  accountId: string;
  status: CampaignStatus;
  /** The last contact id queued: sending resumes after it. */
  cursor: string;
  /** Messages queued so far (suppressed ones included). */
  queued: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface CampaignStats {
  /** Messages by status (queued, held, submitting, submitted, delivered, undeliverable…, suppressed). */
  byStatus: Record<string, number>;
  /** Messages not delivered, by reason (error code or the compliance rule that suppressed them). */
  failedByReason: Record<string, number>;
  /** SMS parts by message status (what is billed: sent or delivered ones, per the tariff). */
  partsByStatus: Record<string, number>;
  /** Recipients of the campaign who sent STOP after it started. */
  stopsAfter: number;
}

/**
 * Contract: reads are scoped to the account; `move` changes a campaign's status only from the status the caller
 * saw (a concurrent change wins, the caller gets undefined); `queueChunk` queues a campaign's next recipients
 * exactly once, in one transaction with the cursor.
 */
export interface CampaignStore {
  create(accountId: string, draft: CampaignDraft, now: Date): Promise<Campaign>;
  get(accountId: string, id: string): Promise<Campaign | undefined>;
  list(accountId: string): Promise<Campaign[]>;
  /** Replaces the draft's content while the campaign is still in `campaign.status`. */
  update(campaign: Campaign, draft: CampaignDraft, now: Date): Promise<Campaign | undefined>;
  move(campaign: Campaign, to: CampaignStatus, now: Date): Promise<Campaign | undefined>;
  /** Running campaigns, and scheduled ones whose time has come. */
  active(now: Date): Promise<Campaign[]>;
  /**
   * Queues messages for the contacts after `campaign.cursor` up to `toCursor`; false (nothing written) when the
   * cursor moved or the campaign is no longer running. Recipients already queued by this campaign (the same
   * number in two bases) are skipped.
   */
  queueChunk(campaign: Campaign, toCursor: string, messages: NewMessage[], now: Date): Promise<boolean>;
  /** The campaign's messages waiting in the outbox (queued) and due before `dueBefore`: what the links have ahead. */
  backlog(campaign: Campaign, dueBefore: Date): Promise<number>;
  /** Messages not yet settled with the operator (queued, held or being submitted). */
  unsettled(campaign: Campaign): Promise<number>;
  /** Paused: queued messages are held back; resumed: released; cancelled: held and queued ones cancelled. */
  holdMessages(campaign: Campaign, now: Date): Promise<number>;
  releaseMessages(campaign: Campaign, now: Date): Promise<number>;
  cancelMessages(campaign: Campaign, now: Date): Promise<number>;
  stats(campaign: Campaign): Promise<CampaignStats>;
  /** SMS parts of the account's messages handed to the SMSC since `since`, in these statuses (what a grid bills). */
  partsSince(accountId: string, since: Date, statuses: readonly string[]): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Audit trail: who did what, on behalf of which account, from where, with what result (docs/accounts.md).
// ---------------------------------------------------------------------------------------------

export type ActorKind = 'user' | 'key' | 'staff' | 'cli' | 'system' | 'anonymous';
export type AuditResult = 'ok' | 'refused' | 'failed';

/** One operation, as the trail keeps it. */
export interface AuditEntry {
  at: Date;
  /** The account acted on (null: none, e.g. a request refused before its account was known). */
  accountId: string | null;
  actor: { kind: ActorKind; id: string | null; label: string | null };
  ip: string | null;
  /** What was done, e.g. `campaigns.launch`, `webhooks.delete`, `consents.export`. */
  action: string;
  object: { type: string; id: string } | null;
  result: AuditResult;
  /** The HTTP status, when the operation came over HTTP. */
  status: number | null;
  detail: Record<string, unknown> | null;
}

export interface AuditFilter {
  /** Only this account's entries (undefined: every account, for the aggregator). */
  accountId?: string;
  from?: Date;
  to?: Date;
  /** The actor's id or label, or its kind. */
  actor?: string;
  /** An action, or every action under it (`campaigns` matches `campaigns.launch`). */
  action?: string;
  /** The object's id, or `type:id`. */
  object?: string;
  result?: AuditResult;
}

export interface AuditCursor {
  at: Date;
  id: string;
}

/**
 * Contract:
 * - `record` MUST make the entry durable before it resolves; entries are never changed or removed afterwards,
 *   except by `purgeBefore` (the retention job), which MUST only remove entries older than a year.
 * - `list` MUST return the newest entries first, after the cursor when given, never another account's when the
 *   filter names an account.
 */
export interface AuditTrail {
  record(entry: AuditEntry): Promise<void>;
  list(filter: AuditFilter, after: AuditCursor | undefined, limit: number): Promise<(AuditEntry & { id: string })[]>;
  /** Every entry the filter matches, newest first, page by page (for exports). */
  all(filter: AuditFilter): AsyncIterable<AuditEntry & { id: string }>;
  /** Removes the entries older than `cutoff` (at least a year ago); how many. */
  purgeBefore(cutoff: Date): Promise<number>;
}
