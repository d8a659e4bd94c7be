/**
 * The compliance guard every door goes through (API today; SMPP, e-mail and campaigns feed the same use case):
 * one decision of core/compliance per message, with the recipient's consent from the ledger.
 * - A rule about the recipient (no consent, opted out, over the cap) suppresses the message: accepted, kept
 *   with the reason, never sent — a campaign is not refused because some recipients said STOP.
 * - A rule about the message itself (content, sender, short code, STOP mention) refuses it with the reason, so
 *   the client can correct it.
 * - Outside the send window the message is deferred to the next allowed instant.
 * - Marketing gets the days it may take under the frequency cap; the store takes the slot atomically.
 */
import { BUILT_IN_RULE_SETS, decide, nextSendDay, sendDayOf, type CompliancePolicy, type DecisionInput, type RuleId } from '../core/compliance/index.ts';
import type { RecipientConsent } from '../core/consent/index.ts';
import type { FieldProblem } from './errors.ts';
import type { ComplianceRecord, NewMessage } from './ports.ts';
import type { SendDay } from '../core/compliance/index.ts';

/** Options the aggregator grants an account (each an Orange option or a declaration the rules read). */
export const accountOptions = ['alphanumeric-sender', 'geo-presence', 'everything-free'] as const;
export type AccountOption = (typeof accountOptions)[number];

/** What the aggregator sets for an account's compliance (relais account set, PATCH /v1/aggregator/accounts/{name}). */
export interface ComplianceSettings {
  /** The rule set chosen; null: the one in force. */
  ruleSet: { name: string; version: string } | null;
  /** STOP mention wordings; `{shortCode}` is replaced by the short code receiving STOP. */
  stopWording: { shortCode?: string; alphanumeric?: string } | null;
  /** The short code receiving STOP when the sender is alphanumeric; null: the message's short code. */
  stopShortCode: string | null;
  /** Fewer marketing SMS per recipient per day per brand than the rule set allows; null: the rule set's. */
  marketingPerDay: number | null;
  options: readonly AccountOption[];
  /** Alphanumeric senders approved for the account (with the alphanumeric-sender option). */
  alphanumericSenders: readonly string[];
}

export const DEFAULT_COMPLIANCE_SETTINGS: ComplianceSettings = {
  ruleSet: null,
  stopWording: null,
  stopShortCode: null,
  marketingPerDay: null,
  options: [],
  alphanumericSenders: [],
};

/** What an account decides about its own compliance, and what the aggregator set for it. */
export interface AccountCompliance {
  /** The account's brand: each message's unless it names another. */
  brand: string;
  /** Over the frequency cap: defer to the next day with a free slot, or suppress. */
  capPolicy: 'defer' | 'reject';
  /** The short codes the account may send on. */
  shortCodes: readonly string[];
  settings: ComplianceSettings;
}

export type GuardInput = Omit<NewMessage, 'status' | 'error' | 'compliance' | 'cap'> & { stopMention?: boolean };

/** Rules about the recipient rather than the message: breaking one suppresses instead of refusing. */
const RECIPIENT_RULES: ReadonlySet<RuleId> = new Set(['consent', 'opposition', 'frequency-cap']);
const FIELD_OF: Partial<Record<RuleId, string>> = { 'sender-id': '/from', 'short-code-range': '/shortCode' };
/** How many days ahead a marketing message over the cap may move before it is suppressed. */
const CAP_DAYS = 7;

