/**
 * Opt-out sentences: an MO that is not a keyword but says, in so many words, that the person wants no more
 * messages. The sources oblige the sender to honour "un utilisateur ayant manifesté son souhait de ne plus recevoir
 * de SMS" (Orange OPS offer (2016), §Déontologie : mieux protéger le client final; PROJETCOM deontology annex,
 * Part II Art. 1), not only the literal keyword. Each rule needs two signals near each other (a verb and what it
 * acts on), because a single word of a sentence proves nothing: "je ne veux pas que ça stop" is not an opt-out,
 * "arrêtez de m'envoyer des SMS" is.
 */
import type { Token } from './fold.ts';
import { spell } from './phrases.ts';
import {
  BE,
  BEING_CONTACTED,
  ME,
  MESSAGING,
  MORE,
  NE,
  NEGATIONS,
  RECEIVE,
  REMOVAL_TARGETS,
  REMOVAL_VERBS,
  SAYING,
  SENDING_TO_ME,
  STOPPING_VERBS,
  STOP_ORDERS,
  UNSUBSCRIBE_STEMS,
  WISHES,
  type WordSet,
} from './vocabulary.ts';

export type OptOutRule = 'unsubscribe-word' | 'stop-the-messages' | 'remove-me' | 'no-more' | 'saying-stop' | 'stop-order';

export interface OptOutSentence {
  rule: OptOutRule;
  /** The tokens that decided, first and last included. */
  first: number;
  last: number;
}

const has = (words: WordSet, token: Token | undefined) => token !== undefined && words.has(token.key);

/** The first index in [from, to) whose token is in `words`, or -1. */
function find(tokens: readonly Token[], from: number, to: number, words: WordSet): number {
  for (let index = Math.max(0, from); index < Math.min(to, tokens.length); index += 1) if (has(words, tokens[index])) return index;
  return -1;
}

/** "me"/"m'"/"nous" then a verb of sending or contacting, inside [from, to): where the verb is, or -1. */
function sentToMe(tokens: readonly Token[], from: number, to: number): number {
  for (let index = Math.max(0, from); index + 1 < Math.min(to, tokens.length); index += 1) {
    if (has(ME, tokens[index]) && has(SENDING_TO_ME, tokens[index + 1])) return index + 1;
  }
  return -1;
}

/** "Se désabonner", "désinscrivez-moi", "unsubscribe me": these words mean an opt-out wherever they are. */
function unsubscribeWord(tokens: readonly Token[]): OptOutSentence | undefined {
  const at = tokens.findIndex((token) => UNSUBSCRIBE_STEMS.some((stem) => token.key.startsWith(stem)));
  return at < 0 ? undefined : { rule: 'unsubscribe-word', first: at, last: at };
}

/** A stopping verb, then within four words what is sent: "Arrêtez de m'envoyer des SMS", "stop aux pubs". */
function stopTheMessages(tokens: readonly Token[]): OptOutSentence | undefined {
  for (let verb = 0; verb < tokens.length; verb += 1) {
    if (!has(STOPPING_VERBS, tokens[verb])) continue;
    const object = find(tokens, verb + 1, verb + 5, MESSAGING);
    if (object >= 0) return { rule: 'stop-the-messages', first: verb, last: object };
  }
  return undefined;
}

/** A removal verb, then within three words the person, their number or a list: "Retirez-moi de votre liste". */
function removeMe(tokens: readonly Token[]): OptOutSentence | undefined {
  for (let verb = 0; verb < tokens.length; verb += 1) {
    if (!has(REMOVAL_VERBS, tokens[verb])) continue;
    const target = Math.max(find(tokens, verb + 1, verb + 4, REMOVAL_TARGETS), find(tokens, verb + 1, verb + 4, MESSAGING));
    if (target >= 0) return { rule: 'remove-me', first: verb, last: target };
  }
  return undefined;
}

