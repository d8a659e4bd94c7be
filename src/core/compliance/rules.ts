/**
 * The rules, each once: its source and its check. Which rules apply, and their parameters, come from the rule set.
 */
import { SHORT_CODE_RANGES, ShortCodeError, type RecipientRegion, type ShortCode } from '../numbers/index.ts';
import type { MessageClass } from '../message/status.ts';
import {
  checkAdultContent,
  checkBrandFirst,
  checkExecutableDownload,
  checkFreeClaim,
  checkNoAdvertising,
  checkPriceMention,
  type CompiledContentRules,
} from './content.ts';
import { checkSender, type CompiledSenderRules } from './sender.ts';
import type { StopPlan } from './stop-mention.ts';
import type { Check, DecisionInput, RuleId, RuleSet } from './types.ts';
import type { CompiledWindow, DayStatus, WindowCheck } from './window.ts';

export interface CompiledRuleSet {
  definition: RuleSet;
  from: number;
  to: number;
  rules: readonly RuleId[];
  window: CompiledWindow;
  sender: CompiledSenderRules;
  content: CompiledContentRules;
}

/** What the rules look at for one decision; the costly parts are computed once, when a rule first asks. */
export interface Context {
  input: DecisionInput;
  marketing: boolean;
  ruleSet: CompiledRuleSet;
  /** The recipient's region; metropolitan France for a number outside the French plan (`outsidePlan`). */
  region: RecipientRegion;
  outsidePlan: boolean;
  /** The sender's short code, or why it is not one. */
  shortCode(): ShortCode | ShortCodeError;
  window(): WindowCheck;
  stop(): StopPlan;
}

export interface Rule {
  source: string | ((ruleSet: RuleSet) => string);
  check(context: Context): Check;
}

const notApplicable = (reason: string): Check => ({ verdict: 'not-applicable', reason });
const forTransactional = notApplicable('transactional message');
const forMarketing = notApplicable('marketing message');

const DEONTOLOGY_SPAM = 'Orange OPS offer (2016), §Déontologie : mieux lutter contre le SPAM';
const DEONTOLOGY_PROTECT = 'Orange OPS offer (2016), §Déontologie : mieux protéger le client final';
const PUSH_COMMON = 'PROJETCOM deontology annex, Part II Art. 1';
const PUSH_MARKETING = 'PROJETCOM deontology annex, Part II Art. 2';

function checkConsent({ input, marketing }: Context): Check {
  if (!marketing) return notApplicable('transactional message: the contractual relation stands for consent');
  const brand = input.policy.brand;
  switch (input.facts.consent) {
    case 'opt-in':
      return { verdict: 'pass', reason: `opt-in recorded for ${brand}` };
    case 'soft-opt-in':
      return {
        verdict: 'flag',
        reason: `soft opt-in for ${brand}: allowed only for products or services analogous to those the recipient already bought, with a free way to object offered at collection and in every message`,
      };
    case 'none':
      return { verdict: 'fail', reason: `no recorded consent for ${brand}: record the recipient's opt-in (when, how, wording) before sending marketing` };
  }
}

function checkOpposition({ input, marketing }: Context): Check {
  const brand = input.policy.brand;
  if (!input.facts.optedOut) return { verdict: 'pass', reason: `no STOP received for ${brand}` };
  if (marketing) return { verdict: 'fail', reason: `the recipient sent STOP for ${brand}: no more marketing to this number` };
  return { verdict: 'flag', reason: `the recipient sent STOP for ${brand}; transactional messages still go, so this one must carry no advertising` };
}

function rangesFor(messageClass: MessageClass): string {
  return SHORT_CODE_RANGES.filter((range) => range.allows[messageClass] !== 'no')
    .map((range) => `${range.prefix}ABC`)
    .join(' or ');
}

function checkShortCodeRange(context: Context): Check {
  const shortCode = context.shortCode();
  if (shortCode instanceof ShortCodeError) return notApplicable('no valid short code (see sender-id)');
  const { input } = context;
  const { code, range } = shortCode;
  const fits = `${code} is a ${range.prefix}ABC short code (${range.description})`;
  switch (range.allows[input.messageClass]) {
    case 'yes':
      return { verdict: 'pass', reason: `${fits}: it carries ${input.messageClass} traffic` };
    case 'no':
      return { verdict: 'fail', reason: `${fits}: ${input.messageClass} traffic goes on ${rangesFor(input.messageClass)}; send from such a short code` };
    case 'with-geo-presence':
      return input.policy.geoPresence
        ? { verdict: 'pass', reason: `${fits}: the account has the Géo Présence option` }
        : { verdict: 'fail', reason: `${fits}: marketing goes there only with the account's "geo-presence" option (Géo Présence, granted by the aggregator); use a 36ABC short code` };
    case 'in-mo-session':
      return { verdict: 'flag', reason: `${fits}: send it only as the answer to the recipient's SMS-MO` };
    case 'to-m2m-sim':
      return { verdict: 'flag', reason: `${fits}: send it only to M2M SIM cards` };
  }
}

