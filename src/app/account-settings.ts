/**
 * What the aggregator provisions for an account (relais account set, PATCH /v1/aggregator/accounts/{name}): the
 * short codes it may send on, its approved alphanumeric senders, the options granted, and its compliance choices
 * (rule set, STOP wording and short code, a lower marketing-per-day limit). Every value is checked here, once,
 * for both doors; a change takes effect on every process within a second (the doors read accounts afresh).
 */
import { BUILT_IN_RULE_SETS, FRENCH_SENDER_RULES, senderNameProblems, stopWordingProblem } from '../core/compliance/index.ts';
import { parseShortCode, ShortCodeError } from '../core/numbers/index.ts';
import type { FieldProblem } from './errors.ts';
import { accountOptions, type AccountCompliance, type ComplianceSettings } from './guard-message.ts';
import type { ShortCode } from './ports.ts';

export interface SettingsChange extends Partial<ComplianceSettings> {
  shortCodes?: string[];
  defaultShortCode?: string | null;
}

/** Every problem of `change` applied to an account as it is now; [] when it can be saved. */
export function settingsProblems(
  change: SettingsChange,
  current: Pick<AccountCompliance, 'shortCodes' | 'settings'> & { defaultShortCode: string | null },
  platform: ReadonlyMap<string, ShortCode>,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const shortCodes = change.shortCodes ?? current.shortCodes;
  change.shortCodes?.forEach((code, i) => {
    const problem = shortCodeProblem(code, platform);
    if (problem) problems.push({ field: `/shortCodes/${i}`, reason: problem });
  });
  const assigned = (field: string, code: string | null | undefined) => {
    if (code === null || code === undefined || shortCodes.includes(code)) return;
    problems.push({ field, reason: `${code} is not one of the account's short codes (${shortCodes.join(', ') || 'none'}): assign it in shortCodes first` });
  };
  assigned('/defaultShortCode', change.defaultShortCode === undefined ? current.defaultShortCode : change.defaultShortCode);
  assigned('/stopShortCode', change.stopShortCode === undefined ? current.settings.stopShortCode : change.stopShortCode);

  change.alphanumericSenders?.forEach((name, i) => {
    const found = senderNameProblems(name, FRENCH_SENDER_RULES);
    if (found.length > 0) problems.push({ field: `/alphanumericSenders/${i}`, reason: `"${name}" cannot be a sender: ${found.join('; ')}` });
  });
  change.options?.forEach((option, i) => {
    if (!(accountOptions as readonly string[]).includes(option)) problems.push({ field: `/options/${i}`, reason: `"${option}" is not an option (one of ${accountOptions.join(', ')})` });
  });
  if (change.ruleSet && !BUILT_IN_RULE_SETS.some((r) => r.name === change.ruleSet!.name && r.version === change.ruleSet!.version)) {
    const known = BUILT_IN_RULE_SETS.map((r) => `"${r.name}" ${r.version}`).join(', ');
    problems.push({ field: '/ruleSet', reason: `no rule set "${change.ruleSet.name}" ${change.ruleSet.version} (one of ${known}; null: the one in force)` });
  }
  for (const kind of ['shortCode', 'alphanumeric'] as const) {
    const wording = change.stopWording?.[kind];
    const problem = wording === undefined ? undefined : stopWordingProblem(wording, kind === 'alphanumeric');
    if (problem) problems.push({ field: `/stopWording/${kind}`, reason: `"${wording}": ${problem}` });
  }
  const limit = marketingLimit(change.ruleSet === undefined ? current.settings.ruleSet : change.ruleSet);
  if (change.marketingPerDay !== undefined && change.marketingPerDay !== null && !(Number.isInteger(change.marketingPerDay) && change.marketingPerDay >= 0 && change.marketingPerDay <= limit)) {
    problems.push({ field: '/marketingPerDay', reason: `${change.marketingPerDay} is not a whole number from 0 to ${limit} (the rule set's limit; an account may only set fewer)` });
  }
  return problems;
}

function shortCodeProblem(code: string, platform: ReadonlyMap<string, ShortCode>): string | undefined {
  try {
    parseShortCode(code);
  } catch (error) {
    if (error instanceof ShortCodeError) return error.message;
    throw error;
  }
  if (!platform.has(code)) return `${code} is not a short code of this platform (configured: ${[...platform.keys()].join(', ') || 'none'})`;
  return undefined;
}

/** The most marketing SMS a day the chosen rule set (or any built-in one, when none is chosen) allows. */
function marketingLimit(ruleSet: ComplianceSettings['ruleSet']): number {
  const candidates = BUILT_IN_RULE_SETS.filter((r) => !ruleSet || (r.name === ruleSet.name && r.version === ruleSet.version));
  return Math.max(0, ...candidates.map((r) => r.marketingPerDay));
}
