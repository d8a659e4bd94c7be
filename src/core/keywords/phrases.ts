/**
 * Finding keys (folded keywords, fillers, brand names) in a run of tokens, whatever the spacing: `STOP SMS`,
 * `STOPSMS`, `Stop-SMS`, `S.T.O.P` and `sto p` all spell their key.
 */
import { joinedKey, type Token } from './fold.ts';
import { FILLERS, type WordSet } from './vocabulary.ts';

/**
 * Where a key spelt by `tokens[from]`, `tokens[from + 1]`… ends (exclusive), the longest spelling that stays before
 * `limit`; -1 when the tokens do not start with it. A spelling that leaves the key stops the scan: adding words
 * never brings it back.
 */
export function spell(tokens: readonly Token[], from: number, limit: number, key: string): number {
  let end = -1;
  for (let index = from; index < limit; index += 1) {
    const joined = joinedKey(tokens, from, index + 1);
    if (joined === key) end = index + 1;
    else if (!key.startsWith(joined)) break;
  }
  return end;
}

/** The longest phrase of `phrases` spelt from `from`: where it ends, or -1. Phrases have at most four words. */
export function spellAny(tokens: readonly Token[], from: number, limit: number, phrases: WordSet): number {
  let end = -1;
  for (let index = from; index < limit && index < from + 4; index += 1) {
    if (phrases.has(joinedKey(tokens, from, index + 1))) end = index + 1;
  }
  return end;
}

/** The first token after the polite words that open the run ("Bonjour, merci de…"). */
export function afterFillers(tokens: readonly Token[], from: number, limit: number): number {
  let index = from;
  for (let end = spellAny(tokens, index, limit, FILLERS); end > 0; end = spellAny(tokens, index, limit, FILLERS)) index = end;
  return index;
}

/** The first of the polite words that close the run ("… STOP merci beaucoup"); `limit` when there are none. */
export function beforeFillers(tokens: readonly Token[], from: number, limit: number): number {
  let end = limit;
  for (let found = true; found; ) {
    found = false;
    for (let start = end - 1; start >= Math.max(from, end - 4); start -= 1) {
      if (spellAny(tokens, start, end, FILLERS) === end) {
        end = start;
        found = true;
        break;
      }
    }
  }
  return end;
}
