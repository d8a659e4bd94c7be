/** UCP numbers the operations of each direction 00–99: at most 100 can wait for their result at once. */
export const TRN_COUNT = 100;

/**
 * The transaction reference numbers one side of a session has in use. Numbers are handed out in turn (00, 01,
 * … 99, 00 …), skipping those still in use, so a number comes back as late as possible.
 */
export class TrnPool {
  private next = 0;
  private readonly used = new Set<number>();

  get free(): number {
    return TRN_COUNT - this.used.size;
  }

  /** The next free number, now in use; undefined when all 100 are. */
  take(): number | undefined {
    if (this.used.size >= TRN_COUNT) return undefined;
    while (this.used.has(this.next)) this.next = (this.next + 1) % TRN_COUNT;
    const trn = this.next;
    this.used.add(trn);
    this.next = (trn + 1) % TRN_COUNT;
    return trn;
  }

  release(trn: number): void {
    this.used.delete(trn);
  }

  /** A new session: every number free, counting from 00 again. */
  reset(): void {
    this.used.clear();
    this.next = 0;
  }
}
