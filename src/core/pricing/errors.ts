/**
 * Typed errors of core/pricing. A grid or a usage that cannot be rated is a configuration problem: the message says
 * what to fix.
 */
export class PricingError extends Error {
  override readonly name: string = 'PricingError';
}

/** One thing wrong with a grid: where (a path such as `charges[2].tiers.bands[1].from`) and why. */
export interface GridProblem {
  readonly path: string;
  readonly message: string;
}

/** A tariff grid's data is not usable; `problems` lists every fault found. */
export class InvalidGridError extends PricingError {
  override readonly name = 'InvalidGridError';
  constructor(
    readonly grid: string,
    readonly problems: readonly GridProblem[],
  ) {
    super(`grid ${grid} is not valid: ${problems.map(({ path, message }) => `${path || 'grid'} ${message}`).join('; ')}`);
  }
}

export type RatingProblem = 'invalid-usage' | 'not-in-force' | 'unpriced-throughput' | 'no-sms-price' | 'amount-too-large';

/** The month cannot be rated with these grids and this usage. */
export class RatingError extends PricingError {
  override readonly name = 'RatingError';
  constructor(
    readonly problem: RatingProblem,
    message: string,
  ) {
    super(message);
  }
}
