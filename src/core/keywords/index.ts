/**
 * core/keywords: what an SMS-MO asks for — STOP, START, CONTACT or something else — read from keyword sets that
 * are data, tolerant of case, accents, spacing, polite words and phone typos, strict enough that a STOP inside an
 * ordinary sentence is not one. Pure, no I/O. Rules and examples: docs/keywords.md.
 */
export { classifyMo, type ClassifyOptions, type MatchBasis, type MoClassification } from './classify.ts';
export { KeywordSetError, type KeywordSetProblem } from './errors.ts';
export {
  compileKeywords,
  DEFAULT_COMPILED_KEYWORDS,
  DEFAULT_KEYWORDS,
  INTENT_PRECEDENCE,
  TYPO_INTENTS,
  type CompiledKeyword,
  type CompiledKeywords,
  type KeywordIntent,
  type KeywordSet,
  type MoIntent,
} from './keyword-set.ts';
export type { OptOutRule } from './sentences.ts';
export { contactReplyProblem, MAX_CONTACT_REPLY_LENGTH, MAX_CONTACT_REPLY_PARTS } from './contact-reply.ts';
