/**
 * What an SMS-MO looks like once the handset's choices are taken out: case, accents, full-width and other
 * compatibility forms, invisible characters, punctuation, emoji and the letters a thumb repeated. Every rule of
 * core/keywords compares texts in this form, so "Arrêt", "ARRET", "ａｒｒｅｔ" and "arrêttt" are one word.
 */

export type Separation = 'none' | 'colon' | 'sentence';

/** One run of letters or of digits in an MO, folded, with where it stands in the text as received. */
export interface Token {
  /** Upper case, without accents: `Arrêt` → `ARRET`. */
  readonly word: string;
  /** `word` with repeated letters collapsed: `STOPPP` → `STOP`, `ARRETER` → `ARETER`. */
  readonly key: string;
  /** Offsets in the text as received (UTF-16 code units), end excluded. */
  readonly start: number;
  readonly end: number;
  /**
   * What separates it from the word before: `sentence` after `.`, `!`, `?`, `,`, `;`, `…` or a line break; `colon`
   * after `:` (it starts a clause, but "STOP : Dupont" still names Dupont); `none` otherwise, and for the first word.
   */
  readonly after: Separation;
}

/** Letters NFKD leaves whole although people write them for two: `cœur`, `Lætitia`. */
const LIGATURES: Readonly<Record<string, string>> = { Œ: 'OE', Æ: 'AE' };

/**
 * One character folded: compatibility decomposition (full-width, ligatures such as ﬁ, mathematical letters),
 * combining marks and invisible format characters (zero-width space, soft hyphen) removed, upper case. A format
 * character folds to nothing, so `ST\u200BOP` stays one word.
 */
function foldCharacter(character: string): string {
  const folded = character.normalize('NFKD').replace(/[\p{M}\p{Cf}]/gu, '').toUpperCase();
  return folded.replace(/[ŒÆ]/g, (ligature) => LIGATURES[ligature]!);
}

/** Letters repeated for emphasis or by a slipping thumb count once; digits are never collapsed (codes). */
export function collapseRepeats(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
/** Ends a sentence or a clause: the keyword rules also apply to each clause of a longer MO. */
const SENTENCE_END = /[.!?,;…\n\r\u2028\u2029¡¿]/u;

type Kind = 'letter' | 'digit';
const kindOf = (character: string): Kind | undefined => (LETTER.test(character) ? 'letter' : DIGIT.test(character) ? 'digit' : undefined);

/**
 * The words of an MO: runs of letters, or of digits (`STOP36123` is two words), split at anything else. Apostrophes
 * and hyphens split too (`m'envoyer` is `M` `ENVOYER`); the original offsets let a caller quote the text as typed.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let kind: Kind | undefined;
  let start = 0;
  let end = 0;
  let separation: Separation = 'none';
  const flush = () => {
    if (word) {
      tokens.push({ word, key: collapseRepeats(word), start, end, after: tokens.length > 0 ? separation : 'none' });
      separation = 'none';
    }
    word = '';
    kind = undefined;
  };
  let offset = 0;
  for (const character of text) {
    const foldedCharacter = foldCharacter(character);
    for (const folded of foldedCharacter) {
      const next = kindOf(folded);
      if (!next) {
        flush();
        if (SENTENCE_END.test(folded)) separation = 'sentence';
        else if (folded === ':' && separation === 'none') separation = 'colon';
        continue;
      }
      if (kind && next !== kind) flush();
      if (!word) start = offset;
      word += folded;
      kind = next;
      end = offset + character.length;
    }
    // Marks and format characters fold to nothing: the word goes on and ends after them.
    if (word && foldedCharacter === '') end = offset + character.length;
    offset += character.length;
  }
  flush();
  return tokens;
}

/**
 * A letter repeated across two words counts once ("AR RET" is ARRET, like "ARRRET"), except next to a one-letter
 * word: "à arrêtez" is "à" then ARRETEZ, not one word.
 */
function mergesWith(previous: Token, next: Token): boolean {
  return previous.word.length > 1 && next.word.length > 1;
}

/** The key `tokens[from]` … `tokens[to - 1]` spell together: their words joined, repeated letters collapsed. */
export function joinedKey(tokens: readonly Token[], from: number, to: number): string {
  let key = '';
  let group = '';
  for (let index = from; index < to; index += 1) {
    const token = tokens[index]!;
    if (index > from && !mergesWith(tokens[index - 1]!, token)) {
      key += collapseRepeats(group);
      group = '';
    }
    group += token.word;
  }
  return key + collapseRepeats(group);
}

/** The form a keyword or phrase is compared in: its words joined, repeated letters collapsed. `Stop SMS` → `STOPSMS`. */
export function keyOf(text: string): string {
  const tokens = tokenize(text);
  return joinedKey(tokens, 0, tokens.length);
}
