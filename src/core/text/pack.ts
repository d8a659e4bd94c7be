/**
 * 7-bit packing (3GPP TS 23.038 §6.1.2.1.1): septets laid end to end, least significant bit first, eight septets
 * in seven octets. Fill bits (0–6 zero bits before the first septet) align the text on a septet boundary after
 * a user data header (TS 23.040 §9.2.3.24).
 */
import { MalformedUserDataError } from './errors.ts';

function checkFillBits(fillBits: number): void {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 6) {
    throw new MalformedUserDataError(`fill bits must be 0 to 6, not ${fillBits}`);
  }
}

/** Octets holding `fillBits` zero bits then the septets (each byte's high bit is ignored). */
export function pack7(septets: Uint8Array, fillBits = 0): Uint8Array {
  checkFillBits(fillBits);
  const octets = new Uint8Array(Math.ceil((fillBits + 7 * septets.length) / 8));
  let bit = fillBits;
  for (const value of septets) {
    const septet = value & 0x7f;
    const at = bit >> 3;
    const shift = bit & 7;
    octets[at]! |= (septet << shift) & 0xff;
    if (shift > 1) octets[at + 1]! |= septet >> (8 - shift);
    bit += 7;
  }
  return octets;
}

/** The first `septetCount` septets packed in the octets after `fillBits` bits. */
export function unpack7(octets: Uint8Array, septetCount: number, fillBits = 0): Uint8Array {
  checkFillBits(fillBits);
  if (fillBits + 7 * septetCount > 8 * octets.length) {
    throw new MalformedUserDataError(`${octets.length} octets cannot hold ${septetCount} septets after ${fillBits} fill bits`);
  }
  const septets = new Uint8Array(septetCount);
  let bit = fillBits;
  for (let i = 0; i < septetCount; i++) {
    const at = bit >> 3;
    const shift = bit & 7;
    const high = shift > 1 ? octets[at + 1]! << (8 - shift) : 0;
    septets[i] = ((octets[at]! >> shift) | high) & 0x7f;
    bit += 7;
  }
  return septets;
}

/** Fill bits that put the first septet after a header of `udhOctets` octets on a septet boundary (6 → 1, 7 → 0). */
export function fillBitsAfterUdh(udhOctets: number): number {
  return (7 - ((udhOctets * 8) % 7)) % 7;
}