export function guardMessage(message: GuardInput, account: AccountCompliance, consent: RecipientConsent): NewMessage | { problems: FieldProblem[] } {
  const { stopMention: _stopMention, ...draft } = message;
  const input = decisionInput(message, account, consent);
  const { decision, finalText, trace } = decide(input);
  const notes = trace.rules.filter((r) => r.verdict !== 'pass' && r.verdict !== 'not-applicable').map(({ rule, verdict, reason }) => ({ rule, verdict, reason }));
  const compliance: ComplianceRecord = { ruleSet: `${trace.ruleSet.name} ${trace.ruleSet.version}`, decision: decision.kind, notes };
  if (decision.kind === 'reject') {
    const refusals = decision.reasons.filter((r) => !RECIPIENT_RULES.has(r.rule));
    if (refusals.length > 0) return { problems: refusals.map((r) => ({ field: FIELD_OF[r.rule] ?? '/text', reason: `${r.reason} (rule ${r.rule})` })) };
    const why = decision.reasons.find((r) => r.rule === 'opposition') ?? decision.reasons[0]!;
    return { ...draft, status: 'suppressed', error: { code: why.rule, reason: why.reason }, compliance, cap: null };
  }
  const dueAt = decision.kind === 'defer' ? decision.until : draft.dueAt;
  const perDay = marketingPerDay(trace.ruleSet, draft.class, account.settings.marketingPerDay);
  const cap =
    perDay === undefined
      ? null
      : { first: sendDayOf(input, dueAt), perDay, maxDays: account.capPolicy === 'reject' ? 1 : CAP_DAYS, dayAfter: (day: SendDay) => nextSendDay(input, day) };
  return { ...draft, body: finalText, dueAt, status: 'queued', error: null, compliance, cap };
}

function decisionInput(message: GuardInput, account: AccountCompliance, consent: RecipientConsent): DecisionInput {
  // Any sender but the short code itself is checked as an alphanumeric one (draftOf refused other numbers).
  const alphanumeric = message.sender === message.shortCode ? undefined : message.sender;
  return {
    text: message.body,
    messageClass: message.class,
    policy: policyOf(account.settings, message.brand),
    sender: { shortCode: message.shortCode, ...(alphanumeric ? { alphanumeric } : {}) },
    recipient: { e164: message.recipient },
    // The rules are those of the moment it goes: a message scheduled at 23:00 is deferred like one sent then.
    now: message.dueAt,
    // The cap is taken by the store, atomically: the decision only checks the other rules.
    facts: { marketingSentTodayForBrand: 0, optedOut: consent.optedOut, consent: consent.consent },
    ...(message.stopMention === undefined ? {} : { stopMention: message.stopMention }),
  };
}

/** The core's policy for one brand of the account, from what the aggregator set (built once per settings read and brand). */
function policyOf(settings: ComplianceSettings, brand: string): CompliancePolicy {
  let byBrand = policies.get(settings);
  if (!byBrand) policies.set(settings, (byBrand = new Map()));
  let policy = byBrand.get(brand);
  if (!policy) byBrand.set(brand, (policy = newPolicy(settings, brand)));
  return policy;
}
const policies = new WeakMap<ComplianceSettings, Map<string, CompliancePolicy>>();

function newPolicy(settings: ComplianceSettings, brand: string): CompliancePolicy {
  const { ruleSet, stopWording, stopShortCode, marketingPerDay, options, alphanumericSenders } = settings;
  return {
    brand,
    ...(ruleSet ? { ruleSet } : {}),
    ...(stopWording ? { stopWording } : {}),
    ...(stopShortCode ? { stopShortCode } : {}),
    ...(marketingPerDay !== null ? { marketingPerDay } : {}),
    everythingFree: options.includes('everything-free'),
    geoPresence: options.includes('geo-presence'),
    approvedSenders: alphanumericSenders,
  };
}

/**
 * Marketing messages a recipient may get per day for a brand under this rule set, or fewer when the account says
 * so; undefined when no cap applies.
 */
function marketingPerDay(chosen: { name: string; version: string }, messageClass: NewMessage['class'], accountLimit: number | null): number | undefined {
  if (messageClass !== 'marketing') return undefined;
  const ruleSet = BUILT_IN_RULE_SETS.find((r) => r.name === chosen.name && r.version === chosen.version);
  if (!ruleSet?.rules.includes('frequency-cap')) return undefined;
  return Math.min(ruleSet.marketingPerDay, accountLimit ?? Infinity);
}