/**
 * "Plus" in a wish that something ends. Before it (three words): a negation "ne"/"n'" or a wish ("je veux plus",
 * spoken French drops the "ne"). Around it: receiving ("ne plus recevoir"), being sent to ("ne m'envoyez plus",
 * "ne plus me contacter"), being contacted ("ne plus être sollicité"), or — after a wish only — what is sent ("je ne
 * veux plus de vos SMS"). A statement is not a wish: "je ne reçois plus vos messages" is a complaint, and stays
 * 'other'. An MO that opens with "plus de" and a messaging word ("Plus de SMS svp") is one too.
 */
function noMore(tokens: readonly Token[], opening: number): OptOutSentence | undefined {
  for (let more = 0; more < tokens.length; more += 1) {
    if (!has(MORE, tokens[more])) continue;
    const negation = find(tokens, more - 3, more, NE);
    const wish = find(tokens, more - 3, more, WISHES);
    const received = [find(tokens, more + 1, more + 4, RECEIVE), sentToMe(tokens, more + 1, more + 5), sentToMe(tokens, more - 3, more)];
    const contacted = find(tokens, more + 1, more + 3, BE);
    if (contacted >= 0 && has(BEING_CONTACTED, tokens[contacted + 1])) received.push(contacted + 1);
    const messaging = find(tokens, more + 1, more + 4, MESSAGING);
    const start = [negation, wish].filter((index) => index >= 0);
    const evidence = received.filter((index) => index >= 0);
    if (start.length > 0 && evidence.length > 0) return { rule: 'no-more', first: Math.min(...start, ...evidence), last: Math.max(...evidence, more) };
    if (wish >= 0 && messaging >= 0) return { rule: 'no-more', first: wish, last: messaging };
    if (more === opening && messaging >= 0) return { rule: 'no-more', first: more, last: messaging };
  }
  return undefined;
}

/**
 * The opt-out sentence the tokens hold, if any. `opening` is the first token after the polite words that open the
 * MO ("Bonjour, plus de SMS svp").
 */
export function optOutSentence(tokens: readonly Token[], opening: number): OptOutSentence | undefined {
  return unsubscribeWord(tokens) ?? stopTheMessages(tokens) ?? removeMe(tokens) ?? noMore(tokens, opening);
}

/**
 * Saying the keyword: at most four words with a verb of saying or sending and no negation, then a STOP keyword and
 * at most three more words: "je dis STOP", "je vous ai dit stop", "j'ai déjà envoyé STOP plusieurs fois", "réponse
 * STOP". After a verb of wanting the keyword must end the MO: "je veux arrêter" is an opt-out, "je veux arrêter de
 * fumer" is not. `stopKeys` are the folded STOP keywords; `start` and `end` bound the MO without its polite words.
 */
export function saysStop(tokens: readonly Token[], start: number, end: number, stopKeys: readonly string[]): OptOutSentence | undefined {
  for (let keyword = start + 1; keyword <= Math.min(start + 4, end - 1); keyword += 1) {
    const before = tokens.slice(start, keyword);
    if (before.some((token) => has(NEGATIONS, token))) continue;
    const saying = before.some((token) => has(SAYING, token));
    if (!saying && !before.some((token) => has(WISHES, token))) continue;
    for (const key of stopKeys) {
      const keywordEnd = spell(tokens, keyword, end, key);
      if (keywordEnd > 0 && end - keywordEnd <= (saying ? 3 : 0)) return { rule: 'saying-stop', first: start, last: keywordEnd - 1 };
    }
  }
  return undefined;
}

/**
 * An order to the sender: an MO or sentence opening with "Arrêtez", "Stoppez" or "Cessez" (the imperative that
 * addresses the sender) asks the sender to stop, whatever follows: "Arrêtez svp c'est la 3e fois".
 */
export function stopOrder(tokens: readonly Token[], start: number, end: number): OptOutSentence | undefined {
  return start < end && has(STOP_ORDERS, tokens[start]) ? { rule: 'stop-order', first: start, last: end - 1 } : undefined;
}
