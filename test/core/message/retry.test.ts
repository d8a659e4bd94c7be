import { describe, expect, it } from 'vitest';
import { defaultRetryPolicy, nextStep } from '../../../src/core/message/retry.ts';

const now = new Date('2026-11-23T10:00:00Z');
const after = (ms: number) => new Date(now.getTime() + ms);
const refused = (kind: 'throttled' | 'transient' | 'permanent') => ({ kind: 'refused' as const, failure: { kind, code: '0x00000058', reason: 'throttled' } });

describe('what the dispatcher does after an attempt (pitfalls: no resend of a message in doubt, always a backoff)', () => {
  it('submits when every part was accepted', () => {
    expect(nextStep({ kind: 'accepted' }, 0, now)).toEqual({ kind: 'submitted' });
  });

  it('backs off after a throttling answer, doubling each time up to the cap (Jasmin #1036)', () => {
    expect(nextStep(refused('throttled'), 0, now)).toMatchObject({ kind: 'retry', dueAt: after(1_000), countsAsAttempt: true });
    expect(nextStep(refused('throttled'), 3, now)).toMatchObject({ kind: 'retry', dueAt: after(8_000) });
    expect(nextStep(refused('transient'), 8, now, { ...defaultRetryPolicy, maxAttempts: 20 })).toMatchObject({ dueAt: after(defaultRetryPolicy.maxDelayMs) });
  });

  it('gives up after the last attempt, with the SMSC’s reason', () => {
    expect(nextStep(refused('transient'), defaultRetryPolicy.maxAttempts - 1, now)).toEqual({
      kind: 'failed',
      code: '0x00000058',
      reason: `gave up after ${defaultRetryPolicy.maxAttempts} attempts: throttled (0x00000058)`,
    });
  });

  it('fails at once on a permanent refusal', () => {
    expect(nextStep(refused('permanent'), 0, now)).toMatchObject({ kind: 'failed', code: '0x00000058' });
  });

  it('never turns a time-out into a retry: it is in doubt (the Kannel UCP duplicate complaint)', () => {
    expect(nextStep({ kind: 'in-doubt', reason: 'no response within 10000 ms' }, 0, now)).toEqual({ kind: 'in-doubt', reason: 'no response within 10000 ms' });
  });

  it('sends again a part that never left, without counting an attempt', () => {
    expect(nextStep({ kind: 'not-sent', reason: 'link down' }, 9, now)).toMatchObject({ kind: 'retry', countsAsAttempt: false, dueAt: after(defaultRetryPolicy.notSentDelayMs) });
  });
});
