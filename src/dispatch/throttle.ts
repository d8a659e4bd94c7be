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
