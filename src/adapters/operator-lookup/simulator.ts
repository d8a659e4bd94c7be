/**
 * The operator-lookup simulator (docs/operators.md, "Qualification"), like the SMSC simulators: answers from the
 * number alone, the same answer every time. The operator is the numbering directory's (ported, else the range's)
 * when one is given and knows the number, else one of the four French mobile operators picked from the number's
 * digits. Numbers listed as terminated or unknown are answered so; every other number is valid. A latency may be
 * added to each call, to see a slow provider at work.
 */
import type { OperatorOf } from '../../core/numbering/index.ts';
import type { LineState, LookupAnswer, OperatorLookup } from '../../app/qualification.ts';

export interface LookupSimulatorOptions {
  /** E.164 numbers answered `terminated`. */
  terminated?: readonly string[];
  /** E.164 numbers answered `unknown`. */
  unknown?: readonly string[];
  /** Milliseconds each call takes. */
  latencyMs?: number;
  /** Who serves a number (the numbering directory); its answer wins over the digits' pick. */
  operatorOf?: ((e164: string) => ReturnType<OperatorOf> | undefined) | undefined;
}

/** The operators a number the directory does not know is given to, by the sum of its digits. */
export const SIMULATED_OPERATORS = ['ORAN', 'SFR0', 'BOUY', 'FRTE'] as const;

export class OperatorLookupSimulator implements OperatorLookup {
  readonly #terminated: Set<string>;
  readonly #unknown: Set<string>;
  /** Numbers asked about so far (tests read it: a cached number is not asked again). */
  asked = 0;

  constructor(private readonly options: LookupSimulatorOptions = {}) {
    this.#terminated = new Set(options.terminated ?? []);
    this.#unknown = new Set(options.unknown ?? []);
  }

  /** Marks numbers terminated from now on (a line closed since the last lookup). */
  terminate(...msisdns: string[]): void {
    for (const msisdn of msisdns) this.#terminated.add(msisdn);
  }

  async lookUp(msisdns: readonly string[]): Promise<LookupAnswer[]> {
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    this.asked += msisdns.length;
    return msisdns.map((msisdn) => this.answer(msisdn));
  }

  answer(msisdn: string): LookupAnswer {
    const state: LineState = this.#terminated.has(msisdn) ? 'terminated' : this.#unknown.has(msisdn) ? 'unknown' : 'valid';
    if (state === 'unknown') return { operator: null, state };
    const known = this.options.operatorOf?.(msisdn)?.operator;
    const digits = msisdn.replace(/\D/g, '');
    let sum = 0;
    for (const digit of digits) sum += digit.charCodeAt(0) - 48;
    return { operator: known ?? SIMULATED_OPERATORS[sum % SIMULATED_OPERATORS.length]!, state };
  }
}
