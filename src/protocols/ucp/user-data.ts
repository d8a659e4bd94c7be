/**
 * The message of a 50-series operation: MT, NB, Msg and the XSer services that say how to read it.
 *
 * - MT=3, alphanumeric: the specification's IRA table puts each character of the GSM 03.38 default alphabet
 *   at its GSM code, so Msg is the hex of the unpacked septets, two digits per septet, high digit first
 *   (0–7): "@" is 00, "é" 05, "A" 41, and an extension character is the escape then its code ("€" is 1B65).
 *   Relais writes MT=3 for all GSM text, with or without a user data header (XSer 01): the SMSC packs the
 *   septets itself, after the header and the fill bits that put the first septet on a septet boundary
 *   (3GPP TS 23.040 §9.2.3.24) — the one layout a handset reads right. Transparent data (MT=4) is taken as it
 *   is and put after the header: septets packed from bit 0 there would be read one bit off (docs/ucp.md).
 * - MT=4, transparent data: Msg is the hex of the user data and NB its number of bits; XSer 02 gives the data
 *   coding scheme and XSer 01 the user data header. Relais writes MT=4 for UCS-2 (NB = 8 × octets), where
 *   octets need no alignment.
 * - MT=2, numeric: Msg holds the digits themselves (read only).
 */
import { dataCodingScheme, decodeGsm7, decodeUcs2, encodeGsm7, encodeUcs2, isGsm7, unpack7 } from '../../core/text/index.ts';
import { UcpDecodeError, UcpEncodeError } from './errors.ts';
import { bytesToHex, hexToBytes } from './hex.ts';
import { formatXSer, parseXSer, XSER_DCS, XSER_UDH, xserData, type XSerService } from './xser.ts';

export type Alphabet = 'gsm7' | 'ucs2' | 'binary';

/** What a 50-series message carries, whatever MT it came in. */
export interface UserData {
  alphabet: Alphabet;
  /** The data coding scheme from XSer 02, when given. */
  dcs: number | null;
  /** The user data header with its length octet, or null. */
  udh: Uint8Array | null;
  /** gsm7: unpacked septets, one per octet; ucs2: UTF-16BE; binary: the octets. */
  body: Uint8Array;
}

export interface MessageFields {
  MT: string;
  NB: string;
  Msg: string;
  XSer: string;
}

/** An AMsg holds at most 640 hex digits: 320 septets. */
const MAX_MSG_DIGITS = 640;
/** A transparent message holds at most 140 octets (one SMS). */
const MAX_TRANSPARENT_OCTETS = 140;

/** MT, NB, Msg and XSer for a body already encoded by core/text (septets, or UTF-16BE octets). */
export function userDataFields(data: { encoding: 'gsm7' | 'ucs2'; body: Uint8Array; udh: Uint8Array | null; flash?: boolean }): MessageFields {
  const dcs = dataCodingScheme(data.encoding, data.flash ?? false);
  const services: XSerService[] = [];
  if (data.udh) {
    if (data.udh[0] !== data.udh.length - 1) throw new UcpEncodeError(`UDH length octet says ${data.udh[0]} but ${data.udh.length - 1} octets follow`);
    services.push({ type: XSER_UDH, data: data.udh });
  }
  if (data.encoding === 'gsm7') {
    if (data.body.length * 2 > MAX_MSG_DIGITS) throw new UcpEncodeError(`${data.body.length} septets do not fit an alphanumeric message`);
    if (dcs !== 0) services.push({ type: XSER_DCS, data: Uint8Array.of(dcs) });
    return { MT: '3', NB: '', Msg: bytesToHex(data.body), XSer: formatXSer(services) };
  }
  if (data.body.length > MAX_TRANSPARENT_OCTETS) throw new UcpEncodeError(`${data.body.length} octets do not fit a transparent message`);
  services.push({ type: XSER_DCS, data: Uint8Array.of(dcs) });
  return { MT: '4', NB: String(8 * data.body.length).padStart(4, '0'), Msg: bytesToHex(data.body), XSer: formatXSer(services) };
}

/** A text as an SMSC delivers it: GSM (MT=3) when the alphabet allows, UCS-2 (MT=4) otherwise. */
export function textFields(text: string): MessageFields {
  return isGsm7(text) ? userDataFields({ encoding: 'gsm7', body: encodeGsm7(text), udh: null }) : userDataFields({ encoding: 'ucs2', body: encodeUcs2(text), udh: null });
}

/**
 * The alphabet of a data coding scheme (3GPP TS 23.038 §4): groups 00xx and 01xx (bits 3–2), group 1111
 * (bit 2); anything else is read as binary.
 */
export function alphabetOfDcs(dcs: number): Alphabet {
  if ((dcs & 0x80) === 0) return (['gsm7', 'binary', 'ucs2', 'binary'] as const)[(dcs >> 2) & 3]!;
  if ((dcs & 0xf0) === 0xf0) return dcs & 0x04 ? 'binary' : 'gsm7';
  return 'binary';
}

/** Reads the message of a 50-series operation; throws UcpDecodeError when it does not hold what it claims. */
export function readUserData(fields: MessageFields & { DCs: string }): UserData {
  const services = parseXSer(fields.XSer);
  const udh = xserData(services, XSER_UDH) ?? null;
  const dcsOctet = xserData(services, XSER_DCS)?.[0];
  const dcs = dcsOctet ?? null;
  switch (fields.MT) {
    case '2':
      return { alphabet: 'gsm7', dcs, udh, body: Uint8Array.from(Buffer.from(fields.Msg, 'latin1')) };
    case '3':
      return { alphabet: 'gsm7', dcs, udh, body: hexToBytes(fields.Msg, 'AMsg') };
    case '4': {
      const octets = hexToBytes(fields.Msg, 'TMsg');
      const alphabet = dcs !== null ? alphabetOfDcs(dcs) : fields.DCs === '0' ? 'gsm7' : 'binary';
      if (alphabet !== 'gsm7') return { alphabet, dcs, udh, body: octets };
      const bits = fields.NB ? Number(fields.NB) : 8 * octets.length;
      if (bits > 8 * octets.length) throw new UcpDecodeError(`NB says ${bits} bits but TMsg holds ${8 * octets.length}`);
      return { alphabet, dcs, udh, body: unpack7(octets, Math.floor(bits / 7)) };
    }
    default:
      throw new UcpDecodeError(`message type MT=${fields.MT || '(none)'} is not read`);
  }
}

/** The text of a message: GSM and UCS-2 decoded, binary shown in hex. */
export function userDataText(data: UserData): string {
  switch (data.alphabet) {
    case 'gsm7':
      return decodeGsm7(data.body);
    case 'ucs2':
      return decodeUcs2(data.body);
    case 'binary':
      return bytesToHex(data.body);
  }
}
