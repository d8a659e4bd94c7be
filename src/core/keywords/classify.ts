/**
 * What an SMS-MO asks for: STOP (opposition, docs/domain.md rule 2), START (opting back in), CONTACT (the sender's
 * identity, docs/domain.md rule 3) or nothing the platform answers ('other', left to the client). Pure: the MO's text,
 * the keyword set and the account's brand names in, a classification out; it never throws.
 *
 * The MO is read as a whole, then sentence by sentence. In this order, the first that holds decides:
 * 1. STOP keyword — the MO or one of its sentences is a keyword request: the keyword, polite words around it, at
 *    most a brand name or short code after it ("Stop svp", "STOP!!!", "STOP SMS au 36123", "STOP Dupont"); when it
 *    holds keywords of several intents, STOP wins.
 * 2. STOP typo — the MO or one of its sentences is one typo from a STOP keyword ("Sotp").
 * 3. Opt-out sentence — the MO says it wants no more messages ("Arrêtez de m'envoyer des SMS", sentences.ts).
 * 4. START — the whole MO is a START request. Never a sentence, never a typo: a wrong START re-opens consent.
 * 5. CONTACT — the MO or one of its sentences is a CONTACT request, or one typo from one.
 * Otherwise 'other'. docs/keywords.md gives the rules with examples and the reasons for each bound.
 */
import { joinedKey, keyOf, tokenize, type Token } from './fold.ts';
import { DEFAULT_COMPILED_KEYWORDS, INTENT_PRECEDENCE, TYPO_INTENTS, type CompiledKeyword, type CompiledKeywords, type KeywordIntent, type MoIntent } from './keyword-set.ts';
import { afterFillers, beforeFillers, spell, spellAny } from './phrases.ts';
import { optOutSentence, saysStop, stopOrder, type OptOutRule, type OptOutSentence } from './sentences.ts';
import { typoCandidates } from './typo.ts';
import { CONNECTORS, FILLERS, MESSAGING } from './vocabulary.ts';

/** How the intent was read: the keyword itself, a typo of one, or a sentence that asks for no more messages. */
export type MatchBasis = 'keyword' | 'typo' | 'sentence';

export interface MoClassification {
  intent: MoIntent;
  /** The keyword of the set that matched, as written in the set; null for 'other' and for opt-out sentences. */
  keyword: string | null;
  /**
   * Whom the request is for, read only where it is unambiguous — right after the keyword ("STOP Dupont", "STOP au
   * 36123"), as typed, or a declared brand just before or after it, as declared. Null when there is none, and always
   * for typos and sentences: a brand named elsewhere may be another one ("je préfère ceux de Leclerc"). A hint for
   * attribution: an argument that names nothing known never cancels a STOP.
   */
  argument: string | null;
  basis: MatchBasis | null;
  /** A sentence for the trace and the consent ledger: what was read and why. */
  reason: string;
}

export interface ClassifyOptions {
  /** The account's brand names: recognised whole, whatever their length, right after or just before a keyword. */
  brands?: readonly string[];
}

/**
 * A keyword request names at most this many words that are not connectors or messaging words after its keyword.
 * STOP: three ("Coca-Cola", "Crédit Agricole Alsace"; "Stop disant n'importe quoi" has four: a sentence, not a
 * request). START: one, a brand or short code ("START Dupont"), and nothing after a polite word: "Start je comprends
 * pas" must not re-open consent. CONTACT: three, since a wrong answer costs only an SMS.
 */
const MAX_ARGUMENT_WORDS: Readonly<Record<KeywordIntent, number>> = { stop: 3, start: 1, contact: 3 };
/** …and has at most this many connectors and messaging words after the keyword ("STOP les SMS de Dupont"). */
const MAX_SKIPPED_WORDS = 6;

interface Brand {
  name: string;
  key: string;
}

interface Context {
  text: string;
  tokens: readonly Token[];
  keywords: readonly CompiledKeyword[];
  brands: readonly Brand[];
}

/** A run of tokens read on its own: the whole MO, or one of its sentences. */
interface Unit {
  from: number;
  to: number;
  whole: boolean;
}

interface KeywordRequest {
  /** The keyword that decides the intent (the one of highest precedence when the MO holds several). */
  keyword: CompiledKeyword;
  /** Every keyword of the MO, in the order written. */
  found: CompiledKeyword[];
  argument: string | null;
  /** The length of the keyword the MO opens with: "STOP SMS" rather than "STOP" followed by "SMS". */
  length: number;
  /** The tokens of the request, polite words left out. */
  first: number;
  last: number;
}

const rank = (keyword: CompiledKeyword) => INTENT_PRECEDENCE.indexOf(keyword.intent);

/** The longest brand of the account spelt from `from`: where it ends and its declared name. */
function spellBrand(context: Context, from: number, limit: number): { end: number; name: string } | undefined {
  let best: { end: number; name: string } | undefined;
  for (const brand of context.brands) {
    const end = spell(context.tokens, from, limit, brand.key);
    if (end > 0 && end > (best?.end ?? 0)) best = { end, name: brand.name };
  }
  return best;
}

