/**
 * Band arithmetic: which price applies to which units, the rounding of a line, and the cliffs of `volume` tiers.
 */
import { RatingError } from './errors.ts';
import type { Band, Tiers } from './types.ts';

export const BASIS_POINTS = 10_000;

/** Units priced alike: one invoice line before its amount is computed. */
export interface Slice {
  readonly quantity: number;
  readonly unitPrice: number;
  readonly discountBasisPoints: number;
  readonly tier?: { readonly from: number; readonly to: number | null };
}

/**
 * quantity × unitPrice × (1 − discount), rounded half up to the micro-euro — once, on the whole line. Computed in
 * integers (BigInt), so no float ever enters an amount.
 */
export function lineAmount({ quantity, unitPrice, discountBasisPoints }: Slice): number {
  const tenThousandths = BigInt(quantity) * BigInt(unitPrice) * BigInt(BASIS_POINTS - discountBasisPoints);
  const rounded = (tenThousandths * 2n + BigInt(BASIS_POINTS)) / BigInt(2 * BASIS_POINTS);
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RatingError('amount-too-large', `${quantity} × ${unitPrice} µ€ is beyond the largest exact amount`);
  }
  return Number(rounded);
}

function bandTerms(basePrice: number, band: Band): Pick<Slice, 'unitPrice' | 'discountBasisPoints'> {
  return 'unitPrice' in band ? { unitPrice: band.unitPrice, discountBasisPoints: 0 } : { unitPrice: basePrice, discountBasisPoints: band.discountBasisPoints };
}

function bandRanges(tiers: Tiers): { band: Band; from: number; to: number | null }[] {
  return tiers.bands.map((band, index) => ({ band, from: band.from, to: index + 1 < tiers.bands.length ? tiers.bands[index + 1]!.from - 1 : null }));
}

/**
 * Prices units `first`..`last` of the month (1-based, inclusive; none when last < first). Without tiers all go at
 * the base price. `volume`: all of them at the band that unit `last` reaches. `graduated`: each band's share at that
 * band's price.
 */
export function priceUnits(basePrice: number, tiers: Tiers | undefined, first: number, last: number): Slice[] {
  if (last < first) return [];
  if (!tiers) return [{ quantity: last - first + 1, unitPrice: basePrice, discountBasisPoints: 0 }];
  const ranges = bandRanges(tiers);
  if (tiers.semantics === 'volume') {
    const { band, from, to } = ranges.findLast((range) => range.from <= last)!;
    return [{ quantity: last - first + 1, ...bandTerms(basePrice, band), tier: { from, to } }];
  }
  return ranges.flatMap(({ band, from, to }) => {
    const quantity = Math.min(last, to ?? last) - Math.max(first, from) + 1;
    return quantity > 0 ? [{ quantity, ...bandTerms(basePrice, band), tier: { from, to } }] : [];
  });
}

/** The amount of the month's first `quantity` units. */
export function amountOf(basePrice: number, tiers: Tiers | undefined, quantity: number): number {
  return priceUnits(basePrice, tiers, 1, quantity).reduce((sum, slice) => sum + lineAmount(slice), 0);
}

/** Where reaching a `volume` band lowers the month's total: `at` units cost less than `at − 1`. */
export interface Cliff {
  /** First quantity of the cheaper band (e.g. 2,001). */
  readonly at: number;
  readonly amountAt: number;
  readonly amountBefore: number;
  /** Smallest quantity that costs more than `at` units: from here to `at − 1`, sending more would cost less. */
  readonly costlierFrom: number;
}

export function cliffsOf(basePrice: number, tiers: Tiers | undefined): Cliff[] {
  if (tiers?.semantics !== 'volume') return [];
  const cost = (quantity: number) => amountOf(basePrice, tiers, quantity);
  return tiers.bands.slice(1).flatMap((band, index): Cliff[] => {
    const at = band.from;
    const amountAt = cost(at);
    const amountBefore = cost(at - 1);
    if (amountAt >= amountBefore) return [];
    // Within the previous band the cost grows with the quantity: search the first one above amountAt.
    let low = tiers.bands[index]!.from;
    let high = at - 1;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (cost(middle) > amountAt) high = middle;
      else low = middle + 1;
    }
    return [{ at, amountAt, amountBefore, costlierFrom: low }];
  });
}
