/**
 * The operator that serves a number now (docs/operators.md): the one it was ported to if any, else the holder of
 * its range in the numbering plan, else unknown. Answers are built once per operator, so a lookup allocates
 * nothing: two binary searches over typed arrays.
 */
import { digitsOf, numberKey } from './keys.ts';
import { NumberingPlan } from './numbering-plan.ts';
import { PortabilityMap } from './portability.ts';

export type OperatorSource = 'ported' | 'range' | 'unknown';

export interface OperatorAnswer {
  /** The operator's code (Arcep's mnémo, e.g. `OF`), undefined when unknown. */
  readonly operator: string | undefined;
  /** Its name when the plan's file gave one. */
  readonly name: string | undefined;
  readonly source: OperatorSource;
}

/** The port routing uses: number (E.164) → who serves it. Synchronous: it reads memory only. */
export type OperatorOf = (e164: string) => OperatorAnswer;

export const UNKNOWN_OPERATOR: OperatorAnswer = Object.freeze({ operator: undefined, name: undefined, source: 'unknown' });

export class OperatorDirectory {
  private readonly rangeAnswers: readonly OperatorAnswer[];
  private readonly portAnswers: readonly OperatorAnswer[];

  constructor(
    readonly plan: NumberingPlan = NumberingPlan.empty,
    readonly ports: PortabilityMap = PortabilityMap.empty,
    /** Operator names by code. */
    readonly names: ReadonlyMap<string, string> = new Map(),
  ) {
    const answer = (source: OperatorSource) => (operator: string) => Object.freeze({ operator, name: names.get(operator), source });
    this.rangeAnswers = plan.operators.map(answer('range'));
    this.portAnswers = ports.operators.map(answer('ported'));
  }

  static readonly empty = new OperatorDirectory();

  /** Who serves an E.164 number (`+33612345678`, or its digits). */
  operatorOf(e164: string): OperatorAnswer {
    const key = numberKey(e164);
    if (Number.isNaN(key)) return UNKNOWN_OPERATOR;
    const ported = this.ports.holderOfKey(key);
    if (ported >= 0) return this.portAnswers[ported]!;
    // numberKey took every character after the + as a digit.
    const holder = this.plan.holderOfKey(key, e164.charCodeAt(0) === 43 ? e164.length - 1 : e164.length);
    return holder >= 0 ? this.rangeAnswers[holder]! : UNKNOWN_OPERATOR;
  }

  /** The range's holder alone, whatever the ports say (what a port returned to its holder goes back to). */
  rangeHolderOf(e164: string): OperatorAnswer {
    const key = numberKey(e164);
    const holder = Number.isNaN(key) ? -1 : this.plan.holderOfKey(key, digitsOf(key));
    return holder >= 0 ? this.rangeAnswers[holder]! : UNKNOWN_OPERATOR;
  }
}
