/**
 * Typed errors of core/keywords: a keyword set that cannot be used. An MO never throws: whatever it says, it gets
 * an intent ('other' when nothing matches).
 */
export type KeywordSetProblem = 'no-stop-keyword' | 'empty-keyword' | 'filler-keyword' | 'keyword-in-two-intents' | 'keywords-too-close';

export class KeywordSetError extends Error {
  override readonly name = 'KeywordSetError';
  constructor(
    readonly problem: KeywordSetProblem,
    message: string,
  ) {
    super(message);
  }
}
