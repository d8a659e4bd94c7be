/**
 * What the dispatcher does with a message after one attempt on the wire. Pure: the caller gives the time.
 *
 * Pitfalls avoided: retries always back off; a response time-out is "in doubt", never a
 * refusal, so a message the SMSC may already hold is not sent again without the account's consent.
 */
import type { SubmitOutcome } from './wire.ts';

export interface RetryPolicy {
  maxAttempts: number;
  /** First delay after a throttling answer (SMPP 0x58 / 0x14), doubled each time, capped. */
  throttledDelayMs: number;
  /** First delay after a transient error, doubled each time, capped. */
  transientDelayMs: number;
  maxDelayMs: number;
  /** Delay before sending again a message that never left (link down). */
  notSentDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 10,
  throttledDelayMs: 1_000,
  transientDelayMs: 5_000,
  maxDelayMs: 10 * 60_000,
  notSentDelayMs: 1_000,
};

/** How an attempt ended: every part accepted, or the first answer that was not an acceptance. */
export type AttemptResult = { kind: 'accepted' } | Exclude<SubmitOutcome, { kind: 'accepted' }>;

export type NextStep =
  | { kind: 'submitted' }
  | { kind: 'retry'; dueAt: Date; reason: string; countsAsAttempt: boolean }
  | { kind: 'failed'; code: string | null; reason: string }
  | { kind: 'in-doubt'; reason: string };

/** `attempts` is the number of attempts made before this one. */
export function nextStep(result: AttemptResult, attempts: number, now: Date, policy: RetryPolicy = defaultRetryPolicy): NextStep {
  switch (result.kind) {
    case 'accepted':
      return { kind: 'submitted' };
    case 'in-doubt':
      return { kind: 'in-doubt', reason: result.reason };
    case 'not-sent':
      return { kind: 'retry', dueAt: new Date(now.getTime() + policy.notSentDelayMs), reason: `not sent: ${result.reason}`, countsAsAttempt: false };
    case 'refused': {
      const { failure } = result;
      const label = `${failure.reason} (${failure.code})`;
      if (failure.kind === 'permanent') return { kind: 'failed', code: failure.code, reason: label };
      if (attempts + 1 >= policy.maxAttempts) {
        return { kind: 'failed', code: failure.code, reason: `gave up after ${attempts + 1} attempts: ${label}` };
      }
      const base = failure.kind === 'throttled' ? policy.throttledDelayMs : policy.transientDelayMs;
      const delay = Math.min(policy.maxDelayMs, base * 2 ** attempts);
      return { kind: 'retry', dueAt: new Date(now.getTime() + delay), reason: `${failure.kind}: ${label}`, countsAsAttempt: true };
    }
  }
}
