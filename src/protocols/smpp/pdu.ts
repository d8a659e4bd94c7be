/**
 * SMPP 3.4 PDUs as one table: command ids, the mandatory body fields of the commands Relais reads, and the
 * optional parameters (TLVs) it uses. The decoder and the decoded types derive from the table.
 *
 * Why decode here rather than with the `smpp` package: its decoder turns `short_message` into text through its
 * own guess of the alphabet (data_coding 1 read as GSM, bytes ≥ 0x80 replaced by spaces, split UTF-16
 * surrogates lost), so the bytes as sent are gone. Receipts, MOs and the simulator's record need those bytes.
 * The encoder (encode.ts) writes from the same table.
 */

export class SmppDecodeError extends Error {
  override readonly name = 'SmppDecodeError';
}

export const commandIds = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  cancel_sm: 0x00000008,
  cancel_sm_resp: 0x80000008,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  outbind: 0x0000000b,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  alert_notification: 0x00000102,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

export type CommandName = keyof typeof commandIds;

const commandNames = new Map<number, CommandName>(Object.entries(commandIds).map(([name, id]) => [id, name as CommandName]));

/** `sm` is sm_length (one octet) followed by that many octets of short_message. */
export type FieldType = 'u8' | 'cstring' | 'sm';
export type FieldTable = readonly (readonly [name: string, type: FieldType])[];

const bindFields = [
  ['system_id', 'cstring'],
  ['password', 'cstring'],
  ['system_type', 'cstring'],
  ['interface_version', 'u8'],
  ['addr_ton', 'u8'],
  ['addr_npi', 'u8'],
  ['address_range', 'cstring'],
] as const;

/** submit_sm and deliver_sm share this layout. */
const shortMessageFields = [
  ['service_type', 'cstring'],
  ['source_addr_ton', 'u8'],
  ['source_addr_npi', 'u8'],
  ['source_addr', 'cstring'],
  ['dest_addr_ton', 'u8'],
  ['dest_addr_npi', 'u8'],
  ['destination_addr', 'cstring'],
  ['esm_class', 'u8'],
  ['protocol_id', 'u8'],
  ['priority_flag', 'u8'],
  ['schedule_delivery_time', 'cstring'],
  ['validity_period', 'cstring'],
  ['registered_delivery', 'u8'],
  ['replace_if_present_flag', 'u8'],
  ['data_coding', 'u8'],
  ['sm_default_msg_id', 'u8'],
  ['short_message', 'sm'],
] as const;

const messageIdFields = [['message_id', 'cstring']] as const;

const queryFields = [
  ['message_id', 'cstring'],
  ['source_addr_ton', 'u8'],
  ['source_addr_npi', 'u8'],
  ['source_addr', 'cstring'],
] as const;

const queryRespFields = [
  ['message_id', 'cstring'],
  ['final_date', 'cstring'],
  ['message_state', 'u8'],
  ['error_code', 'u8'],
] as const;

const cancelFields = [
  ['service_type', 'cstring'],
  ['message_id', 'cstring'],
  ['source_addr_ton', 'u8'],
  ['source_addr_npi', 'u8'],
  ['source_addr', 'cstring'],
  ['dest_addr_ton', 'u8'],
  ['dest_addr_npi', 'u8'],
  ['destination_addr', 'cstring'],
] as const;
const systemIdFields = [['system_id', 'cstring']] as const;

/** Body layouts of the commands Relais reads and writes; other commands are header (and TLVs) only. */
const bodies = {
  bind_receiver: bindFields,
  bind_transmitter: bindFields,
  bind_transceiver: bindFields,
  bind_receiver_resp: systemIdFields,
  bind_transmitter_resp: systemIdFields,
  bind_transceiver_resp: systemIdFields,
  submit_sm: shortMessageFields,
  deliver_sm: shortMessageFields,
  submit_sm_resp: messageIdFields,
  deliver_sm_resp: messageIdFields,
  query_sm: queryFields,
  query_sm_resp: queryRespFields,
  cancel_sm: cancelFields,
} as const satisfies Partial<Record<CommandName, FieldTable>>;

/** The body layout of a command; empty for the commands that have none (enquire_link, unbind, generic_nack…). */
export function bodyOf(command: CommandName): FieldTable {
  return (bodies as Partial<Record<CommandName, FieldTable>>)[command] ?? [];
}

type Bodies = typeof bodies;
type FieldValue<T extends FieldType> = T extends 'u8' ? number : T extends 'cstring' ? string : Buffer;
export type Fields<T extends FieldTable> = { [F in T[number] as F[0]]: FieldValue<F[1]> };
export type BodyOf<C extends CommandName> = C extends keyof Bodies ? Fields<Bodies[C]> : Record<string, never>;

