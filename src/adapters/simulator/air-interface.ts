/**
 * What the simulated UCP SMSC puts on the air and what a handset makes of it: the TP-User-Data of the
 * SMS-DELIVER (3GPP TS 23.040 §9.2.3.24) built from a 50-series operation as an SMSC builds it, then read back as
 * a handset reads it — so that a test sees the text a person reads, not the fields Relais wrote.
 *
 * The SMSC: MT=3 (alphanumeric) gives septets, which it packs itself after the user data header of XSer 01 and
 * the fill bits that put the first septet on a septet boundary; MT=4 (transparent) gives octets, which it puts
 * after the header as they are. The handset: with a 7-bit data coding scheme it unpacks TP-UDL septets from the
 * first bit and skips those the header and its fill bits take; otherwise it skips the header's octets.
 */
import { decodeGsm7, decodeUcs2, fillBitsAfterUdh, pack7, parseUdh, unpack7, type Concatenation } from '../../core/text/index.ts';
import { alphabetOfDcs, bytesToHex, hexToBytes, parseXSer, XSER_DCS, XSER_UDH, xserData, type MessageFields } from '../../protocols/ucp/index.ts';

/** The user data of an SMS-DELIVER: TP-DCS, TP-UDHI, TP-UDL (septets for 7-bit text, else octets) and TP-UD. */
export interface TpUserData {
  dcs: number;
  udhi: boolean;
  udl: number;
  ud: Uint8Array;
}

/** Septets a header of `octets` octets takes, fill bits included. */
const headerSeptets = (octets: number) => Math.ceil((octets * 8) / 7);

/** TP-User-Data as an SMSC builds it from MT, NB, Msg and XSer (01 the header, 02 the data coding scheme). */
export function smscUserData(fields: MessageFields & { DCs: string }): TpUserData {
  const services = parseXSer(fields.XSer);
  const udh = xserData(services, XSER_UDH) ?? new Uint8Array(0);
  const dcs = xserData(services, XSER_DCS)?.[0] ?? (fields.MT === '4' && fields.DCs === '1' ? 0x04 : 0x00);
  const udhi = udh.length > 0;
  if (fields.MT === '4') {
    const data = hexToBytes(fields.Msg, 'TMsg');
    const ud = Uint8Array.from([...udh, ...data]);
    const septets = Math.floor((fields.NB ? Number(fields.NB) : 8 * data.length) / 7);
    return { dcs, udhi, udl: alphabetOfDcs(dcs) === 'gsm7' ? headerSeptets(udh.length) + septets : ud.length, ud };
  }
  // MT=3 (MT=2 digits are the same characters): the SMSC packs the septets after the header and its fill bits.
  const septets = fields.MT === '2' ? Uint8Array.from(Buffer.from(fields.Msg, 'latin1')) : hexToBytes(fields.Msg, 'AMsg');
  const packed = pack7(septets, udhi ? fillBitsAfterUdh(udh.length) : 0);
  return { dcs, udhi, udl: (udhi ? headerSeptets(udh.length) : 0) + septets.length, ud: Uint8Array.from([...udh, ...packed]) };
}

/** What a handset shows of one SMS-DELIVER, and the concatenation it belongs to. */
export function handsetRead(tp: TpUserData): { text: string; concatenation: Concatenation | null } {
  const header = tp.udhi ? parseUdh(tp.ud) : null;
  const headerOctets = header?.length ?? 0;
  const concatenation = header?.concatenation ?? null;
  switch (alphabetOfDcs(tp.dcs)) {
    case 'gsm7': {
      // A handset reads what is there: at most the septets the octets hold.
      const count = Math.min(tp.udl, Math.floor((tp.ud.length * 8) / 7));
      return { text: decodeGsm7(unpack7(tp.ud, count).subarray(headerSeptets(headerOctets))), concatenation };
    }
    case 'ucs2':
      return { text: decodeUcs2(tp.ud.subarray(headerOctets, tp.udl)), concatenation };
    case 'binary':
      return { text: bytesToHex(tp.ud.subarray(headerOctets, tp.udl)), concatenation };
  }
}
