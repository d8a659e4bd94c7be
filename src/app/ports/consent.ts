/** The consent ledger as the intake, the imports and the consent routes see it (core/consent holds the rule). */
import type { ConsentEvent, ConsentEvidence, RecipientConsent } from '../../core/consent/index.ts';

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
