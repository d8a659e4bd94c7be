/**
 * How long Relais keeps what it holds about people (docs/retention.md, docs/domain.md rule 10), as data.
 *
 * The defaults come from the PROJETCOM terms §12 and deontology annex (Part I Art. 4): individual exchanges are
 * kept 30 days after their campaign (a message outside a campaign: 30 days after its final state, an MO 30 days
 * after it was received), connection data one year, the contract's contact persons three years after the
 * contract; a prospect is no longer solicited one year after the last contact, or after two successive
 * solicitations left unanswered.
 *
 * An account may shorten its periods, never lengthen them; the aggregator may set an account's ceiling (longer than
 * the defaults when it has a reason the law accepts, e.g. a litigation). Pure: no clock, the caller gives `now`.
 */

/** The periods an account's retention is made of (days, and a count of solicitations). */
export interface RetentionPeriods {
  /** Days an individual exchange (an MT's text and number, an MO) is kept after its campaign ends or its final state. */
  exchangeDays: number;
  /** Days after the last contact (a message, an answer, an update) when a contact leaves the base. */
  prospectDays: number;
  /** Successive solicitations without an answer after which a contact leaves the base. */
  unansweredSolicitations: number;
}

/** The platform's periods, not set per account: connection data and the audit trail, the contract's people. */
export interface PlatformPeriods {
  /** Days sessions, sign-in failures, one-time tokens and audit entries are kept. */
  connectionDays: number;
  /** Days the users of a closed account are kept after its closing. */
  contractContactDays: number;
}

export const defaultPeriods: Readonly<RetentionPeriods> = Object.freeze({ exchangeDays: 30, prospectDays: 365, unansweredSolicitations: 2 });
export const platformPeriods: Readonly<PlatformPeriods> = Object.freeze({ connectionDays: 365, contractContactDays: 3 * 365 });

/** The longest period the aggregator may set (ten years). */
export const MAX_DAYS = 3650;
export const MAX_SOLICITATIONS = 100;

/** The rules a run applies, in the order it applies them; each run counts what each removed. */
export const retentionRules = [
  'campaign-exchanges', // the messages of a campaign ended more than exchangeDays ago: number pseudonymised, text erased
  'exchanges', // messages outside a campaign, exchangeDays after their final state
  'inbound', // MOs, exchangeDays after they were received (once the campaigns running then are done)
  'unmatched-receipts', // receipts never matched to a message (their raw text), exchangeDays after arrival
  'cap-slots', // the frequency cap's day slots (they name the recipient), exchangeDays after their day
  'qualifications', // an account's qualification answers (number, operator, line state), exchangeDays after the check
  'qualification-lookups', // the number of each billed lookup, pseudonymised exchangeDays after it (the count stays)
  'localisation-hits', // the number of each billed localisation (Géo Présence), pseudonymised exchangeDays after it (the count stays)
  'prospects-inactive', // contacts not contacted for prospectDays
  'prospects-unanswered', // contacts whose last unansweredSolicitations campaign messages got no answer
  'connections', // sessions, sign-in failures and one-time tokens older than connectionDays
  'audit', // audit entries older than connectionDays
  'contract-contacts', // users of accounts closed more than contractContactDays ago
] as const;
export type RetentionRule = (typeof retentionRules)[number];
export type RuleCounts = Record<RetentionRule, number>;

export function zeroCounts(): RuleCounts {
  return Object.fromEntries(retentionRules.map((r) => [r, 0])) as RuleCounts;
}

/** What is stored for an account: the aggregator's ceiling and the account's choice, each partial. */
export interface AccountRetention {
  ceiling: Partial<RetentionPeriods> | null;
  chosen: Partial<RetentionPeriods> | null;
}

/** The ceiling: the aggregator's values over the defaults. */
export function ceilingOf(settings: AccountRetention | undefined): RetentionPeriods {
  return { ...defaultPeriods, ...(settings?.ceiling ?? {}) };
}

/** The periods in force: the account's choice where it is shorter than the ceiling, the ceiling elsewhere. */
export function effectivePeriods(settings: AccountRetention | undefined): RetentionPeriods {
  const ceiling = ceilingOf(settings);
  const chosen = settings?.chosen ?? {};
  return {
    exchangeDays: Math.min(ceiling.exchangeDays, chosen.exchangeDays ?? Infinity),
    prospectDays: Math.min(ceiling.prospectDays, chosen.prospectDays ?? Infinity),
    unansweredSolicitations: Math.min(ceiling.unansweredSolicitations, chosen.unansweredSolicitations ?? Infinity),
  };
}

export interface PeriodProblem {
  field: string;
  reason: string;
}

const bounds: Record<keyof RetentionPeriods, number> = { exchangeDays: MAX_DAYS, prospectDays: MAX_DAYS, unansweredSolicitations: MAX_SOLICITATIONS };

/** Why an account's choice cannot be kept: a value that is not a whole number from 1, or longer than its ceiling. */
export function choiceProblems(chosen: Partial<RetentionPeriods>, settings: AccountRetention | undefined): PeriodProblem[] {
  const ceiling = ceilingOf(settings);
  return valueProblems(chosen).concat(
    (Object.keys(bounds) as (keyof RetentionPeriods)[]).flatMap((key) => {
      const value = chosen[key];
      return value !== undefined && Number.isInteger(value) && value > ceiling[key]
        ? [{ field: `/${key}`, reason: `an account may only shorten its periods: at most ${ceiling[key]} (the aggregator sets longer ones)` }]
        : [];
    }),
  );
}

/** Why an aggregator's ceiling cannot be kept: a value that is not a whole number from 1 to its bound. */
export function ceilingProblems(ceiling: Partial<RetentionPeriods>): PeriodProblem[] {
  return valueProblems(ceiling);
}

function valueProblems(periods: Partial<RetentionPeriods>): PeriodProblem[] {
  return Object.entries(periods).flatMap(([key, value]) => {
    const bound = bounds[key as keyof RetentionPeriods];
    if (bound === undefined) return [{ field: `/${key}`, reason: `unknown period (one of ${Object.keys(bounds).join(', ')})` }];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > bound) return [{ field: `/${key}`, reason: `a whole number from 1 to ${bound}` }];
    return [];
  });
}

const DAY_MS = 86_400_000;

/** The instant before which what a period of `days` keeps has expired. */
export function cutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** The cut-offs of an account's rules at `now`. */
export interface AccountCutoffs {
  exchanges: Date;
  prospects: Date;
  unansweredSolicitations: number;
}

export function accountCutoffs(now: Date, periods: RetentionPeriods): AccountCutoffs {
  return { exchanges: cutoff(now, periods.exchangeDays), prospects: cutoff(now, periods.prospectDays), unansweredSolicitations: periods.unansweredSolicitations };
}

export function platformCutoffs(now: Date, periods: PlatformPeriods = platformPeriods): { connections: Date; contractContacts: Date } {
  return { connections: cutoff(now, periods.connectionDays), contractContacts: cutoff(now, periods.contractContactDays) };
}
