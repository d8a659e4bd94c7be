import { segment } from '../core/text/index.ts';
import type { ClaimedMessage, LinkAddress, OutboundPart } from '../app/ports.ts';

export interface AddressingOptions {
  /** TON/NPI of short-code senders on this route (SMPP numbering); alphanumeric senders are always 5/0. */
  shortCodeTon: number;
  shortCodeNpi: number;
}

export const defaultAddressing: AddressingOptions = { shortCodeTon: 0, shortCodeNpi: 1 };

/**
 * One-way translation of an outbox message into what goes on the wire: the parts of the text (already
 * encoded) with their concatenation header, and the addresses. The concatenation reference comes from the
 * message id, so a message resumed after a partial failure reuses the same reference for its remaining parts.
 */
export function messageToParts(message: ClaimedMessage, addressing: AddressingOptions = defaultAddressing): OutboundPart[] {
  const { parts } = segment(message.body, { reference: concatenationReference(message.id), encoding: message.encoding });
  const source = senderAddress(message.sender, addressing);
  const destination: LinkAddress = { ton: 1, npi: 1, value: message.recipient.replace(/^\+/, '') };
  return parts.map((part) => ({ source, destination, encoding: message.encoding, body: part.body, udh: part.udh, receipt: true }));
}

function senderAddress(sender: string, addressing: AddressingOptions): LinkAddress {
  if (/^\d+$/.test(sender)) return { ton: addressing.shortCodeTon, npi: addressing.shortCodeNpi, value: sender };
  if (/^\+\d+$/.test(sender)) return { ton: 1, npi: 1, value: sender.slice(1) };
  return { ton: 5, npi: 0, value: sender };
}

/** 8-bit concatenation reference taken from the random tail of the message's UUID. */
export function concatenationReference(messageId: string): number {
  return parseInt(messageId.slice(-2), 16);
}
