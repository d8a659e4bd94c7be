/**
 * Ported numbers in memory (docs/operators.md, "In memory"): tens of millions of numbers that left their range's
 * holder, each with the operator that serves it now. Every such number is a French-plan MSISDN — a calling code
 * (33, 262, 590, 594, 596) and a 9-digit national significant number — so it is kept as that 9-digit number in a
 * Uint32Array (4 bytes), sorted, with the operator's index beside it (1 byte, 2 past 256 operators), and each
 * calling code's numbers side by side: 20,000,000 ports take 100 MB. A binary search over 20 million numbers
 * would wait on memory at each of its 25 steps; a first-level table per calling code (where the numbers of each
 * slice of the span start, about 8 numbers a slice: 6 MB for 20 million) narrows it to a cache line or two first,
 * so a lookup touches a handful of cache lines.
 */
import { CALLING_CODE_REGIONS } from '../numbers/french-plan.ts';
import { numberKey } from './keys.ts';

const NATIONAL_SPAN = 1_000_000_000;
/** About this many numbers share a slot of the first-level table. */
const PER_SLOT = 8;

/** A calling code's first-level table: slot i holds the numbers from `base + i << shift` on. */
interface Slots {
  base: number;
  shift: number;
  /** Where each slot's numbers start in `nationals`; one more entry: the end of the last slot. */
  starts: Uint32Array;
}
const CALLING_CODES = Object.keys(CALLING_CODE_REGIONS).map(Number);

/** The calling code of a ported number's key (`33612345678` → 33), or −1 when it is not a French-plan MSISDN. */
export function portCallingCode(key: number): number {
  if (!Number.isSafeInteger(key)) return -1;
  const code = Math.floor(key / NATIONAL_SPAN);
  return CALLING_CODES.includes(code) ? code : -1;
}

export class PortabilityMap {
  private constructor(
    /** The operator codes the numbers point into. */
    readonly operators: readonly string[],
    private readonly nationals: Uint32Array,
    private readonly holders: Uint8Array | Uint16Array,
    /** Per calling code (the index), its first-level table: where the numbers of each slot start (slot + 1: end). */
    private readonly slots: readonly (Slots | undefined)[],
  ) {}

  static readonly empty: PortabilityMap = PortabilityMap.assemble([], new Uint32Array(0), new Uint8Array(0), new Map());

  /** How many ported numbers. */
  get size(): number {
    return this.nationals.length;
  }

  /** Bytes held by the typed arrays. */
  get bytes(): number {
    return this.nationals.byteLength + this.holders.byteLength + this.slots.reduce((sum, table) => sum + (table?.starts.byteLength ?? 0), 0);
  }