function spellKeyword(context: Context, from: number, limit: number): { end: number; keyword: CompiledKeyword } | undefined {
  for (const keyword of context.keywords) {
    const end = spell(context.tokens, from, limit, keyword.key);
    if (end > 0) return { end, keyword };
  }
  return undefined;
}

/**
 * The words after a keyword typed as they were, from the first to the last that names something: the whole
 * space-separated chunk ("L'Oréal", "Coca-Cola"), bounded by the keyword and the closing polite words, its edge
 * punctuation trimmed.
 */
function typedArgument(context: Context, names: readonly number[], left: number, right: number): string {
  const { text, tokens } = context;
  let from = tokens[names[0]!]!.start;
  let to = tokens[names[names.length - 1]!]!.end;
  while (from > left && !/\s/u.test(text[from - 1]!)) from -= 1;
  while (to < right && !/\s/u.test(text[to]!)) to += 1;
  return text
    .slice(from, to)
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .replace(/\s+/gu, ' ');
}

/**
 * What follows a keyword up to the closing polite words, when it leaves the MO a keyword request: other keywords
 * ("STOP STOP", "START STOP"), a brand of the account, connectors and messaging words, and at most three other
 * words. The end of a sentence or a polite word ends the request: "Stop, c'est bon", "STOP svp c'est la 3e fois".
 */
function readTail(context: Context, intent: KeywordIntent, from: number, end: number): { found: CompiledKeyword[]; argument: string | null; end: number } | undefined {
  const { tokens } = context;
  const found: CompiledKeyword[] = [];
  const names: number[] = [];
  let brand: string | undefined;
  let skipped = 0;
  let index = from;
  while (index < end) {
    if (tokens[index]!.after === 'sentence' || spellAny(tokens, index, end, FILLERS) > 0) break;
    const named = spellBrand(context, index, end);
    if (named) {
      brand ??= named.name;
      index = named.end;
      continue;
    }
    const keyword = spellKeyword(context, index, end);
    if (keyword) {
      found.push(keyword.keyword);
      index = keyword.end;
      continue;
    }
    const { key } = tokens[index]!;
    if (CONNECTORS.has(key) || MESSAGING.has(key)) skipped += 1;
    else names.push(index);
    index += 1;
  }
  if (names.length > MAX_ARGUMENT_WORDS[intent] || skipped > MAX_SKIPPED_WORDS) return undefined;
  if (intent === 'start' && index < end) return undefined;
  const left = tokens[from - 1]?.end ?? 0;
  const right = tokens[index]?.start ?? context.text.length;
  return { found, argument: brand ?? (names.length > 0 ? typedArgument(context, names, left, right) : null), end: index };
}

/** The unit without the polite words that open and close it: [start, end). */
function core(context: Context, unit: Unit): { start: number; end: number } {
  const start = afterFillers(context.tokens, unit.from, unit.to);
  return { start, end: beforeFillers(context.tokens, start, unit.to) };
}

/** Rule 1: the unit is a keyword, maybe after a brand name, maybe followed by an argument. */
function keywordRequest(context: Context, unit: Unit): KeywordRequest | undefined {
  const { start, end } = core(context, unit);
  if (start >= end) return undefined;
  const leadingBrand = spellBrand(context, start, end);
  const openings: { at: number; brand: string | null }[] = [{ at: start, brand: null }];
  if (leadingBrand) openings.push({ at: leadingBrand.end, brand: leadingBrand.name });
  let best: KeywordRequest | undefined;
  for (const opening of openings) {
    for (const keyword of context.keywords) {
      const keywordEnd = spell(context.tokens, opening.at, end, keyword.key);
      if (keywordEnd < 0) continue;
      const tail = readTail(context, keyword.intent, keywordEnd, end);
      if (!tail) continue;
      const found = [keyword, ...tail.found];
      const deciding = found.reduce((a, b) => (rank(b) < rank(a) ? b : a));
      const candidate = { keyword: deciding, found, argument: opening.brand ?? tail.argument, length: keyword.key.length, first: start, last: tail.end - 1 };
      if (!best || rank(candidate.keyword) < rank(best.keyword) || (rank(candidate.keyword) === rank(best.keyword) && candidate.length > best.length)) best = candidate;
    }
  }
  return best;
}

/** Rule 2: the unit, polite words aside, is one typo from a STOP or CONTACT keyword (typo.ts). */
function typoRequest(context: Context, unit: Unit): { keyword: CompiledKeyword; typed: string } | undefined {
  const { start, end } = core(context, unit);
  if (start >= end) return undefined;
  const joined = joinedKey(context.tokens, start, end);
  const keyword = typoCandidates(joined, context.keywords.filter((candidate) => TYPO_INTENTS.has(candidate.intent)))[0];
  return keyword && { keyword, typed: quote(context, start, end - 1) };
}

