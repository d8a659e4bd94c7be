/**
 * Addresses in the 50 series. AdC (the recipient) is digits only: UCP has no type of number for it, so an
 * international number carries a prefix (`00` by default, the link's `internationalPrefix`). OAdC (the
 * originator) says its type in OTOA: empty for a short code or national number, 1139 for an international
 * number, 5039 for an alphanumeric sender — then OAdC is the hex of one octet giving the number of useful
 * semi-octets followed by the GSM 7-bit packed name (3GPP TS 23.040 §9.1.2.5), e.g. "ALPHA@NUM" is
 * 10412614190438AB4D.
 */
import { decodeAlphanumericAddress, encodeAlphanumericAddress, MalformedUserDataError, NotGsm7Error } from '../../core/text/index.ts';
import type { LinkAddress } from '../../core/message/wire.ts';
import { UcpDecodeError, UcpEncodeError } from './errors.ts';
import { bytesToHex, hexToBytes } from './hex.ts';

export const OTOA_INTERNATIONAL = '1139';
export const OTOA_ALPHANUMERIC = '5039';

const ALPHANUMERIC_TON = 5;
const INTERNATIONAL_TON = 1;

const digits = /^[0-9]{1,16}$/;

export function originatorFields(address: LinkAddress): { OAdC: string; OTOA: string } {
  if (address.ton === ALPHANUMERIC_TON) {
    try {
      const { octets, semiOctets } = encodeAlphanumericAddress(address.value);
      return { OAdC: bytesToHex(Uint8Array.of(semiOctets, ...octets)), OTOA: OTOA_ALPHANUMERIC };
    } catch (error) {
      if (error instanceof NotGsm7Error || error instanceof MalformedUserDataError) throw new UcpEncodeError(`alphanumeric sender: ${error.message}`);
      throw error;
    }
  }
  if (!digits.test(address.value)) throw new UcpEncodeError(`sender "${address.value}" is not 1–16 digits`);
  return { OAdC: address.value, OTOA: address.ton === INTERNATIONAL_TON ? OTOA_INTERNATIONAL : '' };
}

/** The sender's name or number: the alphanumeric name decoded (OTOA 5039), otherwise the digits as written. */
export function originatorOf(fields: { OAdC: string; OTOA: string }): string {
  if (fields.OTOA !== OTOA_ALPHANUMERIC) return fields.OAdC;
  const bytes = hexToBytes(fields.OAdC, 'OAdC');
  if (bytes.length === 0) throw new UcpDecodeError('OAdC: an alphanumeric address needs its length octet');
  try {
    return decodeAlphanumericAddress(bytes.subarray(1), bytes[0]!);
  } catch (error) {
    if (error instanceof MalformedUserDataError) throw new UcpDecodeError(`OAdC: ${error.message}`);
    throw error;
  }
}

/** AdC for a recipient: digits, with the international prefix for an international number. */
export function recipientAdC(address: LinkAddress, internationalPrefix: string): string {
  const adc = address.ton === INTERNATIONAL_TON ? internationalPrefix + address.value : address.value;
  if (!digits.test(adc)) throw new UcpEncodeError(`recipient "${adc}" is not 1–16 digits`);
  return adc;
}

/** A number as received, the international prefix (when it starts with it) taken off: "0033612345678" → "33612345678". */
export function withoutInternationalPrefix(number: string, internationalPrefix: string): string {
  return internationalPrefix && number.startsWith(internationalPrefix) ? number.slice(internationalPrefix.length) : number;
}
