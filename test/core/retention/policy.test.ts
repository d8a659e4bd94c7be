import { describe, expect, it } from 'vitest';
import { accountCutoffs, ceilingProblems, choiceProblems, defaultPeriods, effectivePeriods, platformCutoffs } from '../../../src/core/retention/index.ts';

const now = new Date('2026-12-07T10:00:00Z');

describe('retention periods', () => {
  it('default to the sources: exchanges 30 days, prospects a year or two unanswered solicitations', () => {
    expect(effectivePeriods(undefined)).toEqual({ exchangeDays: 30, prospectDays: 365, unansweredSolicitations: 2 });
    expect(defaultPeriods.exchangeDays).toBe(30);
    expect(platformCutoffs(now)).toEqual({ connections: new Date('2025-12-07T10:00:00Z'), contractContacts: new Date('2023-12-08T10:00:00Z') });
  });

  it('may be shortened by the account, never lengthened beyond the ceiling the aggregator sets', () => {
    expect(effectivePeriods({ ceiling: null, chosen: { exchangeDays: 7 } })).toMatchObject({ exchangeDays: 7, prospectDays: 365 });
    expect(choiceProblems({ exchangeDays: 31 }, undefined)).toEqual([{ field: '/exchangeDays', reason: expect.stringContaining('only shorten') }]);
    expect(choiceProblems({ exchangeDays: 60 }, { ceiling: { exchangeDays: 90 }, chosen: null })).toEqual([]);
    expect(choiceProblems({ prospectDays: 0 }, undefined)).toEqual([{ field: '/prospectDays', reason: 'a whole number from 1 to 3650' }]);
    expect(ceilingProblems({ exchangeDays: 90 })).toEqual([]);
    // A ceiling lowered under the account's choice wins: the shorter period applies.
    expect(effectivePeriods({ ceiling: { exchangeDays: 10 }, chosen: { exchangeDays: 20 } }).exchangeDays).toBe(10);
  });

  it('turn into cut-offs at a given instant', () => {
    expect(accountCutoffs(now, effectivePeriods(undefined))).toEqual({
      exchanges: new Date('2026-11-07T10:00:00Z'),
      prospects: new Date('2025-12-07T10:00:00Z'),
      unansweredSolicitations: 2,
    });
  });
});
