import type { ReceiptState } from '../../core/message/receipts.ts';
import type { Receipt } from '../../core/message/wire.ts';
import { dataCodingOf } from './data-coding.ts';
import { dumpTlvs, SmppDecodeError, tlvString, tlvTags, type PduOf } from './pdu.ts';
import { decodeText, isReceipt, userDataOf } from './short-message.ts';

/**
 * Delivery receipts: the `stat:` words and message_state values (SMPP 3.4 Appendix B and §5.2.28), the receipt
 * text, and the translation of a receipt deliver_sm into the port's Receipt.
 */

/** Stat words as SMSCs write them; the spelled-out forms are seen in the field too. */
export const statWords: ReadonlyMap<string, ReceiptState> = new Map([
  ['DELIVRD', 'delivered'],
  ['UNDELIV', 'undeliverable'],
  ['EXPIRED', 'expired'],
  ['REJECTD', 'rejected'],
  ['DELETED', 'deleted'],
  ['ACCEPTD', 'accepted'],
  ['ENROUTE', 'enroute'],
  ['UNKNOWN', 'unknown'],
  ['DELIVERED', 'delivered'],
  ['UNDELIVERABLE', 'undeliverable'],
  ['REJECTED', 'rejected'],
  ['ACCEPTED', 'accepted'],
]);

/** The word Relais writes for each state (the first of the table above). */
export const statWordOf: Readonly<Record<ReceiptState, string>> = {
  delivered: 'DELIVRD',
  undeliverable: 'UNDELIV',
  expired: 'EXPIRED',
  rejected: 'REJECTD',
  deleted: 'DELETED',
  accepted: 'ACCEPTD',
  enroute: 'ENROUTE',
  unknown: 'UNKNOWN',
};

/** message_state values (the message_state TLV, query_sm_resp). */
export const messageStates: ReadonlyMap<number, ReceiptState> = new Map([
  [1, 'enroute'],
  [2, 'delivered'],
  [3, 'expired'],
  [4, 'deleted'],
  [5, 'undeliverable'],
  [6, 'accepted'],
  [7, 'unknown'],
  [8, 'rejected'],
]);

export const messageStateOf: Readonly<Record<ReceiptState, number>> = Object.fromEntries(
  [...messageStates].map(([value, state]) => [state, value]),
) as Record<ReceiptState, number>;

/** An unknown stat word is an unknown state, not an error: the receipt is kept with its raw text. */
export function stateOfStatWord(word: string): ReceiptState {
  return statWords.get(word.trim().toUpperCase()) ?? 'unknown';
}

export interface ReceiptText {
  id?: string;
  sub?: string;
  dlvrd?: string;
  submitDate?: string;
  doneDate?: string;
  stat?: string;
  err?: string;
  text?: string;
}

const receiptKeys: Readonly<Record<string, keyof ReceiptText>> = {
  id: 'id',
  sub: 'sub',
  dlvrd: 'dlvrd',
  submitdate: 'submitDate',
  donedate: 'doneDate',
  stat: 'stat',
  err: 'err',
  text: 'text',
};

const keyPattern = /(?:^|\s)(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|text):/gi;

/**
 * Reads `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…` tolerantly: keys in any case and
 * order, "submit_date" or "submitdate" spellings, fields missing. Values are kept as written (ids keep their
 * case); `text:` runs to the end, as it is the last field and may itself contain spaces and colons.
 */
export function parseReceiptText(receipt: string): ReceiptText {
  const found: ReceiptText = {};
  const keys = [...receipt.matchAll(keyPattern)];
  for (let i = 0; i < keys.length; i++) {
    const match = keys[i]!;
    const key = receiptKeys[match[1]!.toLowerCase().replace(/[ _]/g, '')]!;
    const start = match.index + match[0].length;
    if (key === 'text') {
      found.text ??= receipt.slice(start);
      break;
    }
    found[key] ??= receipt.slice(start, keys[i + 1]?.index).trim();
  }
  return found;
}

