/**
 * The consent ledger's rule (docs/domain.md rules 1 and 2). Events are appended, never changed; the state of a
 * recipient for a brand is derived from the events for that brand and for every brand of the account ('*'),
 * leaving out the events retracted since (an import rolled back).
 *
 * - Without an opt-out, the latest opt-in (explicit or soft) is the state.
 * - An opt-out takes effect at once, whoever records it (the recipient's STOP, a request passed on by the client).
 * - After an opt-out, only evidence that the recipient consented again re-opens consent: a START by SMS, or an
 *   explicit opt-in dated by its evidence after the opt-out, with the channel it was given through. An undated
 *   opt-in (an import without a consent date, an API call without `occurredAt`), a soft opt-in, or an opt-in dated
 *   before the opt-out is kept as evidence but does not win: a re-import must never undo a STOP.
 *
 * The SQL copies of this rule (adapters/store/consent-sql.ts) are tested against this function.
 */
import type { Consent } from '../compliance/types.ts';

export const consentKinds = ['opt-in', 'soft-opt-in', 'opt-out'] as const;
export type ConsentKind = (typeof consentKinds)[number];

/** Every brand of the account: how an opt-out that cannot be attributed to one brand is recorded. */
export const ALL_BRANDS = '*';

/** Where an event came from. */
export const consentSources = ['api', 'portal', 'import', 'stop-mo', 'start-mo', 'message'] as const;
export type ConsentSource = (typeof consentSources)[number];

export interface ConsentEvidence {
  accountId: string;
  brand: string;
  /** E.164. */
  recipient: string;
  kind: ConsentKind;
  source: ConsentSource;
  /** How consent was collected or withdrawn: web form, shop, SMS, paper… */
  channel: string | null;
  /** The wording the person agreed to, or its version. */
  wording: string | null;
  /** An MO id, a form id, an import file: whatever proves it. */
  reference: string | null;
  ip: string | null;
  occurredAt: Date;
  /** The evidence gave `occurredAt`; false when it is only when Relais was told (an import without a date). */
  dated: boolean;
}

export interface ConsentEvent extends ConsentEvidence {
  id: string;
  recordedAt: Date;
  /** When the event was retracted (its import rolled back), and why; a retracted event no longer counts. */
  retracted: { at: Date; reason: string } | null;
}

export interface RecipientConsent {
  consent: Consent;
  optedOut: boolean;
  /** The event the state comes from; null when there is none. */
  since: Date | null;
}

export const NO_CONSENT: RecipientConsent = { consent: 'none', optedOut: false, since: null };

type Ordered = Pick<ConsentEvent, 'occurredAt' | 'id'>;

