/**
 * The dashboard's figures (docs/portal.md, "Dashboard"): the messages of a period counted by status, turned into what
 * a sender asks first — how many left, how many arrived, how many failed, how many are still waiting. Pure: the
 * adapters count rows, this names them; periods are days and months of Europe/Paris, the billing month's zone.
 */
import { DateTime } from 'luxon';
import type { MessageStatus } from '../message/status.ts';

export const STATISTICS_ZONE = 'Europe/Paris';

/** The start of today and of this month, in Europe/Paris, as instants. */
export function periodStarts(now: Date): { today: Date; month: Date } {
  const local = DateTime.fromJSDate(now, { zone: STATISTICS_ZONE });
  return { today: local.startOf('day').toJSDate(), month: local.startOf('month').toJSDate() };
}

/** Statuses by what they mean to the sender (every status is in exactly one group). */
export const STATUS_GROUPS: Readonly<Record<'pending' | 'sent' | 'failed' | 'notSent', readonly MessageStatus[]>> = {
  /** Not handed to the operator yet: waiting in the queue, being submitted, held (campaign paused), in doubt. */
  pending: ['queued', 'submitting', 'held', 'in_doubt'],
  /** Handed to the operator: awaiting its receipt, or with one (delivered or not). */
  sent: ['submitted', 'delivered', 'undeliverable', 'expired', 'rejected', 'unknown'],
  /** Sent and not delivered, or refused before leaving. */
  failed: ['undeliverable', 'expired', 'rejected', 'unknown', 'failed'],
  /** Kept back on purpose: cancelled, or suppressed by a rule (no consent, opposition, cap). */
  notSent: ['cancelled', 'suppressed'],
};

export interface PeriodFigures {
  /** Messages accepted in the period (created), whatever became of them. */
  accepted: number;
  sent: number;
  delivered: number;
  failed: number;
  pending: number;
  /** Cancelled or suppressed. */
  notSent: number;
  byStatus: Record<string, number>;
}

/** The figures of one period from its messages counted by status. */
export function periodFigures(byStatus: Readonly<Record<string, number>>): PeriodFigures {
  const sum = (statuses: readonly string[]) => statuses.reduce((n, s) => n + (byStatus[s] ?? 0), 0);
  return {
    accepted: Object.values(byStatus).reduce((n, c) => n + c, 0),
    sent: sum(STATUS_GROUPS.sent),
    delivered: byStatus.delivered ?? 0,
    failed: sum(STATUS_GROUPS.failed),
    pending: sum(STATUS_GROUPS.pending),
    notSent: sum(STATUS_GROUPS.notSent),
    byStatus: { ...byStatus },
  };
}