/** Optional parameters Relais reads or writes (SMPP 3.4 §5.3.2). */
export const tlvTags = {
  receipted_message_id: 0x001e,
  user_message_reference: 0x0204,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  sc_interface_version: 0x0210,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  message_state: 0x0427,
} as const;

export type TlvName = keyof typeof tlvTags;
const tlvNames = new Map<number, string>(Object.entries(tlvTags).map(([name, tag]) => [tag, name]));

interface PduBase<C> {
  command: C;
  commandId: number;
  status: number;
  sequence: number;
  /** Optional parameters by tag, values as received. */
  tlvs: Map<number, Buffer>;
}

/** A decoded PDU; `fields` is typed by `command` (narrow on it). */
export type Pdu = { [C in CommandName]: PduBase<C> & { fields: BodyOf<C> } }[CommandName] | (PduBase<'unknown'> & { fields: Record<string, never> });
export type PduOf<C extends CommandName> = PduBase<C> & { fields: BodyOf<C> };
export type ShortMessagePdu = PduOf<'submit_sm'> | PduOf<'deliver_sm'>;

export const HEADER_LENGTH = 16;

export function isResponse(commandId: number): boolean {
  return (commandId & 0x80000000) !== 0;
}

/** Decodes one whole PDU (as cut by PduFramer). Throws SmppDecodeError when the body is malformed. */
export function decodePdu(frame: Buffer): Pdu {
  if (frame.length < HEADER_LENGTH) throw new SmppDecodeError(`PDU shorter than its header (${frame.length} octets)`);
  const commandId = frame.readUInt32BE(4);
  const status = frame.readUInt32BE(8);
  const sequence = frame.readUInt32BE(12);
  const command = commandNames.get(commandId) ?? 'unknown';
  const table = command === 'unknown' ? [] : bodyOf(command);
  const fields: Record<string, number | string | Buffer> = {};
  let offset = HEADER_LENGTH;
  // A response with an error status may come without its body (SMPP 3.4 §3.3): read what is there.
  if (frame.length > HEADER_LENGTH) offset = readFields(frame, offset, table, fields);
  return { command, commandId, status, sequence, fields, tlvs: readTlvs(frame, offset) } as Pdu;
}

/** Reads the command id, status and sequence of a frame without decoding its body. */
export function readHeader(frame: Buffer): { commandId: number; status: number; sequence: number } {
  return { commandId: frame.readUInt32BE(4), status: frame.readUInt32BE(8), sequence: frame.readUInt32BE(12) };
}

function readFields(frame: Buffer, offset: number, table: FieldTable, into: Record<string, number | string | Buffer>): number {
  for (const [name, type] of table) {
    if (offset >= frame.length) throw new SmppDecodeError(`PDU ends before its field ${name}`);
    if (type === 'u8') {
      into[name] = frame[offset++]!;
    } else if (type === 'cstring') {
      const end = frame.indexOf(0, offset);
      if (end < 0) throw new SmppDecodeError(`field ${name} is not NUL-terminated`);
      into[name] = frame.toString('latin1', offset, end);
      offset = end + 1;
    } else {
      const length = frame[offset++]!;
      if (offset + length > frame.length) throw new SmppDecodeError(`sm_length ${length} runs past the end of the PDU`);
      into[name] = frame.subarray(offset, offset + length);
      offset += length;
    }
  }
  return offset;
}

function readTlvs(frame: Buffer, offset: number): Map<number, Buffer> {
  const tlvs = new Map<number, Buffer>();
  while (offset + 4 <= frame.length) {
    const tag = frame.readUInt16BE(offset);
    const length = frame.readUInt16BE(offset + 2);
    offset += 4;
    if (offset + length > frame.length) throw new SmppDecodeError(`TLV 0x${tag.toString(16).padStart(4, '0')} runs past the end of the PDU`);
    tlvs.set(tag, frame.subarray(offset, offset + length));
    offset += length;
  }
  if (offset !== frame.length) throw new SmppDecodeError(`${frame.length - offset} stray octets after the last TLV`);
  return tlvs;
}

/** A C-octet-string TLV (e.g. receipted_message_id), without its terminating NUL. */
export function tlvString(value: Buffer | undefined): string | undefined {
  if (!value) return undefined;
  const end = value.indexOf(0);
  return value.toString('latin1', 0, end < 0 ? value.length : end);
}

/** A readable dump of TLVs for logs and evidence: `name=value` with integers in decimal, the rest in hex. */
export function dumpTlvs(tlvs: Map<number, Buffer>): string {
  return [...tlvs]
    .map(([tag, value]) => {
      const name = tlvNames.get(tag) ?? `0x${tag.toString(16).padStart(4, '0')}`;
      if (tag === tlvTags.receipted_message_id) return `${name}=${tlvString(value)}`;
      if (value.length === 1) return `${name}=${value[0]}`;
      return `${name}=${value.toString('hex')}`;
    })
    .join(' ');
}
