/**
 * Per-short-code throttle: a sliding-window log. It remembers the times of the last `rate` submits; one more
 * may go when the oldest of them left at least `windowMs` ago. So no window of `windowMs` ever holds more
 * than `rate` submits — not only the windows aligned on whole seconds, where a fixed-window counter
 * would allow 2 × rate across a boundary. Pure: the caller gives the (monotonic) time in milliseconds.
 */
export class SlidingWindowThrottle {
  private readonly sent: number[];
  private head = 0;
  private count = 0;

  /**
   * @param rate submits allowed per window; 0 pauses the short code (nothing is allowed, nothing crashes)
   * @param windowMs 1,000 for "per second", plus a small margin so that jitter between our clock and the
   *   SMSC's never makes it see one submit too many in its own second
   */
  constructor(
    readonly rate: number,
    readonly windowMs = 1_000,
  ) {
    this.sent = new Array<number>(Math.max(rate, 0)).fill(0);
  }

  /** How many submits may go now. */
  available(now: number): number {
    if (this.rate <= 0) return 0;
    let free = this.rate - this.count;
    // Entries are in time order from `head`; every entry out of the window frees a slot.
    for (let i = 0; i < this.count; i++) {
      if (this.sent[(this.head + i) % this.rate]! > now - this.windowMs) break;
      free++;
    }
    return free;
  }

  /** Milliseconds until one more submit may go (0 when one may go now; Infinity when paused). */
  delay(now: number): number {
    if (this.rate <= 0) return Infinity;
    if (this.count < this.rate) return 0;
    return Math.max(0, this.sent[this.head]! + this.windowMs - now);
  }

  /** Records one submit at `now`; the caller checked `delay(now) === 0`. */
  record(now: number): void {
    if (this.rate <= 0) throw new Error('short code paused (rate 0): nothing may be sent');
    if (this.count < this.rate) {
      this.sent[(this.head + this.count) % this.rate] = now;
      this.count++;
    } else {
      this.sent[this.head] = now;
      this.head = (this.head + 1) % this.rate;
    }
  }
}

/**
 * Shapes traffic: tokens refill at `rate` per `windowMs` up to `capacity`; each submit takes one. Unlike the
 * sliding window it does not lose the time a timer fires late (tokens accumulate), so the long-run rate is
 * the configured one; it guarantees nothing per second on its own.
 */
export class TokenBucket {
  private tokens: number;
  private last = -Infinity;

  constructor(
    private readonly perMs: number,
    readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  private refill(now: number): number {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
    }
    return this.tokens;
  }

  available(now: number): number {
    return Math.floor(this.refill(now));
  }

  delay(now: number): number {
    const tokens = this.refill(now);
    return tokens >= 1 ? 0 : (1 - tokens) / this.perMs;
  }

  record(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }
}

/**
 * The throttle of a short code allowed `rate` submits per `windowMs`: the sliding window is the guarantee
 * (never more than the rate in any window), a token bucket spreads the submits over the second in bursts of
 * at most `smoothingMs` worth — so an SMSC counting arrivals with its own clock and its own processing delays
 * never sees a whole second's allowance straddle two of its seconds.
 */
export class ShortCodeThrottle {
  private readonly limit: SlidingWindowThrottle;
  private readonly shape: TokenBucket;
  /** Time for the bucket to refill a burst: how far ahead the dispatcher claims. */
  readonly sliceMs: number;

  constructor(rate: number, windowMs: number, smoothingMs = 20) {
    // At least 2, so that a timer firing late does not lose the time it was late by.
    const burst = Math.max(2, Math.round((rate * smoothingMs) / windowMs));
    this.limit = new SlidingWindowThrottle(rate, windowMs);
    this.shape = new TokenBucket(rate / windowMs, burst);
    this.sliceMs = rate > 0 ? (burst * windowMs) / rate : windowMs;
  }

  available(now: number): number {
    return Math.min(this.limit.available(now), this.shape.available(now));
  }

  delay(now: number): number {
    return Math.max(this.limit.delay(now), this.shape.delay(now));
  }

  record(now: number): void {
    this.limit.record(now);
    this.shape.record(now);
  }
}
