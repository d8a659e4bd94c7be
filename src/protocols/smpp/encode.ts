import { bodyOf, commandIds, HEADER_LENGTH, tlvTags, type BodyOf, type CommandName, type FieldType, type TlvName } from './pdu.ts';

/** How each optional parameter Relais writes is laid out: C-octet string, one octet, or raw octets. */
const outgoingTlvTypes = {
  receipted_message_id: 'cstring',
  message_state: 'u8',
  network_error_code: 'octets',
  message_payload: 'octets',
  sc_interface_version: 'u8',
} as const satisfies Partial<Record<TlvName, 'cstring' | 'u8' | 'octets'>>;

type OutgoingTlvName = keyof typeof outgoingTlvTypes;
const outgoingTlvNames = Object.keys(outgoingTlvTypes) as OutgoingTlvName[];

/** Optional parameters Relais writes, by their SMPP names. */
export interface OutgoingTlvs {
  receipted_message_id?: string;
  message_state?: number;
  /** Network type (1 octet) and error code (2 octets). */
  network_error_code?: Buffer;
  message_payload?: Buffer;
  sc_interface_version?: number;
}

export type PduParams<C extends CommandName> = Partial<BodyOf<C>> & OutgoingTlvs;

type Value = number | string | Buffer | undefined;

/**
 * Responses whose body is written whatever their status: deliver_sm_resp has only `message_id`, unused and
 * NULL (SMPP 3.4 §4.6.2), and some SMSC stacks refuse the 16-octet header alone an error answer would be.
 */
const bodyEvenOnError: ReadonlySet<CommandName> = new Set(['deliver_sm_resp']);

/**
 * Encodes one PDU from the body table decodePdu reads (pdu.ts), then the optional parameters given. Missing
 * fields are written as 0, an empty string or an empty short_message. A PDU with a non-zero status is written
 * as a header only (SMPP 3.4 §3.3), except deliver_sm_resp (bodyEvenOnError). Throws a RangeError when a value
 * does not fit its field (short_message over 254 octets, an optional parameter over 65,535).
 */
export function encodePdu<C extends CommandName>(command: C, sequence: number, params?: PduParams<C>, status = 0): Buffer {
  const values = (params ?? {}) as Record<string, Value>;
  const table = status === 0 || bodyEvenOnError.has(command) ? bodyOf(command) : [];
  const tlvs = status === 0 ? outgoingTlvNames.filter((name) => values[name] !== undefined) : [];
  let length = HEADER_LENGTH;
  for (const [name, type] of table) length += fieldSize(type, values[name]);
  for (const name of tlvs) length += 4 + fieldSize(outgoingTlvTypes[name], values[name]);
  const frame = Buffer.allocUnsafe(length);
  frame.writeUInt32BE(length, 0);
  frame.writeUInt32BE(commandIds[command], 4);
  frame.writeUInt32BE(status, 8);
  frame.writeUInt32BE(sequence, 12);
  let offset = HEADER_LENGTH;
  for (const [name, type] of table) offset = writeField(frame, offset, type, values[name]);
  for (const name of tlvs) {
    const type = outgoingTlvTypes[name];
    const size = fieldSize(type, values[name]);
    if (size > 0xffff) throw new RangeError(`optional parameter ${name} is ${size} octets, more than 65,535`);
    frame.writeUInt16BE(tlvTags[name], offset);
    frame.writeUInt16BE(size, offset + 2);
    offset = writeField(frame, offset + 4, type, values[name]);
  }
  return frame;
}

function fieldSize(type: FieldType | 'octets', value: Value): number {
  if (type === 'u8') return 1;
  if (type === 'cstring') return ((value as string | undefined)?.length ?? 0) + 1;
  const octets = (value as Buffer | undefined)?.length ?? 0;
  return type === 'sm' ? octets + 1 : octets;
}

function writeField(frame: Buffer, offset: number, type: FieldType | 'octets', value: Value): number {
  if (type === 'u8') return frame.writeUInt8((value as number | undefined) ?? 0, offset);
  if (type === 'cstring') {
    const text = (value as string | undefined) ?? '';
    offset += frame.write(text, offset, 'latin1');
    frame[offset] = 0;
    return offset + 1;
  }
  const octets = (value as Buffer | undefined) ?? Buffer.alloc(0);
  if (type === 'sm') {
    if (octets.length > 254) throw new RangeError(`short_message is ${octets.length} octets, more than 254 (use message_payload)`);
    frame[offset++] = octets.length;
  }
  return offset + octets.copy(frame, offset);
}