/** YYMMDDhhmm, YYMMDDhhmmss (or YYYYMMDDhhmmss) read as UTC; undefined when it is not a real date. */
export function parseReceiptDate(value: string): Date | undefined {
  const match = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value.trim());
  if (!match) return undefined;
  const [, y = '', ...rest] = match;
  const [month, day, hour, minute, second] = rest.map((v) => Number(v ?? 0)) as [number, number, number, number, number];
  const date = new Date(Date.UTC(Number(y) + (y.length === 2 ? 2000 : 0), month - 1, day, hour, minute, second));
  const real = date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return real ? date : undefined;
}

/** YYMMDDhhmm in UTC, the receipt date format of SMPP 3.4 Appendix B. */
export function formatReceiptDate(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(2, 12);
}

export interface ReceiptTextInput {
  id: string;
  state: ReceiptState;
  submitDate: Date;
  doneDate: Date;
  /** Network error code, three digits; "000" by default. */
  err?: string;
  /** The first characters of the message (20 at most are written). */
  text?: string;
}

export function formatReceiptText(r: ReceiptTextInput): string {
  const delivered = r.state === 'delivered' ? '001' : '000';
  return (
    `id:${r.id} sub:001 dlvrd:${delivered} submit date:${formatReceiptDate(r.submitDate)} done date:${formatReceiptDate(r.doneDate)} ` +
    `stat:${statWordOf[r.state]} err:${r.err ?? '000'} text:${(r.text ?? '').slice(0, 20)}`
  );
}

/** network_error_code: network type (1 octet), error code (2 octets). Written as the error code on three digits, like `err:`. */
function networkErrorCode(value: Buffer | undefined): string | undefined {
  if (!value || value.length < 3) return undefined;
  return String(value.readUInt16BE(1)).padStart(3, '0');
}

/**
 * One-way translation of a receipt deliver_sm (esm_class message type 0x04, 0x08 or 0x20) into a Receipt;
 * undefined when the deliver_sm is not a receipt. The receipted_message_id, message_state and
 * network_error_code TLVs take precedence over the text when both are present. The text is read octet by
 * octet (SMSCs write it in ASCII whatever data_coding says), except under UCS-2. The evidence (`raw`) is the
 * octets as received: SMSCs copy the first octets of the message into `text:`, and those may be anything.
 * Throws SmppDecodeError when the receipt names no message id.
 */
export function receiptFromDeliverSm(pdu: PduOf<'deliver_sm'>): Receipt | undefined {
  if (!isReceipt(pdu.fields.esm_class)) return undefined;
  const userData = userDataOf(pdu);
  const decoded = dataCodingOf(pdu.fields.data_coding).alphabet === 'ucs2' ? decodeText(pdu.fields.data_coding, userData) : userData.toString('latin1');
  const text = decoded.replace(/\0+$/, ''); // some SMSCs count a terminating NUL in sm_length
  const fields = parseReceiptText(text);
  const smscMessageId = tlvString(pdu.tlvs.get(tlvTags.receipted_message_id)) || fields.id;
  if (!smscMessageId) throw new SmppDecodeError(`delivery receipt without a message id: "${text}"`);
  const stateTlv = pdu.tlvs.get(tlvTags.message_state);
  const state = (stateTlv?.length === 1 ? messageStates.get(stateTlv[0]!) : undefined) ?? (fields.stat === undefined ? 'unknown' : stateOfStatWord(fields.stat));
  const errorCode = networkErrorCode(pdu.tlvs.get(tlvTags.network_error_code)) ?? (fields.err || undefined);
  const doneAt = fields.doneDate === undefined ? undefined : parseReceiptDate(fields.doneDate);
  const tlvs = dumpTlvs(pdu.tlvs);
  const raw = tlvs === '' ? userData : Buffer.concat([userData, Buffer.from(userData.length > 0 ? ` | ${tlvs}` : tlvs, 'latin1')]);
  return { smscMessageId, state, raw, ...(errorCode === undefined ? {} : { errorCode }), ...(doneAt ? { doneAt } : {}) };
}
