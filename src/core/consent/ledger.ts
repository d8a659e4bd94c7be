/**
 * The consent ledger's rule (docs/domain.md rules 1 and 2): events are appended, never changed; the state of a
 * recipient for a brand is what the latest event for that brand, or for every brand of the account ('*'),
 * says. An opt-in after an opt-out re-opens consent (a START, or a new sign-up); an opt-out after an opt-in
 * closes it, at once and for every channel.
 */
import type { Consent } from '../compliance/types.ts';

export const consentKinds = ['opt-in', 'soft-opt-in', 'opt-out'] as const;
export type ConsentKind = (typeof consentKinds)[number];

/** Every brand of the account: how an opt-out that cannot be attributed to one brand is recorded. */
export const ALL_BRANDS = '*';

/** Where an event came from. */
export const consentSources = ['api', 'portal', 'import', 'stop-mo', 'start-mo', 'message'] as const;
export type ConsentSource = (typeof consentSources)[number];

export interface ConsentEvent {
  id: string;
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
  recordedAt: Date;
}

export interface RecipientConsent {
  consent: Consent;
  optedOut: boolean;
  /** The event the state comes from; null when there is none. */
  since: Date | null;
}

const NONE: RecipientConsent = { consent: 'none', optedOut: false, since: null };

/** Events in the ledger's order: by when they happened, then by id (UUIDv7: by when they were recorded). */
export function ledgerOrder(a: Pick<ConsentEvent, 'occurredAt' | 'id'>, b: Pick<ConsentEvent, 'occurredAt' | 'id'>): number {
  return a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The state of one recipient for `brand`, from that recipient's events (any order, any brand). */
export function consentFor(events: readonly ConsentEvent[], brand: string): RecipientConsent {
  let latest: ConsentEvent | undefined;
  for (const event of events) {
    if (event.brand !== brand && event.brand !== ALL_BRANDS) continue;
    if (!latest || ledgerOrder(event, latest) > 0) latest = event;
  }
  if (!latest) return NONE;
  if (latest.kind === 'opt-out') return { consent: 'none', optedOut: true, since: latest.occurredAt };
  return { consent: latest.kind, optedOut: false, since: latest.occurredAt };
}

/** Every brand the events mention, with its state: the answer to "what does this person consent to?". */
export function consentByBrand(events: readonly ConsentEvent[]): Map<string, RecipientConsent> {
  const brands = new Set(events.map((e) => e.brand));
  return new Map([...brands].map((brand) => [brand, consentFor(events, brand)]));
}
