/**
 * Content rules (docs/domain.md rule 7): brand name first in marketing; no advertising in transactional messages;
 * "gratuit" only when everything promoted is free; the price of a paid service; no executable downloads; no adult
 * promotion. Word lists come from the rule set; the expressions are built once per rule set.
 */
import { InvalidRuleSetError } from './errors.ts';
import { quoted, termMatcher, type TermMatcher } from './terms.ts';
import type { Check, CompliancePolicy, ContentRules } from './types.ts';

export interface CompiledContentRules {
  advertising: TermMatcher;
  adult: TermMatcher;
  free: TermMatcher;
  price: RegExp;
  executable: RegExp;
}

function expression(source: string, field: string): RegExp {
  try {
    return new RegExp(source, 'iu');
  } catch (error) {
    throw new InvalidRuleSetError(`${field}: ${(error as Error).message}`);
  }
}

export function compileContentRules(rules: ContentRules): CompiledContentRules {
  const extensions = rules.executableExtensions.map((extension) => extension.replace(/^\./, '')).join('|');
  return {
    advertising: termMatcher(rules.advertising, 'content.advertising'),
    adult: termMatcher(rules.adult, 'content.adult'),
    free: termMatcher(rules.free, 'content.free'),
    price: expression(rules.price, 'content.price'),
    // The executable extension ending a link or file name, before any query or fragment.
    executable: expression(`\\.(?:${extensions})(?=$|[\\s?#)"'.,;:!])`, 'content.executableExtensions'),
  };
}

const pass = (reason: string): Check => ({ verdict: 'pass', reason });
const fail = (reason: string): Check => ({ verdict: 'fail', reason });

/** A phone number, a string of digits or a web address: what a brand name cannot be. */
const NOT_A_NAME = /^[+\d\s.()-]+$|^(?:https?:\/\/|www\.)|\.[a-z]{2,}(?:\/|$)/i;

function startsWithName(text: string, name: string): boolean {
  const start = text.trimStart();
  if (start.slice(0, name.length).toLowerCase() !== name.toLowerCase()) return false;
  return !/[\p{L}\p{N}]/u.test(start.charAt(name.length));
}

/**
 * Marketing starts with the client's or brand's name, which is neither a number nor an address (PROJETCOM deontology
 * annex, Part II Art. 2).
 */
export function checkBrandFirst(text: string, policy: CompliancePolicy): Check {
  const names = [policy.brand, ...(policy.brandAliases ?? [])].map((name) => name.trim());
  const notNames = names.filter((name) => name === '' || NOT_A_NAME.test(name));
  if (notNames.length > 0) return fail(`the brand name ${quoted(notNames)} is a number, digits or a web address: give the brand a real name in the account`);
  const first = names.find((name) => startsWithName(text, name));
  if (first) return pass(`starts with the brand name '${first}'`);
  return fail(`a marketing SMS must start with the brand name: begin the text with '${policy.brand}' (it starts with '${text.trimStart().slice(0, 20)}')`);
}

export function checkNoAdvertising(text: string, content: CompiledContentRules): Check {
  const found = content.advertising.find(text);
  if (!found) return pass('no sign of advertising');
  if (found.verdict === 'fail') return fail(`transactional messages carry no advertising: remove ${quoted(found.found)} or send the message as marketing`);
  return { verdict: 'flag', reason: `${quoted(found.found)} may be advertising, which transactional messages may not carry: send it as marketing if it promotes anything` };
}

export function checkFreeClaim(text: string, marketing: boolean, policy: CompliancePolicy, content: CompiledContentRules): Check {
  const found = content.free.find(text);
  if (!found) return pass('no claim that something is free');
  if (policy.everythingFree) return pass(`says ${quoted(found.found)}; the account declares everything it promotes free`);
  const reason = `says ${quoted(found.found)}, allowed only when everything promoted is free: remove the word, or have the aggregator grant the account the "everything-free" option (everything it promotes is free)`;
  return { verdict: marketing ? found.verdict : 'flag', reason };
}

export function checkPriceMention(text: string, policy: CompliancePolicy, content: CompiledContentRules): Check {
  if (!policy.paidService) return { verdict: 'not-applicable', reason: 'the account promotes no paid service' };
  const price = content.price.exec(text);
  if (price) return pass(`states a price ('${price[0]}')`);
  return fail('the service promoted is paid: state its price in the message (e.g. "0,80 €/min" or "2,99 €")');
}

/** The link or file name around an executable extension, if the text has one. */
function executableLink(text: string, executable: RegExp): string | undefined {
  const extension = executable.exec(text);
  if (!extension) return undefined;
  const end = extension.index + extension[0].length;
  return text.slice(0, end).match(/[^\s("'<]*$/)![0];
}

export function checkExecutableDownload(text: string, marketing: boolean, content: CompiledContentRules): Check {
  const link = executableLink(text, content.executable);
  if (link === undefined) return pass('no link to executable content');
  if (marketing) return fail(`'${link}' downloads executable content, which marketing may not deliver: link to a web page or an app store instead`);
  return { verdict: 'flag', reason: `'${link}' downloads executable content: send it only to recipients who asked for it` };
}

export function checkAdultContent(text: string, content: CompiledContentRules): Check {
  const found = content.adult.find(text);
  if (!found) return pass('no adult vocabulary');
  if (found.verdict === 'fail') return fail(`promotes adult content (${quoted(found.found)}), which no SMS may do`);
  return { verdict: 'flag', reason: `${quoted(found.found)} may suggest adult content, which no SMS may promote: check the wording` };
}
