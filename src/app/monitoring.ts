/**
 * The monitoring ports (docs/monitoring.md): what the dispatcher and the doors tell about themselves. Both are
 * called on the send path, so both MUST return at once, never throw, and never wait on I/O: an implementation
 * counts in memory, or queues and writes later.
 */
import type { NodeState, SubjectKind } from '../core/reports/availability.ts';
import type { ReceiptState, SubmitOutcome } from './ports.ts';

export type { NodeState, SubjectKind };

/** Up/down transitions of this process's routes and doors, with their reasons (written asynchronously). */
export interface AvailabilityLog {
  record(kind: SubjectKind, subject: string, state: NodeState, reason?: string | null): void;
}

/** What the dispatcher reports as it sends. */
export interface DispatchMonitor {
  /** A submit to the SMSC settled, `seconds` after it was written. */
  submitted(route: string, shortCode: string, outcome: SubmitOutcome['kind'], seconds: number): void;
  /** A receipt arrived; `lagSeconds`: from the final state the SMSC reports to now, when the receipt says when. */
  receipt(route: string, state: ReceiptState, lagSeconds: number | undefined): void;
  /** The route's link on this process: up (bound), down (with the reason), or stopped (no longer served here). */
  link(route: string, state: NodeState, reason: string | null): void;
}

/** A monitor that tells nobody (tests, tools). */
export const silentMonitor: DispatchMonitor = { submitted: () => undefined, receipt: () => undefined, link: () => undefined };