/** The whole MO, then each of its sentences when it has more than one. */
function units(tokens: readonly Token[]): Unit[] {
  const whole: Unit = { from: 0, to: tokens.length, whole: true };
  const starts = tokens.flatMap((token, index) => (index === 0 || token.after !== 'none' ? [index] : []));
  if (starts.length < 2) return [whole];
  return [whole, ...starts.map((from, index) => ({ from, to: starts[index + 1] ?? tokens.length, whole: false }))];
}

/** The MO as typed from token `first` to token `last`, shortened for a reason. */
function quote(context: Context, first: number, last: number): string {
  const typed = context.text.slice(context.tokens[first]!.start, context.tokens[last]!.end).replace(/\s+/gu, ' ');
  return typed.length > 60 ? `${typed.slice(0, 59)}…` : typed;
}

const OPT_OUT_WORDING: Record<OptOutRule, string> = {
  'unsubscribe-word': 'asks to unsubscribe',
  'stop-the-messages': 'asks to stop the messages',
  'remove-me': 'asks to be removed',
  'no-more': 'asks for no more messages',
  'saying-stop': 'says the STOP keyword',
  'stop-order': 'orders the sender to stop',
};

function fromKeyword(context: Context, unit: Unit, request: KeywordRequest): MoClassification {
  const { keyword, found, argument } = request;
  const where = unit.whole ? '' : 'the sentence ';
  const several = found.length > 1 && found.some((other) => other.intent !== keyword.intent);
  const what = several ? `holds the keywords ${found.map((k) => k.keyword).join(', ')}; ${keyword.keyword} (${keyword.intent}) wins` : `is the keyword ${keyword.keyword}`;
  const after = argument === null ? '' : `, for '${argument}'`;
  const reason = `${where}'${quote(context, request.first, request.last)}' ${what}${after}`;
  return { intent: keyword.intent, keyword: keyword.keyword, argument, basis: 'keyword', reason };
}

function fromSentence(context: Context, sentence: OptOutSentence): MoClassification {
  const reason = `'${quote(context, sentence.first, sentence.last)}' ${OPT_OUT_WORDING[sentence.rule]} (${sentence.rule})`;
  return { intent: 'stop', keyword: null, argument: null, basis: 'sentence', reason };
}

function fromTypo(context: Context, typo: { keyword: CompiledKeyword; typed: string }): MoClassification {
  const { keyword, typed } = typo;
  return { intent: keyword.intent, keyword: keyword.keyword, argument: null, basis: 'typo', reason: `'${typed}' is one typo away from the keyword ${keyword.keyword}` };
}

/**
 * Classifies an SMS-MO. `keywords` defaults to DEFAULT_KEYWORDS, compiled; `brands` lets a STOP name the brand it is
 * for. The caller records a STOP at once: for the brand (or every brand) the short code last sent for to this
 * recipient, and for the brand the argument names when it names one.
 */
export function classifyMo(text: string, keywords: CompiledKeywords = DEFAULT_COMPILED_KEYWORDS, options: ClassifyOptions = {}): MoClassification {
  const tokens = tokenize(text);
  if (tokens.length === 0) return { intent: 'other', keyword: null, argument: null, basis: null, reason: 'the MO holds no letter or digit' };
  const brands = (options.brands ?? []).map((name) => ({ name, key: keyOf(name) })).filter((brand) => brand.key !== '');
  const context: Context = { text, tokens, keywords: keywords.keywords, brands };
  const all = units(tokens);
  const requests = all.map((unit) => ({ unit, request: keywordRequest(context, unit) }));
  const typos = all.map((unit) => typoRequest(context, unit));

  for (const { unit, request } of requests) if (request?.keyword.intent === 'stop') return fromKeyword(context, unit, request);
  for (const typo of typos) if (typo?.keyword.intent === 'stop') return fromTypo(context, typo);
  const sentence = optOutSentence(tokens, afterFillers(tokens, 0, tokens.length));
  if (sentence) return fromSentence(context, sentence);
  const stopKeys = keywords.keywords.filter((keyword) => keyword.intent === 'stop').map((keyword) => keyword.key);
  for (const unit of all) {
    const { start, end } = core(context, unit);
    const order = stopOrder(tokens, start, end) ?? saysStop(tokens, start, end, stopKeys);
    if (order) return fromSentence(context, order);
  }

  const whole = requests[0]!;
  if (whole.request?.keyword.intent === 'start') return fromKeyword(context, whole.unit, whole.request);
  for (const { unit, request } of requests) if (request?.keyword.intent === 'contact') return fromKeyword(context, unit, request);
  for (const typo of typos) if (typo?.keyword.intent === 'contact') return fromTypo(context, typo);
  return { intent: 'other', keyword: null, argument: null, basis: null, reason: 'neither a keyword, nor one typo from a STOP or CONTACT keyword, nor a sentence asking for no more messages' };
}
