/**
 * query_sm and cancel_sm (SMPP 3.4 §4.8, §4.9) for the messages an account submitted, whatever the door: the
 * message_id is the one Relais gave (submit_sm_resp, the HTTP API).
 */
import type { MessageView } from '../../app/ports.ts';
import { messageStateOf, type PduParams } from '../../protocols/smpp/index.ts';
import { receiptOfStatus } from './receipt.ts';

export const ESME_RCANCELFAIL = 0x11;
export const ESME_RQUERYFAIL = 0x67;

/** message_state ENROUTE: accepted and not final yet (queued, being sent, submitted, in doubt). */
const ENROUTE = 1;

/**
 * The query_sm_resp of a message: its state as a receipt would say it once final (final_date its done time,
 * error_code the receipt's err), ENROUTE before; ESME_RQUERYFAIL for an id the account does not own.
 */
export function queryAnswer(messageId: string, message: MessageView | undefined): { status: number; params?: PduParams<'query_sm_resp'> } {
  if (!message) return { status: ESME_RQUERYFAIL };
  const final = receiptOfStatus[message.status];
  if (!final || !message.doneAt) return { status: 0, params: { message_id: messageId, final_date: '', message_state: ENROUTE, error_code: 0 } };
  return {
    status: 0,
    params: { message_id: messageId, final_date: absoluteTime(message.doneAt), message_state: messageStateOf[final.state], error_code: Number(final.err) % 256 },
  };
}

/** SMPP absolute time `YYMMDDhhmmsstnnp` (§7.1.1), in UTC: tenths 0, offset 00 quarter hours, '+'. */
function absoluteTime(date: Date): string {
  return `${date.toISOString().replace(/\D/g, '').slice(2, 14)}000+`;
}
