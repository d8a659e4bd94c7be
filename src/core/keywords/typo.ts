/**
 * The typos a phone makes, bounded: one letter wrong, missing, extra, or two neighbours swapped (optimal string
 * alignment distance 1), compared after repeated letters are collapsed (`STOOOP` is not a typo but emphasis).
 */

/** A keyword shorter than this has too many real words one letter away (`TOP`, `STP`, `QUI`). */
export const MIN_TYPO_LENGTH = 4;

/** Optimal string alignment distance, stopping early: only 0, 1 or "more" (2) is ever needed. */
function distanceUpToOne(a: string, b: string): 0 | 1 | 2 {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > 1) return 2;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  const rest = (x: string, from: number) => x.slice(from);
  // The first difference at i: substitution, insertion, deletion or a swap of i and i + 1; the rest must be equal.
  if (rest(a, i + 1) === rest(b, i + 1) && a.length === b.length) return 1;
  if (rest(a, i) === rest(b, i + 1) || rest(a, i + 1) === rest(b, i)) return 1;
  if (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, i + 2) === rest(b, i + 2)) return 1;
  return 2;
}

/**
 * Whether `typed` is one typo away from `keyword` (both folded and collapsed): both at least four letters long,
 * the first letter kept (a thumb rarely misses the first key, and "TOP" must not read "STOP").
 */
export function isTypoOf(typed: string, keyword: string): boolean {
  if (typed.length < MIN_TYPO_LENGTH || keyword.length < MIN_TYPO_LENGTH) return false;
  if (typed[0] !== keyword[0]) return false;
  return distanceUpToOne(typed, keyword) === 1;
}

/** The keywords `typed` is one typo from, in the order given (precedence). */
export function typoCandidates<K extends { key: string }>(typed: string, keywords: readonly K[]): K[] {
  return keywords.filter((keyword) => isTypoOf(typed, keyword.key));
}
