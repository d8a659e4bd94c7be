import type { FieldProblem } from '../../app/errors.ts';
import type { SendRequest } from '../../app/submit-messages.ts';
import { decodeGsm7, decodeUcs2 } from '../../core/text/index.ts';
import { tlvTags, UDH_INDICATOR, userDataOf, type PduOf } from '../../protocols/smpp/index.ts';

/**
 * One-way translation of a client's submit_sm into what the intake use case takes, and of the use case's
 * refusals into command_status. Pure: no socket, no clock but the `now` given.
 */

export const ESME_RINVMSGLEN = 0x01;
export const ESME_RSYSERR = 0x08;
export const ESME_RINVSRCADR = 0x0a;
export const ESME_RINVDSTADR = 0x0b;
export const ESME_RINVPASWD = 0x0e;
export const ESME_RMSGQFUL = 0x14;
export const ESME_RINVESMCLASS = 0x43;
export const ESME_RSUBMITFAIL = 0x45;
export const ESME_RINVSCHED = 0x61;
export const ESME_RINVDCS = 0x104;

/** A refusal before the use case: the command_status to answer and why (for the log). */
export interface Refusal {
  status: number;
  reason: string;
}

/** The concatenation header of one part: the reference, how many parts, which one (1-based). */
export interface Concatenation {
  reference: number;
  total: number;
  index: number;
}

/** A submit_sm read: its user data body (header removed), how to decode it, and the request fields it sets. */
export interface ReadSubmit {
  dataCoding: number;
  body: Buffer;
  concatenation: Concatenation | null;
  /** Everything but `text`. */
  request: Omit<SendRequest, 'text'>;
  registeredDelivery: number;
}

/** data_coding values taken: 0 GSM 03.38 (one septet per octet, not packed), 1 IA5, 3 Latin-1, 8 UCS-2. */
const textCodings = new Set([0x00, 0x01, 0x03, 0x08]);

/** Reads a submit_sm; a Refusal when something in it cannot be taken as it is. */
export function readSubmitSm(pdu: PduOf<'submit_sm'>, now: Date): ReadSubmit | Refusal {
  const f = pdu.fields;
  if (!textCodings.has(f.data_coding)) return { status: ESME_RINVDCS, reason: `data_coding 0x${f.data_coding.toString(16)} is not taken (0 GSM, 1 IA5, 3 Latin-1, 8 UCS-2)` };
  if ((f.esm_class & 0x3c) !== 0) return { status: ESME_RINVESMCLASS, reason: `esm_class 0x${f.esm_class.toString(16)}: only the default message type is taken` };
  const payload = pdu.tlvs.get(tlvTags.message_payload);
  if (payload && f.short_message.length > 0) return { status: ESME_RSUBMITFAIL, reason: 'both short_message and message_payload are set' };
  const userData = userDataOf(pdu);

  let body = userData;
  let concatenation: Concatenation | null = null;
  if (f.esm_class & UDH_INDICATOR) {
    const header = readUdh(userData);
    if ('status' in header) return header;
    body = header.body;
    concatenation = header.concatenation;
  }
  const sar = sarOf(pdu);
  if (sar && 'status' in sar) return sar;
  concatenation ??= sar;
  if (concatenation && (concatenation.total === 0 || concatenation.index === 0 || concatenation.index > concatenation.total)) {
    return { status: ESME_RSUBMITFAIL, reason: `concatenation part ${concatenation.index} of ${concatenation.total} is impossible` };
  }
  if (concatenation?.total === 1) concatenation = null;
  if (f.data_coding === 0x08 && body.length % 2 !== 0 && !concatenation) return { status: ESME_RINVMSGLEN, reason: 'UCS-2 text with an odd number of octets' };

  const to = addressOfRecipient(f.destination_addr, f.dest_addr_ton);
  // source_addr empty: the account's default short code; otherwise the sender, checked by the intake as on every door
  // (one of the account's short codes, or an alphanumeric sender it may use; ESME_RINVSRCADR otherwise).
  const sender = f.source_addr === '' ? {} : { from: f.source_addr };

  let sendAt: string | undefined;
  if (f.schedule_delivery_time !== '') {
    const at = parseSmppTime(f.schedule_delivery_time, now);
    if (!at) return { status: ESME_RINVSCHED, reason: `schedule_delivery_time "${f.schedule_delivery_time}" is not an SMPP absolute or relative time` };
    sendAt = at.toISOString();
  }
  const reference = pdu.tlvs.get(tlvTags.user_message_reference);
  const request: Omit<SendRequest, 'text'> = {
    to,
    class: /^(mkt|marketing)$/i.test(f.service_type) ? 'marketing' : 'transactional',
    ...sender,
    ...(sendAt ? { sendAt } : {}),
    ...(reference?.length === 2 ? { reference: String(reference.readUInt16BE(0)) } : {}),
  };
  return { dataCoding: f.data_coding, body: Buffer.from(body), concatenation, request, registeredDelivery: f.registered_delivery & 0x03 };
}

