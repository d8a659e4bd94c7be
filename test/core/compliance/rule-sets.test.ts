import { describe, expect, it } from 'vitest';
import {
  AF2M_2026,
  ALL_RULES,
  BUILT_IN_RULE_SETS,
  compileRuleSet,
  decide,
  InvalidRuleSetError,
  NoRuleSetInForceError,
  ORANGE_OPS_2016,
  ORANGE_OPS_AF2M_2026,
  UnknownRuleSetError,
  type RuleSet,
} from '../../../src/core/compliance/index.ts';
import { marketing, ruleOutcome } from './build.ts';

describe('versioned rule sets with effective dates (docs/domain.md rule 4: both versions held as rule sets, never as constants)', () => {
  it('the built-in sets are Orange OPS 2016, AF2M 2026, and both at once', () => {
    expect(BUILT_IN_RULE_SETS.map(({ name, version, effectiveFrom }) => ({ name, version, effectiveFrom }))).toEqual([
      { name: 'Orange OPS', version: '2016', effectiveFrom: '2016-10-15T00:00:00+02:00' },
      { name: 'Orange OPS + AF2M', version: '2026', effectiveFrom: '2026-03-01T00:00:00+01:00' },
      { name: 'AF2M', version: '2026', effectiveFrom: '2026-03-01T00:00:00+01:00' },
    ]);
  });

  it.each([
    ['2026-02-28T23:59:59+01:00', 'Orange OPS', '2016'],
    ['2026-03-01T00:00:00+01:00', 'Orange OPS + AF2M', '2026'],
    ['2020-06-15T12:00:00+02:00', 'Orange OPS', '2016'],
  ])('at %s the set in force is %s %s', (now, name, version) => {
    expect(decide(marketing({ now: new Date(now) })).trace.ruleSet).toEqual({ name, version, chosenBy: 'in-force' });
  });

  it('an account may choose its set by name and version, whatever the date', () => {
    const outcome = decide(marketing({ now: new Date('2027-01-06T21:45:00+01:00'), policy: { ruleSet: { name: 'Orange OPS', version: '2016' } } }));
    expect(outcome.trace.ruleSet).toEqual({ name: 'Orange OPS', version: '2016', chosenBy: 'account' });
    expect(outcome.decision.kind).toBe('allow'); // 21:45 is inside 8:00–22:00, outside AF2M's 21:30
  });

  it('an unknown set, or none in force, is a configuration error, not a rejected message', () => {
    expect(() => decide(marketing({ policy: { ruleSet: { name: 'AF2M', version: '2099' } } }))).toThrow(UnknownRuleSetError);
    expect(() => decide(marketing({ now: new Date('2015-01-05T12:00:00Z') }))).toThrow(NoRuleSetInForceError);
  });

  it('the trace gives every rule of the set, in order, each with its public source', () => {
    const { trace } = decide(marketing());
    expect(trace.rules.map((outcome) => outcome.rule)).toEqual(ALL_RULES);
    for (const outcome of trace.rules) {
      expect(outcome.source).toMatch(/Orange OPS offer \(2016\)|PROJETCOM (terms|deontology annex)|SMS Partner|123-SMS\.net|AF2M|3GPP/);
      expect(outcome.source).not.toMatch(/seed|DOMAIN/i);
    }
    expect(ruleOutcome(decide(marketing()), 'send-window').source).toBe(ORANGE_OPS_AF2M_2026.window.source);
  });

  it.each([
    ['a Sunday', '2026-12-06T10:00:00+01:00', '2026-12-07T08:00:00+01:00'],
    ['Christmas Day', '2026-12-25T10:00:00+01:00', '2026-12-26T08:00:00+01:00'],
    ['21:45 on a weekday', '2026-12-08T21:45:00+01:00', '2026-12-09T08:00:00+01:00'],
    ['Easter Monday', '2027-03-29T09:00:00+02:00', '2027-03-30T08:00:00+02:00'],
  ])('by default, marketing respects the Orange contract and the 2026 charter at once: %s is deferred', (_, now, until) => {
    const outcome = decide(marketing({ now: new Date(now) }));
    expect(outcome.trace.ruleSet).toEqual({ name: 'Orange OPS + AF2M', version: '2026', chosenBy: 'in-force' });
    expect(outcome.decision).toMatchObject({ kind: 'defer', until: new Date(until) });
  });

  it('an account that chose the charter alone sends on a Sunday, flagged as not recommended', () => {
    const outcome = decide(marketing({ now: new Date('2026-12-06T10:00:00+01:00'), policy: { ruleSet: { name: 'AF2M', version: '2026' } } }));
    expect(outcome.decision.kind).toBe('allow');
    expect(ruleOutcome(outcome, 'send-window').verdict).toBe('flag');
    expect(ruleOutcome(outcome, 'send-window').source).toBe(AF2M_2026.window.source);
  });
});

