/**
 * The ticket clock (docs/incidents.md): it starts when the ticket is opened, runs only while the ticket is open
 * (frozen while the provider waits for the client, stopped once resolved, running again if reopened), and counts
 * only the provider's business hours. Pure: the history and `now` are given.
 */
import { businessMsBetween, type BusinessHours } from './business-hours.ts';
import type { IncidentStatus } from './lifecycle.ts';

/** A ticket's status from an instant on; the first is its opening (status open). */
export interface StatusSpan {
  status: IncidentStatus;
  at: Date;
}

export interface ClockReading {
  /** Business milliseconds counted so far (up to `now`, or up to the last change when the clock is stopped). */
  businessMs: number;
  /** Whether the clock is running now (the ticket is open). */
  running: boolean;
  /** Business milliseconds spent waiting for the client (not counted). */
  waitingMs: number;
}

/** The clock of a ticket whose status changes are `history` (in order), read at `now`. */
export function readClock(history: readonly StatusSpan[], hours: BusinessHours, now: Date): ClockReading {
  let businessMs = 0;
  let waitingMs = 0;
  history.forEach((span, i) => {
    const end = (history[i + 1]?.at ?? now).getTime();
    const counted = businessMsBetween(hours, span.at.getTime(), end);
    if (span.status === 'open') businessMs += counted;
    else if (span.status === 'waiting-for-client') waitingMs += counted;
  });
  return { businessMs, running: history.at(-1)?.status === 'open', waitingMs };
}