  /** The index in `operators` of the operator a number (by key) was ported to, or −1 when it was not ported. */
  holderOfKey(key: number): number {
    const code = key >= 1e14 ? -1 : Math.floor(key / NATIONAL_SPAN);
    if (code < 0 || code >= 1000) return -1;
    const slots = this.slots[code];
    if (slots === undefined) return -1;
    const offset = key - code * NATIONAL_SPAN - slots.base;
    if (offset < 0) return -1;
    const slot = offset >>> slots.shift;
    if (slot >= slots.starts.length - 1) return -1;
    const national = key - code * NATIONAL_SPAN;
    let low = slots.starts[slot]!;
    let high = slots.starts[slot + 1]! - 1;
    const nationals = this.nationals;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = nationals[middle]!;
      if (value === national) return this.holders[middle]!;
      if (value < national) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** The code of the operator an E.164 number was ported to, or undefined. */
  portOf(e164: string): string | undefined {
    const holder = this.holderOfKey(numberKey(e164));
    return holder < 0 ? undefined : this.operators[holder];
  }

  /** A map from entries in any order (tests, benchmarks); the last entry of a number wins. */
  static from(entries: Iterable<readonly [e164: string, operator: string]>): PortabilityMap {
    const operators: string[] = [];
    const indexOf = new Map<string, number>();
    const rows: [number, number][] = [];
    for (const [e164, operator] of entries) {
      let holder = indexOf.get(operator);
      if (holder === undefined) (holder = operators.push(operator) - 1), indexOf.set(operator, holder);
      rows.push([numberKey(e164), holder]);
    }
    const order = rows.map((_, i) => i).sort((a, b) => rows[a]![0] - rows[b]![0] || a - b);
    const builder = new PortabilityBuilder(operators, rows.length);
    for (const i of order) builder.add(rows[i]![0], rows[i]![1]);
    return builder.finish();
  }

  /** @internal built by PortabilityBuilder */
  static assemble(operators: readonly string[], nationals: Uint32Array, holders: Uint8Array | Uint16Array, spans: Map<number, [number, number]>): PortabilityMap {
    const slots: (Slots | undefined)[] = new Array(1000).fill(undefined);
    for (const [code, [from, to]] of spans) {
      const base = nationals[from]!;
      const width = nationals[to - 1]! - base + 1;
      const shift = Math.max(0, Math.ceil(Math.log2((width * PER_SLOT) / (to - from))));
      const count = (width - 1) >>> shift;
      const starts = new Uint32Array(count + 2);
      let at = from;
      for (let slot = 0; slot <= count + 1; slot++) {
        while (at < to && (nationals[at]! - base) >>> shift < slot) at++;
        starts[slot] = at;
      }
      slots[code] = { base, shift, starts };
    }
    return new PortabilityMap(operators, nationals, holders, slots);
  }
}

/**
 * Fills a PortabilityMap from numbers in ascending order of their keys (as `ORDER BY msisdn` gives them), without
 * holding anything but the typed arrays: give it the expected count and nothing is copied at the end.
 */
export class PortabilityBuilder {
  private nationals: Uint32Array;
  private holders: Uint8Array | Uint16Array;
  private length = 0;
  private lastKey = -1;
  private readonly spans = new Map<number, [number, number]>();
  private currentCode = -1;
  private readonly operators: string[];
  private readonly indexes: Map<string, number>;

  constructor(operators: readonly string[], expected: number) {
    const capacity = Math.max(16, expected);
    this.operators = [...operators];
    this.indexes = new Map(this.operators.map((code, i) => [code, i]));
    this.nationals = new Uint32Array(capacity);
    this.holders = this.operators.length > 256 ? new Uint16Array(capacity) : new Uint8Array(capacity);
  }

  /** The index of an operator's code, added when first met (past 256 operators, indexes take 2 bytes). */
  holderOf(code: string): number {
    let index = this.indexes.get(code);
    if (index === undefined) {
      index = this.operators.push(code) - 1;
      this.indexes.set(code, index);
      if (index === 256 && this.holders instanceof Uint8Array) this.holders = Uint16Array.from(this.holders);
    }
    return index;
  }

  /** Adds a number (by key, ascending) ported to `operators[holder]`; a repeated number replaces the previous one. */
  add(key: number, holder: number): void {
    if (key < this.lastKey) throw new RangeError('ported numbers must come in ascending order');
    const code = portCallingCode(key);
    if (code < 0) throw new RangeError(`${key} is not a number of the French plan`);
    if (key === this.lastKey) {
      this.holders[this.length - 1] = holder;
      return;
    }
    if (this.length === this.nationals.length) this.grow();
    if (code !== this.currentCode) {
      this.spans.set(code, [this.length, this.length]);
      this.currentCode = code;
    }
    this.nationals[this.length] = key - code * NATIONAL_SPAN;
    this.holders[this.length] = holder;
    this.length++;
    this.spans.get(code)![1] = this.length;
    this.lastKey = key;
  }

  finish(): PortabilityMap {
    const fits = this.length === this.nationals.length;
    return PortabilityMap.assemble(
      this.operators,
      fits ? this.nationals : this.nationals.slice(0, this.length),
      fits ? this.holders : this.holders.slice(0, this.length),
      this.spans,
    );
  }

  private grow(): void {
    const nationals = new Uint32Array(this.nationals.length * 2);
    nationals.set(this.nationals);
    const holders = this.holders instanceof Uint16Array ? new Uint16Array(nationals.length) : new Uint8Array(nationals.length);
    holders.set(this.holders);
    this.nationals = nationals;
    this.holders = holders;
  }
}
