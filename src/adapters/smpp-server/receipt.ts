import type { ReceiptState } from '../../core/message/receipts.ts';
import { formatReceiptText, messageStateOf, type PduParams } from '../../protocols/smpp/index.ts';
import type { DueReceipt } from '../../app/ports/smpp.ts';

/**
 * What a final message says in the receipt Relais sends back to the client: the stat word (and message_state)
 * and a three-digit err. Relais' own reasons (never an SMSC code) use the 1xx range.
 */
export const receiptOfStatus: Readonly<Record<string, { state: ReceiptState; err: string }>> = {
  delivered: { state: 'delivered', err: '000' },
  undeliverable: { state: 'undeliverable', err: '001' },
  expired: { state: 'expired', err: '001' },
  rejected: { state: 'rejected', err: '001' },
  unknown: { state: 'unknown', err: '000' },
  /** The SMSC refused it for good, or too many attempts. */
  failed: { state: 'undeliverable', err: '101' },
  /** Cancelled through the API before it left. */
  cancelled: { state: 'deleted', err: '102' },
  /** Kept but not sent: the recipient opted out or gave no consent, or the marketing cap was reached. */
  suppressed: { state: 'rejected', err: '103' },
};

/** Whether registered_delivery asks for this receipt: 1 always, 2 on failure only. */
export function receiptWanted(registeredDelivery: number, status: string): boolean {
  if (registeredDelivery === 1) return true;
  return registeredDelivery === 2 && status !== 'delivered';
}

/**
 * The deliver_sm of a receipt: the standard text and the receipted_message_id, message_state, network_error_code
 * TLVs, naming the id the client was given (the message's, or one part's) with the final state of the message.
 */
export function receiptDeliverSm(receipt: DueReceipt): PduParams<'deliver_sm'> {
  const { state, err } = receiptOfStatus[receipt.status] ?? { state: 'unknown' as const, err: '000' };
  const preview = receipt.body.slice(0, 20).replace(/[^\x20-\x7e]/g, '.');
  const text = formatReceiptText({ id: receipt.receiptId, state, submitDate: receipt.submittedAt, doneDate: receipt.doneAt, err, text: preview });
  return {
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: receipt.recipient.replace(/^\+/, ''),
    dest_addr_ton: receipt.sourceAddrTon,
    dest_addr_npi: receipt.sourceAddrNpi,
    destination_addr: receipt.sourceAddr,
    esm_class: 0x04,
    data_coding: 0,
    short_message: Buffer.from(text, 'latin1'),
    receipted_message_id: receipt.receiptId,
    message_state: messageStateOf[state],
    network_error_code: Buffer.from([3, Math.floor(Number(err) / 256), Number(err) % 256]),
  };
}
