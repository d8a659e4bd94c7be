import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShortCodeThrottle, SlidingWindowThrottle } from '../../src/dispatch/throttle.ts';

/** Sends greedily at the given instants whenever the throttle allows; returns the instants actually sent. */
function drive(throttle: Pick<SlidingWindowThrottle, 'delay' | 'record'>, instants: number[]): number[] {
  const sent: number[] = [];
  for (const now of instants) {
    if (throttle.delay(now) === 0) {
      throttle.record(now);
      sent.push(now);
    }
  }
  return sent;
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

describe('sliding-window throttle per short code (docs/domain.md rule 9: the limit holds in every second)', () => {
  it('lets a burst of `rate` go at once, then exactly one more each time the oldest leaves the window', () => {
    const throttle = new SlidingWindowThrottle(10);
    expect(throttle.available(0)).toBe(10);
    for (let i = 0; i < 10; i++) throttle.record(i);
    expect(throttle.available(500)).toBe(0);
    expect(throttle.delay(500)).toBe(500);
    expect(throttle.available(1000)).toBe(1);
    expect(throttle.available(1004)).toBe(5);
  });

  it('never holds more than `rate` submits in any sliding window, whatever the arrival pattern', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 2_000 }),
        (rate, raw) => {
          const instants = [...raw].sort((a, b) => a - b);
          const sent = drive(new SlidingWindowThrottle(rate), instants);
          expect(maxInAnyWindow(sent, 1_000)).toBeLessThanOrEqual(rate);
        },
      ),
    );
  });

  it('uses the whole rate under constant demand (a fixed-window counter would not be needed to reach it)', () => {
    const throttle = new SlidingWindowThrottle(150);
    const everyMs = Array.from({ length: 10_000 }, (_, i) => i);
    const sent = drive(throttle, everyMs.flatMap((t) => [t, t, t]));
    expect(sent.length).toBe(150 * 10);
  });

  it('pauses a short code whose rate is 0 instead of failing (Jasmin #648)', () => {
    const throttle = new SlidingWindowThrottle(0);
    expect(throttle.available(0)).toBe(0);
    expect(throttle.delay(0)).toBe(Infinity);
  });

  it('spreads a short code’s rate over the second, keeps the long-run rate despite late timers, and never exceeds it in any sliding second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 0, max: 3 }), (rate, lateness) => {
        const throttle = new ShortCodeThrottle(rate, 1_005);
        // A sender polling every 1 to 4 ms, as late timers do.
        const instants = Array.from({ length: 10_000 }, (_, t) => t).filter((t) => t % (1 + lateness) === 0);
        const sent = drive(throttle, instants.flatMap((t) => Array.from({ length: 50 }, () => t)));
        expect(maxInAnyWindow(sent, 1_000)).toBeLessThanOrEqual(rate);
        const perSecond = (sent.filter((t) => t >= 1_000).length / 9);
        if (rate <= 250 / (1 + lateness)) expect(perSecond).toBeGreaterThanOrEqual(rate * 0.98);
      }),
      { numRuns: 50 },
    );
    // Not in one burst: at 1,000/s, 20 at a time; at 10/s, two at a time.
    expect(new ShortCodeThrottle(1_000, 1_000).available(0)).toBe(20);
    expect(new ShortCodeThrottle(10, 1_000).available(0)).toBe(2);
  });
});

/**
 * What an SMSC sees (docs/benchmarks.md, "The throttle's guarantee"): it counts arrivals with its own clock, each
 * submit arriving some delay after Relais sent it. When those delays differ by no more than the margin, no sliding
 * second at the SMSC holds more than the rate; when they differ by J > margin (a stalled SMSC reading a burst),
 * at most what Relais may send in the extra J − margin ms more.
 */
describe('the throttle seen from the SMSC, with send-to-arrival jitter', () => {
  const margin = 20;
  const arrivals = (rate: number, jitterMs: number, seed: number) => {
    const throttle = new ShortCodeThrottle(rate, 1_000 + margin);
    const sent = drive(throttle, Array.from({ length: 6_000 }, (_, t) => t).flatMap((t) => [t, t, t, t, t, t, t, t]));
    let state = seed;
    const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    // Stalls: runs of submits delayed together to the end of the stall, as an SMSC that stops reading sees them.
    return sent.map((t) => t + 5 + Math.floor(random() * (jitterMs + 1))).sort((a, b) => a - b);
  };

  it('never shows more than the rate in any sliding second while the jitter stays within the margin', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 0, max: margin }), fc.integer({ min: 1, max: 1_000_000 }), (rate, jitter, seed) => {
        expect(maxInAnyWindow(arrivals(rate, jitter, seed), 1_000)).toBeLessThanOrEqual(rate);
      }),
      { numRuns: 100 },
    );
  });

  it('beyond the margin, exceeds the rate by at most what the extra jitter lets through, plus one burst', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: margin + 1, max: 200 }), fc.integer({ min: 1, max: 1_000_000 }), (rate, jitter, seed) => {
        const burst = Math.max(2, Math.round((rate * 20) / (1_000 + margin)));
        const bound = rate + Math.ceil((rate * (jitter - margin)) / 1_000) + burst;
        expect(maxInAnyWindow(arrivals(rate, jitter, seed), 1_000)).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 100 },
    );
  });
});
