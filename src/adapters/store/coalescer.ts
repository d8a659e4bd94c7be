/**
 * Gathers items submitted during the same moment into one flush: one transaction and one commit for many
 * callers (group commit at the application level). At most one flush runs at a time, so flushes apply in
 * submission order; items arriving during a flush form the next one. Each caller's promise settles when
 * the flush holding its item has committed (or failed). When a flush of several items fails, each item is
 * flushed again on its own, so one bad item cannot fail the others (the failed flush must have changed
 * nothing, as a rolled-back transaction does).
 */
export class Coalescer<T> {
  private pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly maxItems = 1_000,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) this.flushing = this.drain();
    });
  }

  /** Resolves when everything submitted so far has been flushed. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    // Let the current event-loop turn add its items before the first flush.
    await new Promise((r) => setImmediate(r));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxItems);
      try {
        await this.flush(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (error) {
        if (batch.length === 1) batch[0]!.reject(error);
        else for (const p of batch) await this.flush([p.item]).then(p.resolve, p.reject);
      }
    }
    this.flushing = undefined;
  }
}
