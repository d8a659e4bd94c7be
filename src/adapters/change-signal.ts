/**
 * Wakes whoever waits for "something changed" (a link's window or state): `next` resolves at the next
 * `notify` or after a time limit, `until` waits for a condition re-checked at each change. Shared by the
 * SMPP and UCP links.
 */
export class ChangeSignal {
  private readonly waiters = new Set<() => void>();

  /** Resolves at the next change, or after `maxWaitMs`. */
  next(maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, maxWaitMs);
      this.waiters.add(wake);
    });
  }

  notify(): void {
    if (this.waiters.size === 0) return;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves once `condition` holds (checked at each change), or after `maxWaitMs`. */
  async until(condition: () => boolean, maxWaitMs: number): Promise<void> {
    const deadline = performance.now() + maxWaitMs;
    while (!condition() && performance.now() < deadline) await this.next(deadline - performance.now());
  }
}
