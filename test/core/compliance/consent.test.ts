import { describe, expect, it } from 'vitest';
import { decide, type Consent } from '../../../src/core/compliance/index.ts';
import { marketing, ruleOutcome, transactional } from './build.ts';

describe('consent (docs/domain.md rule 1; 123-SMS.net offer; PROJETCOM terms §8 and deontology annex, Part I Art. 4)', () => {
  it.each<[Consent, string, string]>([
    ['opt-in', 'pass', 'allow'],
    ['soft-opt-in', 'flag', 'allow'],
    ['none', 'fail', 'reject'],
  ])('marketing with consent %s: %s, %s', (consent, verdict, kind) => {
    const outcome = decide(marketing({ facts: { consent } }));
    expect(ruleOutcome(outcome, 'consent').verdict).toBe(verdict);
    expect(outcome.decision.kind).toBe(kind);
  });

  it('a soft opt-in is reminded of its conditions: analogous products, opposition offered', () => {
    expect(ruleOutcome(decide(marketing({ facts: { consent: 'soft-opt-in' } })), 'consent').reason).toMatch(/analogous.*object/);
  });

  it('the rejection says what to do', () => {
    const outcome = decide(marketing({ facts: { consent: 'none' } }));
    expect(outcome.decision).toMatchObject({ kind: 'reject', reasons: [{ rule: 'consent', reason: expect.stringContaining("record the recipient's opt-in") }] });
  });

  it('transactional messages rest on the contractual relation: consent is not applicable', () => {
    const outcome = decide(transactional({ facts: { consent: 'none' } }));
    expect(ruleOutcome(outcome, 'consent').verdict).toBe('not-applicable');
    expect(outcome.decision.kind).toBe('allow');
  });
});

describe('opposition: a STOP received stops marketing for the brand (docs/domain.md rule 2; Orange OPS offer (2016), §Déontologie : mieux protéger le client final)', () => {
  it('marketing to a recipient who sent STOP is rejected', () => {
    const outcome = decide(marketing({ facts: { optedOut: true } }));
    expect(outcome.decision.kind).toBe('reject');
    expect(ruleOutcome(outcome, 'opposition')).toMatchObject({ verdict: 'fail', reason: expect.stringContaining('sent STOP for Dupont') });
  });

  it('transactional messages still go, flagged: they must carry no advertising', () => {
    const outcome = decide(transactional({ facts: { optedOut: true } }));
    expect(outcome.decision.kind).toBe('allow');
    expect(ruleOutcome(outcome, 'opposition').verdict).toBe('flag');
  });
});