/** Events in the ledger's order: by when they happened, then by id (UUIDv7: by when they were recorded). */
export function ledgerOrder(a: Ordered, b: Ordered): number {
  return a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Evidence that can overturn an earlier opt-out: it comes from the recipient (a START), or it is an explicit
 * opt-in dated by its evidence, with the channel it was given through.
 */
export function reopensConsent(event: Pick<ConsentEvidence, 'kind' | 'source' | 'dated' | 'channel'>): boolean {
  if (event.kind !== 'opt-in') return false;
  return event.source === 'start-mo' || (event.dated && event.channel !== null);
}

function counts(event: ConsentEvent, brand: string): boolean {
  return event.retracted === null && (event.brand === brand || event.brand === ALL_BRANDS);
}

/** The opt-out that still stands for `brand` (no evidence re-opened consent after it), if any. */
export function standingOptOut(events: readonly ConsentEvent[], brand: string): ConsentEvent | undefined {
  let optOut: ConsentEvent | undefined;
  for (const event of events) {
    if (counts(event, brand) && event.kind === 'opt-out' && (!optOut || ledgerOrder(event, optOut) > 0)) optOut = event;
  }
  if (!optOut) return undefined;
  const reopened = events.some((event) => counts(event, brand) && reopensConsent(event) && ledgerOrder(event, optOut) > 0);
  return reopened ? undefined : optOut;
}

/** The state of one recipient for `brand`, from that recipient's events (any order, any brand). */
export function consentFor(events: readonly ConsentEvent[], brand: string): RecipientConsent {
  const optOut = standingOptOut(events, brand);
  if (optOut) return { consent: 'none', optedOut: true, since: optOut.occurredAt };
  let latest: ConsentEvent | undefined;
  for (const event of events) {
    if (counts(event, brand) && event.kind !== 'opt-out' && (!latest || ledgerOrder(event, latest) > 0)) latest = event;
  }
  // The latest opt-in follows any opt-out (one that re-opened consent follows it, and is an opt-in itself).
  if (!latest) return NO_CONSENT;
  return { consent: latest.kind as Consent, optedOut: false, since: latest.occurredAt };
}

/** Every brand the events mention, with its state: the answer to "what does this person consent to?". */
export function consentByBrand(events: readonly ConsentEvent[]): Map<string, RecipientConsent> {
  const brands = new Set(events.map((e) => e.brand));
  return new Map([...brands].map((brand) => [brand, consentFor(events, brand)]));
}

/**
 * The same evidence twice (a file imported again, a request retried): everything the person or the client stated
 * is equal — brand, kind, channel, wording, address, the client's reference and, for dated evidence, the instant.
 * An import's reference names the import that carried the row, not the evidence: it is left out.
 */
function evidenceKey(e: ConsentEvidence): string {
  const reference = e.source === 'import' ? null : e.reference;
  return JSON.stringify([e.brand, e.kind, e.channel, e.wording, e.ip, reference, e.dated ? e.occurredAt.getTime() : null]);
}

/** What recording a piece of evidence does, given the recipient's events so far. */
export interface Admission {
  /** `duplicate`: already in the ledger (not retracted), nothing is recorded; `new`: recorded. */
  kind: 'duplicate' | 'new';
  /** The event recorded, or the identical one already in the ledger. */
  event: ConsentEvent;
  /** For an opt-in, the opt-out that still stands after it (consent not re-opened), else null. */
  overruledBy: ConsentEvent | null;
}

const later = (a: ConsentEvent | undefined, b: ConsentEvent | undefined) => (!a ? b : !b ? a : ledgerOrder(a, b) >= 0 ? a : b);

/**
 * One recipient's events for one account, as evidence keeps arriving (an import's chunk, a batch of the API): each
 * new piece is admitted in constant time — a duplicate, or new with the opt-out that overrules it — so that a
 * batch of thousands of events for one number costs no more than thousands for as many numbers.
 */
export class RecipientLedger {
  private readonly byEvidence = new Map<string, ConsentEvent>();
  /** Per brand ('*' included): the latest opt-out and the latest evidence that can re-open consent. */
  private readonly latest = new Map<string, { optOut?: ConsentEvent; reopening?: ConsentEvent }>();

  constructor(events: readonly ConsentEvent[] = []) {
    for (const event of events) this.add(event);
  }

  add(event: ConsentEvent): void {
    if (event.retracted !== null) return;
    const key = evidenceKey(event);
    if (!this.byEvidence.has(key)) this.byEvidence.set(key, event);
    const latest = this.latest.get(event.brand) ?? {};
    if (event.kind === 'opt-out') latest.optOut = later(latest.optOut, event);
    else if (reopensConsent(event)) latest.reopening = later(latest.reopening, event);
    this.latest.set(event.brand, latest);
  }

  /** The same as `standingOptOut` over the events added. */
  standingOptOut(brand: string): ConsentEvent | undefined {
    const own = this.latest.get(brand);
    const every = brand === ALL_BRANDS ? undefined : this.latest.get(ALL_BRANDS);
    const optOut = later(own?.optOut, every?.optOut);
    const reopening = later(own?.reopening, every?.reopening);
    return optOut && !(reopening && ledgerOrder(reopening, optOut) > 0) ? optOut : undefined;
  }

  /** What recording `evidence` (under `id`) does; a new event is added. */
  admit(evidence: ConsentEvidence, id: string, recordedAt: Date): Admission {
    const duplicate = this.byEvidence.get(evidenceKey(evidence));
    const event = duplicate ?? { ...evidence, id, recordedAt, retracted: null };
    if (!duplicate) this.add(event);
    const overruledBy = evidence.kind === 'opt-out' ? null : (this.standingOptOut(evidence.brand) ?? null);
    return { kind: duplicate ? 'duplicate' : 'new', event, overruledBy };
  }
}

/** Why an opt-in did not re-open consent, in words for the client. */
export function overruledReason(optOut: ConsentEvent): string {
  const how = optOut.source === 'stop-mo' ? 'by SMS (STOP)' : `(${optOut.source})`;
  return (
    `opted out by the recipient on ${optOut.occurredAt.toISOString()} ${how}, consent not re-opened: ` +
    'only a START from the recipient, or an opt-in dated after the opt-out with the channel it was given through, re-opens it'
  );
}
