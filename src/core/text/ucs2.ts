/**
 * UCS-2 as SMS carries it: UTF-16 big-endian (3GPP TS 23.038 §5, TS 23.040 §9.2.3.24). Characters outside
 * the BMP (emoji) travel as surrogate pairs: two units that must stay in the same part.
 */

export function isHighSurrogate(codeUnit: number): boolean {
  return codeUnit >= 0xd800 && codeUnit <= 0xdbff;
}

export function isLowSurrogate(codeUnit: number): boolean {
  return codeUnit >= 0xdc00 && codeUnit <= 0xdfff;
}

/** Whether a surrogate pair starts at `index` (a unit that must not be cut in two). */
export function isSurrogatePairAt(text: string, index: number): boolean {
  return isHighSurrogate(text.charCodeAt(index)) && isLowSurrogate(text.charCodeAt(index + 1));
}

/** UTF-16BE bytes of the text, two per UTF-16 unit. */
export function encodeUcs2(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 * i] = unit >> 8;
    bytes[2 * i + 1] = unit & 0xff;
  }
  return bytes;
}

const DECODE_CHUNK = 4096;

/** Text of UTF-16BE bytes; a dangling odd octet (a truncated unit) is ignored. Lone surrogates are kept as they are. */
export function decodeUcs2(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length >> 1);
  for (let i = 0; i < units.length; i++) units[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
  let text = '';
  for (let start = 0; start < units.length; start += DECODE_CHUNK) {
    text += String.fromCharCode(...units.subarray(start, start + DECODE_CHUNK));
  }
  return text;
}
