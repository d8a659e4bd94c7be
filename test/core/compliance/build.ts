import { expect } from 'vitest';
import type { ComplianceOutcome, DecisionInput, RuleId, RuleOutcome } from '../../../src/core/compliance/index.ts';

/** A Wednesday at noon in Paris, inside every built-in window (and AF2M 2026 is in force). */
export const WEDNESDAY_NOON = new Date('2026-03-25T12:00:00+01:00');

type Overrides = Partial<Omit<DecisionInput, 'facts' | 'policy' | 'sender' | 'recipient'>> & {
  facts?: Partial<DecisionInput['facts']>;
  policy?: Partial<DecisionInput['policy']>;
  sender?: Partial<DecisionInput['sender']>;
  recipient?: Partial<DecisionInput['recipient']>;
};

/** A compliant marketing message from the short code 36123 for the brand Dupont; every field can be overridden. */
export function marketing(overrides: Overrides = {}): DecisionInput {
  return {
    text: overrides.text ?? 'Dupont : nouvelle collection en boutique cette semaine',
    messageClass: overrides.messageClass ?? 'marketing',
    policy: { brand: 'Dupont', ...overrides.policy },
    sender: { shortCode: '36123', ...overrides.sender },
    recipient: { e164: '+33612345678', ...overrides.recipient },
    now: overrides.now ?? WEDNESDAY_NOON,
    facts: { marketingSentTodayForBrand: 0, optedOut: false, consent: 'opt-in', ...overrides.facts },
    ...(overrides.stopMention === undefined ? {} : { stopMention: overrides.stopMention }),
  };
}

export function transactional(overrides: Overrides = {}): DecisionInput {
  return marketing({ text: 'Votre colis 8F42 sera livré demain entre 9h et 12h.', ...overrides, messageClass: 'transactional' });
}

export function ruleOutcome(outcome: ComplianceOutcome, rule: RuleId): RuleOutcome {
  const found = outcome.trace.rules.find((candidate) => candidate.rule === rule);
  expect(found, `the trace has no ${rule} entry`).toBeDefined();
  return found!;
}
