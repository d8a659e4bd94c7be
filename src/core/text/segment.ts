/**
 * Choosing the encoding and cutting a text into SMS parts (3GPP TS 23.040 §9.2.3.16, §9.2.3.24): a part carries
 * at most 140 octets of user data, header included, hence 160 septets or 70 UCS-2 units alone, and 153/67 (8-bit
 * reference header, 6 octets) or 152/66 (16-bit reference header, 7 octets) per part of a concatenated message.
 * A part never ends between an escape and its extension septet, nor inside a surrogate pair.
 */
import { septetCost } from './alphabet.ts';
import { MalformedUserDataError, NotGsm7Error, TooManyPartsError } from './errors.ts';
import { decodeGsm7, encodeGsm7, gsm7Length, nonGsmCharacters } from './gsm7.ts';
import { concatenationUdh, concatenationUdhLength, parseUdh } from './udh.ts';
import { decodeUcs2, encodeUcs2, isSurrogatePairAt } from './ucs2.ts';

export type Encoding = 'gsm7' | 'ucs2';

export interface MeasureOptions {
  /** Imposes the encoding instead of choosing the cheapest; gsm7 on a non-GSM text throws NotGsm7Error. */
  encoding?: Encoding;
  /** Concatenation with a 16-bit reference (7-octet header): 152 septets / 66 units per part. */
  reference16?: boolean;
}

export interface SegmentOptions extends MeasureOptions {
  /** Concatenation reference shared by the parts: 0–255, or 0–65535 with reference16. */
  reference: number;
}

export interface Measure {
  encoding: Encoding;
  /** Septets (an extension character counts 2) or UTF-16 units (an emoji counts 2). */
  units: number;
  segments: number;
  /** Capacity of one part: 160 or 70 alone; 153 or 67 when concatenated (152 or 66 with a 16-bit reference). */
  perSegment: number;
  remainingInLastSegment: number;
  /** Distinct characters that prevented GSM 7-bit, in order of appearance (empty when the encoding was imposed). */
  forcingUcs2: string[];
}

export interface EncodedPart {
  udh: Uint8Array | null;
  /** gsm7: unpacked septets, one per byte, escapes included; ucs2: UTF-16BE bytes. */
  body: Uint8Array;
  text: string;
}

export interface Segmentation {
  encoding: Encoding;
  parts: EncodedPart[];
}

/** Octets of user data in one SMS (TP-UDL of 140 octets of 8-bit data). */
const USER_DATA_OCTETS = 140;

/** Septets or UCS-2 units that fit in a part beside a header of `udhOctets` octets. */
export function partCapacity(encoding: Encoding, udhOctets: number): number {
  const free = USER_DATA_OCTETS - udhOctets;
  return encoding === 'gsm7' ? Math.floor((free * 8) / 7) : Math.floor(free / 2);
}

/** The encoding and the units the whole text costs in it. */
function resolveEncoding(text: string, imposed: Encoding | undefined): { encoding: Encoding; units: number } {
  const septets = imposed === 'ucs2' ? -1 : gsm7Length(text);
  if (septets >= 0) return { encoding: 'gsm7', units: septets };
  if (imposed === 'gsm7') throw new NotGsm7Error(nonGsmCharacters(text));
  return { encoding: 'ucs2', units: text.length };
}

/** End of the GSM part that starts at `start`: as many characters as fit in `capacity` septets, an escape pair whole. */
function gsm7PartEnd(text: string, start: number, capacity: number): number {
  let used = 0;
  let at = start;
  for (; at < text.length; at++) {
    used += septetCost(text.charCodeAt(at));
    if (used > capacity) break;
  }
  return at;
}

/** End of the UCS-2 part that starts at `start`: `capacity` units, one less when the last would be half a surrogate pair. */
function ucs2PartEnd(text: string, start: number, capacity: number): number {
  const end = start + capacity;
  if (end >= text.length) return text.length;
  return isSurrogatePairAt(text, end - 1) ? end - 1 : end;
}