function describeDay({ day, holiday }: DayStatus): string {
  return holiday ? `${day.isoDate} is a public holiday (${holiday})` : `${day.isoDate} is a ${day.weekday[0]!.toUpperCase()}${day.weekday.slice(1)}`;
}

function whyClosed(context: Context, check: WindowCheck): string {
  const { opens, closes } = context.ruleSet.window.definition;
  if (check.today.treatment === 'excluded') return describeDay(check.today);
  return context.input.now.getTime() < check.today.day.at(context.ruleSet.window.opensMinute) ? `before ${opens}` : `from ${closes}`;
}

function checkSendWindow(context: Context): Check {
  if (!context.marketing) return notApplicable('transactional messages go at any hour');
  const { region, ruleSet } = context;
  const { opens, closes } = ruleSet.window.definition;
  const where = `${region.timeZone}${context.outsidePlan ? ' (recipient outside the French plan: metropolitan time and holidays)' : ''}`;
  const check = context.window();
  const tolerated = check.opening.treatment === 'tolerated' ? `; ${describeDay(check.opening)}: tolerated, not recommended` : '';
  if (check.at === context.input.now.getTime()) {
    return { verdict: tolerated ? 'flag' : 'pass', reason: `within ${opens}–${closes} ${where}${tolerated}` };
  }
  const until = `${check.opening.day.isoDate} ${opens} ${where}`;
  return { verdict: 'defer', until: check.at, reason: `outside the send window in the recipient's time: ${whyClosed(context, check)}; deferred to ${until}${tolerated}` };
}

function checkFrequencyCap(context: Context): Check {
  if (!context.marketing) return notApplicable('no cap on transactional messages');
  const { input, ruleSet } = context;
  const limit = Math.min(ruleSet.definition.marketingPerDay, input.policy.marketingPerDay ?? Infinity);
  const whose = limit < ruleSet.definition.marketingPerDay ? "the account's limit" : `${ruleSet.definition.name} ${ruleSet.definition.version}`;
  if (ruleSet.rules.includes('send-window')) {
    const { today, opening } = context.window();
    if (opening.day.isoDate !== today.day.isoDate) return { verdict: 'pass', reason: `goes on ${opening.day.isoDate}, another day: that day's count is checked when it is sent` };
  }
  const sent = input.facts.marketingSentTodayForBrand;
  const counted = `${sent} marketing SMS already sent today for ${input.policy.brand} to this recipient; at most ${limit} a day (${whose})`;
  return sent < limit ? { verdict: 'pass', reason: counted } : { verdict: 'fail', reason: `${counted}: send it another day` };
}

function onlyFor(messageClass: MessageClass, check: (context: Context) => Check): (context: Context) => Check {
  return (context) => (context.input.messageClass === messageClass ? check(context) : messageClass === 'marketing' ? forTransactional : forMarketing);
}

export const RULES: Readonly<Record<RuleId, Rule>> = {
  consent: { source: '123-SMS.net offer; PROJETCOM terms §8; PROJETCOM deontology annex, Part I Art. 4', check: checkConsent },
  opposition: { source: `${DEONTOLOGY_PROTECT}; ${PUSH_COMMON}`, check: checkOpposition },
  'sender-id': {
    source: `${PUSH_COMMON}; ${DEONTOLOGY_SPAM}; 3GPP TS 23.040 §9.1.2.5`,
    check: (context) => checkSender(context.input.sender, context.shortCode(), context.input.policy, context.ruleSet.sender),
  },
  'short-code-range': { source: DEONTOLOGY_SPAM, check: checkShortCodeRange },
  'send-window': { source: (ruleSet) => ruleSet.window.source, check: checkSendWindow },
  'frequency-cap': { source: `${DEONTOLOGY_SPAM} (one a day per brand, recommended)`, check: checkFrequencyCap },
  'stop-mention': { source: `${DEONTOLOGY_PROTECT}; SMS Partner documentation; ${PUSH_MARKETING}`, check: (context) => context.stop().check },
  'brand-first': { source: PUSH_MARKETING, check: onlyFor('marketing', ({ input }) => checkBrandFirst(input.text, input.policy)) },
  'no-advertising-in-transactional': {
    source: 'PROJETCOM deontology annex, Part II Art. 3',
    check: onlyFor('transactional', ({ input, ruleSet }) => checkNoAdvertising(input.text, ruleSet.content)),
  },
  'free-claim': {
    source: `${DEONTOLOGY_SPAM}; ${PUSH_COMMON}`,
    check: ({ input, marketing, ruleSet }) => checkFreeClaim(input.text, marketing, input.policy, ruleSet.content),
  },
  'price-mention': { source: `${DEONTOLOGY_SPAM}; ${PUSH_COMMON}`, check: onlyFor('marketing', ({ input, ruleSet }) => checkPriceMention(input.text, input.policy, ruleSet.content)) },
  'executable-download': {
    source: `${PUSH_COMMON} and Art. 2`,
    check: ({ input, marketing, ruleSet }) => checkExecutableDownload(input.text, marketing, ruleSet.content),
  },
  'adult-content': { source: `${DEONTOLOGY_PROTECT}; ${PUSH_COMMON}`, check: ({ input, ruleSet }) => checkAdultContent(input.text, ruleSet.content) },
};
