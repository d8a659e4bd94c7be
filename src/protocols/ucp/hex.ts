/** Hex as UCP writes it: two upper-case digits per octet (read in either case). */
import { UcpDecodeError } from './errors.ts';

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** Octets of a hex string; throws UcpDecodeError naming the field when it is not whole octets of hex. */
export function hexToBytes(hex: string, field: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(hex)) throw new UcpDecodeError(`${field}: not whole octets in hex`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
