/**
 * The numbering plan: which operator holds each range of numbers (the regulator's allocations, docs/operators.md).
 * Ranges nest (a block of 06 12 given to one operator inside a wider one): the narrowest range that holds a number
 * decides, as a longest-prefix match does. The plan is flattened once into disjoint segments — a sorted
 * Float64Array of where each segment starts and the operator that holds it — so a lookup is one binary search over
 * 15-digit keys, with nothing allocated.
 */
import { digitsOf, lastAtMost, numberKey, widened, widenedEnd } from './keys.ts';

export interface NumberRange {
  /** First number of the range, E.164 digits without `+` (`33612000000`). */
  first: string;
  /** Last number of the range, as many digits as `first`. */
  last: string;
  /** The operator's code (Arcep's "mnémo", e.g. `OF` for Orange France). */
  operator: string;
}

export interface PlanProblem {
  range: NumberRange;
  reason: string;
}

/** No operator holds the segment (a gap between ranges). */
const NONE = -1;

export class NumberingPlan {
  private constructor(
    /** The operator codes; segments and ports point into it. */
    readonly operators: readonly string[],
    private readonly starts: Float64Array,
    private readonly holders: Int32Array,
    /** How many ranges the plan was built from. */
    readonly ranges: number,
  ) {}

  static readonly empty = new NumberingPlan([], new Float64Array(0), new Int32Array(0), 0);

  /**
   * Builds the plan. Nested ranges are fine (the narrowest wins); two ranges that overlap without one holding the
   * other cannot both be right: the later one (by first number) is left out and reported.
   */
  static build(ranges: readonly NumberRange[], operators: readonly string[] = []): { plan: NumberingPlan; problems: PlanProblem[] } {
    const codes = [...operators];
    const indexOf = new Map(codes.map((code, i) => [code, i]));
    const problems: PlanProblem[] = [];
    const intervals: { start: number; end: number; holder: number; range: NumberRange }[] = [];
    for (const range of ranges) {
      const first = numberKey(range.first);
      const last = numberKey(range.last);
      if (Number.isNaN(first) || Number.isNaN(last) || range.first.length !== range.last.length || first > last) {
        problems.push({ range, reason: 'the first and last numbers must be E.164 digits of the same length, the first not after the last' });
        continue;
      }
      let holder = indexOf.get(range.operator);
      if (holder === undefined) {
        holder = codes.push(range.operator) - 1;
        indexOf.set(range.operator, holder);
      }
      const digits = range.first.length;
      intervals.push({ start: widened(first, digits), end: widenedEnd(last, digits), holder, range });
    }
    // Wider first when two start together: the narrower one is then inside it.
    intervals.sort((a, b) => a.start - b.start || b.end - a.end);

    const starts: number[] = [];
    const holders: number[] = [];
    const emit = (start: number, holder: number) => {
      if (holders.length > 0 && holders[holders.length - 1] === holder) return;
      if (starts.length > 0 && starts[starts.length - 1] === start) {
        holders[holders.length - 1] = holder;
        if (holders.length > 1 && holders[holders.length - 2] === holder) (starts.pop(), holders.pop());
        return;
      }
      starts.push(start);
      holders.push(holder);
    };
    let accepted = 0;
    const open: (typeof intervals)[number][] = [];
    const closeUntil = (position: number) => {
      while (open.length > 0 && open[open.length - 1]!.end < position) {
        const closed = open.pop()!;
        emit(closed.end + 1, open.length > 0 ? open[open.length - 1]!.holder : NONE);
      }
    };
    for (const interval of intervals) {
      closeUntil(interval.start);
      const enclosing = open[open.length - 1];
      if (enclosing && interval.end > enclosing.end) {
        problems.push({ range: interval.range, reason: `overlaps ${enclosing.range.first}–${enclosing.range.last} (${enclosing.range.operator}) without being inside it` });
        continue;
      }
      if (enclosing && interval.start === enclosing.start && interval.end === enclosing.end) {
        problems.push({ range: interval.range, reason: `the same range as ${enclosing.range.first}–${enclosing.range.last} (${enclosing.range.operator})` });
        continue;
      }
      emit(interval.start, interval.holder);
      open.push(interval);
      accepted++;
    }
    closeUntil(Infinity);
    return { plan: new NumberingPlan(codes, Float64Array.from(starts), Int32Array.from(holders), accepted), problems };
  }

  /** The index in `operators` of who holds the number with this key and digit count, or −1. */
  holderOfKey(key: number, digits: number): number {
    const at = lastAtMost(this.starts, this.starts.length, widened(key, digits));
    return at < 0 ? NONE : this.holders[at]!;
  }

  /** The code of the operator holding an E.164 number's range, or undefined. */
  holderOf(e164: string): string | undefined {
    const key = numberKey(e164);
    if (Number.isNaN(key)) return undefined;
    const holder = this.holderOfKey(key, digitsOf(key));
    return holder === NONE ? undefined : this.operators[holder];
  }

  /** Segments in memory, for the benchmark's figures. */
  get segments(): number {
    return this.starts.length;
  }
}