describe('an aggregator adds a stricter rule set as data', () => {
  /** Both Orange's days (holidays and Sundays excluded) and AF2M's hours, from 1 April 2026. */
  const STRICTER: RuleSet = {
    ...ORANGE_OPS_2016,
    name: 'Orange + AF2M',
    version: '2026-04',
    effectiveFrom: '2026-04-01T00:00:00+02:00',
    source: 'aggregator policy: Orange OPS offer (2016) days with AF2M 2026 hours',
    window: { ...ORANGE_OPS_2016.window, closes: '21:30', source: 'aggregator policy' },
  };
  const catalogue = [...BUILT_IN_RULE_SETS, STRICTER];

  it('it takes over from the date it takes effect', () => {
    expect(decide(marketing({ now: new Date('2026-03-31T12:00:00+02:00') }), catalogue).trace.ruleSet.name).toBe('Orange OPS + AF2M');
    expect(decide(marketing({ now: new Date('2026-04-01T12:00:00+02:00') }), catalogue).trace.ruleSet.name).toBe('Orange + AF2M');
  });

  it('a Sunday, tolerated by AF2M, is deferred to Monday; 21:45 on a weekday waits for the morning', () => {
    expect(decide(marketing({ now: new Date('2026-04-12T10:00:00+02:00') }), [AF2M_2026]).decision.kind).toBe('allow');
    expect(decide(marketing({ now: new Date('2026-04-12T10:00:00+02:00') }), catalogue).decision).toMatchObject({ kind: 'defer', until: new Date('2026-04-13T08:00:00+02:00') });
    expect(decide(marketing({ now: new Date('2026-04-15T21:45:00+02:00') }), catalogue).decision).toMatchObject({ kind: 'defer', until: new Date('2026-04-16T08:00:00+02:00') });
  });

  it('a rule set may apply fewer rules: the trace lists exactly those', () => {
    const windowOnly: RuleSet = { ...STRICTER, name: 'Window only', rules: ['send-window'] };
    const outcome = decide(marketing({ text: 'pas de marque', policy: { ruleSet: windowOnly } }), [windowOnly]);
    expect(outcome.trace.rules.map((outcome) => outcome.rule)).toEqual(['send-window']);
    expect(outcome.finalText).toBe('pas de marque');
  });

  it.each<[string, Partial<RuleSet>, string]>([
    ['a window that closes before it opens', { window: { ...ORANGE_OPS_2016.window, opens: '22:00', closes: '08:00' } }, 'must open before it closes'],
    ['a time that is not HH:mm', { window: { ...ORANGE_OPS_2016.window, opens: '8h' } }, 'window.opens "8h"'],
    ['a window closed every day', { window: { ...ORANGE_OPS_2016.window, days: { ...ORANGE_OPS_2016.window.days, monday: 'excluded', tuesday: 'excluded', wednesday: 'excluded', thursday: 'excluded', friday: 'excluded', saturday: 'excluded' } } }, 'excludes every day'],
    ['an unknown rule', { rules: ['consent', 'no-emoji' as never] }, 'unknown rules no-emoji'],
    ['a date without its offset', { effectiveFrom: '2026-04-01' }, 'not an ISO 8601 instant'],
    ['a broken price expression', { content: { ...ORANGE_OPS_2016.content, price: '(' } }, 'content.price'],
    ['a negative cap', { marketingPerDay: -1 }, 'marketingPerDay'],
  ])('invalid data is refused with the field to fix: %s', (_, change, message) => {
    expect(() => compileRuleSet({ ...STRICTER, ...change })).toThrow(InvalidRuleSetError);
    expect(() => compileRuleSet({ ...STRICTER, ...change })).toThrow(message);
  });
});

describe('how the verdicts make the decision', () => {
  it('any failure rejects, with every failing rule as a reason, even when the window would also defer', () => {
    const outcome = decide(marketing({ text: 'Soldes !', now: new Date('2026-03-22T10:00:00+01:00'), policy: { ruleSet: { name: 'Orange OPS', version: '2016' } }, facts: { consent: 'none' } }));
    expect(outcome.decision).toMatchObject({ kind: 'reject', reasons: [{ rule: 'consent' }, { rule: 'brand-first' }] });
  });

  it('flags never stop a message', () => {
    const outcome = decide(marketing({ facts: { consent: 'soft-opt-in' }, text: 'Dupont : lingerie sexy' }));
    expect(outcome.trace.rules.filter((rule) => rule.verdict === 'flag').map((rule) => rule.rule)).toEqual(['consent', 'adult-content']);
    expect(outcome.decision.kind).toBe('allow');
  });

  it('a deferred message carries the window’s instant and reason', () => {
    const outcome = decide(marketing({ now: new Date('2026-03-25T23:00:00+01:00') }));
    expect(outcome.decision).toEqual({ kind: 'defer', until: new Date('2026-03-26T08:00:00+01:00'), reasons: [ruleOutcome(outcome, 'send-window')] });
    expect(outcome.finalText).toMatch(/STOP au 36123$/);
  });
});
