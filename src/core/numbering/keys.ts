/**
 * Numbers as integers, for lookups that allocate nothing: the digits of an E.164 number (`+33612345678` →
 * 33612345678) are an exact integer in a double (15 digits at most, below 2^53), so sorted typed arrays and a
 * binary search answer without strings, maps or objects.
 */

/** E.164 allows 15 digits; every key of the numbering plan is widened to that many. */
export const KEY_DIGITS = 15;

const POWERS_OF_TEN: readonly number[] = Array.from({ length: KEY_DIGITS + 1 }, (_, i) => 10 ** i);

/** The digits of an E.164 number (with or without its `+`) as an integer; NaN when it is not 1 to 15 digits. */
export function numberKey(e164: string): number {
  const from = e164.charCodeAt(0) === 43 /* + */ ? 1 : 0;
  const length = e164.length - from;
  if (length < 1 || length > KEY_DIGITS) return NaN;
  let value = 0;
  for (let i = from; i < e164.length; i++) {
    const digit = e164.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** How many digits an E.164 number's key has (its value has no leading zero: a calling code never starts with 0). */
export function digitsOf(key: number): number {
  let digits = 1;
  while (digits < KEY_DIGITS && key >= POWERS_OF_TEN[digits]!) digits++;
  return digits;
}

/** A number widened to 15 digits with zeros: where it sits among the plan's ranges. */
export function widened(key: number, digits: number): number {
  return key * POWERS_OF_TEN[KEY_DIGITS - digits]!;
}

/** The last 15-digit key a range ending with `key` covers: every longer number that starts with it. */
export function widenedEnd(key: number, digits: number): number {
  const scale = POWERS_OF_TEN[KEY_DIGITS - digits]!;
  return key * scale + (scale - 1);
}

/** Where `value` would go in an ascending array: the index of the last element ≤ value, or −1. */
export function lastAtMost(sorted: Float64Array | Uint32Array, length: number, value: number): number {
  let low = 0;
  let high = length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}
