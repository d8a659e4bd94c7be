import Holidays from 'date-holidays';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { AF2M_2026, decide, ORANGE_OPS_2016, type DayTreatment, type RuleSet } from '../../../src/core/compliance/index.ts';
import { marketing } from './build.ts';

/**
 * An oracle written independently of the engine: luxon gives the wall-clock time of each minute, date-holidays the
 * public holidays, and the window is read straight from the rule set's data.
 */
const MINUTE = 60_000;
const STRICTNESS: Record<DayTreatment, number> = { allowed: 0, tolerated: 1, excluded: 2 };
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** Recipients with the zone and date-holidays region they live in (Saint-Martin's correction is tested by table). */
const RECIPIENTS = [
  { e164: '+33612345678', zone: 'Europe/Paris', state: undefined, departement: undefined },
  { e164: '+33612345678', zone: 'Europe/Paris', state: '57', departement: '57' },
  { e164: '+590690001234', zone: 'America/Guadeloupe', state: 'GP', departement: undefined },
  { e164: '+596696201234', zone: 'America/Martinique', state: 'MQ', departement: undefined },
  { e164: '+594694201234', zone: 'America/Cayenne', state: 'GF', departement: undefined },
  { e164: '+262692123456', zone: 'Indian/Reunion', state: 'RE', departement: undefined },
  { e164: '+262639012345', zone: 'Indian/Mayotte', state: 'YT', departement: undefined },
];

/** An aggregator's stricter set: 9:15–19:45, Saturdays tolerated, Sundays and holidays excluded. */
const STRICT: RuleSet = {
  ...ORANGE_OPS_2016,
  name: 'Strict',
  version: '1',
  window: { ...ORANGE_OPS_2016.window, opens: '09:15', closes: '19:45', days: { ...ORANGE_OPS_2016.window.days, saturday: 'tolerated' } },
};
const RULE_SETS = [ORANGE_OPS_2016, AF2M_2026, STRICT];

const holidayDates = new Map<string, Set<string>>();
function isHoliday(state: string | undefined, isoDate: string): boolean {
  const key = `${state}-${isoDate.slice(0, 4)}`;
  let dates = holidayDates.get(key);
  if (!dates) {
    const holidays = new Holidays('FR', state ?? '').getHolidays(Number(isoDate.slice(0, 4)));
    dates = new Set(holidays.filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    holidayDates.set(key, dates);
  }
  return dates.has(isoDate);
}

function allowedAt(ruleSet: RuleSet, recipient: Recipient, ms: number): boolean {
  const local = DateTime.fromMillis(ms, { zone: recipient.zone });
  const { window } = ruleSet;
  const weekday = window.days[WEEKDAYS[local.weekday - 1]!];
  const treatment = isHoliday(recipient.state, local.toISODate()!) && STRICTNESS[window.publicHolidays] > STRICTNESS[weekday] ? window.publicHolidays : weekday;
  const time = local.toFormat('HH:mm');
  return treatment !== 'excluded' && time >= window.opens && time < window.closes;
}

/** The first allowed instant at or after `ms`: `ms` itself, or the first minute boundary after it. */
function firstAllowed(ruleSet: RuleSet, recipient: Recipient, ms: number): number {
  if (allowedAt(ruleSet, recipient, ms)) return ms;
  for (let minute = Math.floor(ms / MINUTE) * MINUTE + MINUTE; ; minute += MINUTE) {
    if (allowedAt(ruleSet, recipient, minute)) return minute;
  }
}

type Recipient = (typeof RECIPIENTS)[number];

const ANY_INSTANT = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2029-12-31T23:59:59Z') });
/** The nights and days around the European DST changes, where the property is most likely to break. */
const DST_WEEKENDS = fc
  .tuple(fc.constantFrom('2026-03-27', '2026-10-23', '2027-03-26', '2027-10-29', '2028-03-24', '2028-10-27'), fc.integer({ min: 0, max: 4 * 24 * 60 - 1 }))
  .map(([friday, minutes]) => Date.parse(`${friday}T00:00:00Z`) + minutes * MINUTE);

/** A case: a recipient, a rule set and an instant — anywhere, near a DST change, or right at a window's edge. */
const CASE = fc
  .record({
    recipient: fc.constantFrom(...RECIPIENTS),
    ruleSet: fc.constantFrom(...RULE_SETS),
    instant: fc.oneof(ANY_INSTANT, DST_WEEKENDS),
    edge: fc.option(fc.tuple(fc.constantFrom('opens', 'closes') as fc.Arbitrary<'opens' | 'closes'>, fc.constantFrom(-MINUTE, -1, 0, 1))),
  })
  .map(({ recipient, ruleSet, instant, edge }) => {
    if (!edge) return { recipient, ruleSet, ms: instant };
    const [which, delta] = edge;
    const day = DateTime.fromMillis(instant, { zone: recipient.zone }).toISODate();
    return { recipient, ruleSet, ms: DateTime.fromISO(`${day}T${ruleSet.window[which]}`, { zone: recipient.zone }).toMillis() + delta };
  });

function decideAt({ recipient, ruleSet, ms }: { recipient: Recipient; ruleSet: RuleSet; ms: number }) {
  const input = marketing({ now: new Date(ms), policy: { ruleSet }, recipient: { e164: recipient.e164, departement: recipient.departement } });
  return { input, decision: decide(input, RULE_SETS).decision };
}

describe('property: a marketing decision is "allow" exactly when the window is open, else "defer" to the earliest allowed instant (docs/domain.md rule 4)', () => {
  it('checked against a minute-by-minute scan in the recipient’s zone and holidays', () => {
    fc.assert(
      fc.property(CASE, (which) => {
        const { decision } = decideAt(which);
        const expected = firstAllowed(which.ruleSet, which.recipient, which.ms);
        if (expected === which.ms) expect(decision.kind).toBe('allow');
        else expect(decision).toEqual({ kind: 'defer', until: new Date(expected), reasons: [expect.objectContaining({ rule: 'send-window' })] });
      }),
      { numRuns: 400 },
    );
  });

  it('deciding again at the deferred instant allows the message', () => {
    fc.assert(
      fc.property(CASE, (which) => {
        const { input, decision } = decideAt(which);
        if (decision.kind === 'defer') expect(decide({ ...input, now: decision.until }, RULE_SETS).decision.kind).toBe('allow');
      }),
    );
  });
});
