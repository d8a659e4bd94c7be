/**
 * Sender ID (OADC) validation (docs/domain.md rule 6): the short code is the default sender; an alphanumeric name is
 * an option, with at least one letter A–Z, never digits only (PROJETCOM deontology annex, Part II Art. 1), at most
 * 11 characters (3GPP TS 23.040), from the accepted set, not on the deny-list; never a mobile MSISDN (Orange OPS
 * offer (2016), §Déontologie : mieux lutter contre le SPAM).
 */
import { parseMsisdn, ShortCodeError, type ShortCode } from '../numbers/index.ts';
import { gsm7Length } from '../text/index.ts';
import { InvalidRuleSetError } from './errors.ts';
import { fold } from './terms.ts';
import type { Check, CompliancePolicy, DeniedSender, Sender, SenderRules } from './types.ts';

export interface CompiledSenderRules {
  rules: SenderRules;
  accepted: RegExp;
  denied: readonly (DeniedSender & { key: string })[];
  /** Problems of an alphanumeric name under these rules, memoised: the same few senders come back all day. */
  problemsOf: Map<string, { problems: string[]; denied: DeniedSender | undefined }>;
}

const MAX_REMEMBERED_SENDERS = 10_000;

/** Letters and digits only, lower case, no accents: how sender names are compared. */
const comparable = (name: string) => fold(name).replace(/[^a-z0-9]/g, '');

export function compileSenderRules(rules: SenderRules): CompiledSenderRules {
  let accepted: RegExp;
  try {
    accepted = new RegExp(`[^${rules.characters}]`, 'gu');
  } catch (error) {
    throw new InvalidRuleSetError(`sender.characters: ${(error as Error).message}`);
  }
  return { rules, accepted, denied: rules.denyList.map((entry) => ({ ...entry, key: comparable(entry.name) })), problemsOf: new Map() };
}

/** A number that reaches a handset: what the Orange OPS offer (2016) forbids as the sender of commercial traffic. */
function isMobileNumber(oadc: string): boolean {
  if (!/^\+?[\d\s.]{8,}$/.test(oadc)) return false;
  try {
    return parseMsisdn(oadc, { requireMobile: true }) !== undefined;
  } catch {
    return false;
  }
}

function deniedEntry(name: string, compiled: CompiledSenderRules): DeniedSender | undefined {
  const key = comparable(name);
  return compiled.denied.find((entry) => (entry.match === 'exact' ? key === entry.key : key.includes(entry.key)));
}

function alphanumericProblems(name: string, compiled: CompiledSenderRules) {
  let known = compiled.problemsOf.get(name);
  if (known) return known;
  const { maxLength, characters } = compiled.rules;
  const problems: string[] = [];
  const length = gsm7Length(name);
  if (length < 0 || length > maxLength) problems.push(`it must be at most ${maxLength} GSM characters`);
  if (!/[A-Za-z]/.test(name)) problems.push('it must contain at least one letter A–Z (a sender of digits only is forbidden)');
  const refused = [...new Set(name.match(compiled.accepted))];
  if (refused.length > 0) problems.push(`${refused.map((c) => JSON.stringify(c)).join(', ')} ${refused.length > 1 ? 'are' : 'is'} not accepted (accepted: ${characters})`);
  known = { problems, denied: deniedEntry(name, compiled) };
  if (compiled.problemsOf.size >= MAX_REMEMBERED_SENDERS) compiled.problemsOf.clear();
  compiled.problemsOf.set(name, known);
  return known;
}

function approved(name: string, policy: CompliancePolicy): boolean {
  return policy.approvedSenders?.some((candidate) => candidate.toLowerCase() === name.toLowerCase()) ?? false;
}

/** `shortCode` is the sender's short code parsed, or why it is not one. */
export function checkSender(sender: Sender, shortCode: ShortCode | ShortCodeError, policy: CompliancePolicy, compiled: CompiledSenderRules): Check {
  const oadc = sender.alphanumeric ?? sender.shortCode;
  if (isMobileNumber(oadc)) return { verdict: 'fail', reason: `the sender ${oadc} is a mobile number: commercial traffic never comes from a SIM card (MSISDN); use the short code or an alphanumeric name` };
  if (shortCode instanceof ShortCodeError) return { verdict: 'fail', reason: `${shortCode.message}; send from one of the aggregator's short codes` };
  const name = sender.alphanumeric;
  if (name === undefined) return { verdict: 'pass', reason: `the short code ${sender.shortCode} is the sender` };
  const { problems, denied } = alphanumericProblems(name, compiled);
  if (problems.length > 0) return { verdict: 'fail', reason: `the sender name "${name}" is refused: ${problems.join('; ')}` };
  if (denied && !approved(name, policy)) return { verdict: 'fail', reason: `the sender name "${name}" is on the deny-list (${denied.why}); choose the brand's own name, or have the aggregator approve it in the account's alphanumericSenders` };
  if (denied) return { verdict: 'flag', reason: `the sender name "${name}" is on the deny-list (${denied.why}) but approved for this account` };
  if (policy.approvedSenders && !approved(name, policy)) return { verdict: 'fail', reason: `the sender name "${name}" is not approved for this account (approved: ${policy.approvedSenders.join(', ') || 'none yet'}); the aggregator approves senders in the account's alphanumericSenders` };
  return { verdict: 'pass', reason: `the alphanumeric sender "${name}" is accepted` };
}

/** What is wrong with an alphanumeric sender name under these rules (length, a letter, accepted characters); [] when nothing. */
export function senderNameProblems(name: string, rules: SenderRules): string[] {
  return alphanumericProblems(name, compileSenderRules(rules)).problems;
}
