/**
 * Reads kept for a second: the doors read an account (by API key, by id) on every request, and a change made by the
 * aggregator — a setting, a short code taken away, a key revoked — must reach every process within a second.
 * Concurrent reads of one key share one query.
 */
export class RecentlyRead<V> {
  private readonly entries = new Map<string, { value: Promise<V>; until: number }>();

  constructor(
    private readonly read: (key: string) => Promise<V>,
    private readonly lifeMs = 1_000,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): Promise<V> {
    const now = performance.now();
    const entry = this.entries.get(key);
    if (entry && entry.until > now) return entry.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = this.read(key);
    this.entries.set(key, { value, until: now + this.lifeMs });
    // A failed read is not kept.
    value.catch(() => this.entries.delete(key));
    return value;
  }
}
