/**
 * User data header (3GPP TS 23.040 §9.2.3.24): a length octet (UDHL), then information elements, each an
 * identifier (IEI), a length (IEDL) and data. Relais writes and reads the concatenation elements.
 */
import { MalformedUserDataError } from './errors.ts';

/** The two concatenation elements, by IEI: the reference is 1 octet (§9.2.3.24.1) or 2 octets (§9.2.3.24.8). */
const CONCATENATION_ELEMENTS = [
  { iei: 0x00, referenceOctets: 1 },
  { iei: 0x08, referenceOctets: 2 },
] as const;

type ConcatenationElement = (typeof CONCATENATION_ELEMENTS)[number];

function concatenationElement(reference16: boolean): ConcatenationElement {
  return CONCATENATION_ELEMENTS[reference16 ? 1 : 0];
}

export interface Concatenation {
  reference: number;
  /** Number of parts, 1–255. */
  total: number;
  /** This part's place, 1-based. */
  index: number;
}

export interface InformationElement {
  iei: number;
  data: Uint8Array;
}

export interface UserDataHeader {
  /** Octets of the header, its length octet included: the body starts at this offset. */
  length: number;
  concatenation?: Concatenation;
  elements: InformationElement[];
}

/** Octets of a header carrying only the concatenation element: 6 (8-bit reference) or 7 (16-bit reference). */
export function concatenationUdhLength(reference16 = false): number {
  // UDHL, IEI and IEDL, then the reference, the part count and the part number.
  return 3 + concatenationElement(reference16).referenceOctets + 2;
}

/** The header of part `index` (1-based) of `total`, length octet included. */
export function concatenationUdh(reference: number, total: number, index: number, reference16 = false): Uint8Array {
  const { iei, referenceOctets } = concatenationElement(reference16);
  const maxReference = 2 ** (8 * referenceOctets) - 1;
  if (!Number.isInteger(reference) || reference < 0 || reference > maxReference) {
    throw new MalformedUserDataError(`a ${8 * referenceOctets}-bit concatenation reference is 0 to ${maxReference}, not ${reference}`);
  }
  if (!Number.isInteger(total) || !Number.isInteger(index) || total < 1 || total > 255 || index < 1 || index > total) {
    throw new MalformedUserDataError(`part ${index} of ${total} cannot be numbered (1 ≤ index ≤ total ≤ 255)`);
  }
  const referenceBytes = referenceOctets === 2 ? [reference >> 8, reference & 0xff] : [reference];
  return Uint8Array.of(concatenationUdhLength(reference16) - 1, iei, referenceOctets + 2, ...referenceBytes, total, index);
}

/**
 * Reads the header at the start of `bytes` (a whole user data is fine: only the header is read). A
 * concatenation element numbered 0 or beyond its total is ignored (§9.2.3.24.1); a repeated one, the last
 * occurrence wins (§9.2.3.24).
 */
export function parseUdh(bytes: Uint8Array): UserDataHeader {
  if (bytes.length === 0) throw new MalformedUserDataError('a user data header needs its length octet');
  const length = 1 + bytes[0]!;
  if (length > bytes.length) throw new MalformedUserDataError(`the header announces ${length - 1} octets but ${bytes.length - 1} follow`);
  const elements: InformationElement[] = [];
  let concatenation: Concatenation | undefined;
  for (let at = 1; at < length; ) {
    if (at + 2 > length) throw new MalformedUserDataError(`information element at octet ${at} is cut short`);
    const iei = bytes[at]!;
    const end = at + 2 + bytes[at + 1]!;
    if (end > length) throw new MalformedUserDataError(`information element 0x${iei.toString(16)} overruns the header`);
    const data = bytes.subarray(at + 2, end);
    elements.push({ iei, data });
    concatenation = readConcatenation(iei, data) ?? concatenation;
    at = end;
  }
  return concatenation ? { length, concatenation, elements } : { length, elements };
}

function readConcatenation(iei: number, data: Uint8Array): Concatenation | undefined {
  const element = CONCATENATION_ELEMENTS.find((candidate) => candidate.iei === iei);
  if (!element || data.length !== element.referenceOctets + 2) return undefined;
  const reference = element.referenceOctets === 2 ? (data[0]! << 8) | data[1]! : data[0]!;
  const total = data[element.referenceOctets]!;
  const index = data[element.referenceOctets + 1]!;
  return index === 0 || index > total ? undefined : { reference, total, index };
}
