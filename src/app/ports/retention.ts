/**
 * Retention and the rights of a person (docs/retention.md), as the API reads and changes them. The job's own port
 * (`RetentionStore`) and the rights' (`PersonalDataStore`) are declared with their use cases in app/retention.ts.
 */
import type { AccountRetention, RetentionPeriods, RetentionRule } from '../../core/retention/index.ts';

/** What Relais holds about one number. */
export interface PersonalData {
  msisdn: string;
  contacts: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  inbound: Record<string, unknown>[];
  consents: Record<string, unknown>[];
  removals: Record<string, unknown>[];
  usage: Record<string, unknown>[];
  /** The number's latest qualification per account (docs/operators.md, "Qualification"). */
  qualifications: Record<string, unknown>[];
  /** The number's billed lookups (`pseudonymised`: under its pseudonym, after an erasure or the retention job). */
  qualificationLookups: Record<string, unknown>[];
  /** Acceptances (and withdrawals) of geolocated marketing, and the localisations asked (docs/operators.md, "Géo Présence"). */
  geolocationConsents: Record<string, unknown>[];
  localisationHits: Record<string, unknown>[];
}

/** What an erasure did, in one account. */
export interface Erasure {
  accountId: string;
  contacts: number;
  /** Messages kept under the pseudonym (their counts, parts and states), texts erased. */
  messages: number;
  /** Messages still queued, cancelled by the erasure. */
  cancelled: number;
  /** Messages being sent: they keep the number until they end (erase again then). */
  inFlight: number;
  inbound: number;
  consents: number;
  oppositionsKept: number;
  /** Qualification results deleted (the billed lookups stay, under the pseudonym). */
  qualifications: number;
}

/** One run of the retention job. */
export interface RetentionRun {
  id: string;
  dryRun: boolean;
  requestedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  counts: Partial<Record<RetentionRule, number>>;
  error: string | null;
}

/** An account's retention periods and the job's history. */
export interface RetentionChoices {
  settings(accountId: string): Promise<AccountRetention | undefined>;
  saveSettings(accountId: string, change: { ceiling?: Partial<RetentionPeriods> | null; chosen?: Partial<RetentionPeriods> | null }, by: string, now: Date): Promise<void>;
  /** The last runs, newest first. */
  runs(limit: number): Promise<RetentionRun[]>;
}
