/**
 * The STOP mention (docs/domain.md rule 2): every marketing SMS says how to object, on by default and removable only
 * for informational traffic (SMS Partner documentation). With the short code as sender the sources give no wording:
 * "STOP au 36xxx" by default, account data. With an alphanumeric sender replies are impossible, so the body says
 * "STOP SMS au <36CDE>" and that this SMS is not surcharged (PROJETCOM deontology annex, Part II Art. 2). The
 * mention counts in the parts and the cost: "sans surcoût" carries û, outside GSM 03.38, which turns the whole
 * message into UCS-2.
 */
import { isGsm7, measure } from '../text/index.ts';
import { quoted } from './terms.ts';
import type { Check, DecisionInput } from './types.ts';

export const STOP_WORDINGS = {
  shortCode: 'STOP au {shortCode}',
  /** PROJETCOM's own words; not GSM 03.38. */
  alphanumeric: 'STOP SMS au {shortCode} (sans surcoût)',
  /** Same meaning in the GSM alphabet. */
  alphanumericGsm: 'STOP SMS au {shortCode} (non surtaxé)',
} as const;

/**
 * "STOP" as a word of its own, any case ("non-stop" and "stopper" are not), followed within a few words by a short
 * code: "STOP au 36123", "STOP SMS au 36123", "stop: 36123". A STOP without a number ("STOP aux prix fous", a link
 * ending in /stop) tells nobody how to opt out: it is not a mention.
 */
const STOP_TO = /(?<![\p{L}\p{N}-])stop(?![\p{L}\p{N}-])[^\p{N}\n]{0,16}?(?<!\p{N})(\d{5})(?!\p{N})/giu;

/** The short codes the text tells the reader to send STOP to. */
function stopShortCodes(text: string): string[] {
  // Most texts have no "stop" at all: a plain search first.
  if (!STOP_ANYWHERE.test(text)) return [];
  return [...text.matchAll(STOP_TO)].map((match) => match[1]!);
}
const STOP_ANYWHERE = /stop/i;

/** Whether the text already tells how to opt out on `shortCode`: then no mention is added. */
export function hasStopMention(text: string, shortCode: string): boolean {
  return stopShortCodes(text).includes(shortCode);
}
const NO_SURCHARGE = /sans\s+surco[uû]t|non[\s-]+surtax|sans\s+surtaxe|sans\s+frais|gratuit/iu;

export interface StopPlan {
  check: Check;
  finalText: string;
}

const withMention = (text: string, mention: string) => `${text.trimEnd()} ${mention}`;
const parts = (count: number) => `${count} part${count > 1 ? 's' : ''}`;

/**
 * Adds the mention in the first wording, or the cheapest when `cheapest` (ties go to the first). When a wording is
 * outside GSM 03.38 — and may turn the whole message into UCS-2 — the trace gives the parts each wording costs,
 * and a chosen wording dearer than another is flagged.
 */
function addMention(text: string, templates: readonly string[], shortCode: string, cheapest: boolean, note: string): StopPlan {
  const options = [...new Set(templates)].map((template) => {
    const mention = template.replaceAll('{shortCode}', shortCode);
    return { mention, text: withMention(text, mention) };
  });
  if (options.every((option) => isGsm7(option.mention))) {
    const { mention, text: finalText } = options[0]!;
    const reason = `added '${mention}' (${mention.length + 1} characters, counted in the parts and the cost)${note}`;
    return { check: { verdict: note ? 'flag' : 'pass', reason }, finalText };
  }
  const costed = options.map(({ mention, text: withIt }) => ({ mention, text: withIt, cost: measure(withIt) }));
  const best = costed.reduce((a, b) => (b.cost.segments < a.cost.segments ? b : a));
  const chosen = cheapest ? best : costed[0]!;
  const { segments, encoding, forcingUcs2 } = chosen.cost;
  const turnsUcs2 = encoding === 'ucs2' && isGsm7(text) ? `; ${quoted(forcingUcs2)} is not GSM 03.38 and turns the whole message into UCS-2` : '';
  const others = costed.filter((option) => option !== chosen).map((option) => `; '${option.mention}' would take ${parts(option.cost.segments)}`);
  const reason = `added '${chosen.mention}': the message takes ${parts(segments)}${turnsUcs2}${others.join('')}${note}`;
  return { check: { verdict: segments > best.cost.segments || note ? 'flag' : 'pass', reason }, finalText: chosen.text };
}

