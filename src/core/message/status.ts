/**
 * The life of an outbound message in the outbox, and how SMSC answers move it.
 *
 *   queued ──claim──► submitting ──all parts accepted──► submitted ──receipts──► delivered | undeliverable
 *     ▲                  │  │  │                                                 | expired | rejected | unknown
 *     └──retry (backoff)─┘  │  └──permanent refusal / too many attempts──► failed
 *                           └──timeout, link lost, crash──► in_doubt (or queued again, flagged, per account policy)
 *   in_doubt ──a late answer on the same session: accepted──► submitted (or queued for its next parts)
 *            ──a late refusal──► queued | failed
 *   queued ──cancel──► cancelled
 *   queued ──claim finds the recipient opted out──► suppressed   (also at intake: no consent, opted out, cap)
 *   queued ◄──campaign paused / resumed──► held ──campaign cancelled──► cancelled
 */
export const messageStatuses = [
  'queued',
  'submitting',
  'submitted',
  'delivered',
  'undeliverable',
  'expired',
  'rejected',
  'unknown',
  'failed',
  'in_doubt',
  'cancelled',
  'suppressed',
  'held',
] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/** Statuses a message never leaves. */
export const finalStatuses: ReadonlySet<MessageStatus> = new Set([
  'delivered',
  'undeliverable',
  'expired',
  'rejected',
  'unknown',
  'failed',
  'cancelled',
  'suppressed',
]);

export const transitions: Readonly<Record<MessageStatus, readonly MessageStatus[]>> = {
  queued: ['submitting', 'cancelled', 'suppressed', 'held'],
  held: ['queued', 'cancelled'],
  submitting: ['submitted', 'queued', 'failed', 'in_doubt'],
  submitted: ['delivered', 'undeliverable', 'expired', 'rejected', 'unknown'],
  in_doubt: ['queued', 'failed', 'submitted'],
  delivered: [],
  undeliverable: [],
  expired: [],
  rejected: [],
  unknown: [],
  failed: [],
  cancelled: [],
  suppressed: [],
};

export function canTransition(from: MessageStatus, to: MessageStatus): boolean {
  return transitions[from].includes(to);
}

/** Transactional traffic is claimed before marketing on the same short code (docs/domain.md, "Message classes"). */
export const priorityOf = { transactional: 0, marketing: 1 } as const;
/** Campaign messages come after every single message: a running campaign never delays an OTP (docs/domain.md). */
export const CAMPAIGN_PRIORITY = 2;
export type MessageClass = keyof typeof priorityOf;
