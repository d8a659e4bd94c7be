/** Small builders shared by the pricing tests. Amounts in the tests are micro-euros: 1 € = 1_000_000. */
import {
  overrideCharges,
  RatingError,
  type Charge,
  type Invoice,
  type RatingProblem,
  type ShortCodeHeld,
  type TariffGrid,
  type TierSemantics,
  type Tiers,
} from '../../../src/core/pricing/index.ts';

export const EURO = 1_000_000;

/** A one-charge grid, for rules tested on their own. */
export function gridOf(...charges: Charge[]): TariffGrid {
  return { id: 'test-grid', version: '1', name: 'Test grid', source: 'test', effectiveFrom: null, charges };
}

/** The grid with one charge's tiers read the other way (graduated / volume), as an aggregator would configure it. */
export function withSemantics(grid: TariffGrid, rule: string, semantics: TierSemantics): TariffGrid {
  const charge = grid.charges.find((candidate) => candidate.rule === rule);
  const tiers = charge && 'tiers' in charge ? (charge.tiers as Tiers) : undefined;
  if (!tiers) throw new Error(`${rule} has no tiers`);
  return overrideCharges(grid, `${grid.version}-${semantics}`, { [rule]: { tiers: { ...tiers, semantics } } });
}

/** `count` short codes of a range (`36000`, `36001`, …), each with the given extras. */
export function shortCodes(count: number, range = '36', extra: Omit<ShortCodeHeld, 'shortCode'> = {}): ShortCodeHeld[] {
  return Array.from({ length: count }, (_, index) => ({ shortCode: `${range}${String(index).padStart(3, '0')}`, ...extra }));
}

/** What an accountant checks on each line. */
export function summary(invoice: Invoice): { rule: string; quantity: number; unitPrice: number; discountBasisPoints: number; amount: number }[] {
  return invoice.lines.map(({ rule, quantity, unitPrice, discountBasisPoints, amount }) => ({ rule, quantity, unitPrice, discountBasisPoints, amount }));
}

/** The problem of the RatingError `run` throws; undefined when it does not throw. */
export function ratingProblem(run: () => unknown): RatingProblem | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof RatingError) return error.problem;
    throw error;
  }
}
