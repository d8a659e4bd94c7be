/**
 * Word lists as data → regular expressions that match whole words ignoring case and accents, built once per
 * rule set.
 */
import { InvalidRuleSetError } from './errors.ts';
import type { Term } from './types.ts';

/** Letters a French text may carry with or without their accents. */
const ACCENTED: Readonly<Record<string, string>> = { a: 'aàâä', c: 'cç', e: 'eéèêë', i: 'iîï', o: 'oôö', u: 'uùûü', y: 'yÿ' };

/** Lower case, accents removed: `Réduction` → `reduction`. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function wordsPattern(words: string): string {
  return [...fold(words).trim()]
    .map((char) => (ACCENTED[char] ? `[${ACCENTED[char]}]` : /\s/.test(char) ? '\\s+' : char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
}

/** Letters and digits of French texts: what may not touch a term on either side. */
const WORD_CHARACTER = '[0-9A-Za-z\\u00C0-\\u024F]';

/**
 * A whole-word, case- and accent-insensitive expression matching any of the terms; undefined for none. Built
 * without the `u` flag, which makes it about twice as fast (patterns of the data must not rely on it).
 */
function termsExpression(terms: readonly Term[], field: string, flags = 'gi'): RegExp | undefined {
  if (terms.length === 0) return undefined;
  const alternatives = terms.map((term) => ('words' in term ? wordsPattern(term.words) : `(?:${term.pattern})`));
  try {
    return new RegExp(`(?<!${WORD_CHARACTER})(?:${alternatives.join('|')})(?!${WORD_CHARACTER})`, flags);
  } catch (error) {
    throw new InvalidRuleSetError(`${field}: ${(error as Error).message}`);
  }
}

export interface TermMatcher {
  /** The worst verdict among the terms found, and what was found as written in the text. */
  find(text: string): { verdict: 'fail' | 'flag'; found: string[] } | undefined;
}

export function termMatcher(terms: readonly Term[], field: string): TermMatcher {
  // One scan for any term (most texts have none), then one per verdict to sort what was found.
  const any = termsExpression(terms, field, 'i');
  const failing = termsExpression(terms.filter((term) => term.verdict === 'fail'), field);
  const flagging = termsExpression(terms.filter((term) => term.verdict === 'flag'), field);
  return {
    find(text) {
      if (!any?.test(text)) return undefined;
      const failed = failing && text.match(failing);
      if (failed) return { verdict: 'fail', found: [...new Set(failed)] };
      const flagged = flagging && text.match(flagging);
      return flagged ? { verdict: 'flag', found: [...new Set(flagged)] } : undefined;
    },
  };
}

/** `'a', 'b'` for a reason. */
export function quoted(found: readonly string[]): string {
  return found.map((text) => `'${text}'`).join(', ');
}
