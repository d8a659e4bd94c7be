import smpp from 'smpp';
import type { BodyOf, CommandName } from './pdu.ts';

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

/**
 * Encodes one PDU with the `smpp` package. `short_message` and `message_payload` must be bytes (a Buffer):
 * the package then writes them as given and leaves data_coding and esm_class to us. A PDU with a non-zero
 * status is written as a header only (SMPP 3.4 §3.3).
 */
export function encodePdu<C extends CommandName>(command: C, sequence: number, params?: PduParams<C>, status = 0): Buffer {
  return new smpp.PDU(command, { ...params, sequence_number: sequence, command_status: status }).toBuffer();
}
