import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { decide, ORANGE_OPS_2016 } from '../../../src/core/compliance/index.ts';
import { marketing, ruleOutcome, transactional } from './build.ts';

describe('frequency cap: at most one marketing SMS per recipient per day per brand (docs/domain.md rule 5; Orange OPS offer (2016), §Déontologie : mieux lutter contre le SPAM)', () => {
  it.each([
    [0, 'allow'],
    [1, 'reject'],
    [3, 'reject'],
  ])('%i already sent today: %s', (sent, kind) => {
    const outcome = decide(marketing({ facts: { marketingSentTodayForBrand: sent } }));
    expect(outcome.decision.kind).toBe(kind);
    expect(ruleOutcome(outcome, 'frequency-cap').verdict).toBe(kind === 'allow' ? 'pass' : 'fail');
  });

  it('the rejection says how many were sent, the limit, and what to do', () => {
    expect(ruleOutcome(decide(marketing({ facts: { marketingSentTodayForBrand: 1 } })), 'frequency-cap').reason).toBe(
      '1 marketing SMS already sent today for Dupont to this recipient; at most 1 a day (Orange OPS + AF2M 2026): send it another day',
    );
  });

  it('an account may be stricter (none at all), never looser than the rule set', () => {
    expect(decide(marketing({ policy: { marketingPerDay: 0 } })).decision.kind).toBe('reject');
    expect(decide(marketing({ policy: { marketingPerDay: 5 }, facts: { marketingSentTodayForBrand: 1 } })).decision.kind).toBe('reject');
  });

  it('an aggregator’s rule set may allow more', () => {
    const twice = { ...ORANGE_OPS_2016, name: 'Twice', version: '1', marketingPerDay: 2 };
    const input = marketing({ policy: { ruleSet: twice }, facts: { marketingSentTodayForBrand: 1 } });
    expect(decide(input, [twice]).decision.kind).toBe('allow');
  });

  it('a message deferred to another local day is not counted against today', () => {
    const outcome = decide(marketing({ now: new Date('2026-03-25T22:30:00+01:00'), facts: { marketingSentTodayForBrand: 1 } }));
    expect(outcome.decision).toMatchObject({ kind: 'defer', until: new Date('2026-03-26T08:00:00+01:00') });
    expect(ruleOutcome(outcome, 'frequency-cap').reason).toContain('2026-03-26');
  });

  it('a message deferred to later the same day is counted against today', () => {
    expect(decide(marketing({ now: new Date('2026-03-25T06:30:00+01:00'), facts: { marketingSentTodayForBrand: 1 } })).decision.kind).toBe('reject');
  });

  it('transactional messages have no cap', () => {
    expect(decide(transactional({ facts: { marketingSentTodayForBrand: 10 } })).decision.kind).toBe('allow');
  });
});

describe('property: given the facts, the cap never lets more marketing through in one local day than the limit', () => {
  const ZONES = [
    ['+33612345678', 'Europe/Paris'],
    ['+590690001234', 'America/Guadeloupe'],
    ['+262692123456', 'Indian/Reunion'],
  ] as const;

  it('a day of submissions at random times, counting every message accepted for that day', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 3 * 365 }),
        fc.array(fc.integer({ min: 0, max: 24 * 60 - 1 }), { minLength: 1, maxLength: 12 }),
        fc.option(fc.integer({ min: 0, max: 3 })),
        ([e164, zone], dayOffset, minutes, accountLimit) => {
          const day = DateTime.fromISO('2026-03-02', { zone }).plus({ days: dayOffset });
          const limit = Math.min(1, accountLimit ?? Infinity);
          let accepted = 0;
          for (const minute of [...minutes].sort((a, b) => a - b)) {
            const now = day.plus({ minutes: minute });
            const input = marketing({ now: now.toJSDate(), recipient: { e164 }, policy: accountLimit === null ? {} : { marketingPerDay: accountLimit }, facts: { marketingSentTodayForBrand: accepted } });
            const { decision } = decide(input);
            const sameDay = decision.kind === 'allow' || (decision.kind === 'defer' && DateTime.fromJSDate(decision.until, { zone }).hasSame(now, 'day'));
            if (sameDay) accepted++;
          }
          expect(accepted).toBeLessThanOrEqual(limit);
        },
      ),
    );
  });
});
