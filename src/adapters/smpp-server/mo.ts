import { encodeGsm7, isGsm7 } from '../../core/text/index.ts';
import type { PduParams } from '../../protocols/smpp/index.ts';
import type { DueMo } from '../../app/ports/smpp.ts';

/** short_message holds at most 254 octets; longer text goes in message_payload. */
const SHORT_MESSAGE_MAX = 254;

/**
 * The deliver_sm of an MO for the client: esm_class 0, the handset's number as source (TON 1 when it is in
 * international form, without its "+"),
 * the short code as destination, the text in GSM 03.38 (one septet per octet) when it fits, else UCS-2.
 */
export function moDeliverSm(mo: DueMo): PduParams<'deliver_sm'> {
  const gsm = isGsm7(mo.body);
  const bytes = gsm ? Buffer.from(encodeGsm7(mo.body)) : Buffer.from(mo.body, 'utf16le').swap16();
  const long = bytes.length > SHORT_MESSAGE_MAX;
  return {
    source_addr_ton: /^\+?[1-9]\d{9,14}$/.test(mo.sender) ? 1 : 0,
    source_addr_npi: 1,
    source_addr: mo.sender.replace(/^\+/, ''),
    dest_addr_ton: 0,
    dest_addr_npi: 1,
    destination_addr: mo.recipient,
    esm_class: 0,
    data_coding: gsm ? 0x00 : 0x08,
    short_message: long ? Buffer.alloc(0) : bytes,
    ...(long ? { message_payload: bytes } : {}),
  };
}
