/**
 * Keyword sets: the words an MO may consist of to ask for something, per intent, as data an account can change.
 * Compiled once (folded, validated), then used for every MO.
 */
import { KeywordSetError } from './errors.ts';
import { keyOf } from './fold.ts';
import { isTypoOf } from './typo.ts';
import { FILLERS } from './vocabulary.ts';

/** What an SMS-MO asks for. */
export type MoIntent = 'stop' | 'start' | 'contact' | 'other';
export type KeywordIntent = Exclude<MoIntent, 'other'>;

/** When one MO holds several requests, the first of this list wins: a missed STOP is the costly mistake. */
export const INTENT_PRECEDENCE: readonly KeywordIntent[] = ['stop', 'start', 'contact'];

/**
 * Typos are read for STOP (missing one is a breach) and CONTACT (a wrong answer costs one SMS), never for START:
 * reading "STAR" or "SMART" as START would re-open consent a person withdrew.
 */
export const TYPO_INTENTS: ReadonlySet<KeywordIntent> = new Set(['stop', 'contact']);

export interface KeywordSet {
  stop: readonly string[];
  start: readonly string[];
  contact: readonly string[];
}

/**
 * The keywords Relais reads by default. STOP and CONTACT are the sources' words (Orange OPS offer (2016),
 * §Déontologie : mieux protéger le client final; PROJETCOM deontology annex, Part II Art. 1 and 2; 123-SMS.net
 * offer); "STOP SMS" is the mention sent with an alphanumeric sender (PROJETCOM deontology annex, Part II Art. 2;
 * SMS Partner documentation); "ARRET" is a variant docs/domain.md rule 2 names. The others are what French
 * recipients write to opt out (the verbs, the nouns of "désabonnement") and the English opt-out words a visitor may
 * know (UNSUBSCRIBE, STOPALL, END). Left out on purpose: CANCEL and ANNULER (appointment and order services ask
 * people to reply with them: a STOP there would silence reminders the person wants) and QUIT (one typo from QUIZ, a
 * game entry, and QUI, "who is this?"). START is Relais's convention for opting back in: no source names one.
 */
export const DEFAULT_KEYWORDS: KeywordSet = {
  stop: [
    'STOP', 'STOP SMS', 'STOPALL', 'ARRET', 'ARRETE', 'ARRETEZ', 'ARRETER', 'STOPPER',
    'DESABONNER', 'DESABONNEMENT', 'DESINSCRIRE', 'DESINSCRIPTION', 'UNSUBSCRIBE', 'END',
  ],
  start: ['START', 'ABONNER', 'REABONNER', 'UNSTOP'],
  contact: ['CONTACT'],
};

export interface CompiledKeyword {
  intent: KeywordIntent;
  /** As written in the set: what a classification reports. */
  keyword: string;
  /** Folded, words joined, repeated letters collapsed (fold.ts). */
  key: string;
}

/** A validated keyword set, in the form MOs are compared with; build it with `compileKeywords`. */
export interface CompiledKeywords {
  readonly set: KeywordSet;
  /** In precedence order, longest first within an intent ("STOP SMS" before "STOP"). */
  readonly keywords: readonly CompiledKeyword[];
}

function compileIntent(intent: KeywordIntent, words: readonly string[]): CompiledKeyword[] {
  const compiled = new Map<string, CompiledKeyword>();
  for (const keyword of words) {
    const key = keyOf(keyword);
    if (key === '') throw new KeywordSetError('empty-keyword', `${intent} keyword ${JSON.stringify(keyword)} has no letter or digit: an MO could never match it`);
    if (FILLERS.has(key)) {
      throw new KeywordSetError('filler-keyword', `${intent} keyword ${JSON.stringify(keyword)} is a polite word that MOs may add around any keyword ("STOP merci"): choose another word`);
    }
    // "Stop SMS" and "STOPSMS" are one keyword: the first spelling is the one reported.
    if (!compiled.has(key)) compiled.set(key, { intent, keyword: keyword.trim(), key });
  }
  return [...compiled.values()].sort((a, b) => b.key.length - a.key.length);
}

/** Two intents must never claim one MO: not the same word, nor one typo apart where typos are read. */
function checkApart(keywords: readonly CompiledKeyword[]): void {
  const pairs = keywords.flatMap((a) => keywords.filter((b) => b.intent !== a.intent).map((b) => [a, b] as const));
  for (const [a, b] of pairs) {
    if (a.key === b.key && INTENT_PRECEDENCE.indexOf(a.intent) < INTENT_PRECEDENCE.indexOf(b.intent)) {
      throw new KeywordSetError('keyword-in-two-intents', `"${a.keyword}" (${a.intent}) and "${b.keyword}" (${b.intent}) are the same word once case, accents, spacing and repeated letters are ignored: keep it in one intent`);
    }
  }
  for (const [a, b] of pairs) {
    if (TYPO_INTENTS.has(a.intent) && isTypoOf(b.key, a.key)) {
      throw new KeywordSetError('keywords-too-close', `${b.intent} keyword "${b.keyword}" is one typo away from ${a.intent} keyword "${a.keyword}", and typos of ${a.intent} keywords are read as ${a.intent}: choose a word further apart`);
    }
  }
}

/**
 * Folds and validates a keyword set: every keyword has a letter or digit and is not a polite word; no word is in
 * two intents, nor one typo from a keyword of another intent whose typos are read; there is at least one STOP
 * keyword (opposition is not optional). Duplicates within an intent are kept once. Throws KeywordSetError.
 */
export function compileKeywords(set: KeywordSet): CompiledKeywords {
  if (set.stop.length === 0) throw new KeywordSetError('no-stop-keyword', 'a keyword set needs at least one STOP keyword: recipients must always be able to object');
  const keywords = INTENT_PRECEDENCE.flatMap((intent) => compileIntent(intent, set[intent]));
  checkApart(keywords);
  return { set, keywords };
}

export const DEFAULT_COMPILED_KEYWORDS: CompiledKeywords = compileKeywords(DEFAULT_KEYWORDS);
