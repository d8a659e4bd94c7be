/**
 * Counts events in a sliding window (the last `windowMs` milliseconds, the window (now − windowMs, now]) and
 * remembers the highest count any window held. Memory is bounded by the events inside one window.
 */
export class SlidingCount {
  private times: number[] = [];
  private head = 0;
  peak = 0;

  constructor(private readonly windowMs = 1_000) {}

  /** Events in the window ending at `now`. */
  count(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** Records one event at `now` (times never go backwards). */
  add(now: number): void {
    this.times.push(now);
    const inWindow = this.count(now);
    if (inWindow > this.peak) this.peak = inWindow;
  }
}