/**
 * A mention already in the text: one that sends STOP to `shortCode` (the account's wording or any other) is kept;
 * one that sends STOP to another short code is refused — replies there never reach this account.
 */
function presentMention(text: string, alphanumeric: boolean, shortCode: string): Check | undefined {
  const named = stopShortCodes(text);
  if (named.length === 0) return undefined;
  const elsewhere = named.find((code) => code !== shortCode);
  if (!named.includes(shortCode) || elsewhere) {
    return {
      verdict: 'fail',
      reason: `the text says to send STOP to ${elsewhere ?? named[0]}, but STOP for this message is read on ${shortCode}: name ${shortCode}, or leave the mention out and it is added`,
    };
  }
  if (!alphanumeric) return { verdict: 'pass', reason: `the STOP mention for ${shortCode} is already in the text` };
  if (!NO_SURCHARGE.test(text)) return { verdict: 'fail', reason: `the STOP mention must say that the STOP SMS is not surcharged, e.g. add '(non surtaxé)' after 'STOP SMS au ${shortCode}'` };
  return { verdict: 'pass', reason: 'the STOP mention, with its short code and the no-surcharge wording, is already in the text' };
}

export function planStopMention(input: DecisionInput): StopPlan {
  const { text, policy, sender } = input;
  const marketing = input.messageClass === 'marketing';
  if (!marketing && !(input.stopMention ?? policy.stopOnTransactional ?? false)) {
    return { check: { verdict: 'not-applicable', reason: 'transactional message: no STOP mention required' }, finalText: text };
  }
  const note = marketing && input.stopMention === false ? '; a marketing message cannot go without its STOP mention' : '';
  const alphanumeric = sender.alphanumeric !== undefined;
  const shortCode = alphanumeric ? (policy.stopShortCode ?? sender.shortCode) : sender.shortCode;
  const present = presentMention(text, alphanumeric, shortCode);
  if (present) return { check: note && present.verdict === 'pass' ? { verdict: 'flag', reason: present.reason + note } : present, finalText: text };
  // The account's wording first; the GSM-safe standard one as the alternative it is compared with.
  const own = alphanumeric ? policy.stopWording?.alphanumeric : policy.stopWording?.shortCode;
  const standard = alphanumeric ? STOP_WORDINGS.alphanumericGsm : STOP_WORDINGS.shortCode;
  // Without an account wording, an alphanumeric sender gets the GSM-safe words, or PROJETCOM's own when the text is
  // already UCS-2 and they cost no more: the default never turns a GSM text into UCS-2.
  const seeds = STOP_WORDINGS.alphanumeric;
  const templates = own !== undefined ? [own, standard] : !alphanumeric ? [standard] : isGsm7(text) ? [standard, seeds] : [seeds, standard];
  return addMention(text, templates, shortCode, alphanumeric && own === undefined, note);
}

/**
 * What is wrong with an account's STOP wording, undefined when nothing: it must name the short code (`{shortCode}`)
 * right after STOP, so that the mention tells where to send it; for an alphanumeric sender it must also say that
 * the STOP SMS is not surcharged.
 */
export function stopWordingProblem(template: string, alphanumeric: boolean): string | undefined {
  if (!template.includes('{shortCode}')) return 'it must contain {shortCode}, replaced by the short code receiving STOP';
  if (!hasStopMention(template.replaceAll('{shortCode}', '36000'), '36000')) return 'it must say STOP followed by {shortCode}, e.g. "STOP au {shortCode}"';
  if (alphanumeric && !NO_SURCHARGE.test(template)) return 'with an alphanumeric sender it must say that the STOP SMS is not surcharged, e.g. "STOP SMS au {shortCode} (non surtaxé)"';
  return undefined;
}
