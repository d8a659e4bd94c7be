/**
 * The days a marketing message may take under the frequency cap. The cap counts per recipient's local day
 * (docs/domain.md rule 5): the store takes a day's slot atomically, and when the day is full the message moves
 * to the next day the rules allow — at that day's window opening. Pure; days after the first are worked out
 * only when a day is full (most messages take their first).
 */
import { DateTime } from 'luxon';
import { FRENCH_REGIONS, recipientRegion } from '../numbers/index.ts';
import { decide } from './decide.ts';
import { BUILT_IN_RULE_SETS } from './rule-sets.ts';
import type { DecisionInput, RuleSet } from './types.ts';

export interface SendDay {
  /** The recipient's local date, `YYYY-MM-DD`. */
  localDay: string;
  /** When the message goes that day. */
  at: Date;
}

/** The recipient's time zone (metropolitan France when the number says nothing more). */
export function recipientZone(e164: string, departement?: string): string {
  return (recipientRegion(e164, departement) ?? FRENCH_REGIONS['metropolitan-france']).timeZone;
}

/** The day a message going at `at` counts against. */
export function sendDayOf(input: Pick<DecisionInput, 'recipient'>, at: Date): SendDay {
  const zone = recipientZone(input.recipient.e164, input.recipient.departement);
  return { localDay: localDayOf(at, zone), at };
}

/**
 * The calendar day of an instant in a zone. A batch or a campaign asks it for the same few instants thousands of
 * times, and luxon's zone arithmetic is the costliest step of a decision: the last answers are remembered.
 */
function localDayOf(at: Date, zone: string): string {
  const key = `${zone} ${at.getTime()}`;
  let day = recentLocalDays.get(key);
  if (day === undefined) {
    day = DateTime.fromJSDate(at, { zone }).toISODate()!;
    if (recentLocalDays.size >= RECENT_LOCAL_DAYS) recentLocalDays.clear();
    recentLocalDays.set(key, day);
  }
  return day;
}
const RECENT_LOCAL_DAYS = 1_024;
const recentLocalDays = new Map<string, string>();

/**
 * The first day after `after` the rules allow the message, with the instant it would go (the window's
 * opening); undefined when none within two weeks (a rule set with no open day).
 */
export function nextSendDay(input: DecisionInput, after: SendDay, catalogue: readonly RuleSet[] = BUILT_IN_RULE_SETS): SendDay | undefined {
  const zone = recipientZone(input.recipient.e164, input.recipient.departement);
  let midnight = DateTime.fromISO(after.localDay, { zone }).startOf('day');
  for (let tries = 0; tries < 14; tries++) {
    midnight = midnight.plus({ days: 1 });
    const start = midnight.toJSDate();
    const { decision } = decide({ ...input, now: start, facts: { ...input.facts, marketingSentTodayForBrand: 0 } }, catalogue);
    if (decision.kind === 'reject') return undefined;
    const at = decision.kind === 'defer' ? decision.until : start;
    const localDay = localDayOf(at, zone);
    if (localDay > after.localDay) return { localDay, at };
  }
  return undefined;
}
