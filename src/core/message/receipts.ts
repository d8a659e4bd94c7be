import type { MessageStatus } from './status.ts';

/** States an SMSC reports for one submitted part (SMPP stat words / message_state, UCP Dst). */
export type ReceiptState = 'delivered' | 'undeliverable' | 'expired' | 'rejected' | 'deleted' | 'accepted' | 'enroute' | 'unknown';

/** What a final receipt makes of a message; intermediate states (accepted, enroute) change nothing. */
export const receiptOutcome: Readonly<Record<ReceiptState, MessageStatus | null>> = {
  delivered: 'delivered',
  undeliverable: 'undeliverable',
  expired: 'expired',
  rejected: 'rejected',
  deleted: 'undeliverable',
  unknown: 'unknown',
  accepted: null,
  enroute: null,
};

export const finalReceiptStates = (Object.keys(receiptOutcome) as ReceiptState[]).filter((s) => receiptOutcome[s] !== null);

/**
 * The status of a multi-part message once every part has a final receipt: delivered when all parts were,
 * otherwise the outcome of the first part (in order) that was not delivered. Undefined while a part is pending.
 */
export function messageStatusFromReceipts(parts: readonly (ReceiptState | null)[], expectedParts: number): MessageStatus | undefined {
  if (parts.length < expectedParts) return undefined;
  const outcomes = parts.map((state) => (state ? receiptOutcome[state] : null));
  if (outcomes.some((o) => o === null)) return undefined;
  return outcomes.find((o) => o !== 'delivered') ?? 'delivered';
}
