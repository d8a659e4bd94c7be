/** The dashboard's and the aggregator console's counts (docs/portal.md), as the API reads them. */
import type { UsageCount } from '../../core/billing/index.ts';

export interface StatusCounts {
  today: Record<string, number>;
  month: Record<string, number>;
}

export interface QueueState {
  /** Queued and due now (sent at the short code's rate). */
  ready: number;
  /** Queued for later (send at, a deferral by compliance, a retry's backoff). */
  later: number;
  submitting: number;
  /** The oldest due time among the ready ones: how long the queue has been waiting. */
  oldestDueAt: Date | null;
}

export interface ShortCodeQueue extends QueueState {
  /** The route its messages are on (null: never routed, from before routing). */
  route: string | null;
  shortCode: string;
}

/** An account's figures: its messages and STOPs of today and the month, its queue, its spend so far. */
export interface AccountStatistics {
  /** The account's messages created since `month`, counted by status, and those since `today`. */
  statusCounts(accountId: string, today: Date, month: Date, brands?: readonly string[]): Promise<StatusCounts>;
  /** STOPs received by the account since `month`, and since `today`. */
  stops(accountId: string, today: Date, month: Date): Promise<{ today: number; month: number }>;
  /** What waits in the outbox for the account's short codes. */
  queueOf(accountId: string, shortCodes: readonly string[], now: Date): Promise<QueueState>;
  /** The month's usage lines settled before `before`, counted as the bill counts them (spend up to a day). */
  usageCountsBefore(accountId: string, month: string, before: Date): Promise<UsageCount[]>;
}

/** The aggregator console's figures, every account at once. */
export interface PlatformStatistics {
  /** What waits in the outbox, by short code (every account). */
  queuesByShortCode(now: Date): Promise<ShortCodeQueue[]>;
  /** Every account's messages of the month by status. */
  trafficByAccount(today: Date, month: Date): Promise<{ account: string; status: string; today: number; month: number }[]>;
  /** The routes' leases: which process sends on each, until when. */
  leases(): Promise<{ route: string; owner: string; expiresAt: Date }[]>;
}
