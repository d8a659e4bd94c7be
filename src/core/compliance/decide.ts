/**
 * The compliance decision: one function from a message and what is known about it to allow, defer or reject, the
 * text to send and the trace of every rule of the rule set that decided.
 */
import { FRENCH_REGIONS, parseShortCode, recipientRegion, ShortCodeError, type RecipientRegion, type ShortCode } from '../numbers/index.ts';
import { compileContentRules } from './content.ts';
import { InvalidRuleSetError, NoRuleSetInForceError, UnknownRuleSetError } from './errors.ts';
import { BUILT_IN_RULE_SETS } from './rule-sets.ts';
import { RULES, type CompiledRuleSet, type Context } from './rules.ts';
import { compileSenderRules } from './sender.ts';
import { planStopMention, type StopPlan } from './stop-mention.ts';
import type { ComplianceOutcome, Decision, DecisionInput, RuleId, RuleOutcome, RuleSet } from './types.ts';
import { checkWindow, compileWindow, type WindowCheck } from './window.ts';

const compiledRuleSets = new WeakMap<RuleSet, CompiledRuleSet>();

function instant(iso: string | undefined, field: string, fallback: number): number {
  if (iso === undefined) return fallback;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || !/(?:Z|[+-]\d\d:\d\d)$/.test(iso)) throw new InvalidRuleSetError(`${field} "${iso}" is not an ISO 8601 instant with its offset`);
  return ms;
}

/** Checks a rule set's data and derives what the rules use; done once per rule set object. */
export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  let compiled = compiledRuleSets.get(ruleSet);
  if (compiled) return compiled;
  const label = `rule set "${ruleSet.name}" ${ruleSet.version}`;
  const unknown = ruleSet.rules.filter((rule) => !(rule in RULES));
  if (unknown.length > 0) throw new InvalidRuleSetError(`${label}: unknown rules ${unknown.join(', ')}`);
  if (!Number.isInteger(ruleSet.marketingPerDay) || ruleSet.marketingPerDay < 0) throw new InvalidRuleSetError(`${label}: marketingPerDay must be a whole number ≥ 0`);
  compiled = {
    definition: ruleSet,
    from: instant(ruleSet.effectiveFrom, `${label} effectiveFrom`, -Infinity),
    to: instant(ruleSet.effectiveTo, `${label} effectiveTo`, Infinity),
    rules: ruleSet.rules,
    window: compileWindow(ruleSet.window),
    sender: compileSenderRules(ruleSet.sender),
    content: compileContentRules(ruleSet.content),
  };
  compiledRuleSets.set(ruleSet, compiled);
  return compiled;
}

/** The rule set the account chose, or the one in force at `now`: the latest to take effect (of two at once, the first listed). */
function chooseRuleSet(input: DecisionInput, catalogue: readonly RuleSet[]): { ruleSet: CompiledRuleSet; chosenBy: 'account' | 'in-force' } {
  const wanted = input.policy.ruleSet;
  if (wanted) {
    const found = catalogue.find((ruleSet) => ruleSet.name === wanted.name && ruleSet.version === wanted.version);
    if (!found) throw new UnknownRuleSetError(wanted.name, wanted.version, catalogue.map((ruleSet) => `${ruleSet.name} ${ruleSet.version}`));
    return { ruleSet: compileRuleSet(found), chosenBy: 'account' };
  }
  const now = input.now.getTime();
  let inForce: CompiledRuleSet | undefined;
  for (const ruleSet of catalogue) {
    const compiled = compileRuleSet(ruleSet);
    if (compiled.from <= now && now < compiled.to && (!inForce || compiled.from > inForce.from)) inForce = compiled;
  }
  if (!inForce) throw new NoRuleSetInForceError(input.now);
  return { ruleSet: inForce, chosenBy: 'in-force' };
}

const METROPOLITAN: RecipientRegion = { region: 'metropolitan-france', ...FRENCH_REGIONS['metropolitan-france'], basis: 'number' };

function shortCodeOrError(code: string): ShortCode | ShortCodeError {
  try {
    return parseShortCode(code);
  } catch (error) {
    if (error instanceof ShortCodeError) return error;
    throw error;
  }
}

/** One decision's context; the window and the STOP plan are computed once, when a rule first asks. */
class DecisionContext implements Context {
  readonly marketing: boolean;
  readonly region: RecipientRegion;
  readonly outsidePlan: boolean;
  private windowCheck: WindowCheck | undefined;
  private stopPlan: StopPlan | undefined;
  private parsedShortCode: ShortCode | ShortCodeError | undefined;

  constructor(
    readonly input: DecisionInput,
    readonly ruleSet: CompiledRuleSet,
  ) {
    this.marketing = input.messageClass === 'marketing';
    const found = recipientRegion(input.recipient.e164, input.recipient.departement);
    this.region = found ?? METROPOLITAN;
    this.outsidePlan = found === undefined;
  }

  shortCode(): ShortCode | ShortCodeError {
    return (this.parsedShortCode ??= shortCodeOrError(this.input.sender.shortCode));
  }

  window(): WindowCheck {
    return (this.windowCheck ??= checkWindow(this.ruleSet.window, this.region.timeZone, this.region.holidayRegion, this.input.now.getTime()));
  }

  stop(): StopPlan {
    return (this.stopPlan ??= planStopMention(this.input));
  }
}

function outcomeOf(id: RuleId, context: Context): RuleOutcome {
  const { source, check } = RULES[id];
  const { verdict, reason, until } = check(context);
  const outcome: RuleOutcome = { rule: id, verdict, reason, source: typeof source === 'string' ? source : source(context.ruleSet.definition) };
  if (until !== undefined) outcome.until = new Date(until);
  return outcome;
}

function decisionOf(outcomes: RuleOutcome[]): Decision {
  const failed = outcomes.filter((outcome) => outcome.verdict === 'fail');
  if (failed.length > 0) return { kind: 'reject', reasons: failed };
  const deferred = outcomes.filter((outcome) => outcome.verdict === 'defer');
  if (deferred.length === 0) return { kind: 'allow' };
  const until = new Date(Math.max(...deferred.map((outcome) => outcome.until!.getTime())));
  return { kind: 'defer', until, reasons: deferred };
}

/**
 * Decides whether a message may go now, later or never, under the account's rule set (or the one in force at
 * `now`) from `catalogue` (the built-in rule sets by default; an aggregator passes its own list). Throws only for
 * configuration problems (unknown rule set, invalid rule-set data); a message breaking a rule is rejected.
 */
export function decide(input: DecisionInput, catalogue: readonly RuleSet[] = BUILT_IN_RULE_SETS): ComplianceOutcome {
  if (Number.isNaN(input.now.getTime())) throw new RangeError('decide: `now` is an invalid date');
  const { ruleSet, chosenBy } = chooseRuleSet(input, catalogue);
  const context = new DecisionContext(input, ruleSet);
  const outcomes: RuleOutcome[] = [];
  for (const id of ruleSet.rules) outcomes.push(outcomeOf(id, context));
  const { name, version } = ruleSet.definition;
  const finalText = ruleSet.rules.includes('stop-mention') ? context.stop().finalText : input.text;
  return { decision: decisionOf(outcomes), finalText, trace: { ruleSet: { name, version, chosenBy }, rules: outcomes } };
}
