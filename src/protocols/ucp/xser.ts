/**
 * XSer, the extra services field of the 50 series (EMI/UCP 4.x §5.2.x): blocks `TTLLDD…` in hex, TT the
 * service type, LL the number of octets of data, DD the data. Type 01 carries the GSM user data header (with
 * its length octet), type 02 the GSM data coding scheme (one octet); other types are kept as they are.
 */
import { UcpDecodeError } from './errors.ts';
import { bytesToHex, hexToBytes } from './hex.ts';

export const XSER_UDH = 0x01;
export const XSER_DCS = 0x02;

export interface XSerService {
  type: number;
  data: Uint8Array;
}

export function formatXSer(services: readonly XSerService[]): string {
  return services.map(({ type, data }) => bytesToHex(Uint8Array.of(type, data.length)) + bytesToHex(data)).join('');
}

/** The services in order; throws UcpDecodeError when a block is cut short. */
export function parseXSer(xser: string): XSerService[] {
  const bytes = hexToBytes(xser, 'XSer');
  const services: XSerService[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + 2 > bytes.length) throw new UcpDecodeError(`XSer: service at octet ${at} has no length`);
    const type = bytes[at]!;
    const end = at + 2 + bytes[at + 1]!;
    if (end > bytes.length) throw new UcpDecodeError(`XSer: service ${bytesToHex(Uint8Array.of(type))} announces more octets than follow`);
    services.push({ type, data: bytes.slice(at + 2, end) });
    at = end;
  }
  return services;
}

export function xserData(services: readonly XSerService[], type: number): Uint8Array | undefined {
  return services.find((service) => service.type === type)?.data;
}
