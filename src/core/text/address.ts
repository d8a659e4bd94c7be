/**
 * Alphanumeric originator address (3GPP TS 23.040 §9.1.2.5, type of number 101): the GSM 7-bit packed text,
 * its length given in useful semi-octets. UCP/EMI writes the same for OAdC with OTOA 5039.
 */
import { MalformedUserDataError } from './errors.ts';
import { decodeGsm7, encodeGsm7 } from './gsm7.ts';
import { pack7, unpack7 } from './pack.ts';

/** The address value is at most 10 octets (§9.1.2.5: 12 for the whole field): 11 septets. */
export const MAX_ALPHANUMERIC_ADDRESS_SEPTETS = 11;

/** Packed septets of the sender name and its length in useful semi-octets (4 bits each, the last one rounded up). */
export function encodeAlphanumericAddress(text: string): { octets: Uint8Array; semiOctets: number } {
  const septets = encodeGsm7(text);
  if (septets.length > MAX_ALPHANUMERIC_ADDRESS_SEPTETS) {
    throw new MalformedUserDataError(`an alphanumeric address holds at most ${MAX_ALPHANUMERIC_ADDRESS_SEPTETS} septets; "${text}" needs ${septets.length}`);
  }
  return { octets: pack7(septets), semiOctets: Math.ceil((septets.length * 7) / 4) };
}

/** The sender name from its packed octets and useful semi-octets (the spare bits of the last octet are not a septet). */
export function decodeAlphanumericAddress(octets: Uint8Array, semiOctets: number): string {
  return decodeGsm7(unpack7(octets, Math.floor((semiOctets * 4) / 7)));
}
