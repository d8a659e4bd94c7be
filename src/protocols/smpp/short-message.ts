import type { MobileOriginated, OutboundPart } from '../../core/message/wire.ts';
import { decodeGsm7, decodeUcs2 } from '../../core/text/index.ts';
import { dataCodingFor, dataCodingOf } from './data-coding.ts';
import { tlvTags, type PduOf, type ShortMessagePdu } from './pdu.ts';

export class SmppEncodeError extends Error {
  override readonly name = 'SmppEncodeError';
}

/** esm_class bit 6: the short message starts with a user data header. */
export const UDH_INDICATOR = 0x40;
/** esm_class bits 2–5: the message type. */
const MESSAGE_TYPE_MASK = 0x3c;

/** Message types of esm_class in deliver_sm (SMPP 3.4 §5.2.12); `receipt` says whether it reports on an MT. */
export const esmMessageTypes: ReadonlyMap<number, { name: string; receipt: boolean }> = new Map([
  [0x00, { name: 'default message type (mobile originated)', receipt: false }],
  [0x04, { name: 'SMSC delivery receipt', receipt: true }],
  [0x08, { name: 'SME delivery acknowledgement', receipt: true }],
  [0x10, { name: 'SME manual/user acknowledgement', receipt: false }],
  [0x18, { name: 'conversation abort', receipt: false }],
  [0x20, { name: 'intermediate delivery notification', receipt: true }],
]);

export function esmMessageType(esmClass: number): number {
  return esmClass & MESSAGE_TYPE_MASK;
}

export function isReceipt(esmClass: number): boolean {
  return esmMessageTypes.get(esmMessageType(esmClass))?.receipt ?? false;
}

/** registered_delivery value asking for a final receipt, success or failure. */
export const REGISTERED_DELIVERY_FINAL = 0x01;

/** short_message holds at most 254 octets; a longer user data goes in message_payload. */
const SHORT_MESSAGE_MAX = 254;

/** What Relais puts in a submit_sm (field names as on the wire); everything else keeps its default. */
export interface SubmitSmParams {
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  registered_delivery: number;
  data_coding: number;
  short_message: Buffer;
  message_payload?: Buffer;
}

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/**
 * One-way translation of a part into submit_sm parameters: addresses with their TON/NPI, data_coding 0 (GSM)
 * or 8 (UCS-2) — their class-0 variants for flash —, the UDH prepended with esm_class 0x40, a final receipt
 * asked when the part wants one. The body is sent as given: nothing here re-encodes text.
 */
export function partToSubmitSm(part: OutboundPart): SubmitSmParams {
  if (part.udh && part.udh[0] !== part.udh.length - 1) {
    throw new SmppEncodeError(`UDH length octet says ${part.udh[0]} but ${part.udh.length - 1} octets follow`);
  }
  const userData = part.udh ? Buffer.concat([part.udh, part.body]) : asBuffer(part.body);
  const long = userData.length > SHORT_MESSAGE_MAX;
  return {
    source_addr_ton: part.source.ton,
    source_addr_npi: part.source.npi,
    source_addr: part.source.value,
    dest_addr_ton: part.destination.ton,
    dest_addr_npi: part.destination.npi,
    destination_addr: part.destination.value,
    esm_class: part.udh ? UDH_INDICATOR : 0,
    registered_delivery: part.receipt ? REGISTERED_DELIVERY_FINAL : 0,
    data_coding: dataCodingFor(part.encoding, part.flash ?? false),
    short_message: long ? Buffer.alloc(0) : userData,
    ...(long ? { message_payload: userData } : {}),
  };
}

/** The user data of a submit_sm or deliver_sm: short_message, or message_payload when short_message is empty. */
export function userDataOf(pdu: ShortMessagePdu): Buffer {
  const { short_message } = pdu.fields;
  return short_message.length > 0 ? short_message : (pdu.tlvs.get(tlvTags.message_payload) ?? short_message);
}

/** Splits the user data into its header (with its length octet) and body, as esm_class says. */
export function splitUdh(userData: Buffer, esmClass: number): { udh: Buffer | null; body: Buffer } {
  if ((esmClass & UDH_INDICATOR) === 0 || userData.length === 0) return { udh: null, body: userData };
  const end = 1 + userData[0]!;
  return { udh: userData.subarray(0, end), body: userData.subarray(end) };
}

/** Text of a received short message, read by its data_coding. */
export function decodeText(dataCoding: number, bytes: Buffer): string {
  switch (dataCodingOf(dataCoding).alphabet) {
    case 'gsm7':
      return decodeGsm7(bytes);
    case 'ucs2':
      return decodeUcs2(bytes);
    case 'ascii':
    case 'latin1':
      return bytes.toString('latin1');
    case 'binary':
      return bytes.toString('hex');
  }
}

/**
 * One-way translation of a deliver_sm carrying a mobile-originated message. One part of a concatenated MO
 * is one MobileOriginated: its header is dropped, parts are not reassembled.
 */
export function deliverSmToMo(pdu: PduOf<'deliver_sm'>, receivedAt: Date): MobileOriginated {
  const { body } = splitUdh(userDataOf(pdu), pdu.fields.esm_class);
  return { from: pdu.fields.source_addr, to: pdu.fields.destination_addr, text: decodeText(pdu.fields.data_coding, body), receivedAt };
}