/** Where each part ends (code-unit offsets) when the text is cut into parts of `capacity` units. */
function partEnds(text: string, encoding: Encoding, capacity: number): number[] {
  const ends: number[] = [];
  for (let start = 0; start < text.length; ) {
    start = encoding === 'gsm7' ? gsm7PartEnd(text, start, capacity) : ucs2PartEnd(text, start, capacity);
    ends.push(start);
  }
  return ends;
}

function unitsBetween(text: string, start: number, end: number, encoding: Encoding): number {
  if (encoding === 'ucs2') return end - start;
  let units = 0;
  for (let at = start; at < end; at++) units += septetCost(text.charCodeAt(at));
  return units;
}

/**
 * What the text costs: encoding, units, parts. The cheapest encoding is GSM 7-bit when every character is in
 * the alphabet, otherwise UCS-2; `forcingUcs2` names the characters responsible. Allocates no parts.
 */
export function measure(text: string, options: MeasureOptions = {}): Measure {
  const { encoding, units } = resolveEncoding(text, options.encoding);
  const forcingUcs2 = encoding === 'ucs2' && !options.encoding ? nonGsmCharacters(text) : [];
  const single = partCapacity(encoding, 0);
  if (units <= single) return { encoding, units, segments: 1, perSegment: single, remainingInLastSegment: single - units, forcingUcs2 };
  const perSegment = partCapacity(encoding, concatenationUdhLength(options.reference16));
  const ends = partEnds(text, encoding, perSegment);
  const remainingInLastSegment = perSegment - unitsBetween(text, ends.at(-2) ?? 0, text.length, encoding);
  return { encoding, units, segments: ends.length, perSegment, remainingInLastSegment, forcingUcs2 };
}

/** The texts of the parts, cut as `measure` counts them. */
function partTexts(text: string, encoding: Encoding, units: number, reference16: boolean): string[] {
  if (units <= partCapacity(encoding, 0)) return [text];
  const ends = partEnds(text, encoding, partCapacity(encoding, concatenationUdhLength(reference16)));
  return ends.map((end, i) => text.slice(ends[i - 1] ?? 0, end));
}

/**
 * The parts to submit, each with its concatenation header (null for a single part) and its encoded body.
 * An empty text is one empty part. More than 255 parts throws TooManyPartsError.
 */
export function segment(text: string, options: SegmentOptions): Segmentation {
  const { encoding, units } = resolveEncoding(text, options.encoding);
  const reference16 = options.reference16 ?? false;
  const texts = partTexts(text, encoding, units, reference16);
  if (texts.length > 255) throw new TooManyPartsError(texts.length);
  const encode = encoding === 'gsm7' ? encodeGsm7 : encodeUcs2;
  const parts = texts.map((partText, i) => ({
    udh: texts.length === 1 ? null : concatenationUdh(options.reference, texts.length, i + 1, reference16),
    body: encode(partText),
    text: partText,
  }));
  return { encoding, parts };
}

/** The parts in their order: by the header's part number, checking they are all there and belong together. */
function inOrder<P extends { udh: Uint8Array | null }>(parts: P[]): P[] {
  const numbered = parts.map((part) => ({ part, concatenation: part.udh ? parseUdh(part.udh).concatenation : undefined }));
  if (parts.length === 1 && !numbered[0]!.concatenation) return parts;
  const first = numbered[0]?.concatenation;
  const seen = new Set<number>();
  for (const { concatenation } of numbered) {
    if (!concatenation || !first || concatenation.reference !== first.reference || concatenation.total !== parts.length || seen.has(concatenation.index)) {
      throw new MalformedUserDataError(`these ${parts.length} parts are not the complete parts of one concatenated message`);
    }
    seen.add(concatenation.index);
  }
  return numbered.sort((a, b) => a.concatenation!.index - b.concatenation!.index).map(({ part }) => part);
}

/** The text of a concatenated message from its parts, in any order (a single part may have no header). */
export function reassemble(parts: { udh: Uint8Array | null; body: Uint8Array }[], encoding: Encoding): string {
  const bodies = inOrder(parts).map((part) => part.body);
  const joined = new Uint8Array(bodies.reduce((length, body) => length + body.length, 0));
  let offset = 0;
  for (const body of bodies) {
    joined.set(body, offset);
    offset += body.length;
  }
  return encoding === 'gsm7' ? decodeGsm7(joined) : decodeUcs2(joined);
}
