/**
 * What an account changes itself of how MOs are answered (docs/keywords.md, "What the account changes itself"):
 * its own STOP and CONTACT words, added to the defaults, and its CONTACT reply. Its START words (a wrong START
 * re-opens consent a person withdrew), its STOP wording and its identity stay with the aggregator.
 */
import { compileKeywords, contactReplyProblem, KeywordSetError, type KeywordSet } from '../core/keywords/index.ts';
import type { FieldProblem } from './errors.ts';
import { withAccountKeywords } from './receive-mo.ts';

/** The intents whose words the account may set itself. */
export const OWN_KEYWORD_INTENTS = ['stop', 'contact'] as const;
export type OwnKeywords = Record<(typeof OWN_KEYWORD_INTENTS)[number], string[]>;

/**
 * Every problem of the account's own words, each at its place (`/stop/2`): a word is tried after the ones before it
 * that passed, so one word too close to a default is named alone, not the whole list.
 */
export function ownKeywordProblems(own: OwnKeywords, current: Partial<KeywordSet> | null): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const kept: KeywordSet = { stop: [], start: [...(current?.start ?? [])], contact: [] };
  for (const intent of OWN_KEYWORD_INTENTS) {
    own[intent].forEach((word, i) => {
      const tried = { ...kept, [intent]: [...kept[intent], word.trim()] };
      try {
        compileKeywords(withAccountKeywords(tried));
        kept[intent] = tried[intent];
      } catch (error) {
        if (!(error instanceof KeywordSetError)) throw error;
        problems.push({ field: `/${intent}/${i}`, reason: `"${word}": ${error.message}` });
      }
    });
  }
  return problems;
}

/** The keywords to store: the account's own words, its START words as the aggregator set them. */
export function withOwnKeywords(own: OwnKeywords, current: Partial<KeywordSet> | null): Partial<KeywordSet> | null {
  const stored = { ...(current?.start?.length ? { start: [...current.start] } : {}), ...(own.stop.length ? { stop: own.stop.map((w) => w.trim()) } : {}), ...(own.contact.length ? { contact: own.contact.map((w) => w.trim()) } : {}) };
  return Object.keys(stored).length === 0 ? null : stored;
}

/** The CONTACT reply's problem, at its field; [] when it may be saved (null: built from the identity again). */
export function contactReplyProblems(reply: string | null): FieldProblem[] {
  const reason = reply === null ? undefined : contactReplyProblem(reply);
  return reason ? [{ field: '/contactReply', reason }] : [];
}