/** The text of user data by its data_coding (the bytes of every part joined first, so split characters survive). */
export function decodeBody(dataCoding: number, bytes: Buffer): string {
  if (dataCoding === 0x00) return decodeGsm7(bytes);
  if (dataCoding === 0x08) return decodeUcs2(bytes);
  return bytes.toString('latin1');
}

function readUdh(userData: Buffer): { body: Buffer; concatenation: Concatenation | null } | Refusal {
  if (userData.length === 0) return { status: ESME_RINVESMCLASS, reason: 'esm_class says a user data header follows but the message is empty' };
  const end = 1 + userData[0]!;
  if (end > userData.length) return { status: ESME_RINVESMCLASS, reason: `user data header length ${userData[0]} runs past the message` };
  let concatenation: Concatenation | null = null;
  for (let i = 1; i < end; ) {
    const id = userData[i]!;
    const length = userData[i + 1];
    if (length === undefined || i + 2 + length > end) return { status: ESME_RINVESMCLASS, reason: 'malformed user data header' };
    const value = userData.subarray(i + 2, i + 2 + length);
    if (id === 0x00 && length === 3) concatenation = { reference: value[0]!, total: value[1]!, index: value[2]! };
    if (id === 0x08 && length === 4) concatenation = { reference: value.readUInt16BE(0), total: value[2]!, index: value[3]! };
    i += 2 + length;
  }
  return { body: userData.subarray(end), concatenation };
}

/** The sar_* TLVs (SMPP's own concatenation), when all three are there. */
function sarOf(pdu: PduOf<'submit_sm'>): Concatenation | Refusal | null {
  const ref = pdu.tlvs.get(tlvTags.sar_msg_ref_num);
  const total = pdu.tlvs.get(tlvTags.sar_total_segments);
  const index = pdu.tlvs.get(tlvTags.sar_segment_seqnum);
  if (!ref && !total && !index) return null;
  if (ref?.length !== 2 || total?.length !== 1 || index?.length !== 1) return { status: 0xc4, reason: 'sar_msg_ref_num, sar_total_segments and sar_segment_seqnum go together (2, 1 and 1 octets)' };
  return { reference: ref.readUInt16BE(0), total: total[0]!, index: index[0]! };
}

/** TON 1 (international) without a "+": the number is written in international form. */
function addressOfRecipient(address: string, ton: number): string {
  return ton === 1 && /^\d+$/.test(address) ? `+${address}` : address;
}

/**
 * SMPP times (§7.1.1): absolute "YYMMDDhhmmsstnnp" (t tenths, nn quarter-hours from UTC, p "+" or "-") and
 * relative "YYMMDDhhmmss000R" (counted from `now`). Undefined when it is neither.
 */
export function parseSmppTime(value: string, now: Date): Date | undefined {
  const match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+\-R])$/.exec(value);
  if (!match) return undefined;
  const [yy, mo, dd, hh, mi, ss, t, nn] = match.slice(1, 9).map(Number) as [number, number, number, number, number, number, number, number];
  const p = match[9]!;
  if (p === 'R') {
    const at = new Date(now.getTime());
    at.setUTCFullYear(at.getUTCFullYear() + yy, at.getUTCMonth() + mo, at.getUTCDate() + dd);
    at.setUTCHours(at.getUTCHours() + hh, at.getUTCMinutes() + mi, at.getUTCSeconds() + ss);
    return at;
  }
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59 || nn > 48) return undefined;
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss, t * 100);
  const check = new Date(local);
  if (check.getUTCDate() !== dd) return undefined;
  const offsetMs = nn * 15 * 60_000 * (p === '+' ? 1 : -1);
  return new Date(local - offsetMs);
}

/**
 * The problems of a refused batch (submitMessages is all or none, problems by position "/messages/<i>/…"),
 * per position, each field as a one-message call would name it ("/to"). Undefined when a problem names no
 * position of the batch: then the batch must be taken again message by message.
 */
export function problemsByPosition(problems: readonly FieldProblem[], count: number): Map<number, FieldProblem[]> | undefined {
  if (count === 1) return new Map([[0, [...problems]]]);
  const byPosition = new Map<number, FieldProblem[]>();
  for (const problem of problems) {
    const match = /^\/messages\/(\d+)(?=\/|$)/.exec(problem.field);
    const position = match ? Number(match[1]) : -1;
    if (position < 0 || position >= count) return undefined;
    const own = { ...problem, field: problem.field.slice(match![0].length) };
    const list = byPosition.get(position);
    if (list) list.push(own);
    else byPosition.set(position, [own]);
  }
  return byPosition.size > 0 ? byPosition : undefined;
}

/** The command_status that says best why the use case refused a message (the first problem decides). */
export function statusOfProblems(problems: readonly FieldProblem[]): number {
  const field = problems[0]?.field.replace(/^\/messages\/\d+/, '') ?? '';
  if (field === '/to') return ESME_RINVDSTADR;
  if (field === '/from' || field === '/shortCode') return ESME_RINVSRCADR;
  if (field === '/sendAt') return ESME_RINVSCHED;
  if (field === '/text') return /SMS parts|empty/.test(problems[0]!.reason) ? ESME_RINVMSGLEN : ESME_RSUBMITFAIL;
  return ESME_RSUBMITFAIL;
}
