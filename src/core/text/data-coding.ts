import type { Encoding } from './segment.ts';

/**
 * GSM data coding scheme, general data coding group 00xx (3GPP TS 23.038 §4): bits 3–2 give the alphabet,
 * bit 4 says that bits 1–0 hold a message class; class 0 is the "flash" SMS shown at once and not stored
 * (the "pop-up" option of the Orange M2M price list (2012)).
 */
const ALPHABET_BITS: Record<Encoding, number> = { gsm7: 0b00, ucs2: 0b10 };
const CLASS_PRESENT = 0x10;
const CLASS_0 = 0b00;

/** The DCS octet: 0x00 / 0x08 without a class, 0x10 / 0x18 for a flash message. */
export function dataCodingScheme(encoding: Encoding, flash = false): number {
  return (ALPHABET_BITS[encoding] << 2) | (flash ? CLASS_PRESENT | CLASS_0 : 0);
}
