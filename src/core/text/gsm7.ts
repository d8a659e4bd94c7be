import { BASIC_TABLE, ESCAPE, EXTENSION_TABLE, septetCost, septetOf } from './alphabet.ts';
import { NotGsm7Error } from './errors.ts';
import { isSurrogatePairAt } from './ucs2.ts';

/** Whether every character of the text is in the GSM 7-bit alphabet (basic or extension table). */
export function isGsm7(text: string): boolean {
  return gsm7Length(text) >= 0;
}

/** Septets the text costs in GSM 7-bit (an extension character counts 2), or -1 when a character is not GSM. */
export function gsm7Length(text: string): number {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const cost = septetCost(text.charCodeAt(i));
    if (cost === 0) return -1;
    septets += cost;
  }
  return septets;
}

/** The distinct characters (code points) outside the GSM alphabet, in order of first appearance. */
export function nonGsmCharacters(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (septetCost(text.charCodeAt(i)) !== 0) continue;
    const width = isSurrogatePairAt(text, i) ? 2 : 1;
    const character = text.slice(i, i + width);
    if (!found.includes(character)) found.push(character);
    i += width - 1;
  }
  return found;
}

/**
 * Unpacked septets of the text, one per byte, an extension character written as ESCAPE and its septet.
 * Throws NotGsm7Error naming the characters outside the alphabet: nothing is replaced silently.
 */
export function encodeGsm7(text: string): Uint8Array {
  const length = gsm7Length(text);
  if (length < 0) throw new NotGsm7Error(nonGsmCharacters(text));
  const septets = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (septetCost(unit) === 2) septets[at++] = ESCAPE;
    septets[at++] = septetOf(unit);
  }
  return septets;
}

/**
 * Text of unpacked septets (the high bit of each byte is ignored). TS 23.038 §6.2.1.1: an escape followed by a
 * septet the extension table does not define shows the basic-table character; ESCAPE twice (reserved) and an
 * escape with nothing after it show a space.
 */
export function decodeGsm7(septets: Uint8Array): string {
  let text = '';
  for (let i = 0; i < septets.length; i++) {
    const septet = septets[i]! & 0x7f;
    if (septet !== ESCAPE) {
      text += BASIC_TABLE[septet];
      continue;
    }
    const next = i + 1 < septets.length ? septets[++i]! & 0x7f : ESCAPE;
    text += next === ESCAPE ? ' ' : (EXTENSION_TABLE.get(next) ?? BASIC_TABLE[next]);
  }
  return text;
}
